//! This replica's share of the request statistics, per minute, in the
//! database (`request_minutes`), where the alerts' health figures sum every
//! replica's: each second it samples how many database operations wait for a
//! connection; every few seconds it rewrites the current minute's rows (and
//! once more the minute that just ended, whole). Every replica writes only
//! its own rows, so they never conflict.

use std::time::Duration;

use server_core::db::request_minutes;
use server_core::state::AppState;

/// How often the pool is sampled.
const SAMPLE: Duration = Duration::from_secs(1);

/// How often the minute's rows are written.
const WRITE_EVERY: u32 = 10;

/// Runs forever.
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(SAMPLE);
    let mut n = 0u32;
    loop {
        tick.tick().await;
        state.ops.minutes.saw_pool_waiting(state.db.waiting());
        n += 1;
        let minute = state.clock.now().timestamp().div_euclid(60) * 60;
        if n.is_multiple_of(WRITE_EVERY) || minute_ended(&state, minute) {
            once(&state, minute).await;
        }
    }
}

/// Whether the minute under way is a new one (its first second): the ended
/// minute's rows are written at once, whole.
fn minute_ended(state: &AppState, minute: i64) -> bool {
    state.clock.now().timestamp() - minute < SAMPLE.as_secs() as i64
}

/// Writes the rows of `minute` (or of the minute that just ended).
pub async fn once(state: &AppState, minute: i64) {
    let rows = state.ops.minutes.rows(&state.ops.route_stats, minute);
    if let Err(err) = request_minutes::upsert(&state.db, &state.reports.instance, &rows).await {
        tracing::warn!(error = %err, "cannot write this replica's request statistics");
    }
}
