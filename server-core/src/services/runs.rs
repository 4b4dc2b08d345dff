//! Report runs: run now (editors and above; one open unscheduled run per
//! report at a time), the run history per report and overall, one run with
//! its files, a report's status, and the files themselves (viewers and above).

use std::collections::BTreeMap;

use crate::auth::Caller;
use crate::db::report_runs::{self, RunRow};
use crate::db::select::KeyValue;
use crate::db::{reports, Ts};
use crate::error::{AppError, Result};
use crate::model::{OutputMeta, PageMeta, ReportStatus, Role, Run, RunPage, RunQuery, REPORT_FORMATS};
use crate::reports::scheduler::spec_of;
use crate::services::audit;
use crate::services::paging::{self, one_of, Problems};
use crate::state::AppState;

/// Who asked for a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// "Run now" in the UI.
    Manual,
    /// `POST /api/v1/reports/{id}/generate`.
    Api,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Api => "api",
        }
    }
}

const STATUSES: [&str; 4] = ["pending", "running", "completed", "failed"];

fn not_found() -> AppError {
    AppError::NotFound { what: "run".into() }
}

fn to_model(row: RunRow, outputs: Vec<OutputMeta>) -> Run {
    Run {
        id: row.id,
        report_id: row.report_id,
        report_name: row.report_name,
        slot_at: row.slot_at.map(|t| t.0),
        trigger: row.trigger,
        requested_by: row.requested_by,
        status: row.status,
        progress: row.progress,
        stage: row.stage,
        attempt: row.attempt,
        trace_id: row.trace_id,
        note: row.note,
        error: row.error,
        created_at: row.created_at.0,
        started_at: row.started_at.map(|t| t.0),
        finished_at: row.finished_at.map(|t| t.0),
        duration_ms: row.duration_ms,
        outputs,
    }
}

/// Runs with their files.
async fn with_outputs(state: &AppState, rows: Vec<RunRow>) -> Result<Vec<Run>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut by_run: BTreeMap<i64, Vec<OutputMeta>> = BTreeMap::new();
    for (run_id, format, content_type, filename, size_bytes, sha256) in report_runs::outputs(&state.db, &ids).await? {
        let url = format!("/api/v1/runs/{run_id}/outputs/{format}");
        by_run.entry(run_id).or_default().push(OutputMeta { format, content_type, filename, size_bytes, sha256, url });
    }
    // In the formats' own order, not the alphabet's.
    for outputs in by_run.values_mut() {
        outputs.sort_by_key(|o| REPORT_FORMATS.iter().position(|f| *f == o.format));
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let outputs = by_run.remove(&row.id).unwrap_or_default();
            to_model(row, outputs)
        })
        .collect())
}

/// Asks for a run of report `report_id` now (editors and above), paused
/// reports included. It is made from the report as it is now, starts on
/// this replica at once and can be followed at `/api/v1/runs/{id}`. While an
/// earlier unscheduled run of the report is still open the answer is 409.
pub async fn generate(state: &AppState, caller: &Caller, report_id: i64, trigger: Trigger) -> Result<Run> {
    caller.require(Role::Editor)?;
    let spec = spec_of(state, report_id).await?;
    let spec = serde_json::to_string(&spec).map_err(|_| AppError::Internal)?;
    let actor = caller.actor();
    let trace_id = caller.trace_id.clone().unwrap_or_else(crate::trace::generate);
    let run = report_runs::NewRun {
        report_id,
        slot_at: None,
        trigger: trigger.as_str(),
        requested_by: &actor,
        spec: &spec,
        trace_id: &trace_id,
        note: None,
    };
    let details = serde_json::json!({ "report_id": report_id, "trigger": trigger.as_str() });
    let entry = audit::entry(caller, &actor, "report.generate", None, true, Some(details));
    let at = Ts::from(state.clock.now());
    let id = match report_runs::insert_unscheduled(&state.db, &run, at, &entry).await? {
        Ok(id) => id,
        Err(open) => {
            return Err(AppError::Conflict {
                message: format!("run {open} of this report is still in progress: wait for it to end"),
            })
        }
    };
    tracing::info!(report.id = report_id, run.id = id, trace_id, trigger = trigger.as_str(), "report run requested");
    state.reports.kick.notify_one();
    load(state, id).await
}

async fn load(state: &AppState, id: i64) -> Result<Run> {
    let row = report_runs::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    Ok(with_outputs(state, vec![row]).await?.remove(0))
}

/// One run with its files (viewers and above).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<Run> {
    caller.require(Role::Viewer)?;
    load(state, id).await
}

/// Runs newest first, of one report or all (viewers and above).
pub async fn list(state: &AppState, caller: &Caller, report_id: Option<i64>, query: &RunQuery) -> Result<RunPage> {
    caller.require(Role::Viewer)?;
    let limit = paging::per_page(query.per_page)?;
    let mut errors = Problems::default();
    let status = errors.keep("status", one_of(&query.status, &STATUSES)).flatten();
    let order = paging::order_key("id", true);
    let after = errors.keep("cursor", paging::parse_cursor(&query.cursor, &order)).flatten();
    errors.finish()?;
    if let Some(report_id) = report_id {
        reports::by_id(&state.db, report_id).await?.ok_or(AppError::NotFound { what: "report".into() })?;
    }
    let (mut rows, total) = tokio::try_join!(
        report_runs::page(&state.db, report_id, status.as_deref(), after.as_ref(), limit + 1),
        report_runs::count(&state.db, report_id, status.as_deref()),
    )?;
    let next_cursor = paging::next_cursor(&mut rows, limit, &order, |r| (Some(KeyValue::Int(r.id)), r.id));
    Ok(RunPage { runs: with_outputs(state, rows).await?, meta: PageMeta { total, next_cursor } })
}

/// The cursor after each of `runs` (the one order: newest first).
pub fn cursors(runs: &[Run]) -> Vec<String> {
    paging::cursors_after(runs, &paging::order_key("id", true), |r| (Some(KeyValue::Int(r.id)), r.id))
}

/// Where a report stands: schedule, latest run and open runs (viewers and above).
pub async fn status(state: &AppState, caller: &Caller, report_id: i64) -> Result<ReportStatus> {
    caller.require(Role::Viewer)?;
    let row = reports::by_id(&state.db, report_id).await?.ok_or(AppError::NotFound { what: "report".into() })?;
    let last_run = row.last_run();
    Ok(ReportStatus {
        report_id,
        status: row.status,
        next_run_at: row.next_run_at.map(|t| t.0),
        last_run,
        open_runs: report_runs::count_open(&state.db, report_id).await?,
    })
}

/// One file a run made (viewers and above).
#[derive(Clone, Debug)]
pub struct OutputFile {
    /// Its format.
    pub format: String,
    /// Its media type.
    pub content_type: String,
    /// Its file name.
    pub filename: String,
    /// The bytes.
    pub body: Vec<u8>,
}

/// The `format` file of run `id` (viewers and above).
pub async fn output(state: &AppState, caller: &Caller, id: i64, format: &str) -> Result<OutputFile> {
    caller.require(Role::Viewer)?;
    if !REPORT_FORMATS.contains(&format) {
        return Err(AppError::invalid_field("format", format!("must be one of {}", REPORT_FORMATS.join(", "))));
    }
    let (content_type, filename, body) = report_runs::output(&state.db, id, format)
        .await?
        .ok_or_else(|| AppError::NotFound { what: format!("{format} output of run {id}") })?;
    Ok(OutputFile { format: format.to_owned(), content_type, filename, body })
}
