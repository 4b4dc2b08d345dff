//! Server functions for signing in and out and for one's own account:
//! password and TOTP second factor.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Me, TotpEnrollment};

/// The longest `next` kept: a real page's path and filters fit with room to
/// spare; anything longer is not one of our links.
const NEXT_MAX_LEN: usize = 2048;

/// Where to go after login: a path on this site, never another site. Anything
/// else (or nothing) is `/`.
///
/// Only an absolute path (`/…`, not `//…`) is kept, and only when it is made of
/// visible ASCII without `\`, also once percent-decoded. That is what makes it
/// stay on our origin: a browser resolving the `Location` drops tabs and line
/// breaks anywhere (`/\t/evil.example` is `//evil.example`) and reads `\` as
/// `/`, so those are refused outright, and what remains of an absolute path
/// cannot name another host. Control characters also could not go into the
/// `Location` header at all. The percent-decoded check keeps the value safe for
/// any later code that decodes it (`/%0A…`, `/%5C…`, `/%2F%2F…`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) && !is_login_page(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// Whether `n` is an absolute path on this site (see [`safe_next`]).
fn is_local_path(n: &str) -> bool {
    let plain = |bytes: &[u8]| {
        bytes.first() == Some(&b'/')
            && bytes.get(1) != Some(&b'/')
            && !bytes.iter().any(|b| b.is_ascii_control() || *b == b'\\')
    };
    n.len() <= NEXT_MAX_LEN
        && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && plain(n.as_bytes())
        && plain(&percent_encoding::percent_decode_str(n).collect::<Vec<u8>>())
}

/// The login page itself would only ask again.
fn is_login_page(n: &str) -> bool {
    n == "/login" || n.starts_with("/login?") || n.starts_with("/login/") || n.starts_with("/login#")
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
    // Settled before anything happens: nothing about `next` can fail once the
    // session row is written.
    let next = safe_next(next.as_deref());
    let state = super::state()?;
    let caller = super::caller();
    let success = login(&state, &caller, &email, &password, totp.as_deref(), LoginKind::Browser).await?;
    set_cookie(&state.security.session_cookie(&success.secret));
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
    super::mark_secret_response();
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
        assert_eq!(safe_next(Some("/users?q=%EA%B9%80&page=2#top")), "/users?q=%EA%B9%80&page=2#top");
        for bad in ["https://evil.example", "//evil.example", "/\\evil.example", "users", "/login?next=/", "/login"] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("")), "/");
    }

    #[test]
    fn control_characters_and_backslashes_never_survive() {
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{85}/evil.example",
            "/users\\..\\evil",
            "/a\\b",
            "/사용자",
            "/a b",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
    }

    #[test]
    fn percent_encoded_tricks_are_refused_too() {
        for bad in [
            "/%09/evil.example",
            "/%0A/evil.example",
            "/%0d%0aSet-Cookie:x",
            "/%5Cevil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
    }

    #[test]
    fn schemes_and_scheme_relative_urls_are_refused() {
        for bad in [
            "javascript:alert(1)",
            "http:/evil.example",
            "https:evil.example",
            "///evil.example",
            "/\\/evil.example",
            "data:text/html,x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(3000)))), "/", "overlong");
    }
}
