//! Deletes alert evaluations older than a week (the sparkline shows the
//! latest 30), alert history older than `REPORT_RETENTION_DAYS` (as report
//! runs), and request statistics older than two days (the longest window a
//! rule measures is a day, and a `change_*` rule looks one more back), in
//! batches. Idempotent, so replicas may run it side by side.

use std::time::Duration;

use server_core::db::{alert_events, alert_rules, request_minutes, Ts};
use server_core::state::AppState;
use tracing::instrument;

/// How often old rows are looked for.
const EVERY: Duration = Duration::from_secs(3600);

/// Rows per delete statement.
const BATCH: i64 = 1_000;

/// Runs forever.
pub async fn run(state: AppState) {
    super::every(EVERY, || once(&state)).await;
}

/// One pass; returns how many rows were removed.
#[instrument(skip_all, fields(job = "alert_retention"))]
pub async fn once(state: &AppState) -> u64 {
    let now = state.clock.now();
    let keep = chrono::Duration::from_std(state.reports.settings.retention).unwrap_or(chrono::Duration::days(90));
    let events_cutoff = Ts::from(now - keep);
    let evaluations_cutoff = Ts::from(now - chrono::Duration::days(7));
    let minutes_cutoff = Ts::from(now - chrono::Duration::days(2));
    super::delete_pass("alert_retention", "expired alert history and request statistics", async {
        let mut removed = 0;
        for pass in 0..3 {
            loop {
                let batch = match pass {
                    0 => alert_rules::delete_evaluations_before(&state.db, evaluations_cutoff, BATCH).await?,
                    1 => alert_events::delete_before(&state.db, events_cutoff, BATCH).await?,
                    _ => request_minutes::delete_before(&state.db, minutes_cutoff, BATCH).await?,
                };
                removed += batch;
                if batch < BATCH as u64 {
                    break;
                }
            }
        }
        Ok(removed)
    })
    .await
}
