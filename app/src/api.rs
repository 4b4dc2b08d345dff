//! Server functions: the UI's door to the services. Each is a thin call into
//! [`crate::services`], the same code the REST API runs, and checks the
//! caller's role first (the services check again where they write).

pub mod accounts;
pub mod activities;
pub mod alerts;
pub mod audit;
pub mod auth;
pub mod channels;
pub mod dashboard;
pub mod problems;
pub mod reports;
pub mod runs;
pub mod system;
pub mod users;

/// The shared state from Leptos context (`leptos_routes` provides the router state).
#[cfg(feature = "ssr")]
pub(crate) fn state() -> crate::error::Result<crate::state::AppState> {
    leptos::prelude::use_context::<crate::state::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        crate::error::AppError::Internal
    })
}

/// Who is calling: what the authentication middleware attached to the request.
#[cfg(feature = "ssr")]
pub(crate) fn caller() -> crate::auth::Caller {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::auth::Caller>().cloned())
        .unwrap_or_default()
}

/// A response header that says "this response carries a secret shown once"
/// (a new API key, a TOTP secret). The idempotency layer never stores such a
/// response for replays and removes the header before the response leaves.
pub const SECRET_RESPONSE: &str = "x-dreamseed-secret";

/// Marks the response of the server function being answered as carrying a
/// secret (see [`SECRET_RESPONSE`]).
#[cfg(feature = "ssr")]
pub(crate) fn mark_secret_response() {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(http::HeaderName::from_static(SECRET_RESPONSE), http::HeaderValue::from_static("1"));
    }
}

/// Makes a server function's error leave with its own HTTP status (404,
/// 422, …) instead of the 500 server functions otherwise send. Once per
/// process, before serving; the server's router installs it.
#[cfg(feature = "ssr")]
pub fn install_error_status() {
    crate::error::on_server_fn_error(set_error_status);
}

/// Puts `error`'s status on the response being answered, except on a plain
/// form post: leptos_axum redirects that back to its page, and an error
/// status would replace the redirect.
#[cfg(feature = "ssr")]
fn set_error_status(error: &crate::error::AppError) {
    if is_plain_form_post() {
        return;
    }
    if let (Some(response), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(error.status_code()),
    ) {
        response.set_status(status);
    }
}

/// Whether the request being answered is a plain HTML form post (no WASM yet):
/// its browser expects a redirect back to a page, not a status or JSON.
#[cfg(feature = "ssr")]
pub(crate) fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
    })
}
