//! A template's period (`yesterday`, `last_week`, …) made concrete against the
//! time a run is for: the days it covers in the figures' zone, and the same
//! number of days just before it for the changes. A scheduled run resolves
//! against its slot, so a run that catches up after an outage covers its own
//! slot's days, not today's.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::model::range::{Preset, RangeQuery, ResolvedRange, Zone};
use crate::model::Period;

/// The first and last day (both included) `period` covers for a run at `at`.
pub fn days(period: &Period, zone: Zone, at: DateTime<Utc>) -> Result<(NaiveDate, NaiveDate), String> {
    let today = at.with_timezone(&zone.offset()).date_naive();
    let yesterday = today - Duration::days(1);
    let day = |text: &Option<String>, name: &str| {
        text.as_deref()
            .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
            .ok_or_else(|| format!("the fixed period has no valid `{name}` date"))
    };
    Ok(match period.kind.as_str() {
        "yesterday" => (yesterday, yesterday),
        "last_7_days" => (today - Duration::days(7), yesterday),
        "last_n_days" => {
            let n = period.days.unwrap_or(7).clamp(1, crate::model::MAX_PERIOD_DAYS);
            (today - Duration::days(n), yesterday)
        }
        "last_week" => {
            let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
            (monday - Duration::days(7), monday - Duration::days(1))
        }
        "last_month" => {
            let first_of_this = today.with_day(1).unwrap_or(today);
            let last_of_previous = first_of_this - Duration::days(1);
            (last_of_previous.with_day(1).unwrap_or(last_of_previous), last_of_previous)
        }
        "fixed" => {
            let (from, to) = (day(&period.from, "from")?, day(&period.to, "to")?);
            if to > today {
                return Err(format!("the fixed period ends on {to}, after the day of the run ({today})"));
            }
            (from, to)
        }
        other => return Err(format!("unknown period '{other}'")),
    })
}

/// The period's range and the previous range of the same length, resolved in
/// `zone` for a run at `at`.
pub fn resolve(period: &Period, zone: Zone, at: DateTime<Utc>) -> Result<(ResolvedRange, ResolvedRange), String> {
    let (first, last) = days(period, zone, at)?;
    let length = (last - first).num_days() + 1;
    let range = |from: NaiveDate, to: NaiveDate| {
        let query = RangeQuery { preset: Preset::Custom, from: Some(from), to: Some(to) };
        ResolvedRange::new(&query, zone, at).map_err(|e| format!("the period {} {}", e.field, e.message))
    };
    let previous_last = first - Duration::days(1);
    Ok((range(first, last)?, range(previous_last - Duration::days(length - 1), previous_last)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn period(kind: &str) -> Period {
        Period { kind: kind.into(), ..Period::default() }
    }

    fn span(kind: &str, zone: Zone, when: &str) -> (String, String) {
        let (a, b) = days(&period(kind), zone, at(when)).unwrap();
        (a.to_string(), b.to_string())
    }

    #[test]
    fn named_periods_end_yesterday_in_the_figures_zone() {
        // Monday 2026-12-07 01:00 UTC is 10:00 KST the same Monday, 01:00 UTC Monday.
        let monday = "2026-12-07T01:00:00Z";
        assert_eq!(span("yesterday", Zone::Kst, monday), ("2026-12-06".into(), "2026-12-06".into()));
        assert_eq!(span("last_7_days", Zone::Kst, monday), ("2026-11-30".into(), "2026-12-06".into()));
        assert_eq!(span("last_week", Zone::Kst, monday), ("2026-11-30".into(), "2026-12-06".into()));
        assert_eq!(span("last_month", Zone::Kst, monday), ("2026-11-01".into(), "2026-11-30".into()));
        // Sunday 2026-12-06 20:00 UTC is already Monday in Seoul, still Sunday in UTC.
        let late = "2026-12-06T20:00:00Z";
        assert_eq!(span("last_week", Zone::Kst, late), ("2026-11-30".into(), "2026-12-06".into()));
        assert_eq!(span("last_week", Zone::Utc, late), ("2026-11-23".into(), "2026-11-29".into()));
        // January's last month is December of the year before.
        assert_eq!(span("last_month", Zone::Utc, "2027-01-01T00:00:00Z"), ("2026-12-01".into(), "2026-12-31".into()));
    }

    #[test]
    fn the_previous_range_has_the_same_length_just_before() {
        let p = Period { kind: "last_n_days".into(), days: Some(3), ..Period::default() };
        let (range, previous) = resolve(&p, Zone::Kst, at("2026-12-07T01:00:00Z")).unwrap();
        assert_eq!(
            (range.first_day.to_string(), range.last_day.to_string()),
            ("2026-12-04".into(), "2026-12-06".into())
        );
        assert_eq!(
            (previous.first_day.to_string(), previous.last_day.to_string()),
            ("2026-12-01".into(), "2026-12-03".into())
        );
        assert_eq!(range.end, "2026-12-06T15:00:00Z".parse::<DateTime<Utc>>().unwrap(), "the end of the last KST day");
    }

    #[test]
    fn a_fixed_period_may_not_end_after_the_run() {
        let fixed = |to: &str| Period {
            kind: "fixed".into(),
            from: Some("2026-11-01".into()),
            to: Some(to.into()),
            ..Period::default()
        };
        assert!(days(&fixed("2026-12-07"), Zone::Kst, at("2026-12-07T01:00:00Z")).is_ok());
        assert!(days(&fixed("2026-12-08"), Zone::Kst, at("2026-12-07T01:00:00Z")).unwrap_err().contains("after"));
    }
}
