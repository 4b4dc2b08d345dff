//! Report (and later alert) deliveries: every 2 s this replica takes the
//! deliveries that are due and whose lease ran out, and makes one attempt at
//! each (see `server_core::channels::dispatcher`). Every replica runs it; the
//! leases in the database decide who sends, so each is sent by one at a time.

use std::time::Duration;

use server_core::channels::dispatcher;
use server_core::state::AppState;

/// How often due deliveries are looked for.
const EVERY: Duration = Duration::from_secs(2);

/// Runs forever (unless `REPORTS_SCHEDULER` is off: web-only replicas send nothing).
pub async fn run(state: AppState) {
    if !state.reports.settings.enabled {
        return;
    }
    super::every(EVERY, || once(&state)).await;
}

/// One pass, with the settings of the moment.
#[tracing::instrument(skip_all, fields(job = "delivery_dispatcher"))]
pub async fn once(state: &AppState) {
    if let Err(err) = dispatcher::run_due(state, &state.channels, state.clock.now()).await {
        tracing::warn!(error = %err, "delivery dispatcher pass failed");
    }
}
