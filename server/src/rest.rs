//! The REST API: one module per resource, each exposing `router()`. Handlers
//! call the same services as the server functions.

pub mod dashboard;
pub mod extract;
pub mod health;

use app::state::AppState;
use axum::Router;

/// Every REST route.
pub fn router() -> Router<AppState> {
    Router::new().merge(health::router()).merge(dashboard::router())
}
