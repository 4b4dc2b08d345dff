//! Forgets Idempotency-Key records an hour after their first use. Deleting
//! expired rows is idempotent, so replicas may run it side by side.

use std::time::Duration;

use server_core::db::{idempotency, Ts};
use server_core::state::AppState;
use tracing::instrument;

/// How often expired keys are removed.
const EVERY: Duration = Duration::from_secs(600);

/// Runs forever.
pub async fn run(state: AppState) {
    super::every(EVERY, || once(&state)).await;
}

/// One pass; returns how many records were removed.
#[instrument(skip_all, fields(job = "idempotency_cleanup"))]
pub async fn once(state: &AppState) -> u64 {
    let now = Ts::from(state.clock.now());
    super::delete_pass("idempotency_cleanup", "expired idempotency keys", idempotency::delete_expired(&state.db, now))
        .await
}
