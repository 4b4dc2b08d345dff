//! Request count, latency percentiles and error rate per route, kept in the
//! process for the System page, and the same requests counted for Prometheus
//! (`http_requests_total`, `http_request_duration_seconds` on `/metrics`, for
//! aggregation across replicas).
//!
//! This runs on every request: each row keeps its Prometheus handles, so a
//! request costs one map lookup by the route (no key is built, nothing is
//! allocated) instead of a label set built and hashed per metric.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;

use crate::model::RouteStat;

/// Latencies are recorded in microseconds, from 1 µs to 10 minutes, with two
/// significant figures: a few kilobytes per route.
const MAX_MICROS: u64 = 600_000_000;

/// The most (method, route) rows kept: several times the API's routes times
/// its methods, and a few megabytes at most. Whatever arrives once the map is
/// full is counted in one [`OVERFLOW`] row, so no client can grow it.
pub const MAX_ROUTES: usize = 512;

/// The method and route of the row that counts requests past [`MAX_ROUTES`].
pub const OVERFLOW: &str = "other";

/// The upper bounds (milliseconds) of the fixed latency buckets each route
/// also counts in; one more bucket takes everything slower. Unlike the
/// histograms, bucket counts from several replicas and minutes add up, so
/// alerts take a p95 over the whole service from them (`request_minutes`).
pub const LATENCY_BOUNDS_MS: [u64; 13] = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000];

/// Counts per latency bucket: one per bound, then the slower rest.
pub type LatencyBuckets = [u64; LATENCY_BOUNDS_MS.len() + 1];

/// The bucket a latency falls in.
pub fn bucket_of(elapsed: Duration) -> usize {
    let ms = elapsed.as_millis();
    LATENCY_BOUNDS_MS.iter().position(|bound| ms <= u128::from(*bound)).unwrap_or(LATENCY_BOUNDS_MS.len())
}

/// A route's counters since the process started, for the per-minute
/// statistics (which subtract the previous reading).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouteCounters {
    /// `GET /api/v1/users`, or [`OVERFLOW`].
    pub route: String,
    /// Responses.
    pub requests: u64,
    /// 5xx responses.
    pub errors: u64,
    /// Responses per latency bucket.
    pub buckets: LatencyBuckets,
}

struct Entry {
    method: String,
    latency: Histogram<u64>,
    buckets: LatencyBuckets,
    errors: u64,
    client_errors: u64,
    /// `http_request_duration_seconds{method, route}`.
    duration: metrics::Histogram,
    /// `http_requests_total{method, route, status}`, one per status seen.
    requests: Vec<(u16, metrics::Counter)>,
}

impl Entry {
    fn new(method: &str, route: &str) -> Self {
        let labels = [("method", method.to_owned()), ("route", route.to_owned())];
        Self {
            method: method.to_owned(),
            latency: Histogram::new_with_bounds(1, MAX_MICROS, 2).expect("valid histogram bounds"),
            buckets: LatencyBuckets::default(),
            errors: 0,
            client_errors: 0,
            duration: metrics::histogram!("http_request_duration_seconds", &labels),
            requests: Vec::new(),
        }
    }

    fn record(&mut self, route: &str, status: u16, elapsed: Duration) {
        let micros = (elapsed.as_micros() as u64).clamp(1, MAX_MICROS);
        self.latency.saturating_record(micros);
        self.buckets[bucket_of(elapsed)] += 1;
        match status {
            500.. => self.errors += 1,
            400..=499 => self.client_errors += 1,
            _ => {}
        }
        self.duration.record(elapsed.as_secs_f64());
        let counter = match self.requests.iter().position(|(s, _)| *s == status) {
            Some(i) => &self.requests[i].1,
            None => {
                let labels =
                    [("method", self.method.clone()), ("route", route.to_owned()), ("status", status.to_string())];
                self.requests.push((status, metrics::counter!("http_requests_total", &labels)));
                &self.requests[self.requests.len() - 1].1
            }
        };
        counter.increment(1);
    }
}

#[derive(Default)]
struct Rows {
    /// Route pattern → its rows, one per method. Hashed with foldhash: the
    /// patterns are the router's (or fixed labels), never a caller's text.
    by_route: HashMap<String, Vec<Entry>, foldhash::fast::RandomState>,
    count: usize,
}

/// Statistics per (method, route pattern). Callers pass bounded labels (route
/// patterns from the router, known methods), and the map is capped at
/// [`MAX_ROUTES`] rows besides, so it stays as small as the API.
#[derive(Default)]
pub struct RouteStats {
    rows: Mutex<Rows>,
}

impl std::fmt::Debug for RouteStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteStats").finish_non_exhaustive()
    }
}

impl RouteStats {
    /// Counts one response.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let mut rows = self.rows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Rows { by_route, count } = &mut *rows;
        // Nearly always a row that exists: one lookup.
        if let Some(entry) = by_route.get_mut(route).and_then(|row| row.iter_mut().find(|e| e.method == method)) {
            entry.record(route, status, elapsed);
            return;
        }
        // A new row; the overflow row itself is the one allowed past the cap.
        let (route, at) = if *count >= MAX_ROUTES {
            let row = by_route.entry(OVERFLOW.to_owned()).or_default();
            if row.is_empty() {
                row.push(Entry::new(OVERFLOW, OVERFLOW));
                *count += 1;
            }
            (OVERFLOW, 0)
        } else {
            let row = by_route.entry(route.to_owned()).or_default();
            row.push(Entry::new(method, route));
            *count += 1;
            (route, row.len() - 1)
        };
        if let Some(entry) = by_route.get_mut(route).and_then(|row| row.get_mut(at)) {
            entry.record(route, status, elapsed);
        }
    }

    /// Every row's counters, as `METHOD route`.
    pub fn counters(&self) -> Vec<RouteCounters> {
        let rows = self.rows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        rows.by_route
            .iter()
            .flat_map(|(route, row)| row.iter().map(move |e| (route, e)))
            .map(|(route, e)| RouteCounters {
                route: if route == OVERFLOW { OVERFLOW.to_owned() } else { format!("{} {route}", e.method) },
                requests: e.latency.len(),
                errors: e.errors,
                buckets: e.buckets,
            })
            .collect()
    }

    /// Every route's figures, busiest first.
    pub fn snapshot(&self) -> Vec<RouteStat> {
        let rows = self.rows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let ms = |micros: u64| micros as f64 / 1000.0;
        let mut stats: Vec<RouteStat> = rows
            .by_route
            .iter()
            .flat_map(|(route, row)| row.iter().map(move |e| (route, e)))
            .map(|(route, e)| {
                let count = e.latency.len();
                RouteStat {
                    method: e.method.clone(),
                    route: route.clone(),
                    count,
                    avg_ms: e.latency.mean() / 1000.0,
                    p95_ms: ms(e.latency.value_at_quantile(0.95)),
                    p99_ms: ms(e.latency.value_at_quantile(0.99)),
                    error_rate: if count == 0 { 0.0 } else { e.errors as f64 / count as f64 },
                    client_errors: e.client_errors,
                }
            })
            .collect();
        stats.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.route.cmp(&b.route)));
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_error_rate_per_route() {
        let stats = RouteStats::default();
        for i in 1..=100u64 {
            let status = if i <= 5 {
                500
            } else if i <= 15 {
                404
            } else {
                200
            };
            stats.record("GET", "/api/x", status, Duration::from_millis(i));
        }
        stats.record("POST", "/api/y", 201, Duration::from_millis(3));
        let snapshot = stats.snapshot();
        assert_eq!(snapshot.len(), 2);
        let x = &snapshot[0];
        assert_eq!((x.method.as_str(), x.route.as_str(), x.count), ("GET", "/api/x", 100));
        assert!((x.avg_ms - 50.5).abs() < 1.0, "{x:?}");
        assert!((94.0..=97.0).contains(&x.p95_ms), "{x:?}");
        assert!((98.0..=101.0).contains(&x.p99_ms), "{x:?}");
        assert!((x.error_rate - 0.05).abs() < 1e-9);
        assert_eq!(x.client_errors, 10);
    }

    #[test]
    fn counters_per_latency_bucket() {
        let stats = RouteStats::default();
        stats.record("GET", "/a", 200, Duration::from_millis(3));
        stats.record("GET", "/a", 503, Duration::from_millis(7));
        stats.record("GET", "/a", 200, Duration::from_secs(90));
        let counters = stats.counters();
        assert_eq!(counters.len(), 1);
        let a = &counters[0];
        assert_eq!((a.route.as_str(), a.requests, a.errors), ("GET /a", 3, 1));
        assert_eq!((a.buckets[0], a.buckets[1], a.buckets[LATENCY_BOUNDS_MS.len()]), (1, 1, 1));
        assert_eq!(a.buckets.iter().sum::<u64>(), 3);
    }

    #[test]
    fn rows_past_the_cap_fold_into_one() {
        let stats = RouteStats::default();
        for i in 0..MAX_ROUTES + 100 {
            stats.record("GET", &format!("/r/{i}"), 200, Duration::from_millis(1));
        }
        // Known rows still count once the map is full.
        stats.record("GET", "/r/0", 200, Duration::from_millis(1));
        let snapshot = stats.snapshot();
        assert_eq!(snapshot.len(), MAX_ROUTES + 1);
        let overflow = snapshot.iter().find(|s| s.route == OVERFLOW).expect("an overflow row");
        assert_eq!((overflow.method.as_str(), overflow.count), (OVERFLOW, 100));
        assert_eq!(snapshot.iter().find(|s| s.route == "/r/0").map(|s| s.count), Some(2));
    }
}
