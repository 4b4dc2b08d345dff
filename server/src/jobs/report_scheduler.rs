//! Scheduled reports: every tick (and at once when a run is asked for) this
//! replica claims the due slots of every report and takes the runs whose
//! lease ran out, as many as it has room for, working on each in a task of
//! its own. Every replica runs it; the database decides who claims and who
//! works (see `server_core::reports`), so a slot runs once however many there are.

use std::sync::Arc;

use server_core::reports::{runner, scheduler};
use server_core::state::AppState;
use tracing::Instrument;

/// Runs forever (unless `REPORTS_SCHEDULER` is off).
pub async fn run(state: AppState) {
    let settings = &state.reports.settings;
    if !settings.enabled {
        tracing::info!("report scheduler off on this replica (REPORTS_SCHEDULER=false)");
        return;
    }
    // A little after start, so the first requests are not kept waiting, and
    // jittered, so replicas started together do not tick in step.
    tokio::time::sleep(std::time::Duration::from_millis(2_000 + u64::from(fastrand::u16(..1_000)))).await;
    loop {
        once(&state).await;
        let jitter = std::time::Duration::from_millis(fastrand::u64(..1_000));
        tokio::select! {
            () = tokio::time::sleep(settings.tick + jitter) => {}
            () = state.reports.kick.notified() => {}
        }
    }
}

/// One pass: claim due slots, then start work on as many takeable runs as
/// there are free permits.
pub async fn once(state: &AppState) {
    if let Err(err) = scheduler::tick(state, state.clock.now()).await {
        tracing::warn!(error = %err, "report scheduler tick failed");
    }
    let free = state.reports.active.available_permits();
    // The time again: claiming a thousand due slots takes seconds, and a run
    // taken with the pass's first reading would start with its lease already
    // that much shorter and its start recorded that much early.
    match runner::take(state, state.clock.now(), free).await {
        Ok(taken) => {
            for (id, attempt) in taken {
                let Ok(permit) = Arc::clone(&state.reports.active).try_acquire_owned() else { continue };
                let state = state.clone();
                let span = tracing::info_span!("report_run", run.id = id);
                tokio::spawn(
                    async move {
                        if let Err(err) = runner::execute(&state, id, attempt).await {
                            tracing::warn!(error = %err, "report run could not be recorded");
                        }
                        drop(permit);
                        // A slot freed: there may be more waiting.
                        state.reports.kick.notify_one();
                    }
                    .instrument(span),
                );
            }
        }
        Err(err) => tracing::warn!(error = %err, "cannot take report runs"),
    }
}
