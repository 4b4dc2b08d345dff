//! Request count, latency percentiles and error rate per route, kept in the
//! process for the System page (Prometheus gets the same requests through
//! `/metrics`, for aggregation across replicas).

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

#[derive(Debug)]
struct Entry {
    latency: Histogram<u64>,
    errors: u64,
    client_errors: u64,
}

/// Statistics per (method, route pattern). Callers pass bounded labels (route
/// patterns from the router, known methods), and the map is capped at
/// [`MAX_ROUTES`] rows besides, so it stays as small as the API.
#[derive(Debug, Default)]
pub struct RouteStats {
    routes: Mutex<HashMap<(String, String), Entry>>,
}

impl RouteStats {
    /// Counts one response.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let micros = (elapsed.as_micros() as u64).clamp(1, MAX_MICROS);
        let mut routes = self.routes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut key = (method.to_owned(), route.to_owned());
        // The overflow row itself is the one allowed past the cap.
        if routes.len() >= MAX_ROUTES && !routes.contains_key(&key) {
            key = (OVERFLOW.to_owned(), OVERFLOW.to_owned());
        }
        let entry = routes.entry(key).or_insert_with(|| Entry {
            latency: Histogram::new_with_bounds(1, MAX_MICROS, 2).expect("valid histogram bounds"),
            errors: 0,
            client_errors: 0,
        });
        entry.latency.saturating_record(micros);
        match status {
            500.. => entry.errors += 1,
            400..=499 => entry.client_errors += 1,
            _ => {}
        }
    }

    /// Every route's figures, busiest first.
    pub fn snapshot(&self) -> Vec<RouteStat> {
        let routes = self.routes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let ms = |micros: u64| micros as f64 / 1000.0;
        let mut stats: Vec<RouteStat> = routes
            .iter()
            .map(|((method, route), e)| {
                let count = e.latency.len();
                RouteStat {
                    method: method.clone(),
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
