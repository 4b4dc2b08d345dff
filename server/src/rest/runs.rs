//! Report runs: `POST /api/v1/reports/{id}/generate`,
//! `GET /api/v1/reports/{id}/status`, `GET /api/v1/reports/{id}/runs`,
//! `GET /api/v1/runs`, `GET /api/v1/runs/{id}`,
//! `GET /api/v1/runs/{id}/outputs/{format}`.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use server_core::auth::Caller;
use server_core::error::{Envelope, Result};
use server_core::model::{ReportStatus, RunEnvelope, RunPage, RunQuery};
use server_core::services::runs::{self, Trigger};
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;

/// What an HTML report may do when opened in the browser: show itself with
/// its inline styles and `data:` images, nothing else (no scripts, no
/// requests, no forms), even though it is served from our origin.
const OUTPUT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/// The run routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(generate_report))
        .routes(routes!(report_status))
        .routes(routes!(report_runs))
        .routes(routes!(list_runs))
        .routes(routes!(get_run))
        .routes(routes!(run_output))
}

/// Runs a report now (editors and above), paused ones included: 202 with the
/// pending run, `X-Job-Id` (the run's id) and `Location`. While an earlier
/// unscheduled run of the report is open: 409. Accepts `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/generate",
    tag = "reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 202, description = "The run, pending", body = RunEnvelope,
        headers(("X-Job-Id" = String, description = "The run's id"), ("Location" = String, description = "The run"))),
        (status = 409, description = "Its previous unscheduled run is still open (`CONFLICT`)", body = Envelope)),
    security(("bearer" = []))
)]
async fn generate_report(caller: Caller, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response> {
    let run = runs::generate(&state, &caller, id, Trigger::Api).await?;
    let job = run.id.to_string();
    let location = format!("/api/v1/runs/{job}");
    let mut response = (StatusCode::ACCEPTED, axum::Json(RunEnvelope { run })).into_response();
    let headers = response.headers_mut();
    for (name, value) in [("x-job-id", job), ("location", location)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    Ok(response)
}

/// A report's schedule, latest run and open runs.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}/status",
    tag = "reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 200, description = "Where the report stands", body = ReportStatus)),
    security(("bearer" = []))
)]
async fn report_status(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<ReportStatus>> {
    Ok(axum::Json(runs::status(&state, &caller, id).await?))
}

/// A report's runs, newest first, with their files.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}/runs",
    tag = "reports",
    params(("id" = i64, Path, description = "The report's id"), RunQuery),
    responses((status = 200, description = "A page of runs", body = RunPage)),
    security(("bearer" = []))
)]
async fn report_runs(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<RunQuery>,
) -> Result<axum::Json<RunPage>> {
    Ok(axum::Json(runs::list(&state, &caller, Some(id), &query).await?))
}

/// Every report's runs, newest first, with their files.
#[utoipa::path(
    get,
    path = "/api/v1/runs",
    tag = "reports",
    params(RunQuery),
    responses((status = 200, description = "A page of runs", body = RunPage)),
    security(("bearer" = []))
)]
async fn list_runs(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<RunQuery>,
) -> Result<axum::Json<RunPage>> {
    Ok(axum::Json(runs::list(&state, &caller, None, &query).await?))
}

/// One run: status, progress, trace id, note or error, and its files.
#[utoipa::path(
    get,
    path = "/api/v1/runs/{id}",
    tag = "reports",
    params(("id" = i64, Path, description = "The run's id")),
    responses((status = 200, description = "The run", body = RunEnvelope)),
    security(("bearer" = []))
)]
async fn get_run(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<RunEnvelope>> {
    Ok(axum::Json(RunEnvelope { run: runs::get(&state, &caller, id).await? }))
}

/// One file of a run. HTML opens in the browser (sandboxed: no scripts, no
/// requests); the other formats download.
#[utoipa::path(
    get,
    path = "/api/v1/runs/{id}/outputs/{format}",
    tag = "reports",
    params(("id" = i64, Path, description = "The run's id"),
        ("format" = String, Path, description = "html, markdown, csv or pdf")),
    responses((status = 200, description = "The file", content(
        (String = "text/html"), (String = "text/markdown"), (String = "text/csv"), (Vec<u8> = "application/pdf")))),
    security(("bearer" = []))
)]
async fn run_output(
    caller: Caller,
    State(state): State<AppState>,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response> {
    let file = runs::output(&state, &caller, id, &format).await?;
    let inline = file.format == "html";
    let disposition = format!("{}; filename=\"{}\"", if inline { "inline" } else { "attachment" }, file.filename);
    let mut response = Body::from(file.body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(OUTPUT_POLICY));
    Ok(response)
}
