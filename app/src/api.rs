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

/// The caller, if their role is at least `role` (401 or 403 otherwise).
#[cfg(feature = "ssr")]
pub(crate) fn require(role: crate::model::Role) -> crate::error::Result<crate::auth::Caller> {
    let caller = caller();
    caller.require(role)?;
    Ok(caller)
}
