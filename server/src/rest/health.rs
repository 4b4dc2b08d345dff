//! Liveness: `GET /healthz`.

use app::state::AppState;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

/// The health routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

/// The process is up and serving (the seed's shape). Touches nothing else, so a
/// slow database never makes an orchestrator restart a healthy process.
async fn healthz() -> Json<Value> {
    Json(json!({ "status": "healthy" }))
}
