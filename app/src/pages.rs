//! Pages, one per route, and what they share.

pub mod activities;
pub mod alert_edit;
pub mod alerts;
pub mod audit;
pub mod channel_edit;
pub mod channels;
pub mod dashboard;
pub mod login;
pub mod not_found;
pub mod problem_edit;
pub mod problems;
pub mod report_edit;
pub mod report_runs;
pub mod reports;
pub mod settings;
pub mod system;
pub mod template_edit;
pub mod templates;
pub mod user_detail;
pub mod users;

use crate::error::AppError;

/// Sends the page with status 404 when what it shows does not exist (on the
/// server: the whole page is awaited before its head goes out).
pub fn not_found_status(error: &AppError) {
    #[cfg(feature = "ssr")]
    if matches!(error.kind(), AppError::NotFound { .. }) {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}
