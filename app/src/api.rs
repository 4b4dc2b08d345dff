//! Server functions: the UI's door to the services. Each is a thin call into
//! [`crate::services`], the same code the REST API runs, and checks the
//! caller's role first (the services check again where they write).

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod problems;
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

/// Whether the request being answered is a plain HTML form post (no WASM yet):
/// its browser expects a redirect back to a page, not a status or JSON.
#[cfg(feature = "ssr")]
pub(crate) fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
    })
}

/// The caller, if their role is at least `role` (401 or 403 otherwise).
#[cfg(feature = "ssr")]
pub(crate) fn require(role: crate::model::Role) -> crate::error::Result<crate::auth::Caller> {
    let caller = caller();
    caller.require(role)?;
    Ok(caller)
}
