//! The dashboard's time range (today, 7d, 30d, 90d, 12m, custom) and time zone:
//! parsed from the URL query on both sides, resolved to UTC instants on the server.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The longest custom range: two years, the depth of the demo data.
pub const MAX_RANGE_DAYS: i64 = 730;

/// A query value that is wrong: which parameter, and why. It becomes a 400
/// naming the parameter (`From<RangeError> for AppError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeError {
    /// The query parameter (`range`, `from`, `to`, `tz`).
    pub field: &'static str,
    /// What a valid value looks like.
    pub message: String,
}

impl RangeError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

/// A named range or a custom one (the query's `range` value).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::Enum))]
pub enum Preset {
    /// The current day.
    #[serde(rename = "today")]
    Today,
    /// The last 7 days, today included.
    #[serde(rename = "7d")]
    Days7,
    /// The last 30 days, today included (the default).
    #[default]
    #[serde(rename = "30d")]
    Days30,
    /// The last 90 days, today included.
    #[serde(rename = "90d")]
    Days90,
    /// The last 12 months (365 days), today included.
    #[serde(rename = "12m")]
    Months12,
    /// From `from` to `to`, both days included.
    #[serde(rename = "custom")]
    Custom,
}

impl Preset {
    /// Every preset, in the picker's order.
    pub const ALL: [Preset; 6] =
        [Preset::Today, Preset::Days7, Preset::Days30, Preset::Days90, Preset::Months12, Preset::Custom];

    /// The query value (`7d`).
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Today => "today",
            Preset::Days7 => "7d",
            Preset::Days30 => "30d",
            Preset::Days90 => "90d",
            Preset::Months12 => "12m",
            Preset::Custom => "custom",
        }
    }

    /// The preset a query value names.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }

    /// Days covered by a named preset (None for custom).
    fn days(self) -> Option<i64> {
        match self {
            Preset::Today => Some(1),
            Preset::Days7 => Some(7),
            Preset::Days30 => Some(30),
            Preset::Days90 => Some(90),
            Preset::Months12 => Some(365),
            Preset::Custom => None,
        }
    }
}

/// The time zone days, weekdays and hours are counted in (the query's `tz`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(async_graphql::Enum))]
pub enum Zone {
    /// Korea Standard Time, UTC+9 (the default).
    #[default]
    Kst,
    /// Coordinated Universal Time.
    Utc,
}

impl Zone {
    /// The query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Zone::Kst => "kst",
            Zone::Utc => "utc",
        }
    }

    /// The zone a query or cookie value names.
    pub fn parse(value: &str) -> Option<Self> {
        match value.to_ascii_lowercase().as_str() {
            "kst" => Some(Zone::Kst),
            "utc" => Some(Zone::Utc),
            _ => None,
        }
    }

    /// The zone's offset (both are whole hours with no daylight saving, which the
    /// hourly counters rely on).
    pub fn offset(self) -> FixedOffset {
        let secs = match self {
            Zone::Kst => 9 * 3600,
            Zone::Utc => 0,
        };
        FixedOffset::east_opt(secs).unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
    }
}

/// What a dashboard view asks for: a range, and for custom ranges its days.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RangeQuery {
    /// The named range.
    pub preset: Preset,
    /// First day of a custom range.
    pub from: Option<NaiveDate>,
    /// Last day of a custom range (included).
    pub to: Option<NaiveDate>,
}

impl RangeQuery {
    /// A named range.
    pub fn preset(preset: Preset) -> Self {
        Self { preset, from: None, to: None }
    }

    /// Parses the query values, `None` where absent. Unknown values are errors
    /// naming the parameter, so a mistyped shared link says what is wrong.
    pub fn parse(range: Option<&str>, from: Option<&str>, to: Option<&str>) -> Result<Self, RangeError> {
        let preset = match range {
            None | Some("") => Preset::default(),
            Some(value) => Preset::parse(value)
                .ok_or_else(|| RangeError::new("range", "must be one of today, 7d, 30d, 90d, 12m, custom"))?,
        };
        let day = |field: &'static str, value: Option<&str>| match value {
            None | Some("") => Ok(None),
            Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| RangeError::new(field, "must be a date as YYYY-MM-DD")),
        };
        let (from, to) = (day("from", from)?, day("to", to)?);
        if preset == Preset::Custom {
            Ok(Self { preset, from, to })
        } else {
            Ok(Self::preset(preset))
        }
    }

    /// The days this range covers (first, last), given today's date; checks a
    /// custom range's bounds.
    pub fn days(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), RangeError> {
        if let Some(days) = self.preset.days() {
            return Ok((today - Duration::days(days - 1), today));
        }
        let from = self.from.ok_or_else(|| RangeError::new("from", "is required for a custom range"))?;
        let to = self.to.ok_or_else(|| RangeError::new("to", "is required for a custom range"))?;
        if from > to {
            return Err(RangeError::new("from", "must not be after `to`"));
        }
        if to > today {
            return Err(RangeError::new("to", "must not be in the future"));
        }
        if (to - from).num_days() + 1 > MAX_RANGE_DAYS {
            return Err(RangeError::new("from", format!("a range covers at most {MAX_RANGE_DAYS} days")));
        }
        Ok((from, to))
    }

    /// The URL query for this range (`range=7d`, or with `from` and `to`).
    pub fn to_query(&self) -> String {
        match (self.preset, self.from, self.to) {
            (Preset::Custom, Some(from), Some(to)) => format!("range=custom&from={from}&to={to}"),
            (preset, _, _) => format!("range={}", preset.as_str()),
        }
    }
}

/// A dashboard view's query as the URL carries it (`?range=custom&from=…&to=…&tz=utc`),
/// every value optional. The REST routes and the server functions take this
/// same struct, so both doors parse and reject alike.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ViewQuery {
    /// `today`, `7d`, `30d` (default), `90d`, `12m` or `custom`.
    #[cfg_attr(feature = "ssr", param(value_type = Option<Preset>, inline))]
    pub range: Option<String>,
    /// First day of a custom range, `YYYY-MM-DD` (ignored by the other ranges).
    #[cfg_attr(feature = "ssr", param(format = Date))]
    pub from: Option<String>,
    /// Last day of a custom range (included), `YYYY-MM-DD`: not before `from`,
    /// not after today, at most 730 days after `from`.
    #[cfg_attr(feature = "ssr", param(format = Date))]
    pub to: Option<String>,
    /// `kst` (default) or `utc`: the zone days, weekdays and hours are counted in.
    #[cfg_attr(feature = "ssr", param(value_type = Option<Zone>, inline))]
    pub tz: Option<String>,
}

impl ViewQuery {
    /// The range and zone, or the parameter that is wrong and why.
    pub fn parse(&self) -> Result<(RangeQuery, Zone), RangeError> {
        let range = RangeQuery::parse(self.range.as_deref(), self.from.as_deref(), self.to.as_deref())?;
        let zone = match self.tz.as_deref() {
            None | Some("") => Zone::default(),
            Some(v) => Zone::parse(v).ok_or_else(|| RangeError::new("tz", "must be kst or utc"))?,
        };
        Ok((range, zone))
    }

    /// The query for `range` in `zone`, as the UI puts it in links.
    pub fn of(range: &RangeQuery, zone: Zone) -> Self {
        Self {
            range: Some(range.preset.as_str().to_owned()),
            from: range.from.map(|d| d.to_string()),
            to: range.to.map(|d| d.to_string()),
            tz: Some(zone.as_str().to_owned()),
        }
    }
}

/// A range resolved against the clock: instants in UTC, and how the series are
/// bucketed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct ResolvedRange {
    /// The named range.
    pub preset: Preset,
    /// The zone days are counted in.
    pub zone: Zone,
    /// The first day, in `zone`.
    pub first_day: NaiveDate,
    /// The last day (included), in `zone`.
    pub last_day: NaiveDate,
    /// The first instant covered.
    pub start: DateTime<Utc>,
    /// The instant after the last one covered: the end of the last day, or now
    /// when the last day is today.
    pub end: DateTime<Utc>,
    /// `hour` for a one-day range, else `day`.
    pub bucket: Bucket,
}

/// The width of one point of a time series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(async_graphql::Enum))]
pub enum Bucket {
    /// One hour.
    Hour,
    /// One calendar day in the range's zone.
    Day,
}

/// Local midnight that starts `day` in `zone`, as a UTC instant.
pub fn day_start(day: NaiveDate, zone: Zone) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (midnight - Duration::seconds(i64::from(zone.offset().local_minus_utc()))).and_utc()
}

impl ResolvedRange {
    /// Resolves `query` in `zone` at `now`.
    pub fn new(query: &RangeQuery, zone: Zone, now: DateTime<Utc>) -> Result<Self, RangeError> {
        let today = now.with_timezone(&zone.offset()).date_naive();
        let (first_day, last_day) = query.days(today)?;
        let end_of_last = day_start(last_day + Duration::days(1), zone);
        Ok(Self {
            preset: query.preset,
            zone,
            first_day,
            last_day,
            start: day_start(first_day, zone),
            end: end_of_last.min(now),
            bucket: if first_day == last_day { Bucket::Hour } else { Bucket::Day },
        })
    }

    /// Days covered.
    pub fn day_count(&self) -> i64 {
        (self.last_day - self.first_day).num_days() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn presets_end_now_and_start_at_local_midnight() {
        let now = at("2026-11-21T03:00:00Z"); // 12:00 KST
        let r = ResolvedRange::new(&RangeQuery::preset(Preset::Days7), Zone::Kst, now).unwrap();
        assert_eq!((r.first_day.to_string(), r.last_day.to_string()), ("2026-11-15".into(), "2026-11-21".into()));
        assert_eq!(r.start, at("2026-11-14T15:00:00Z"));
        assert_eq!(r.end, now);
        assert_eq!(r.bucket, Bucket::Day);
        let today = ResolvedRange::new(&RangeQuery::preset(Preset::Today), Zone::Utc, now).unwrap();
        assert_eq!((today.start, today.bucket, today.day_count()), (at("2026-11-21T00:00:00Z"), Bucket::Hour, 1));
    }

    #[test]
    fn custom_ranges_are_checked() {
        let now = at("2026-11-21T03:00:00Z");
        let q = |from: &str, to: &str| RangeQuery::parse(Some("custom"), Some(from), Some(to)).unwrap();
        let r = ResolvedRange::new(&q("2026-01-01", "2026-01-31"), Zone::Utc, now).unwrap();
        assert_eq!((r.start, r.end, r.day_count()), (at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z"), 31));
        assert_eq!(ResolvedRange::new(&q("2026-02-01", "2026-01-01"), Zone::Utc, now).unwrap_err().field, "from");
        assert_eq!(ResolvedRange::new(&q("2026-11-01", "2026-11-22"), Zone::Utc, now).unwrap_err().field, "to");
        assert_eq!(ResolvedRange::new(&q("2020-01-01", "2026-01-01"), Zone::Utc, now).unwrap_err().field, "from");
        let missing = RangeQuery::parse(Some("custom"), None, None).unwrap();
        assert_eq!(ResolvedRange::new(&missing, Zone::Utc, now).unwrap_err().field, "from");
    }

    #[test]
    fn bad_query_values_name_their_parameter() {
        assert_eq!(RangeQuery::parse(Some("3w"), None, None).unwrap_err().field, "range");
        assert_eq!(RangeQuery::parse(Some("custom"), Some("yesterday"), None).unwrap_err().field, "from");
        assert_eq!(RangeQuery::parse(None, None, None).unwrap(), RangeQuery::preset(Preset::Days30));
        let q = RangeQuery::parse(Some("custom"), Some("2026-01-01"), Some("2026-01-31")).unwrap();
        assert_eq!(q.to_query(), "range=custom&from=2026-01-01&to=2026-01-31");
    }
}
