//! Users: `GET /api/v1/users`, `GET /api/v1/users/export.csv`,
//! `GET/PATCH /api/v1/users/{id}`.

use axum::extract::{Path, State};
use axum::response::Response;
use server_core::auth::Caller;
use server_core::error::Result;
use server_core::model::{UserEnvelope, UserPage, UserQuery, UserTypeChange};
use server_core::services::users;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Json, Query};

/// The user routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(export_users))
        .routes(routes!(get_user, update_user))
}

/// Users matching the filters, in the asked order, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    params(UserQuery),
    responses((status = 200, description = "A page of users", body = UserPage)),
    security(("bearer" = []))
)]
async fn list_users(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<UserQuery>,
) -> Result<axum::Json<UserPage>> {
    Ok(axum::Json(users::list(&state, &caller, &query).await?))
}

/// Every user matching the filters as CSV (UTF-8 with BOM), streamed;
/// `cursor` and `per_page` are ignored.
#[utoipa::path(
    get,
    path = "/api/v1/users/export.csv",
    tag = "users",
    params(UserQuery),
    responses(
        (status = 200, description = "The CSV file, streamed as an attachment", content_type = "text/csv", body = String)
    ),
    security(("bearer" = []))
)]
async fn export_users(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<UserQuery>,
) -> Result<Response> {
    Ok(super::download::csv(users::export(&state, &caller, &query).await?))
}

/// One user, with their activity count.
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = i64, Path, description = "The user's id")),
    responses((status = 200, description = "The user", body = UserEnvelope)),
    security(("bearer" = []))
)]
async fn get_user(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<UserEnvelope>> {
    Ok(axum::Json(UserEnvelope { user: users::get(&state, &caller, id).await? }))
}

/// Changes a user's subscription tier (editors and above; audit-logged).
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = i64, Path, description = "The user's id")),
    request_body = UserTypeChange,
    responses(
        (status = 200, description = "The user with the new tier", body = UserEnvelope)
    ),
    security(("bearer" = []))
)]
async fn update_user(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(change): Json<UserTypeChange>,
) -> Result<axum::Json<UserEnvelope>> {
    Ok(axum::Json(UserEnvelope { user: users::change_type(&state, &caller, id, &change).await? }))
}
