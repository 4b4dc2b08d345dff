//! Activities: `GET /api/v1/activities`,
//! `GET /api/v1/activities/export.csv`, `GET /api/v1/activity-types`.

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;
use server_core::auth::Caller;
use server_core::error::Result;
use server_core::model::{ActivityPage, ActivityQuery};
use server_core::services::activities;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;

/// The activity routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_activities))
        .routes(routes!(export_activities))
        .routes(routes!(list_activity_types))
}

/// Activities matching the filters, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/activities",
    tag = "activities",
    params(ActivityQuery),
    responses((status = 200, description = "A page of activities", body = ActivityPage)),
    security(("bearer" = []))
)]
async fn list_activities(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<ActivityQuery>,
) -> Result<axum::Json<ActivityPage>> {
    Ok(axum::Json(activities::list(&state, &caller, &query).await?))
}

/// Every activity matching the filters as CSV (UTF-8 with BOM), newest first,
/// streamed; `cursor` and `per_page` are ignored.
#[utoipa::path(
    get,
    path = "/api/v1/activities/export.csv",
    tag = "activities",
    params(ActivityQuery),
    responses(
        (status = 200, description = "The CSV file, streamed as an attachment", content_type = "text/csv", body = String)
    ),
    security(("bearer" = []))
)]
async fn export_activities(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<ActivityQuery>,
) -> Result<Response> {
    Ok(super::download::csv(activities::export(&state, &caller, &query).await?))
}

/// `{ "activity_types": [...] }`.
#[derive(Serialize, utoipa::ToSchema)]
struct ActivityTypes {
    /// Every type recorded, alphabetically.
    activity_types: Vec<String>,
}

/// Every activity type recorded so far.
#[utoipa::path(
    get,
    path = "/api/v1/activity-types",
    tag = "activities",
    responses((status = 200, description = "The activity types", body = ActivityTypes)),
    security(("bearer" = []))
)]
async fn list_activity_types(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<ActivityTypes>> {
    Ok(axum::Json(ActivityTypes { activity_types: activities::types(&state, &caller).await? }))
}
