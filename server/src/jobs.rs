//! Background jobs, one per file. Each runs for the life of the server, is
//! idempotent (running it twice, or on two replicas, does no harm), and logs
//! its runs as lifecycle events.

pub mod activity_tail;
pub mod alert_evaluator;
pub mod alert_retention;
pub mod alert_tail;
pub mod delivery_dispatcher;
pub mod idempotency_cleanup;
pub mod report_retention;
pub mod report_run_tail;
pub mod report_scheduler;
pub mod request_minutes;
pub mod session_cleanup;
pub mod users_online;

use server_core::state::AppState;

/// Starts every job on `state`.
pub fn spawn_all(state: &AppState) {
    tokio::spawn(activity_tail::run(state.clone()));
    tokio::spawn(alert_evaluator::run(state.clone()));
    tokio::spawn(alert_retention::run(state.clone()));
    tokio::spawn(alert_tail::run(state.clone()));
    tokio::spawn(delivery_dispatcher::run(state.clone()));
    tokio::spawn(idempotency_cleanup::run(state.clone()));
    tokio::spawn(report_retention::run(state.clone()));
    tokio::spawn(report_run_tail::run(state.clone()));
    tokio::spawn(report_scheduler::run(state.clone()));
    tokio::spawn(request_minutes::run(state.clone()));
    tokio::spawn(session_cleanup::run(state.clone()));
    tokio::spawn(users_online::run(state.clone()));
    tokio::spawn(crate::telemetry::metrics_upkeep());
}

/// Runs `pass` every `period`, forever (the first pass at once).
pub(crate) async fn every<F, Fut>(period: std::time::Duration, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future,
{
    let mut tick = tokio::time::interval(period);
    loop {
        tick.tick().await;
        pass().await;
    }
}

/// One pass of a job that deletes what has run out, with the job's lifecycle
/// events; returns how many rows went (0 when it failed).
pub(crate) async fn delete_pass(
    job: &str,
    what: &str,
    delete: impl std::future::Future<Output = server_core::error::Result<u64>>,
) -> u64 {
    let started = std::time::Instant::now();
    let run_id = server_core::trace::generate();
    server_core::observability::events::job_started(job, &run_id);
    match delete.await {
        Ok(removed) => {
            tracing::info!(removed, "{what} removed");
            server_core::observability::events::job_completed(job, &run_id, started.elapsed().as_millis() as u64);
            removed
        }
        Err(err) => {
            server_core::observability::events::job_failed(job, &run_id, started.elapsed().as_millis() as u64, &err);
            0
        }
    }
}
