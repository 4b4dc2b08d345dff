//! Alert rules: every few seconds this replica evaluates the rules that are
//! due, claiming each rule's slot first (see `server_core::alerts`), so a rule
//! is evaluated once per interval however many replicas run this. Off with
//! the report scheduler (`REPORTS_SCHEDULER=false` makes a web-only replica).

use std::time::Duration;

use server_core::alerts::evaluator;
use server_core::state::AppState;

/// How often due rules are looked for (rules are evaluated every 10 s at most).
const TICK: Duration = Duration::from_secs(5);

/// Runs forever (unless `REPORTS_SCHEDULER` is off).
pub async fn run(state: AppState) {
    if !state.reports.settings.enabled {
        tracing::info!("alert evaluator off on this replica (REPORTS_SCHEDULER=false)");
        return;
    }
    // After the first minute's request statistics exist, and jittered, so
    // replicas started together do not tick in step.
    tokio::time::sleep(Duration::from_millis(3_000 + u64::from(fastrand::u16(..1_000)))).await;
    loop {
        once(&state).await;
        tokio::time::sleep(TICK + Duration::from_millis(fastrand::u64(..500))).await;
    }
}

/// One pass over the due rules.
pub async fn once(state: &AppState) {
    if let Err(err) = evaluator::tick(state, state.clock.now()).await {
        tracing::warn!(error = %err, "alert evaluation tick failed");
    }
}
