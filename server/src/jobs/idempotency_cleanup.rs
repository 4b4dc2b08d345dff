//! Forgets Idempotency-Key records an hour after their first use. Deleting
//! expired rows is idempotent, so replicas may run it side by side.

use std::time::{Duration, Instant};

use app::db::{idempotency, Ts};
use app::observability::events;
use app::state::AppState;
use tracing::instrument;

/// How often expired keys are removed.
const EVERY: Duration = Duration::from_secs(600);

/// Runs forever.
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        once(&state).await;
    }
}

/// One pass; returns how many records were removed.
#[instrument(skip_all, fields(job = "idempotency_cleanup"))]
pub async fn once(state: &AppState) -> u64 {
    let started = Instant::now();
    let run_id = app::trace::generate();
    events::job_started("idempotency_cleanup", &run_id);
    match idempotency::delete_expired(&state.db, Ts::from(state.clock.now())).await {
        Ok(removed) => {
            tracing::info!(removed, "expired idempotency keys removed");
            events::job_completed("idempotency_cleanup", &run_id, started.elapsed().as_millis() as u64);
            removed
        }
        Err(err) => {
            events::job_failed("idempotency_cleanup", &run_id, started.elapsed().as_millis() as u64, &err);
            0
        }
    }
}
