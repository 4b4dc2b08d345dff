//! Scheduled reports: `GET/POST /api/v1/reports`,
//! `GET/PUT/DELETE /api/v1/reports/{id}`,
//! `POST /api/v1/reports/{id}/pause|resume|clone`,
//! `GET /api/v1/reports/schedule-preview`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use server_core::auth::Caller;
use server_core::error::{Envelope, Result};
use server_core::model::{ReportEnvelope, ReportInput, ReportPage, ReportQuery, SchedulePreview, ScheduleQuery};
use server_core::services::reports;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Json, Query};

/// The report routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reports, create_report))
        .routes(routes!(schedule_preview))
        .routes(routes!(get_report, update_report, delete_report))
        .routes(routes!(pause_report))
        .routes(routes!(resume_report))
        .routes(routes!(clone_report))
}

/// Reports by name, each with its schedule in words, next run, latest run
/// and destinations.
#[utoipa::path(
    get,
    path = "/api/v1/reports",
    tag = "reports",
    params(ReportQuery),
    responses((status = 200, description = "A page of reports", body = ReportPage)),
    security(("bearer" = []))
)]
async fn list_reports(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<ReportQuery>,
) -> Result<axum::Json<ReportPage>> {
    Ok(axum::Json(reports::list(&state, &caller, &query).await?))
}

/// Creates a report (editors and above), paused unless `status` is `active`
/// (which needs a destination). Every invalid field is listed in the
/// envelope's `details.fields`; a bad cron pattern's message names its field
/// ("hour: 24 is outside 0–23").
#[utoipa::path(
    post,
    path = "/api/v1/reports",
    tag = "reports",
    request_body = ReportInput,
    responses((status = 201, description = "The report created", body = ReportEnvelope)),
    security(("bearer" = []))
)]
async fn create_report(
    caller: Caller,
    State(state): State<AppState>,
    Json(input): Json<ReportInput>,
) -> Result<(StatusCode, axum::Json<ReportEnvelope>)> {
    let report = reports::create(&state, &caller, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(ReportEnvelope { report })))
}

/// What a cron pattern means in a time zone: its next five runs (with a note
/// where daylight saving moves one) and its words in Korean and English.
#[utoipa::path(
    get,
    path = "/api/v1/reports/schedule-preview",
    tag = "reports",
    params(ScheduleQuery),
    responses((status = 200, description = "The next runs and the words", body = SchedulePreview)),
    security(("bearer" = []))
)]
async fn schedule_preview(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<ScheduleQuery>,
) -> Result<axum::Json<SchedulePreview>> {
    Ok(axum::Json(reports::preview(&state, &caller, &query).await?))
}

/// One report.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}",
    tag = "reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 200, description = "The report", body = ReportEnvelope)),
    security(("bearer" = []))
)]
async fn get_report(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<ReportEnvelope>> {
    Ok(axum::Json(ReportEnvelope { report: reports::get(&state, &caller, id).await? }))
}

/// Replaces every editable field of a report (editors and above); an absent
/// `status` keeps the report's own. A new pattern or zone starts the schedule
/// from now.
#[utoipa::path(
    put,
    path = "/api/v1/reports/{id}",
    tag = "reports",
    params(("id" = i64, Path, description = "The report's id")),
    request_body = ReportInput,
    responses((status = 200, description = "The report as changed", body = ReportEnvelope)),
    security(("bearer" = []))
)]
async fn update_report(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<ReportInput>,
) -> Result<axum::Json<ReportEnvelope>> {
    Ok(axum::Json(ReportEnvelope { report: reports::update(&state, &caller, id, &input).await? }))
}

/// Deletes a report with its runs and outputs (editors and above); the
/// built-in reports can only be paused (422).
#[utoipa::path(
    delete,
    path = "/api/v1/reports/{id}",
    tag = "reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses(
        (status = 204, description = "The report is deleted"),
        (status = 422, description = "A built-in report (`BUSINESS_RULE_VIOLATION`): pause it instead", body = Envelope)
    ),
    security(("bearer" = []))
)]
async fn delete_report(caller: Caller, State(state): State<AppState>, Path(id): Path<i64>) -> Result<StatusCode> {
    reports::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pauses a report (editors and above): it has no next run until resumed.
#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/pause",
    tag = "reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 200, description = "The report, paused", body = ReportEnvelope)),
    security(("bearer" = []))
)]
async fn pause_report(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<ReportEnvelope>> {
    Ok(axum::Json(ReportEnvelope { report: reports::set_active(&state, &caller, id, false).await? }))
}

/// Resumes a report (editors and above) from now: slots missed while it was
/// paused never run. A report without a destination cannot resume (400 on
/// `destinations`).
#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/resume",
    tag = "reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 200, description = "The report, active", body = ReportEnvelope)),
    security(("bearer" = []))
)]
async fn resume_report(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<ReportEnvelope>> {
    Ok(axum::Json(ReportEnvelope { report: reports::set_active(&state, &caller, id, true).await? }))
}

/// Copies a report as a paused one named "… (copy)" (editors and above).
#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/clone",
    tag = "reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 201, description = "The copy", body = ReportEnvelope)),
    security(("bearer" = []))
)]
async fn clone_report(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<(StatusCode, axum::Json<ReportEnvelope>)> {
    let report = reports::clone(&state, &caller, id).await?;
    Ok((StatusCode::CREATED, axum::Json(ReportEnvelope { report })))
}
