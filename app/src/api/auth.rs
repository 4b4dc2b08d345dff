//! Server functions for signing in and out and for one's own account:
//! password and TOTP second factor.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Me, TotpEnrollment};

/// Where to go after login: a path on this site, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") && !n.starts_with("/login") => {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Signs in with e-mail, password and (when enabled) a TOTP code; starts a
/// browser session. Returns where to go next. A plain form post (no WASM yet)
/// is redirected there.
#[server(prefix = "/api/fn", endpoint = "auth_login")]
pub async fn login(
    /// The account's e-mail.
    email: String,
    /// Its password.
    password: String,
    /// The 6-digit code, when the account has two-factor sign-in.
    #[server(default)]
    totp: Option<String>,
    /// Where to go afterwards (a path on this site).
    #[server(default)]
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::services::auth::{login, LoginKind};
    let state = super::state()?;
    let caller = super::caller();
    let success = login(&state, &caller, &email, &password, totp.as_deref(), LoginKind::Browser).await?;
    set_cookie(&state.security.session_cookie(&success.secret));
    let next = safe_next(next.as_deref());
    redirect_plain_form(&next);
    Ok(next)
}

/// Ends the browser session.
#[server(prefix = "/api/fn", endpoint = "auth_logout")]
pub async fn logout() -> Result<String, AppError> {
    let state = super::state()?;
    let caller = super::caller();
    crate::services::auth::logout(&state, &caller).await?;
    set_cookie(&state.security.clear_cookie());
    redirect_plain_form("/login");
    Ok("/login".into())
}

/// Who the caller is.
#[server(prefix = "/api/fn", endpoint = "auth_me")]
pub async fn who_am_i() -> Result<Me, AppError> {
    crate::services::auth::describe(&super::state()?, &super::caller()).await
}

/// Changes the caller's password; their other sessions end.
#[server(prefix = "/api/fn", endpoint = "account_change_password")]
pub async fn change_password(
    /// The password now.
    current_password: String,
    /// The new one.
    new_password: String,
) -> Result<(), AppError> {
    crate::services::accounts::change_password(&super::state()?, &super::caller(), &current_password, &new_password)
        .await
}

/// Starts two-factor enrolment: the secret and its QR code.
#[server(prefix = "/api/fn", endpoint = "account_totp_begin")]
pub async fn totp_begin() -> Result<TotpEnrollment, AppError> {
    crate::services::accounts::totp_begin(&super::state()?, &super::caller()).await
}

/// Turns two-factor sign-in on with a code from the app.
#[server(prefix = "/api/fn", endpoint = "account_totp_confirm")]
pub async fn totp_confirm(
    /// The app's current code.
    code: String,
) -> Result<(), AppError> {
    crate::services::accounts::totp_confirm(&super::state()?, &super::caller(), &code).await
}

/// Turns two-factor sign-in off with a current code.
#[server(prefix = "/api/fn", endpoint = "account_totp_disable")]
pub async fn totp_disable(
    /// The app's current code.
    code: String,
) -> Result<(), AppError> {
    crate::services::accounts::totp_disable(&super::state()?, &super::caller(), &code).await
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value))
    {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// A form posted without WASM expects a redirect; the WASM client navigates itself.
#[cfg(feature = "ssr")]
fn redirect_plain_form(to: &str) {
    if super::is_plain_form_post() {
        leptos_axum::redirect(to);
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/users?country=KR")), "/users?country=KR");
        for bad in ["https://evil.example", "//evil.example", "/\\evil.example", "users", "/login?next=/"] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
