//! Server functions: the UI's door to the services. Each is a thin call into
//! [`crate::services`], the same code the REST API runs.

pub mod dashboard;
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
