//! Follows how many alert rules fire (not silenced) and feeds the live hub an
//! `alerts` event when the number changes, so the dashboard's badge follows
//! rules evaluated on any replica without a reload. It reads only while a
//! stream is open in this process.

use std::time::Duration;

use server_core::db::{alert_rules, Ts};
use server_core::live::LiveEvent;
use server_core::state::AppState;

/// How often the count is read while someone watches.
const EVERY: Duration = Duration::from_secs(1);

/// Runs forever.
pub async fn run(state: AppState) {
    let mut last: Option<i64> = None;
    loop {
        tokio::time::sleep(EVERY).await;
        if !state.live.has_subscribers() {
            last = None;
            continue;
        }
        match alert_rules::count_firing(&state.db, Ts::from(state.clock.now())).await {
            Ok(firing) if last != Some(firing) => {
                // The first reading after someone starts watching is sent too:
                // a page that loaded its count a moment ago may have missed a change.
                last = Some(firing);
                state.live.publish(LiveEvent::Alerts { firing });
            }
            Ok(_) => {}
            Err(err) => tracing::debug!(error = %err, "alert tail: cannot count firing rules"),
        }
    }
}
