//! API keys (owners and admins): `GET/POST /api/v1/api-keys`, `DELETE /api/v1/api-keys/{id}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use server_core::auth::Caller;
use server_core::error::{Envelope, Result};
use server_core::model::{ApiKey, ApiKeyPage, CreatedApiKey, NewApiKey};
use server_core::services::api_keys;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Json;

/// The API-key routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_api_keys, create_api_key)).routes(routes!(revoke_api_key))
}

/// Every key, newest first, in one page (never the secrets): `meta.next_cursor` is always null.
#[utoipa::path(
    get,
    path = "/api/v1/api-keys",
    tag = "api-keys",
    responses((status = 200, description = "Every key", body = ApiKeyPage),
        (status = 403, description = "The caller is neither an owner nor an admin", body = Envelope)),
    security(("bearer" = []))
)]
async fn list_api_keys(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<ApiKeyPage>> {
    Ok(axum::Json(api_keys::list(&state, &caller).await?))
}

/// Creates a key; the answer holds the key itself, the only time it is shown.
#[utoipa::path(
    post,
    path = "/api/v1/api-keys",
    tag = "api-keys",
    request_body = NewApiKey,
    responses((status = 201, description = "The key created, with its secret", body = CreatedApiKey)),
    security(("bearer" = []))
)]
async fn create_api_key(
    caller: Caller,
    State(state): State<AppState>,
    Json(new): Json<NewApiKey>,
) -> Result<(StatusCode, [(&'static str, &'static str); 1], axum::Json<CreatedApiKey>)> {
    let created = api_keys::create(&state, &caller, &new).await?;
    // The key is in this answer only: never kept for an idempotent replay.
    Ok((StatusCode::CREATED, [(app::api::SECRET_RESPONSE, "1")], axum::Json(created)))
}

/// Revokes a key: requests with it get 401 from now on.
#[utoipa::path(
    delete,
    path = "/api/v1/api-keys/{id}",
    tag = "api-keys",
    params(("id" = i64, Path, description = "The key's id")),
    responses((status = 200, description = "The key, revoked", body = ApiKey)),
    security(("bearer" = []))
)]
async fn revoke_api_key(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<ApiKey>> {
    Ok(axum::Json(api_keys::revoke(&state, &caller, id).await?))
}
