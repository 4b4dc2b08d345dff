//! Deletes finished report runs (with their files) and ended deliveries
//! (with their attempts) older than `REPORT_RETENTION_DAYS`, in batches so a
//! backlog never holds the database's write lock for long. Runs a delivery
//! still waits on are kept. Deleting what has aged out is idempotent, so
//! replicas may run it side by side.

use std::time::Duration;

use server_core::db::{deliveries, report_runs, Ts};
use server_core::state::AppState;
use tracing::instrument;

/// How often old runs are looked for.
const EVERY: Duration = Duration::from_secs(6 * 3600);

/// Rows per delete statement.
const BATCH: i64 = 500;

/// Runs forever.
pub async fn run(state: AppState) {
    super::every(EVERY, || once(&state)).await;
}

/// One pass; returns how many runs and deliveries were removed.
#[instrument(skip_all, fields(job = "report_retention"))]
pub async fn once(state: &AppState) -> u64 {
    let keep = chrono::Duration::from_std(state.reports.settings.retention).unwrap_or(chrono::Duration::days(90));
    let cutoff = Ts::from(state.clock.now() - keep);
    super::delete_pass("report_retention", "expired report runs and deliveries", async {
        let mut removed = 0;
        loop {
            let batch = deliveries::delete_ended_before(&state.db, cutoff, BATCH).await?;
            removed += batch;
            if batch < BATCH as u64 {
                break;
            }
        }
        loop {
            let batch = report_runs::delete_finished_before(&state.db, cutoff, BATCH).await?;
            removed += batch;
            if batch < BATCH as u64 {
                break;
            }
        }
        Ok(removed)
    })
    .await
}
