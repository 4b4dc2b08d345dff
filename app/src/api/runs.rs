//! Server functions for report runs: run now, the run history and one run,
//! the same services as `/api/v1/reports/{id}/generate` and `/api/v1/runs`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Run, RunPage, RunQuery};

/// Runs a report now (editors and above); the run starts at once.
#[server(prefix = "/api/fn", endpoint = "report_run_now")]
pub async fn run_report_now(
    /// The report's id.
    id: i64,
) -> Result<Run, AppError> {
    let trigger = crate::services::runs::Trigger::Manual;
    crate::services::runs::generate(&super::state()?, &super::caller(), id, trigger).await
}

/// Runs newest first, of one report or of all.
#[server(prefix = "/api/fn", endpoint = "runs_list")]
pub async fn list_runs(
    /// One report's runs; all when absent.
    report_id: Option<i64>,
    /// Status filter and paging.
    // An empty query is sent as no body at all: absent is the default.
    #[server(default)]
    query: RunQuery,
) -> Result<RunPage, AppError> {
    crate::services::runs::list(&super::state()?, &super::caller(), report_id, &query).await
}

/// One run with its files.
#[server(prefix = "/api/fn", endpoint = "run_get")]
pub async fn get_run(
    /// The run's id.
    id: i64,
) -> Result<Run, AppError> {
    crate::services::runs::get(&super::state()?, &super::caller(), id).await
}
