//! This process's request statistics cut into minutes, for the alerts'
//! health figures across replicas: every few seconds the `request_minutes`
//! job asks for the rows of the minute under way (the route counters' growth
//! since the minute began, the most database waiters sampled, the longest
//! ingestion lag) and writes them as this replica's share. The request path
//! is untouched: the counters are the ones [`RouteStats`] already keeps.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

use super::route_stats::{LatencyBuckets, RouteCounters, RouteStats};
use crate::db::request_minutes::MinuteRow;

/// The minute under way and the counters at its start.
#[derive(Default)]
struct Current {
    minute: i64,
    base: HashMap<String, RouteCounters>,
}

/// Per-minute cuts of this process's statistics.
#[derive(Default)]
pub struct Minutes {
    current: Mutex<Current>,
    pool_waiting: AtomicU64,
    /// Longest lag seen this minute, ms; -1: nothing ingested.
    ingest_lag_ms: AtomicI64,
}

impl std::fmt::Debug for Minutes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minutes").finish_non_exhaustive()
    }
}

impl Minutes {
    /// Fresh, with nothing ingested yet.
    pub fn new() -> Self {
        Self { ingest_lag_ms: AtomicI64::new(-1), ..Self::default() }
    }

    /// Notes a sample of operations waiting for a database connection.
    pub fn saw_pool_waiting(&self, waiting: u64) {
        self.pool_waiting.fetch_max(waiting, Ordering::Relaxed);
    }

    /// Notes events ingested `lag_ms` after they happened (the batch's oldest).
    pub fn saw_ingest_lag(&self, lag_ms: i64) {
        self.ingest_lag_ms.fetch_max(lag_ms.max(0), Ordering::Relaxed);
    }

    /// The rows to write for minute `minute` (epoch seconds of its start)
    /// given `stats` now: the minute under way so far. When `minute` is a new
    /// one, the rows of the minute that just ended come back (with whatever
    /// arrived since it ended, at most one call's interval) and the new minute
    /// starts from here.
    pub fn rows(&self, stats: &RouteStats, minute: i64) -> Vec<MinuteRow> {
        let now = stats.counters();
        let mut current = self.current.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.minute == 0 {
            // The first call: the process's counters so far belong to no minute we know.
            current.minute = minute;
            current.base = now.iter().map(|c| (c.route.clone(), c.clone())).collect();
        }
        let rows_minute = current.minute;
        let ended = minute > current.minute;
        let mut total = MinuteRow { minute: rows_minute, route: String::new(), ..MinuteRow::default() };
        let mut total_buckets = LatencyBuckets::default();
        let mut rows = Vec::new();
        for counters in &now {
            let base = current.base.get(&counters.route);
            let requests = counters.requests - base.map_or(0, |b| b.requests);
            if requests == 0 {
                continue;
            }
            let errors = counters.errors - base.map_or(0, |b| b.errors);
            let mut buckets = counters.buckets;
            if let Some(base) = base {
                for (slot, before) in buckets.iter_mut().zip(base.buckets) {
                    *slot -= before;
                }
            }
            for (sum, n) in total_buckets.iter_mut().zip(buckets) {
                *sum += n;
            }
            total.requests += requests as i64;
            total.errors += errors as i64;
            rows.push(MinuteRow {
                minute: rows_minute,
                route: counters.route.clone(),
                requests: requests as i64,
                errors: errors as i64,
                latency: join(&buckets),
                ..MinuteRow::default()
            });
        }
        total.latency = join(&total_buckets);
        let (waiting, lag) = if ended {
            current.minute = minute;
            current.base = now.into_iter().map(|c| (c.route.clone(), c)).collect();
            (self.pool_waiting.swap(0, Ordering::Relaxed), self.ingest_lag_ms.swap(-1, Ordering::Relaxed))
        } else {
            (self.pool_waiting.load(Ordering::Relaxed), self.ingest_lag_ms.load(Ordering::Relaxed))
        };
        total.pool_waiting = i64::try_from(waiting).unwrap_or(i64::MAX);
        total.ingest_lag_ms = (lag >= 0).then_some(lag);
        rows.push(total);
        rows
    }
}

fn join(buckets: &LatencyBuckets) -> String {
    buckets.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_minute_holds_what_arrived_in_it() {
        let stats = RouteStats::default();
        let minutes = Minutes::new();
        stats.record("GET", "/a", 200, Duration::from_millis(1));
        // The first call only sets the base: earlier requests belong to no minute.
        let first = minutes.rows(&stats, 60);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].requests, 0);
        stats.record("GET", "/a", 500, Duration::from_millis(20));
        stats.record("GET", "/b", 200, Duration::from_millis(1));
        minutes.saw_pool_waiting(3);
        minutes.saw_pool_waiting(1);
        minutes.saw_ingest_lag(1500);
        let so_far = minutes.rows(&stats, 60);
        let total = so_far.iter().find(|r| r.route.is_empty()).unwrap();
        assert_eq!((total.minute, total.requests, total.errors, total.pool_waiting), (60, 2, 1, 3));
        assert_eq!(total.ingest_lag_ms, Some(1500));
        let a = so_far.iter().find(|r| r.route == "GET /a").unwrap();
        assert_eq!((a.requests, a.errors, a.latency.as_str()), (1, 1, "0,0,1,0,0,0,0,0,0,0,0,0,0,0"));
        // The next minute: the ended one comes back whole, then the new one starts empty.
        stats.record("GET", "/a", 200, Duration::from_millis(1));
        let ended = minutes.rows(&stats, 120);
        let total = ended.iter().find(|r| r.route.is_empty()).unwrap();
        assert_eq!((total.minute, total.requests, total.pool_waiting), (60, 3, 3));
        let next = minutes.rows(&stats, 120);
        let total = next.iter().find(|r| r.route.is_empty()).unwrap();
        assert_eq!((total.minute, total.requests, total.pool_waiting, total.ingest_lag_ms), (120, 0, 0, None));
    }
}
