//! Background jobs, one per file. Each runs for the life of the server, is
//! idempotent (running it twice, or on two replicas, does no harm), and logs
//! its runs as lifecycle events.

pub mod activity_tail;
pub mod idempotency_cleanup;
pub mod users_online;

use app::state::AppState;

/// Starts every job on `state`.
pub fn spawn_all(state: &AppState) {
    tokio::spawn(activity_tail::run(state.clone()));
    tokio::spawn(idempotency_cleanup::run(state.clone()));
    tokio::spawn(users_online::run(state.clone()));
    tokio::spawn(crate::telemetry::metrics_upkeep());
}
