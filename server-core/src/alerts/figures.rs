//! Reads the figure a rule watches, now and (for `change_*`) over the period
//! before, from what the dashboard already keeps: the hourly counters, the
//! indexed time columns, the report runs, and the per-minute request
//! statistics every replica writes (`request_minutes`, summed over replicas).
//! No figure scans a table's history.

use chrono::{DateTime, Duration, Utc};

use crate::db::{activities, report_runs, request_minutes, users, Db, Ts};
use crate::error::Result;
use crate::model::range::{day_start, Zone};
use crate::model::{alert_default_window as default_window, alert_has_previous as has_previous};
use crate::observability::route_stats::{LatencyBuckets, LATENCY_BOUNDS_MS};

/// What a rule reads at one evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Reading {
    /// The figure now (none: no data, e.g. no requests in the window).
    pub value: Option<f64>,
    /// The same figure over the previous window (or yesterday, for
    /// `active_today`), when the condition compares against it.
    pub previous: Option<f64>,
}

/// The figure of one rule, as the evaluator and "test" need it.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure<'a> {
    /// One of `ALERT_METRICS`.
    pub metric: &'a str,
    /// The activity type or route it is narrowed to.
    pub filter: Option<&'a str>,
    /// Its window, in minutes (the metric's default when absent).
    pub window_minutes: Option<i64>,
    /// Whether `previous` is wanted (the `change_*` conditions).
    pub previous: bool,
    /// Whether the value is minutes since the last datum (`no_data`).
    pub no_data: bool,
}

/// Reads `figure` at `now`.
pub async fn read(db: &Db, figure: &Figure<'_>, now: DateTime<Utc>) -> Result<Reading> {
    if figure.no_data {
        let latest = match figure.metric {
            "new_signups" => users::latest_created_at(db).await?,
            _ => activities::latest_at(db, figure.filter).await?,
        };
        // Never any data counts as "for ever": the condition's minutes have passed.
        let minutes = latest.map_or(f64::MAX, |at| (now - at.0).num_seconds().max(0) as f64 / 60.0);
        return Ok(Reading { value: Some(minutes), previous: None });
    }
    let window = Duration::minutes(figure.window_minutes.or(default_window(figure.metric)).unwrap_or(5));
    let value = over(db, figure, now - window, now).await?;
    let previous = if figure.previous && has_previous(figure.metric) {
        match figure.metric {
            // Today so far against yesterday up to the same time.
            "active_today" => over(db, figure, now - Duration::days(2), now - Duration::days(1)).await?,
            _ => over(db, figure, now - window - window, now - window).await?,
        }
    } else {
        None
    };
    Ok(Reading { value, previous })
}

/// The figure over `[from, to)` (`active_today`: the KST day of `to`, up to `to`).
async fn over(db: &Db, figure: &Figure<'_>, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Option<f64>> {
    let (from_ts, to_ts) = (Ts::from(from), Ts::from(to));
    Ok(match figure.metric {
        "users_online" => Some(users::count_online(db).await? as f64),
        "active_today" => {
            let day = to.with_timezone(&Zone::Kst.offset()).date_naive();
            let start = Ts::from(day_start(day, Zone::Kst));
            Some(activities::count_users_between(db, start, to_ts).await? as f64)
        }
        "new_signups" => Some(users::count_created_between(db, from_ts, to_ts).await? as f64),
        "activities" => {
            let filter = activities::Filter {
                activity_type: figure.filter.map(str::to_owned),
                from: Some(from_ts),
                to: Some(to_ts),
                ..activities::Filter::default()
            };
            Some(activities::count(db, &filter).await? as f64)
        }
        "solve_rate" => {
            let count = |kind: &str| activities::Filter {
                activity_type: Some(kind.to_owned()),
                from: Some(from_ts),
                to: Some(to_ts),
                ..activities::Filter::default()
            };
            let (solve, attempt) = (count("problem_solve"), count("problem_attempt"));
            let (solves, attempts) = tokio::try_join!(activities::count(db, &solve), activities::count(db, &attempt))?;
            // As the problem bank counts it: solves out of every try.
            let tries = solves + attempts;
            (tries > 0).then(|| solves as f64 * 100.0 / tries as f64)
        }
        "error_rate" | "latency_p95" => {
            let rows = request_minutes::rows_between(db, figure.filter.unwrap_or(""), minute(from), to_ts).await?;
            let (requests, errors, buckets) = sum_minutes(&rows);
            if requests == 0 {
                None
            } else if figure.metric == "error_rate" {
                Some(errors as f64 * 100.0 / requests as f64)
            } else {
                Some(p95_ms(&buckets))
            }
        }
        "report_failures" => Some(report_runs::count_failed_between(db, from_ts, to_ts).await? as f64),
        "report_duration_p95" => {
            let mut durations = report_runs::durations_between(db, from_ts, to_ts, 10_000).await?;
            durations.sort_unstable();
            percentile(&durations, 0.95).map(|ms| ms as f64 / 1000.0)
        }
        "ingestion_lag" => {
            request_minutes::max_ingest_lag_ms(db, minute(from), to_ts).await?.map(|ms| ms as f64 / 1000.0)
        }
        "db_pool_waiting" => request_minutes::max_pool_waiting(db, minute(from), to_ts).await?.map(|n| n as f64),
        _ => None,
    })
}

/// The start of the minute `at` is in: request statistics are kept per
/// minute, so a window takes the whole minute it starts in, and the minute
/// under way (its row is rewritten as it fills) up to now.
fn minute(at: DateTime<Utc>) -> Ts {
    Ts::from_secs(at.timestamp().div_euclid(60) * 60)
}

/// Requests, 5xx and latency buckets summed over replicas' minute rows.
pub fn sum_minutes(rows: &[(i64, i64, String)]) -> (i64, i64, LatencyBuckets) {
    let mut buckets = LatencyBuckets::default();
    let (mut requests, mut errors) = (0, 0);
    for (r, e, latency) in rows {
        requests += r;
        errors += e;
        for (slot, n) in buckets.iter_mut().zip(latency.split(',')) {
            *slot += n.trim().parse::<u64>().unwrap_or(0);
        }
    }
    (requests, errors, buckets)
}

/// The 95th percentile of bucketed latencies, in ms: linear within the bucket
/// it falls in (the slowest bucket, which has no upper bound, reports its
/// lower one).
pub fn p95_ms(buckets: &LatencyBuckets) -> f64 {
    let total: u64 = buckets.iter().sum();
    if total == 0 {
        return 0.0;
    }
    let rank = (total as f64 * 0.95).ceil();
    let mut below = 0u64;
    for (i, n) in buckets.iter().enumerate() {
        if *n > 0 && (below + n) as f64 >= rank {
            let low = if i == 0 { 0.0 } else { LATENCY_BOUNDS_MS[i - 1] as f64 };
            let Some(high) = LATENCY_BOUNDS_MS.get(i).map(|b| *b as f64) else { return low };
            return low + (high - low) * (rank - below as f64) / *n as f64;
        }
        below += n;
    }
    LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.len() - 1] as f64
}

/// The `q` quantile (nearest rank) of sorted values.
fn percentile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minute_rows_add_up_over_replicas() {
        let rows = vec![(10, 1, "5,5,0".to_owned()), (30, 2, "0,20,10".to_owned())];
        let (requests, errors, buckets) = sum_minutes(&rows);
        assert_eq!((requests, errors), (40, 3));
        assert_eq!(&buckets[..3], &[5, 25, 10]);
    }

    #[test]
    fn p95_falls_in_the_right_bucket() {
        let mut buckets = LatencyBuckets::default();
        buckets[0] = 90; // ≤ 5 ms
        buckets[5] = 10; // 100–250 ms
        let p95 = p95_ms(&buckets);
        assert!((100.0..=250.0).contains(&p95), "{p95}");
        let mut slow = LatencyBuckets::default();
        slow[LATENCY_BOUNDS_MS.len()] = 3;
        assert_eq!(p95_ms(&slow), 60_000.0);
        assert_eq!(p95_ms(&LatencyBuckets::default()), 0.0);
    }

    #[test]
    fn nearest_rank_percentile() {
        let values: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&values, 0.95), Some(95));
        assert_eq!(percentile(&[7], 0.95), Some(7));
        assert_eq!(percentile(&[], 0.95), None);
    }
}
