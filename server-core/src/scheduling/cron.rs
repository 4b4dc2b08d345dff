//! Cron schedules: a validated 5-field POSIX pattern (minute hour
//! day-of-month month day-of-week), its runs in an IANA time zone, a preview
//! that explains daylight-saving shifts, and words for the schedule list.
//!
//! croner does the calendar work, daylight saving included: in a
//! spring-forward gap a fixed-time job (one minute, one hour) runs at the
//! first valid time after the gap, in a fall-back overlap it runs once, and
//! interval jobs run at each real instant that matches. This module names the
//! field at fault, refuses schedules that never run or run too often, and
//! explains croner's choices without second-guessing them.

use chrono::{DateTime, Duration, LocalResult, NaiveTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use croner::errors::CronError;
use croner::parser::{CronParser, Seconds, Year};
use croner::{Cron, CronPattern, JobType};
use serde::Serialize;

/// Schedules that run more often than this are refused: every run renders a
/// report or evaluates an alert, and a faster cadence is a load, not a report.
pub const MIN_INTERVAL_MINUTES: i64 = 15;

/// A schedule must run within this many days of being saved (five years,
/// leap days included), so that a 29 February pattern is still accepted.
const HORIZON_DAYS: i64 = 5 * 365 + 2;

/// Runs checked against [`MIN_INTERVAL_MINUTES`]. Every day of a pattern has
/// the same times, so a short gap shows within the first day or two; 100
/// also covers month ends and a daylight-saving change for most patterns.
const INTERVAL_SAMPLE: usize = 100;

/// Longer text is refused before parsing: a real pattern is a few dozen
/// characters, and error messages quote the input.
const MAX_PATTERN_LEN: usize = 200;

/// Up to this many times of day are listed by name ("09:00 and 18:00");
/// more read better as an interval or fall back to the pattern.
const MAX_LISTED_TIMES: usize = 4;

const FIELD_LIST: &str = "minute hour day-of-month month day-of-week";
const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAY_NAMES_EN: [&str; 7] = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"];
const DAY_NAMES_KO: [&str; 7] = ["일", "월", "화", "수", "목", "금", "토"];
/// The longest each month can be; February counts its leap day.
const MONTH_DAYS: [u16; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// A validated 5-field POSIX cron pattern (minute hour day-of-month month
/// day-of-week). When both day fields are restricted, a day matching either
/// runs, as in POSIX cron.
#[derive(Clone, Debug)]
pub struct Schedule {
    cron: Cron,
    /// The pattern as stored and shown: single spaces, names upper-cased, or
    /// a lower-cased nickname such as `@daily`.
    pattern: String,
}

/// One upcoming run, for the schedule preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    /// The instant the run is due.
    pub at: DateTime<Utc>,
    /// The wall clock time in the schedule's zone, e.g. `2026-03-09 10:00 (Mon)`.
    pub local: String,
    /// Why the run is not where the pattern puts it, or happens at a
    /// repeated wall clock time; `None` on ordinary days.
    pub note: Option<String>,
}

/// Parses an IANA time zone name such as `Asia/Seoul`.
pub fn zone(name: &str) -> Result<Tz, String> {
    name.trim().parse().map_err(|_| format!("'{name}' is not a time zone (IANA name, e.g. Asia/Seoul)"))
}

/// The zone as the schedule list shows it: `KST` for Seoul, `UTC` for UTC,
/// otherwise the IANA name.
pub fn zone_label(tz: Tz) -> &'static str {
    match tz.name() {
        "Asia/Seoul" | "ROK" => "KST",
        "UTC" | "Etc/UTC" | "Etc/UCT" | "UCT" | "Etc/Universal" | "Universal" | "Etc/Zulu" | "Zulu" => "UTC",
        name => name,
    }
}

impl Schedule {
    /// Parses `pattern`. Errors name the field at fault, e.g. "hour: 24 is
    /// outside 0–23" or "expected 5 fields (minute hour day-of-month month
    /// day-of-week), got 6". Accepts numbers, JAN–DEC and SUN–SAT, ranges,
    /// lists, `*/n` and `a-b/n` steps, and the nicknames croner knows
    /// (@hourly, @daily, @weekly, @monthly, @yearly, @annually). Seconds and
    /// years fields, @reboot and croner's extensions (L, W, #, ?) are refused.
    pub fn parse(pattern: &str) -> Result<Schedule, String> {
        let text = pattern.trim();
        if text.is_empty() {
            return Err(format!("the schedule is empty: expected 5 fields ({FIELD_LIST})"));
        }
        if text.chars().count() > MAX_PATTERN_LEN {
            return Err(format!("the schedule is too long: at most {MAX_PATTERN_LEN} characters"));
        }
        let (shown, source) = if text.starts_with('@') {
            let nick = text.to_ascii_lowercase();
            let fields = nickname(&nick)?;
            (nick, fields.to_string())
        } else {
            (text.split_whitespace().map(str::to_ascii_uppercase).collect::<Vec<_>>().join(" "), text.to_string())
        };
        let fields: Vec<&str> = source.split_whitespace().collect();
        if fields.len() != FIELDS.len() {
            let mut message = format!("expected 5 fields ({FIELD_LIST}), got {}", fields.len());
            if fields.len() > FIELDS.len() {
                message.push_str("; seconds and years fields are not supported");
            }
            return Err(message);
        }

        let mut numeric = Vec::with_capacity(FIELDS.len());
        for (index, (field, text)) in FIELDS.iter().zip(&fields).enumerate() {
            let checked = numeric_field(*field, text)?;
            // croner has the last word on each field. Parsing it beside `*`s
            // pins any refusal on this field, which croner's message does not name.
            let mut alone = ["*"; 5].map(String::from);
            alone[index].clone_from(&checked);
            parser().parse(&alone.join(" ")).map_err(|e| format!("{}: {}", field.label(), reason(&e)))?;
            numeric.push(checked);
        }
        let cron = parser().parse(&numeric.join(" ")).map_err(|e| format!("invalid schedule: {}", reason(&e)))?;
        Ok(Schedule { cron, pattern: shown })
    }

    /// Like [`Schedule::parse`], and also refuses a schedule that has no run
    /// within 5 years after `now` in `tz` ("never runs: 30 February does not
    /// exist"), or whose runs come closer than [`MIN_INTERVAL_MINUTES`]
    /// ("runs every 5 minutes: at most every 15 minutes is allowed").
    pub fn parse_checked(pattern: &str, tz: Tz, now: DateTime<Utc>) -> Result<Schedule, String> {
        let schedule = Self::parse(pattern)?;
        // A day that no month has is found without searching: croner would
        // walk the calendar to its year 5000 limit first.
        if let Some(reason) = schedule.impossible_day() {
            return Err(format!("never runs: {reason}"));
        }
        match schedule.next_after(tz, now) {
            Some(first) if first <= now + Duration::days(HORIZON_DAYS) => {}
            _ => {
                let today = now.with_timezone(&tz).format("%Y-%m-%d");
                return Err(format!("never runs: no run within 5 years after {today}"));
            }
        }
        schedule.check_interval(tz, now)?;
        Ok(schedule)
    }

    /// The pattern as stored: single spaces and upper-case names
    /// (`0 9 * * MON-FRI`), or a lower-case nickname (`@daily`).
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The first run strictly after `after`, computed on `tz`'s wall clock.
    /// `None` when there is none before croner's search limit.
    pub fn next_after(&self, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.find_next_occurrence(&after.with_timezone(&tz), false).ok().map(|at| at.with_timezone(&Utc))
    }

    /// Every run in `(from, to]`, oldest first, at most `max`: the slots a
    /// scheduler that last looked at `from` has to run now.
    pub fn between(&self, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>, max: usize) -> Vec<DateTime<Utc>> {
        if to <= from {
            return Vec::new();
        }
        self.cron
            .iter_after(from.with_timezone(&tz))
            .map(|at| at.with_timezone(&Utc))
            .take_while(|at| *at <= to)
            .take(max)
            .collect()
    }

    /// The next `n` runs after `from`, each with its wall clock time and a
    /// note when daylight saving moved it, repeats its time, or dropped runs
    /// just before it.
    pub fn preview(&self, tz: Tz, from: DateTime<Utc>, n: usize) -> Vec<Occurrence> {
        let fixed = self.fixed_time();
        let mut previous = from.with_timezone(&tz);
        self.cron
            .iter_after(previous)
            .take(n)
            .map(|local| {
                // A fixed-time job is never skipped: croner moves it out of a gap.
                let note = dst_note(tz, &local, fixed)
                    .or_else(|| fixed.is_none().then(|| skipped_note(&self.cron, tz, &previous, &local)).flatten());
                previous = local;
                Occurrence {
                    at: local.with_timezone(&Utc),
                    local: local.format("%Y-%m-%d %H:%M (%a)").to_string(),
                    note,
                }
            })
            .collect()
    }

    /// Words for the schedule list, in Korean or English: "평일 10:00 (KST)" /
    /// "weekdays at 10:00 (KST)", "매주 월요일 09:00 (KST)" / "Mondays at
    /// 09:00 (KST)", "15분마다" / "every 15 minutes". Shapes without words
    /// fall back to croner's English description, or in Korean to the pattern.
    pub fn describe(&self, tz: Tz, korean: bool) -> String {
        let zone = zone_label(tz);
        let pattern = &self.cron.pattern;
        match (days_shape(pattern), times_shape(pattern)) {
            (Some(days), Some(times)) if korean => describe_ko(&days, &times, zone),
            (Some(days), Some(times)) => describe_en(&days, &times, zone),
            _ if korean => format!("cron {} ({zone})", self.pattern),
            _ => format!("{} ({zone})", self.cron.describe().trim_end_matches('.')),
        }
    }

    /// The hour and minute of a fixed-time job, the kind croner moves out of
    /// a daylight-saving gap and runs once in an overlap.
    fn fixed_time(&self) -> Option<(u32, u32)> {
        if self.cron.determine_job_type() != JobType::FixedTime {
            return None;
        }
        let pattern = &self.cron.pattern;
        Some((u32::from(*pattern.hours.values().first()?), u32::from(*pattern.minutes.values().first()?)))
    }

    /// Why no day ever matches, when only day-of-month restricts the days and
    /// none of its days exists in the chosen months (30 February).
    fn impossible_day(&self) -> Option<String> {
        let pattern = &self.cron.pattern;
        // A day-of-week restriction matches some day every week.
        if !pattern.is_dow_wildcard() || pattern.is_dom_wildcard() {
            return None;
        }
        let (days, months) = (pattern.days.values(), pattern.months.values());
        let longest = |month: u16| MONTH_DAYS.get(usize::from(month).wrapping_sub(1)).copied().unwrap_or(0);
        if months.iter().any(|&month| days.iter().any(|&day| day <= longest(month))) {
            return None;
        }
        let (&day, &month) = (days.first()?, months.first()?);
        let example = format!("{day} {}", month_name(month));
        Some(if days.len() == 1 && months.len() == 1 {
            format!("{example} does not exist")
        } else {
            format!("none of its days exists in its months (e.g. {example})")
        })
    }

    /// Refuses runs closer than [`MIN_INTERVAL_MINUTES`] among the first
    /// [`INTERVAL_SAMPLE`] after `now`.
    fn check_interval(&self, tz: Tz, now: DateTime<Utc>) -> Result<(), String> {
        let runs: Vec<DateTime<Utc>> = self
            .cron
            .iter_after(now.with_timezone(&tz))
            .take(INTERVAL_SAMPLE)
            .map(|at| at.with_timezone(&Utc))
            .collect();
        let gaps: Vec<i64> = runs.windows(2).map(|pair| (pair[1] - pair[0]).num_seconds()).collect();
        let Some((index, &shortest)) = gaps.iter().enumerate().min_by_key(|(_, gap)| **gap) else {
            return Ok(());
        };
        if shortest >= MIN_INTERVAL_MINUTES * 60 {
            return Ok(());
        }
        let allowed = format!("at most every {MIN_INTERVAL_MINUTES} minutes is allowed");
        let minutes = shortest / 60;
        if gaps.iter().all(|gap| *gap == shortest) {
            return Err(match minutes {
                1 => format!("runs every minute: {allowed}"),
                _ => format!("runs every {minutes} minutes: {allowed}"),
            });
        }
        let clock = |at: Option<&DateTime<Utc>>| {
            at.map(|at| at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
        };
        Err(format!(
            "two runs are only {minutes} minutes apart ({} and {}): {allowed}",
            clock(runs.get(index)),
            clock(runs.get(index + 1))
        ))
    }
}

/// One of the five fields, for messages and bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
}

const FIELDS: [Field; 5] = [Field::Minute, Field::Hour, Field::DayOfMonth, Field::Month, Field::DayOfWeek];

impl Field {
    fn label(self) -> &'static str {
        match self {
            Field::Minute => "minute",
            Field::Hour => "hour",
            Field::DayOfMonth => "day-of-month",
            Field::Month => "month",
            Field::DayOfWeek => "day-of-week",
        }
    }

    /// The smallest and largest value; day-of-week 7 is Sunday, as is 0.
    fn bounds(self) -> (u32, u32) {
        match self {
            Field::Minute => (0, 59),
            Field::Hour => (0, 23),
            Field::DayOfMonth => (1, 31),
            Field::Month => (1, 12),
            Field::DayOfWeek => (0, 7),
        }
    }

    /// The names the field takes, and the value of the first.
    fn names(self) -> (&'static [&'static str], u32) {
        match self {
            Field::Month => (MONTHS.as_slice(), 1),
            Field::DayOfWeek => (DAYS.as_slice(), 0),
            _ => (&[], 0),
        }
    }
}

/// The parser every schedule goes through: 5 fields only, and POSIX's
/// either-day rule when both day fields are restricted (croner's default,
/// spelled out so that a change of default cannot flip it).
fn parser() -> CronParser {
    CronParser::builder().seconds(Seconds::Disallowed).year(Year::Disallowed).dom_and_dow(false).build()
}

/// The 5 fields a nickname stands for, as croner expands them.
fn nickname(text: &str) -> Result<&'static str, String> {
    match text {
        "@yearly" | "@annually" => Ok("0 0 1 1 *"),
        "@monthly" => Ok("0 0 1 * *"),
        "@weekly" => Ok("0 0 * * 0"),
        "@daily" => Ok("0 0 * * *"),
        "@hourly" => Ok("0 * * * *"),
        "@reboot" => {
            Err("@reboot runs when a server starts, not at a time: give a schedule such as 0 9 * * 1-5".into())
        }
        _ => Err(format!("'{text}' is not a schedule nickname: use @hourly, @daily, @weekly, @monthly or @yearly")),
    }
}

/// croner's own words for a refusal, without its generic prefix.
fn reason(error: &CronError) -> String {
    match error {
        CronError::ComponentError(m) | CronError::InvalidPattern(m) | CronError::IllegalCharacters(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Checks one field and returns it with names turned into numbers: croner
/// replaces names anywhere in a pattern, so it would read MON as a month.
fn numeric_field(field: Field, text: &str) -> Result<String, String> {
    let label = field.label();
    let (_, max) = field.bounds();
    let mut items = Vec::new();
    for item in text.split(',') {
        if item.is_empty() {
            return Err(format!("{label}: empty item in the list '{text}'"));
        }
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (item, None),
        };
        let step = step.map(|step| step_value(field, step)).transpose()?;
        let range = if range == "*" {
            range.to_string()
        } else if let Some((start, end)) = range.split_once('-') {
            if start.is_empty() || end.is_empty() {
                return Err(format!("{label}: '{range}' is not a range (e.g. 1-5)"));
            }
            let (start, end) = (value(field, start, false)?, value(field, end, true)?);
            if start > end {
                return Err(format!("{label}: the range {range} runs backwards"));
            }
            format!("{start}-{end}")
        } else if let Some(step) = step {
            // POSIX steps need a range; croner refuses `5/10` and `/10` too.
            return Err(if range.is_empty() {
                format!("{label}: '{item}' needs a start: write */{step}")
            } else {
                format!("{label}: '{item}' needs a range: write {range}-{max}/{step} or */{step}")
            });
        } else {
            value(field, range, false)?.to_string()
        };
        items.push(match step {
            Some(step) => format!("{range}/{step}"),
            None => range,
        });
    }
    Ok(items.join(","))
}

/// Reads the `n` of a `/n` step.
fn step_value(field: Field, text: &str) -> Result<u32, String> {
    let label = field.label();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{label}: step '{text}' is not a number"));
    }
    let (_, max) = field.bounds();
    match text.parse::<u32>() {
        Ok(0) => Err(format!("{label}: step 0 is not allowed")),
        Ok(step) if step <= max => Ok(step),
        _ => Err(format!("{label}: step {text} is larger than {max}")),
    }
}

/// Reads one value: a number in range or, for months and days, a
/// three-letter name. As a range's end SUN is 7, so MON-SUN runs forwards.
fn value(field: Field, text: &str, range_end: bool) -> Result<u32, String> {
    let label = field.label();
    let (min, max) = field.bounds();
    if text.is_empty() {
        return Err(format!("{label}: a value is missing"));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<u32>() {
            Ok(number) if (min..=max).contains(&number) => Ok(number),
            _ => Err(format!("{label}: {text} is outside {min}–{max}")),
        };
    }
    let (names, first) = field.names();
    if let Some(index) = names.iter().position(|name| name.eq_ignore_ascii_case(text)) {
        let number = u32::try_from(index).unwrap_or(u32::MAX).saturating_add(first);
        return Ok(if field == Field::DayOfWeek && range_end && number == 0 { 7 } else { number });
    }
    let extension = matches!(field, Field::DayOfMonth | Field::DayOfWeek) && text.contains(['L', 'W', '#', '?']);
    Err(match field {
        _ if extension => format!("{label}: '{text}' is not standard cron (L, W, # and ? are not supported)"),
        Field::Month => format!("{label}: '{text}' is not a month"),
        Field::DayOfWeek => format!("{label}: '{text}' is not a day"),
        _ => format!("{label}: '{text}' is not a number"),
    })
}

/// The note for a run that daylight saving moved or repeats; see the
/// module documentation for croner's rule.
fn dst_note(tz: Tz, local: &DateTime<Tz>, fixed: Option<(u32, u32)>) -> Option<String> {
    let (clock, date, zone) = (local.format("%H:%M"), local.format("%Y-%m-%d"), tz.name());
    if let LocalResult::Ambiguous(first, _) = tz.from_local_datetime(&local.naive_local()) {
        let which = if *local == first { "the first" } else { "the second" };
        let abbreviation = local.format("%Z");
        let repeated = format!("{clock} happens twice on {date} in {zone} (clocks go back)");
        return Some(match fixed {
            Some(_) => format!("{repeated}: runs once, at {which} ({abbreviation})"),
            None => format!("{repeated}: this is {which} ({abbreviation})"),
        });
    }
    let (hour, minute) = fixed?;
    if (local.hour(), local.minute()) == (hour, minute) {
        return None;
    }
    // croner ran it late because its time was skipped: on this day, or on
    // the day before when a gap crosses midnight.
    let planned = NaiveTime::from_hms_opt(hour, minute, 0)?;
    let today = local.date_naive();
    let skipped = [Some(today), today.pred_opt()]
        .into_iter()
        .flatten()
        .find(|day| matches!(tz.from_local_datetime(&day.and_time(planned)), LocalResult::None))?;
    Some(format!("{} does not exist on {skipped} in {zone}: runs at {clock}", planned.format("%H:%M")))
}

/// The runs an interval job lost to a spring-forward gap between `previous`
/// and `local`: croner moves only fixed-time jobs out of a gap, and skips the
/// missing wall clock times of every other pattern.
fn skipped_note(cron: &Cron, tz: Tz, previous: &DateTime<Tz>, local: &DateTime<Tz>) -> Option<String> {
    // Only a clock that jumped forward in between can hide times.
    if local.offset().fix().local_minus_utc() <= previous.offset().fix().local_minus_utc() {
        return None;
    }
    // Gaps last hours, so the day before this run holds the whole gap.
    let end = local.naive_local();
    let mut wall = previous.naive_local().max(end - Duration::days(1)).with_second(0)?.with_nanosecond(0)?;
    let mut missing = Vec::new();
    while wall < end {
        if matches!(tz.from_local_datetime(&wall), LocalResult::None) && cron.is_time_matching(&wall).unwrap_or(false) {
            missing.push(wall);
        }
        wall += Duration::minutes(1);
    }
    let (first, last) = (missing.first()?, missing.last()?);
    let (day, zone) = (first.format("%Y-%m-%d"), tz.name());
    let (first, last) = (first.format("%H:%M"), last.format("%H:%M"));
    Some(match missing.len() {
        1 => format!("{first} does not exist on {day} in {zone}: that run is skipped"),
        2 => format!("{first} and {last} do not exist on {day} in {zone}: those runs are skipped"),
        count => {
            format!("{count} run times from {first} to {last} do not exist on {day} in {zone}: those runs are skipped")
        }
    })
}

/// Which days a pattern runs on, in the shapes that have words.
enum Days {
    Every,
    Weekdays,
    Weekends,
    /// Days of the week, 0 = Sunday.
    Week(Vec<u16>),
    /// Days of the month.
    Month(Vec<u16>),
    Year {
        month: u16,
        day: u16,
    },
}

/// At which times of day a pattern runs, in the shapes that have words.
enum Times {
    /// (hour, minute) pairs, in order.
    At(Vec<(u16, u16)>),
    EveryMinutes(u16),
    Hourly {
        minute: u16,
    },
    EveryHours {
        step: u16,
        minute: u16,
    },
}

fn days_shape(pattern: &CronPattern) -> Option<Days> {
    let (dom, dow) = (pattern.days.values(), pattern.days_of_week.values());
    let week = |dow: Vec<u16>| match dow.as_slice() {
        [_, _, _, _, _, _, _] => Days::Every,
        [1, 2, 3, 4, 5] => Days::Weekdays,
        [0, 6] => Days::Weekends,
        _ => Days::Week(dow),
    };
    let days = match (pattern.is_dom_wildcard(), pattern.is_dow_wildcard()) {
        (true, true) => Days::Every,
        (true, false) => week(dow),
        (false, true) if dom.len() == 31 => Days::Every,
        (false, true) => Days::Month(dom),
        // Both restricted: either runs, which has simple words only when
        // one of them already covers every day.
        (false, false) if dom.len() == 31 || dow.len() >= 7 => Days::Every,
        (false, false) => return None,
    };
    let months = pattern.months.values();
    if months.len() == 12 {
        return Some(days);
    }
    match (days, months.as_slice()) {
        (Days::Month(dom), [month]) => match dom.as_slice() {
            [day] => Some(Days::Year { month: *month, day: *day }),
            _ => None,
        },
        _ => None,
    }
}

fn times_shape(pattern: &CronPattern) -> Option<Times> {
    let (minutes, hours) = (pattern.minutes.values(), pattern.hours.values());
    if !minutes.is_empty() && !hours.is_empty() && minutes.len() * hours.len() <= MAX_LISTED_TIMES {
        return Some(Times::At(hours.iter().flat_map(|&h| minutes.iter().map(move |&m| (h, m))).collect()));
    }
    match (minutes.as_slice(), hours.len()) {
        ([minute], 24) => Some(Times::Hourly { minute: *minute }),
        ([minute], _) => even_step(&hours, 24).map(|step| Times::EveryHours { step, minute: *minute }),
        (_, 24) => even_step(&minutes, 60).map(Times::EveryMinutes),
        _ => None,
    }
}

/// The `n` of values that are exactly `*/n` over `0..span`.
fn even_step(values: &[u16], span: u16) -> Option<u16> {
    let [first, second, ..] = values else { return None };
    let step = second.checked_sub(*first)?;
    let even = *first == 0
        && step > 0
        && span.is_multiple_of(step)
        && values.len() == usize::from(span / step)
        && values.windows(2).all(|pair| pair[1].checked_sub(pair[0]) == Some(step));
    even.then_some(step)
}

/// Whether the words depend on the zone: not for minute-level intervals
/// that run every day, which read the same everywhere.
fn zoned(days: &Days, times: &Times) -> bool {
    !matches!((days, times), (Days::Every, Times::EveryMinutes(_) | Times::Hourly { .. }))
}

fn describe_ko(days: &Days, times: &Times, zone: &str) -> String {
    let day_words = match days {
        Days::Every => "매일".to_string(),
        Days::Weekdays => "평일".to_string(),
        Days::Weekends => "주말".to_string(),
        Days::Week(dow) => format!("매주 {}요일", dow.iter().map(|d| day_ko(*d)).collect::<Vec<_>>().join("·")),
        Days::Month(dom) => format!("매월 {}", dom.iter().map(|d| format!("{d}일")).collect::<Vec<_>>().join(", ")),
        Days::Year { month, day } => format!("매년 {month}월 {day}일"),
    };
    let time_words = match times {
        Times::At(at) => at.iter().map(|t| clock(*t)).collect::<Vec<_>>().join(", "),
        Times::EveryMinutes(1) => "매분".to_string(),
        Times::EveryMinutes(step) => format!("{step}분마다"),
        Times::Hourly { minute } => format!("매시 {minute}분"),
        Times::EveryHours { step, minute } => format!("{step}시간마다 {minute}분"),
    };
    let words = match (days, times) {
        // "매일 15분마다" says "every" twice.
        (Days::Every, Times::EveryMinutes(_) | Times::Hourly { .. } | Times::EveryHours { .. }) => time_words,
        _ => format!("{day_words} {time_words}"),
    };
    if zoned(days, times) {
        format!("{words} ({zone})")
    } else {
        words
    }
}

fn describe_en(days: &Days, times: &Times, zone: &str) -> String {
    let weekdays = |dow: &[u16]| and_list(dow.iter().map(|d| day_en(*d).to_string()).collect());
    let on = match days {
        Days::Every => String::new(),
        Days::Weekdays => " on weekdays".to_string(),
        Days::Weekends => " on weekends".to_string(),
        Days::Week(dow) => format!(" on {}", weekdays(dow)),
        Days::Month(dom) => format!(" on {} of the month", month_days_en(dom)),
        Days::Year { month, day } => format!(" on {} {day}", month_name(*month)),
    };
    let words = match times {
        Times::At(at) => {
            let lead = match days {
                Days::Every => "daily".to_string(),
                Days::Weekdays => "weekdays".to_string(),
                Days::Weekends => "weekends".to_string(),
                Days::Week(dow) => weekdays(dow),
                Days::Month(dom) => format!("monthly on {}", month_days_en(dom)),
                Days::Year { month, day } => format!("yearly on {} {day}", month_name(*month)),
            };
            format!("{lead} at {}", and_list(at.iter().map(|t| clock(*t)).collect()))
        }
        Times::EveryMinutes(1) => format!("every minute{on}"),
        Times::EveryMinutes(step) => format!("every {step} minutes{on}"),
        Times::Hourly { minute } => format!("hourly at :{minute:02}{on}"),
        Times::EveryHours { step, minute } => format!("every {step} hours at :{minute:02}{on}"),
    };
    if zoned(days, times) {
        format!("{words} ({zone})")
    } else {
        words
    }
}

/// "day 1" or "days 1 and 15".
fn month_days_en(dom: &[u16]) -> String {
    let list = and_list(dom.iter().map(u16::to_string).collect());
    if dom.len() == 1 {
        format!("day {list}")
    } else {
        format!("days {list}")
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(mut items: Vec<String>) -> String {
    match items.pop() {
        None => String::new(),
        Some(last) if items.is_empty() => last,
        Some(last) => format!("{} and {last}", items.join(", ")),
    }
}

fn clock((hour, minute): (u16, u16)) -> String {
    format!("{hour:02}:{minute:02}")
}

fn day_en(day: u16) -> &'static str {
    DAY_NAMES_EN.get(usize::from(day)).copied().unwrap_or("?")
}

fn day_ko(day: u16) -> &'static str {
    DAY_NAMES_KO.get(usize::from(day)).copied().unwrap_or("?")
}

fn month_name(month: u16) -> &'static str {
    MONTH_NAMES.get(usize::from(month).wrapping_sub(1)).copied().unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use chrono_tz::America::New_York;
    use chrono_tz::Asia::Seoul;
    use chrono_tz::UTC;

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("a test instant")
    }

    fn schedule(pattern: &str) -> Schedule {
        Schedule::parse(pattern).expect(pattern)
    }

    fn refused(pattern: &str) -> String {
        Schedule::parse(pattern).expect_err(pattern)
    }

    fn refused_checked(pattern: &str, tz: Tz) -> String {
        Schedule::parse_checked(pattern, tz, utc("2026-03-01T00:00:00Z")).expect_err(pattern)
    }

    fn accepted_checked(pattern: &str) -> bool {
        Schedule::parse_checked(pattern, Seoul, utc("2026-03-01T00:00:00Z")).is_ok()
    }

    #[test]
    fn each_refusal_names_its_field() {
        assert_eq!(
            refused("0 0 * * * *"),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 6; \
             seconds and years fields are not supported"
        );
        assert_eq!(refused("every day at 9"), "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
        assert_eq!(refused("0 24 * * *"), "hour: 24 is outside 0–23");
        assert_eq!(refused("60 * * * *"), "minute: 60 is outside 0–59");
        assert_eq!(refused("0 0 32 * *"), "day-of-month: 32 is outside 1–31");
        assert_eq!(refused("0 0 * 13 *"), "month: 13 is outside 1–12");
        assert_eq!(refused("0 0 * * 8"), "day-of-week: 8 is outside 0–7");
        assert_eq!(refused("*/0 * * * *"), "minute: step 0 is not allowed");
        assert_eq!(refused("0 */x * * *"), "hour: step 'x' is not a number");
        assert_eq!(refused("0 0 * * FOO"), "day-of-week: 'FOO' is not a day");
        assert_eq!(refused("0 0 * FOO *"), "month: 'FOO' is not a month");
        // croner alone replaces day names anywhere, and would read this as January.
        assert_eq!(refused("0 0 * MON *"), "month: 'MON' is not a month");
        assert_eq!(refused("x 0 * * *"), "minute: 'x' is not a number");
        assert_eq!(refused("0 99999999999 * * *"), "hour: 99999999999 is outside 0–23");
        assert_eq!(refused("0 5-2 * * *"), "hour: the range 5-2 runs backwards");
        assert_eq!(refused("0 -2 * * *"), "hour: '-2' is not a range (e.g. 1-5)");
        assert_eq!(refused("5/10 * * * *"), "minute: '5/10' needs a range: write 5-59/10 or */10");
        assert_eq!(refused("/10 * * * *"), "minute: '/10' needs a start: write */10");
        assert_eq!(refused("1,,2 * * * *"), "minute: empty item in the list '1,,2'");
        assert_eq!(refused("0 0 L * *"), "day-of-month: 'L' is not standard cron (L, W, # and ? are not supported)");
        assert_eq!(refused("0 0 * * 5#3"), "day-of-week: '5#3' is not standard cron (L, W, # and ? are not supported)");
        assert!(refused("   ").starts_with("the schedule is empty"));
        assert!(refused("@reboot").starts_with("@reboot runs when a server starts"));
        assert!(refused("@midnight").contains("not a schedule nickname"), "croner has no @midnight");
        assert!(refused(&"1,".repeat(150)).contains("too long"));
    }

    #[test]
    fn names_ranges_lists_steps_and_nicknames_are_accepted() {
        let mondays = schedule("  0  9 * jan,jul mon-fri ");
        assert_eq!(mondays.pattern(), "0 9 * JAN,JUL MON-FRI");
        // 2026-01-03 is a Saturday.
        assert_eq!(mondays.next_after(UTC, utc("2026-01-03T00:00:00Z")), Some(utc("2026-01-05T09:00:00Z")));
        // SUN ends a range as 7, so FRI-SUN covers the weekend.
        let weekend = schedule("0 9 * * FRI-SUN");
        assert_eq!(weekend.next_after(UTC, utc("2026-01-03T10:00:00Z")), Some(utc("2026-01-04T09:00:00Z")));
        assert_eq!(
            schedule("0 9 * * 7").next_after(UTC, utc("2026-01-03T10:00:00Z")),
            Some(utc("2026-01-04T09:00:00Z"))
        );
        let daily = schedule("@Daily");
        assert_eq!(daily.pattern(), "@daily");
        assert_eq!(daily.next_after(UTC, utc("2026-01-03T10:00:00Z")), Some(utc("2026-01-04T00:00:00Z")));
        let stepped =
            schedule("10-50/20 */6 * * *").between(UTC, utc("2026-01-01T00:00:00Z"), utc("2026-01-01T06:30:00Z"), 9);
        let times: Vec<String> = stepped.iter().map(|at| at.format("%H:%M").to_string()).collect();
        assert_eq!(times, ["00:10", "00:30", "00:50", "06:10", "06:30"]);
    }

    #[test]
    fn either_day_field_matches_when_both_are_restricted() {
        // The 13th or any Friday: in January 2026 the 13th is a Tuesday.
        let runs = schedule("0 9 13 * 5").between(UTC, utc("2026-01-01T00:00:00Z"), utc("2026-01-31T23:59:00Z"), 10);
        let days: Vec<String> = runs.iter().map(|at| at.format("%d").to_string()).collect();
        assert_eq!(days, ["02", "09", "13", "16", "23", "30"]);
    }

    #[test]
    fn a_schedule_that_never_runs_is_refused() {
        assert_eq!(refused_checked("0 0 30 2 *", Seoul), "never runs: 30 February does not exist");
        assert_eq!(
            refused_checked("0 0 31 4,6 *", Seoul),
            "never runs: none of its days exists in its months (e.g. 31 April)"
        );
        // 2028 is a leap year, and a weekday restriction matches every week.
        assert!(accepted_checked("0 0 29 2 *"));
        assert!(accepted_checked("0 0 30 2 1"));
    }

    #[test]
    fn schedules_more_often_than_every_15_minutes_are_refused() {
        assert_eq!(refused_checked("*/5 * * * *", Seoul), "runs every 5 minutes: at most every 15 minutes is allowed");
        assert_eq!(refused_checked("* * * * *", Seoul), "runs every minute: at most every 15 minutes is allowed");
        assert_eq!(
            refused_checked("0,10 9 * * *", UTC),
            "two runs are only 10 minutes apart (2026-03-01 09:00 and 2026-03-01 09:10): \
             at most every 15 minutes is allowed"
        );
        assert!(accepted_checked("*/15 * * * *"));
        assert!(accepted_checked("*/30 * * * *"));
        assert!(accepted_checked("0 10 * * 1-5"));
    }

    #[test]
    fn weekday_mornings_in_seoul_skip_the_weekend() {
        let weekdays = schedule("0 10 * * 1-5");
        // Friday 2026-03-06 00:00 KST to Sunday 00:00 KST: Friday's run only.
        let friday = weekdays.between(Seoul, utc("2026-03-05T15:00:00Z"), utc("2026-03-07T15:00:00Z"), 10);
        assert_eq!(friday, [utc("2026-03-06T01:00:00Z")]);
        // Sunday 00:00 KST to Tuesday 00:00 KST: Monday's run only.
        let monday = weekdays.between(Seoul, utc("2026-03-07T15:00:00Z"), utc("2026-03-09T15:00:00Z"), 10);
        assert_eq!(monday, [utc("2026-03-09T01:00:00Z")]);
    }

    #[test]
    fn slots_in_seoul_are_exact_and_the_window_is_open_at_its_start() {
        let from = utc("2026-03-05T15:00:00Z"); // Friday 00:00 KST, itself a slot
        let to = from + Duration::hours(48);
        let half_hours = schedule("*/30 * * * *").between(Seoul, from, to, 200);
        let expected: Vec<_> = (1..=96).map(|i| from + Duration::minutes(30 * i)).collect();
        assert_eq!(half_hours, expected, "from is left out, to is kept");
        assert_eq!(schedule("*/30 * * * *").between(Seoul, from, to, 5).len(), 5);
        let nightly = schedule("30 2 * * *").between(Seoul, from, to, 10);
        assert_eq!(nightly, [utc("2026-03-05T17:30:00Z"), utc("2026-03-06T17:30:00Z")]);
        assert!(schedule("30 2 * * *").between(Seoul, to, from, 10).is_empty());
    }

    #[test]
    fn a_time_skipped_by_spring_forward_runs_when_the_clock_resumes() {
        // New York skips 02:00-02:59 on 2026-03-08.
        let nightly = schedule("30 2 * * *");
        let from = utc("2026-03-07T17:00:00Z"); // Saturday 12:00 EST
        let runs = nightly.preview(New_York, from, 2);
        assert_eq!(
            runs,
            [
                Occurrence {
                    at: utc("2026-03-08T07:00:00Z"),
                    local: "2026-03-08 03:00 (Sun)".into(),
                    note: Some("02:30 does not exist on 2026-03-08 in America/New_York: runs at 03:00".into()),
                },
                Occurrence { at: utc("2026-03-09T06:30:00Z"), local: "2026-03-09 02:30 (Mon)".into(), note: None },
            ]
        );
        assert_eq!(nightly.between(New_York, from, utc("2026-03-09T12:00:00Z"), 10), [runs[0].at, runs[1].at]);
    }

    #[test]
    fn an_interval_skips_the_missing_hour_at_spring_forward() {
        let from = utc("2026-03-08T05:00:00Z"); // 00:00 EST
        let runs = schedule("*/30 * * * *").preview(New_York, from, 6);
        let locals: Vec<&str> = runs.iter().map(|run| &run.local[11..16]).collect();
        assert_eq!(locals, ["00:30", "01:00", "01:30", "03:00", "03:30", "04:00"]);
        let expected: Vec<_> = (1..=6).map(|i| from + Duration::minutes(30 * i)).collect();
        assert_eq!(runs.iter().map(|run| run.at).collect::<Vec<_>>(), expected);
        let skipped = "02:00 and 02:30 do not exist on 2026-03-08 in America/New_York: those runs are skipped";
        assert_eq!(runs[3].note.as_deref(), Some(skipped));
        assert!(runs.iter().enumerate().all(|(i, run)| i == 3 || run.note.is_none()));
    }

    #[test]
    fn a_job_with_two_hours_loses_its_run_in_the_spring_forward_gap() {
        // croner moves only fixed-time jobs (one minute, one hour) out of a gap.
        let twice = schedule("30 2,14 * * *");
        let runs = twice.preview(New_York, utc("2026-03-07T17:00:00Z"), 3);
        let locals: Vec<&str> = runs.iter().map(|run| run.local.as_str()).collect();
        assert_eq!(locals, ["2026-03-07 14:30 (Sat)", "2026-03-08 14:30 (Sun)", "2026-03-09 02:30 (Mon)"]);
        let skipped = "02:30 does not exist on 2026-03-08 in America/New_York: that run is skipped";
        assert_eq!(runs[1].note.as_deref(), Some(skipped));
        assert_eq!(runs[2].note, None);
    }

    #[test]
    fn a_fixed_time_job_started_inside_the_repeated_hour_does_not_run_twice() {
        let nightly = schedule("30 1 * * *");
        // 01:10 EST, the second pass: 01:30 EDT already happened.
        assert_eq!(nightly.next_after(New_York, utc("2026-11-01T06:10:00Z")), Some(utc("2026-11-02T06:30:00Z")));
        // 01:10 EDT, the first pass: the run is still ahead.
        assert_eq!(nightly.next_after(New_York, utc("2026-11-01T05:10:00Z")), Some(utc("2026-11-01T05:30:00Z")));
    }

    #[test]
    fn a_repeated_time_at_fall_back_runs_once() {
        // New York repeats 01:00-01:59 on 2026-11-01.
        let nightly = schedule("30 1 * * *");
        let from = utc("2026-10-31T16:00:00Z"); // Saturday 12:00 EDT
        let runs = nightly.between(New_York, from, utc("2026-11-02T17:00:00Z"), 10);
        assert_eq!(runs, [utc("2026-11-01T05:30:00Z"), utc("2026-11-02T06:30:00Z")]);
        let preview = nightly.preview(New_York, from, 2);
        assert_eq!(preview[0].local, "2026-11-01 01:30 (Sun)");
        assert_eq!(
            preview[0].note.as_deref(),
            Some(
                "01:30 happens twice on 2026-11-01 in America/New_York (clocks go back): runs once, at the first (EDT)"
            )
        );
        assert_eq!(preview[1].note, None);
    }

    #[test]
    fn an_interval_runs_at_each_real_instant_through_fall_back() {
        let from = utc("2026-11-01T04:00:00Z"); // 00:00 EDT
        let half_hours = schedule("*/30 * * * *");
        let expected: Vec<_> = (1..=8).map(|i| from + Duration::minutes(30 * i)).collect();
        assert_eq!(half_hours.between(New_York, from, utc("2026-11-01T08:00:00Z"), 20), expected);
        let runs = half_hours.preview(New_York, from, 8);
        let locals: Vec<&str> = runs.iter().map(|run| &run.local[11..16]).collect();
        assert_eq!(locals, ["00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30", "03:00"]);
        let repeated = "happens twice on 2026-11-01 in America/New_York (clocks go back)";
        assert_eq!(runs[1].note, Some(format!("01:00 {repeated}: this is the first (EDT)")));
        assert_eq!(runs[3].note, Some(format!("01:00 {repeated}: this is the second (EST)")));
        assert_eq!(runs[5].note, None);
    }

    #[test]
    fn common_shapes_have_korean_and_english_words() {
        let cases = [
            ("0 10 * * 1-5", Seoul, "평일 10:00 (KST)", "weekdays at 10:00 (KST)"),
            ("0 9 * * 1", Seoul, "매주 월요일 09:00 (KST)", "Mondays at 09:00 (KST)"),
            ("30 2 * * *", New_York, "매일 02:30 (America/New_York)", "daily at 02:30 (America/New_York)"),
            ("0 10 * * SAT,SUN", Seoul, "주말 10:00 (KST)", "weekends at 10:00 (KST)"),
            (
                "0 9,18 * * MON,WED,FRI",
                Seoul,
                "매주 월·수·금요일 09:00, 18:00 (KST)",
                "Mondays, Wednesdays and Fridays at 09:00 and 18:00 (KST)",
            ),
            ("0 9 1 * *", Seoul, "매월 1일 09:00 (KST)", "monthly on day 1 at 09:00 (KST)"),
            ("0 9 1,15 * *", Seoul, "매월 1일, 15일 09:00 (KST)", "monthly on days 1 and 15 at 09:00 (KST)"),
            ("@yearly", UTC, "매년 1월 1일 00:00 (UTC)", "yearly on January 1 at 00:00 (UTC)"),
            ("0 * * * *", Seoul, "매시 0분", "hourly at :00"),
            ("*/15 * * * *", Seoul, "15분마다", "every 15 minutes"),
            ("0 */2 * * *", UTC, "2시간마다 0분 (UTC)", "every 2 hours at :00 (UTC)"),
            ("*/30 * * * 1-5", Seoul, "평일 30분마다 (KST)", "every 30 minutes on weekdays (KST)"),
        ];
        for (pattern, tz, korean, english) in cases {
            let schedule = schedule(pattern);
            assert_eq!(schedule.describe(tz, true), korean, "{pattern}");
            assert_eq!(schedule.describe(tz, false), english, "{pattern}");
        }
    }

    #[test]
    fn other_shapes_fall_back_to_the_pattern_or_croners_words() {
        let either_day = schedule("0 9 13 * fri");
        assert_eq!(either_day.describe(Seoul, true), "cron 0 9 13 * FRI (KST)");
        let english = either_day.describe(Seoul, false);
        assert_eq!(english, "At 09:00, on day 13 or Friday (KST)", "croner's words");
    }

    #[test]
    fn zones_are_iana_names() {
        assert_eq!(zone(" Asia/Seoul "), Ok(Seoul));
        assert_eq!(zone("Mars/Base"), Err("'Mars/Base' is not a time zone (IANA name, e.g. Asia/Seoul)".into()));
        assert_eq!(zone_label(Seoul), "KST");
        assert_eq!(zone_label(zone("Etc/UTC").expect("a zone")), "UTC");
        assert_eq!(zone_label(New_York), "America/New_York");
    }
}
