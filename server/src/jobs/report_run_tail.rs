//! Follows `report_runs` and feeds the live hub a `report_run` event each
//! time a run's status, progress or stage changes, so a run table shows a run
//! moving and ending without a reload. Following the table (not the worker)
//! sees runs worked on by every replica, with or without Redis. It reads only
//! while a stream is open in this process.

use std::collections::HashMap;
use std::time::Duration;

use server_core::db::{report_runs, Ts};
use server_core::live::LiveEvent;
use server_core::model::RunProgress;
use server_core::state::AppState;

/// How often the table is checked while someone watches.
const EVERY: Duration = Duration::from_millis(500);
/// Changes are stamped to the second, and a write may commit after a later
/// one: each read looks this far back and drops what it already sent.
const OVERLAP_SECS: i64 = 2;
/// The most changes read per tick.
const BATCH: i64 = 500;

/// Runs forever.
pub async fn run(state: AppState) {
    let mut since = Ts::from(state.clock.now());
    // What each recently changed run was last seen as.
    let mut sent: HashMap<i64, (String, i64, Option<String>, Ts)> = HashMap::new();
    let mut failing = false;
    loop {
        tokio::time::sleep(EVERY).await;
        if !state.live.has_subscribers() {
            since = Ts::from(state.clock.now());
            sent.clear();
            continue;
        }
        let from = Ts::from_secs(since.secs() - OVERLAP_SECS);
        match report_runs::changed_since(&state.db, from, BATCH).await {
            Ok(rows) => {
                failing = false;
                for (run_id, report_id, status, progress, stage, updated_at) in rows {
                    since = since.max(updated_at);
                    let seen = (status.clone(), progress, stage.clone(), updated_at);
                    if sent.get(&run_id).is_some_and(|last| (&last.0, last.1, &last.2) == (&seen.0, seen.1, &seen.2)) {
                        continue;
                    }
                    sent.insert(run_id, seen);
                    state.live.publish(LiveEvent::ReportRun(RunProgress {
                        run_id,
                        report_id,
                        status,
                        progress,
                        stage,
                    }));
                }
                // Forget runs that have not changed within the overlap.
                sent.retain(|_, last| last.3.secs() >= since.secs() - OVERLAP_SECS);
            }
            Err(err) if !failing => {
                failing = true;
                tracing::warn!(error = %err, "report run tail: cannot read run changes");
            }
            Err(_) => {}
        }
    }
}
