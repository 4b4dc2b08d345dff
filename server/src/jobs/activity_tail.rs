//! Follows the `activities` table and feeds the live hub: each new activity is
//! published as it is seen, and after new ones the cached dashboard figures are
//! invalidated and a `stats` event tells the dashboards to refetch. Following
//! the table (one primary-key range query per tick) sees writes from every
//! process and replica alike, with or without Redis.

use std::time::{Duration, Instant};

use server_core::db::activities;
use server_core::live::LiveEvent;
use server_core::state::AppState;

/// How often the table is checked: well inside the 1 s a live dashboard may lag.
const EVERY: Duration = Duration::from_millis(200);
/// The most activities read per tick (a burst is caught up over several ticks).
const BATCH: i64 = 500;
/// The least time between two `stats` events (each makes every dashboard refetch).
const STATS_EVERY: Duration = Duration::from_millis(500);

/// Runs forever.
pub async fn run(state: AppState) {
    let mut last_id = loop {
        match activities::max_id(&state.db).await {
            Ok(id) => break id,
            Err(err) => {
                tracing::warn!(error = %err, "activity tail: cannot read the newest activity id, retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    let mut stats_sent = Instant::now() - STATS_EVERY;
    let mut stats_due = false;
    let mut failing = false;
    loop {
        tokio::time::sleep(EVERY).await;
        match activities::after_id(&state.db, last_id, BATCH).await {
            Ok(items) => {
                failing = false;
                if let Some(last) = items.last() {
                    last_id = last.id;
                    stats_due = true;
                }
                for item in items {
                    state.live.publish(LiveEvent::Activity(item));
                }
            }
            // Logged once per outage, not five times a second.
            Err(err) if !failing => {
                failing = true;
                tracing::warn!(error = %err, "activity tail: cannot read new activities");
            }
            Err(_) => {}
        }
        if stats_due && stats_sent.elapsed() >= STATS_EVERY {
            stats_due = false;
            stats_sent = Instant::now();
            invalidate(&state).await;
            state.live.publish(LiveEvent::Stats);
        }
    }
}

/// Drops the cached figures new activities change.
async fn invalidate(state: &AppState) {
    if let Err(err) = state.cache.forget(server_core::cache::Change::Activities).await {
        tracing::warn!(error = %err, "activity tail: cache invalidation failed");
    }
}
