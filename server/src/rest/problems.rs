//! The problem bank: `GET/POST /api/v1/problems`,
//! `GET/PATCH /api/v1/problems/{id}`, `POST /api/v1/problems/{id}/archive|restore`,
//! `POST /api/v1/problems/bulk-status`, `GET /api/v1/problems/export.csv`,
//! `GET /api/v1/problem-subjects`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use server_core::auth::Caller;
use server_core::error::Result;
use server_core::model::{
    BulkResult, BulkStatus, ProblemEnvelope, ProblemInput, ProblemPage, ProblemPatch, ProblemQuery,
};
use server_core::services::problems;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Json, Query};

/// The problem routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_problems, create_problem))
        .routes(routes!(export_problems))
        .routes(routes!(bulk_problem_status))
        .routes(routes!(list_problem_subjects))
        .routes(routes!(get_problem, update_problem))
        .routes(routes!(archive_problem))
        .routes(routes!(restore_problem))
}

/// Problems matching the filters, with views, solves and solve rate.
#[utoipa::path(
    get,
    path = "/api/v1/problems",
    tag = "problems",
    params(ProblemQuery),
    responses((status = 200, description = "A page of problems", body = ProblemPage)),
    security(("bearer" = []))
)]
async fn list_problems(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<ProblemQuery>,
) -> Result<axum::Json<ProblemPage>> {
    Ok(axum::Json(problems::list(&state, &caller, &query).await?))
}

/// Creates a problem (editors and above). Every invalid field is listed in
/// the envelope's `details.fields`.
#[utoipa::path(
    post,
    path = "/api/v1/problems",
    tag = "problems",
    request_body = ProblemInput,
    responses(
        (status = 201, description = "The problem created", body = ProblemEnvelope)
    ),
    security(("bearer" = []))
)]
async fn create_problem(
    caller: Caller,
    State(state): State<AppState>,
    Json(input): Json<ProblemInput>,
) -> Result<(StatusCode, axum::Json<ProblemEnvelope>)> {
    let problem = problems::create(&state, &caller, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(ProblemEnvelope { problem })))
}

/// Every problem matching the filters as CSV (UTF-8 with BOM), streamed.
#[utoipa::path(
    get,
    path = "/api/v1/problems/export.csv",
    tag = "problems",
    params(ProblemQuery),
    responses(
        (status = 200, description = "The CSV file, streamed as an attachment", content_type = "text/csv", body = String)
    ),
    security(("bearer" = []))
)]
async fn export_problems(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<ProblemQuery>,
) -> Result<Response> {
    Ok(super::download::csv(problems::export(&state, &caller, &query).await?))
}

/// Sets one status on up to 500 problems (editors and above).
#[utoipa::path(
    post,
    path = "/api/v1/problems/bulk-status",
    tag = "problems",
    request_body = BulkStatus,
    responses((status = 200, description = "How many problems changed", body = BulkResult)),
    security(("bearer" = []))
)]
async fn bulk_problem_status(
    caller: Caller,
    State(state): State<AppState>,
    Json(change): Json<BulkStatus>,
) -> Result<axum::Json<BulkResult>> {
    Ok(axum::Json(problems::bulk_status(&state, &caller, &change).await?))
}

/// `{ "subjects": [...] }`.
#[derive(Serialize, utoipa::ToSchema)]
struct Subjects {
    /// Every subject in use, alphabetically.
    subjects: Vec<String>,
}

/// Every subject in use.
#[utoipa::path(
    get,
    path = "/api/v1/problem-subjects",
    tag = "problems",
    responses((status = 200, description = "The subjects", body = Subjects)),
    security(("bearer" = []))
)]
async fn list_problem_subjects(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<Subjects>> {
    Ok(axum::Json(Subjects { subjects: problems::subjects(&state, &caller).await? }))
}

/// One problem with its stats.
#[utoipa::path(
    get,
    path = "/api/v1/problems/{id}",
    tag = "problems",
    params(("id" = i64, Path, description = "The problem's id")),
    responses((status = 200, description = "The problem with its stats", body = ProblemEnvelope)),
    security(("bearer" = []))
)]
async fn get_problem(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<ProblemEnvelope>> {
    Ok(axum::Json(ProblemEnvelope { problem: problems::get(&state, &caller, id).await? }))
}

/// Changes a problem (editors and above): absent fields stay, empty optional
/// fields are cleared.
#[utoipa::path(
    patch,
    path = "/api/v1/problems/{id}",
    tag = "problems",
    params(("id" = i64, Path, description = "The problem's id")),
    request_body = ProblemPatch,
    responses(
        (status = 200, description = "The problem as changed", body = ProblemEnvelope)
    ),
    security(("bearer" = []))
)]
async fn update_problem(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(patch): Json<ProblemPatch>,
) -> Result<axum::Json<ProblemEnvelope>> {
    Ok(axum::Json(ProblemEnvelope { problem: problems::update(&state, &caller, id, &patch).await? }))
}

/// Archives a problem (editors and above): it leaves the bank and the
/// dashboard's counts until restored. Archiving twice changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/problems/{id}/archive",
    tag = "problems",
    params(("id" = i64, Path, description = "The problem's id")),
    responses((status = 200, description = "The problem, archived", body = ProblemEnvelope)),
    security(("bearer" = []))
)]
async fn archive_problem(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<ProblemEnvelope>> {
    Ok(axum::Json(ProblemEnvelope { problem: problems::set_archived(&state, &caller, id, true).await? }))
}

/// Restores an archived problem (editors and above).
#[utoipa::path(
    post,
    path = "/api/v1/problems/{id}/restore",
    tag = "problems",
    params(("id" = i64, Path, description = "The problem's id")),
    responses((status = 200, description = "The problem, restored", body = ProblemEnvelope)),
    security(("bearer" = []))
)]
async fn restore_problem(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<ProblemEnvelope>> {
    Ok(axum::Json(ProblemEnvelope { problem: problems::set_archived(&state, &caller, id, false).await? }))
}
