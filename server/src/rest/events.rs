//! Event ingestion: `POST /api/v1/events`, for API keys with the
//! `ingest` scope. Honours `Idempotency-Key` (the middleware), so a retried
//! batch is written once.

use axum::extract::State;
use server_core::auth::Caller;
use server_core::error::{Envelope, Result};
use server_core::model::{EventBatch, IngestResult};
use server_core::services::ingest;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Json;

/// The ingestion route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(post_events))
}

/// Writes a batch of up to 1,000 `user_upsert` and `activity` events: the valid
/// ones in one transaction; the others come back in `errors` with their index.
/// 400 when no event is valid.
#[utoipa::path(
    post,
    path = "/api/v1/events",
    tag = "events",
    request_body = EventBatch,
    responses(
        (status = 200, description = "What was written and what was refused", body = IngestResult),
        (status = 403, description = "Not a key with the `ingest` scope, or a cross-site write", body = Envelope)
    ),
    security(("bearer" = []))
)]
async fn post_events(
    caller: Caller,
    State(state): State<AppState>,
    Json(batch): Json<EventBatch>,
) -> Result<axum::Json<IngestResult>> {
    Ok(axum::Json(ingest::ingest(&state, &caller, &batch).await?))
}
