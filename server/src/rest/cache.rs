//! The cache at the Flask system's paths: `GET /api/cache/status`, `POST /api/cache/invalidate`.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use server_core::auth::Caller;
use server_core::cache::CacheStatus;
use server_core::error::{Envelope, Result};
use server_core::model::Invalidated;
use server_core::services::system;
use server_core::state::AppState;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::OptionalJson;

/// The cache routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_cache_status)).routes(routes!(invalidate_cache))
}

/// Backend, connection, keys and hit rate.
#[utoipa::path(get, path = "/api/cache/status", tag = "cache", responses((status = 200, body = CacheStatus), (status = 401, body = Envelope)))]
async fn get_cache_status(caller: Caller, State(state): State<AppState>) -> Result<Json<CacheStatus>> {
    Ok(Json(system::cache_status(&state, &caller).await?))
}

/// Body of `POST /api/cache/invalidate` (may be empty).
#[derive(Debug, Default, Deserialize, ToSchema)]
struct InvalidateRequest {
    /// A glob over cached data keys (`stats*`); all cached data if absent or `*`.
    /// Rate-limit counters and sign-in checks are not cached data: patterns
    /// naming them (`ratelimit:*`, `auth:*`) are refused.
    pattern: Option<String>,
}

/// Removes matching entries here, in Redis and on every other replica.
#[utoipa::path(
    post,
    path = "/api/cache/invalidate",
    tag = "cache",
    request_body(content = Option<InvalidateRequest>, content_type = "application/json"),
    responses((status = 200, body = Invalidated), (status = 400, body = Envelope), (status = 403, body = Envelope))
)]
async fn invalidate_cache(
    caller: Caller,
    State(state): State<AppState>,
    OptionalJson(request): OptionalJson<InvalidateRequest>,
) -> Result<Json<Invalidated>> {
    Ok(Json(system::invalidate_cache(&state, &caller, request.pattern).await?))
}
