//! Forgets sessions and token families a day after they ended (expired or
//! revoked), so the table holds only what may still be presented. Idempotent,
//! so replicas may run it side by side.

use std::time::Duration;

use server_core::db::{sessions, Ts};
use server_core::state::AppState;
use tracing::instrument;

/// How often ended sessions are removed.
const EVERY: Duration = Duration::from_secs(3600);
/// How long an ended session is kept (its id may still appear in logs to trace).
const KEEP: chrono::Duration = chrono::Duration::days(1);

/// Runs forever.
pub async fn run(state: AppState) {
    super::every(EVERY, || once(&state)).await;
}

/// One pass; returns how many sessions were removed.
#[instrument(skip_all, fields(job = "session_cleanup"))]
pub async fn once(state: &AppState) -> u64 {
    let before = Ts::from(state.clock.now() - KEEP);
    super::delete_pass("session_cleanup", "ended sessions", sessions::delete_ended(&state.db, before)).await
}
