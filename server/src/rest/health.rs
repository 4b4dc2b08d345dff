//! Liveness (`/healthz`), readiness (`/ready`) and health with dependencies
//! (`/health`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use server_core::auth::Caller;
use server_core::error::AppError;
use server_core::model::{HealthReport, HealthStatus};
use server_core::observability::health;
use server_core::state::AppState;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The health routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(ready)).routes(routes!(get_health))
}

/// `{"status": "healthy"}` or `{"status": "ready"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    /// `healthy` (liveness) or `ready` (readiness).
    status: &'static str,
}

/// Liveness: the process is up and serving. Touches nothing else, so a slow
/// database never makes an orchestrator restart a healthy process.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "Alive", body = Status)))]
async fn healthz() -> Json<Status> {
    Json(Status { status: "healthy" })
}

/// Readiness: the instance can serve requests (the database answers).
#[utoipa::path(
    get,
    path = "/ready",
    tag = "operations",
    responses((status = 200, description = "Ready", body = Status), (status = 503, description = "The database does not answer", body = server_core::error::Envelope))
)]
async fn ready(State(state): State<AppState>) -> Result<Json<Status>, AppError> {
    if health::ready(&state).await {
        Ok(Json(Status { status: "ready" }))
    } else {
        Err(AppError::Unavailable { dependency: "database".into() })
    }
}

/// Health with each dependency's state and response time (the Flask system's shape);
/// 503 when unhealthy. Dependency details for signed-in callers, or for anyone
/// where the operator allows it (`HEALTH_DETAILS`).
#[utoipa::path(
    get,
    path = "/health",
    tag = "operations",
    responses((status = 200, description = "Healthy, or degraded (the shared cache is down)", body = HealthReport), (status = 503, description = "Unhealthy: the database is down", body = HealthReport))
)]
async fn get_health(caller: Caller, State(state): State<AppState>) -> Response {
    let report = health::report(&state, state.ops.health_details || caller.principal.is_some()).await;
    let status = match report.status {
        HealthStatus::Unhealthy => StatusCode::SERVICE_UNAVAILABLE,
        HealthStatus::Healthy | HealthStatus::Degraded => StatusCode::OK,
    };
    (status, Json(report)).into_response()
}
