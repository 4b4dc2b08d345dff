//! A run's figures: each section of its spec, computed from the counters the
//! dashboard uses (`services::dashboard::compute_*`, `db/`), over the resolved
//! period and the one before it. No new full scans.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::data::{Anomaly, ChartData, Figure, ProblemLine, ReportData, SectionData};
use super::period;
use super::spec::RunSpec;
use crate::countries::CountryIndex;
use crate::db::{activities, problems, users, Db, Ts};
use crate::error::{AppError, Result};
use crate::model::range::{Preset, RangeQuery, ResolvedRange, Zone};
use crate::model::{ProblemStats, Section, COMPARISON_METRICS};
use crate::services::dashboard;

/// The figures a stat summary shows, in order.
const SUMMARY: [&str; 5] = ["new_users", "active_users", "activities", "new_problems", "total_users"];

/// Days with fewer events than this (on the day and on average) are never unusual.
const MIN_VOLUME: f64 = 10.0;

/// An unusual day differs from the mean by at least this share.
const MIN_CHANGE: f64 = 0.2;

/// The most unusual days a section lists.
const MAX_ANOMALIES: usize = 10;

/// Problems tried fewer times than this are not ranked by solve rate.
const MIN_TRIES: i64 = 10;

fn failed(message: String) -> AppError {
    AppError::BusinessRule { message }
}

/// One figure over `range`.
async fn figure(db: &Db, key: &str, range: &ResolvedRange) -> Result<i64> {
    let (from, to) = (Ts::from(range.start), Ts::from(range.end));
    match key {
        "new_users" => users::count_created_between(db, from, to).await,
        "active_users" => activities::count_users_between(db, from, to).await,
        "activities" => activities::count_between(db, from, to).await,
        "new_problems" => problems::count_created_between(db, from, to).await,
        // Users who had joined by the end of the range: from the hourly
        // counters when it ends on an hour (a midnight in KST or UTC always does).
        _ => match whole_hour(range.end) {
            Some(hour) => users::count_created_before_hour(db, hour).await,
            None => users::count_created_between(db, Ts::from_secs(0), to).await,
        },
    }
}

/// `at` as a Unix hour, when it is exactly one.
fn whole_hour(at: DateTime<Utc>) -> Option<i64> {
    let secs = at.timestamp();
    (secs % 3600 == 0 && at.timestamp_subsec_nanos() == 0).then_some(secs / 3600)
}

/// Figures a run has already counted, by key and range: a summary and a
/// comparison in one report ask for the same ones, and the distinct active
/// users of a week are the slowest query a report makes (~0.5 s at 10M
/// activities on SQLite).
type Counted = HashMap<(&'static str, DateTime<Utc>, DateTime<Utc>), i64>;

/// Each of `keys` over `range` and over `previous`, counting only what `known` lacks.
async fn figures(
    db: &Db,
    known: &mut Counted,
    keys: &[&'static str],
    range: &ResolvedRange,
    previous: &ResolvedRange,
) -> Result<Vec<Figure>> {
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let (now_key, before_key) = ((*key, range.start, range.end), (*key, previous.start, previous.end));
        let (now_known, before_known) = (known.get(&now_key).copied(), known.get(&before_key).copied());
        let (value, before) = tokio::try_join!(
            async {
                if let Some(v) = now_known {
                    Ok(v)
                } else {
                    figure(db, key, range).await
                }
            },
            async {
                if let Some(v) = before_known {
                    Ok(v)
                } else {
                    figure(db, key, previous).await
                }
            },
        )?;
        known.insert(now_key, value);
        known.insert(before_key, before);
        out.push(Figure { key, value, previous: before });
    }
    Ok(out)
}

fn line((id, title, subject, difficulty, solves, attempts): problems::ProblemLine) -> ProblemLine {
    ProblemLine {
        id,
        title,
        subject,
        difficulty,
        solves,
        attempts,
        solve_rate: ProblemStats::new(0, attempts, solves).solve_rate,
    }
}

/// The days of `range` with the `lookback` (≥ 7) days before it: more than
/// one day, so the counters come per day, not per hour.
fn with_lookback(range: &ResolvedRange, lookback: i64, at: DateTime<Utc>) -> Result<ResolvedRange> {
    let query = RangeQuery {
        preset: Preset::Custom,
        from: Some(range.first_day - Duration::days(lookback)),
        to: Some(range.last_day),
    };
    ResolvedRange::new(&query, range.zone, at).map_err(|e| failed(format!("{}: {}", e.field, e.message)))
}

/// Calls `flag(index, value, mean, z)` for each day after the first
/// `lookback` of `counts` whose count is far from those days' mean.
fn unusual(counts: &[i64], lookback: usize, min_z: f64, mut flag: impl FnMut(usize, i64, f64, f64)) {
    if counts.len() <= lookback || lookback < 2 {
        return;
    }
    let base = &counts[..lookback];
    let mean = base.iter().sum::<i64>() as f64 / base.len() as f64;
    let var = base.iter().map(|&c| (c as f64 - mean).powi(2)).sum::<f64>() / (base.len() - 1) as f64;
    let sd = var.sqrt().max(1.0);
    for (i, &value) in counts.iter().enumerate().skip(lookback) {
        let z = (value as f64 - mean) / sd;
        let big_enough = (value as f64).max(mean) >= MIN_VOLUME;
        let changed = (value as f64 - mean).abs() >= MIN_CHANGE * mean.max(1.0);
        if z.abs() >= min_z && big_enough && changed {
            flag(i, value, mean, z);
        }
    }
}

async fn anomalies(db: &Db, section: &Section, range: &ResolvedRange, at: DateTime<Utc>) -> Result<SectionData> {
    let lookback = section.lookback_days.unwrap_or(28);
    let min_z = section.min_z.unwrap_or(3.0);
    let span = with_lookback(range, lookback, at)?;
    let (growth, series) =
        tokio::try_join!(dashboard::compute_user_growth(db, span), dashboard::compute_activity_series(db, span))?;
    let first_day = span.first_day;
    let mut items = Vec::new();
    let signups: Vec<i64> = growth.points.iter().map(|p| p.new_users).collect();
    let lookback = usize::try_from(lookback).unwrap_or(0);
    unusual(&signups, lookback, min_z, |i, value, mean, z| {
        items.push(Anomaly {
            day: first_day + Duration::days(i as i64),
            metric: "new_users",
            activity_type: None,
            value,
            mean,
            z,
        });
    });
    for ty in &series.series {
        unusual(&ty.counts, lookback, min_z, |i, value, mean, z| {
            items.push(Anomaly {
                day: first_day + Duration::days(i as i64),
                metric: "activities",
                activity_type: Some(ty.activity_type.clone()),
                value,
                mean,
                z,
            });
        });
    }
    items.sort_by(|a, b| b.z.abs().total_cmp(&a.z.abs()).then(a.day.cmp(&b.day)));
    items.truncate(MAX_ANOMALIES);
    Ok(SectionData::Anomalies { title: section.title.clone(), lookback_days: lookback as i64, min_z, items })
}

/// Computes every section of `spec` for a run at `at`.
pub async fn gather(db: &Db, countries: &CountryIndex, spec: &RunSpec, at: DateTime<Utc>) -> Result<ReportData> {
    let zone = Zone::parse(&spec.figures_zone).unwrap_or_default();
    let (range, previous) = period::resolve(&spec.period, zone, at).map_err(failed)?;
    let mut sections = Vec::with_capacity(spec.sections.len());
    let mut known = Counted::new();
    for section in &spec.sections {
        let title = section.title.clone();
        sections.push(match section.kind.as_str() {
            "stat_summary" => {
                SectionData::StatSummary { title, figures: figures(db, &mut known, &SUMMARY, &range, &previous).await? }
            }
            "chart" => {
                let chart = match section.chart.as_deref().unwrap_or_default() {
                    "user_growth" => ChartData::UserGrowth(dashboard::compute_user_growth(db, range).await?),
                    "users_by_type" => ChartData::UsersByType(users::count_by_type(db).await?),
                    "activity" => ChartData::Activity(dashboard::compute_activity_series(db, range).await?),
                    "heatmap" => ChartData::Heatmap(dashboard::compute_activity_heatmap(db, range).await?),
                    _ => ChartData::Problems(dashboard::compute_problem_matrix(db).await?),
                };
                SectionData::Chart { title, chart }
            }
            "top_countries" => {
                let mut rows = dashboard::compute_countries(db, countries, zone, range.end).await?;
                rows.truncate(usize::try_from(section.limit.unwrap_or(10)).unwrap_or(10));
                SectionData::TopCountries { title, rows }
            }
            "problem_bank" => {
                let limit = section.limit.unwrap_or(5);
                let (active, total) = problems::count_active_and_total(db).await?;
                let (matrix, solved, lowest) = tokio::try_join!(
                    dashboard::compute_problem_matrix(db),
                    problems::most_solved(db, limit),
                    problems::lowest_solve_rate(db, MIN_TRIES, limit),
                )?;
                SectionData::ProblemBank {
                    title,
                    active,
                    total,
                    matrix,
                    top_solved: solved.into_iter().map(line).collect(),
                    lowest_rate: lowest.into_iter().map(line).collect(),
                }
            }
            "comparison" => {
                let keys: Vec<&'static str> = match &section.metrics {
                    Some(metrics) => {
                        COMPARISON_METRICS.iter().copied().filter(|k| metrics.iter().any(|m| m == k)).collect()
                    }
                    None => COMPARISON_METRICS.to_vec(),
                };
                SectionData::Comparison { title, figures: figures(db, &mut known, &keys, &range, &previous).await? }
            }
            "anomalies" => anomalies(db, section, &range, at).await?,
            _ => SectionData::Text { title, body: section.body.clone().unwrap_or_default() },
        });
    }
    Ok(ReportData {
        title: spec.name.clone(),
        korean: spec.lang != "en",
        range,
        previous,
        generated_at: Ts::from(at).0,
        sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_hours_read_the_hourly_counters() {
        let at = |t: &str| t.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(whole_hour(at("2026-11-29T15:00:00Z")), Some(1_795_964_400 / 3600));
        assert_eq!(whole_hour(at("2026-11-29T15:30:00Z")), None);
        assert_eq!(whole_hour(at("2026-11-29T15:00:00.5Z")), None);
    }

    #[test]
    fn a_spike_after_a_steady_baseline_is_unusual_and_noise_is_not() {
        let mut counts = vec![100, 104, 98, 101, 97, 103, 99, 102];
        counts.extend([100, 180, 95]);
        let mut found = Vec::new();
        unusual(&counts, 8, 3.0, |i, value, _, z| found.push((i, value, z > 0.0)));
        assert_eq!(found, [(9, 180, true)]);
        // Small numbers never count, however far from the mean.
        let small = [0, 1, 0, 1, 0, 1, 0, 1, 9];
        let mut none = Vec::new();
        unusual(&small, 8, 3.0, |i, _, _, _| none.push(i));
        assert!(none.is_empty(), "{none:?}");
    }
}
