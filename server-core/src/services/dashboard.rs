//! The dashboard's figures: stat cards with yesterday's baseline, the charts'
//! series over a time range, users per country, problems by subject and
//! difficulty, and the recent-activity feed. Each cached figure has a `compute_*`
//! twin that goes straight to the database (benchmarks and tests use those).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::auth::{Caller, Principal};
use crate::cache::Figure;
use crate::countries::CountryIndex;
use crate::db::{activities, problems, users, Db, Ts};
use crate::error::{AppError, Result};
use crate::live::LiveEvent;
use crate::model::range::{day_start, Bucket, Preset, RangeQuery, ResolvedRange, ViewQuery, Zone};
use crate::model::{
    ActivityHeatmap, ActivityItem, ActivitySeries, CountryStat, DashboardStats, GrowthPoint, ProblemMatrix, Role,
    StatsBaseline, TypeSeries, UserGrowth,
};
use crate::state::AppState;

/// The longest recent-activity feed served.
pub const MAX_FEED: i64 = 100;

/// Local midnight that starts the day containing `now` in `zone`.
pub fn start_of_day(now: DateTime<Utc>, zone: Zone) -> DateTime<Utc> {
    DateTime::from_timestamp(start_of_day_secs(now, zone), 0).unwrap_or(now)
}

/// [`start_of_day`] in Unix seconds. Our zones are fixed offsets, so this is
/// arithmetic: shift into the zone, drop the time of day, shift back (the
/// calendar route through chrono cost every cached stats request ~1.3k
/// instructions).
fn start_of_day_secs(now: DateTime<Utc>, zone: Zone) -> i64 {
    const DAY: i64 = 86_400;
    let offset = i64::from(zone.offset().local_minus_utc());
    let local = now.timestamp() + offset;
    local - local.rem_euclid(DAY) - offset
}

/// The part of a cache key that pins what "today" means: the zone and the day's
/// first second. A new day is a new key.
fn day_key(zone: Zone, now: DateTime<Utc>) -> String {
    let mut digits = itoa::Buffer::new();
    let start = digits.format(start_of_day_secs(now, zone));
    let zone = zone.as_str();
    let mut key = String::with_capacity(zone.len() + 1 + start.len());
    key.push_str(zone);
    key.push(':');
    key.push_str(start);
    key
}

/// Resolves `query` against the clock, turning a bad range into a 400 that names
/// the parameter.
pub fn resolve(query: &RangeQuery, zone: Zone, now: DateTime<Utc>) -> Result<ResolvedRange> {
    Ok(ResolvedRange::new(query, zone, now)?)
}

/// The stat cards (viewers and above; only the view's zone matters: the cards
/// are about today), from the cache (computed at most once per time to live,
/// or after a write makes them stale).
pub async fn stats(state: &AppState, caller: &Caller, view: &ViewQuery) -> Result<DashboardStats> {
    let (zone, now) = stats_day(state, caller, view)?;
    state.cache.figure(Figure::Stats, &day_key(zone, now), || compute_stats(&state.db, zone, now)).await
}

/// [`stats`] as the JSON the cache keeps: the REST door sends it as it is
/// (the dashboard's most requested figure; a hit costs no copy and no
/// serialisation).
pub async fn stats_json(state: &AppState, caller: &Caller, view: &ViewQuery) -> Result<std::sync::Arc<[u8]>> {
    let (zone, now) = stats_day(state, caller, view)?;
    state.cache.figure_json(Figure::Stats, &day_key(zone, now), || compute_stats(&state.db, zone, now)).await
}

/// The stat cards' rule (viewers and above) and what they depend on: the
/// view's zone and the clock.
fn stats_day(state: &AppState, caller: &Caller, view: &ViewQuery) -> Result<(Zone, DateTime<Utc>)> {
    caller.require(Role::Viewer)?;
    let (_, zone) = view.parse()?;
    Ok((zone, state.clock.now()))
}

/// User growth over the view's range, or over the last `days` days (the Flask
/// system's parameter), for viewers and above, from the cache.
pub async fn user_growth(state: &AppState, caller: &Caller, view: &ViewQuery, days: Option<u32>) -> Result<UserGrowth> {
    caller.require(Role::Viewer)?;
    let (mut query, zone) = view.parse()?;
    if let Some(days) = days {
        query = days_query(days, zone, state.clock.now())?;
    }
    over_range(state, Figure::UserGrowth, &query, zone, |range| compute_user_growth(&state.db, range)).await
}

/// Activities per type over the view's range (viewers and above), from the cache.
pub async fn activity_series(state: &AppState, caller: &Caller, view: &ViewQuery) -> Result<ActivitySeries> {
    caller.require(Role::Viewer)?;
    let (query, zone) = view.parse()?;
    over_range(state, Figure::ActivitySeries, &query, zone, |range| compute_activity_series(&state.db, range)).await
}

/// Activities by weekday and hour over the view's range (viewers and above),
/// from the cache.
pub async fn activity_heatmap(state: &AppState, caller: &Caller, view: &ViewQuery) -> Result<ActivityHeatmap> {
    caller.require(Role::Viewer)?;
    let (query, zone) = view.parse()?;
    over_range(state, Figure::ActivityHeatmap, &query, zone, |range| compute_activity_heatmap(&state.db, range)).await
}

/// `figure` over `query`'s range in `zone`, from the cache: one entry per
/// range and day (a new day is a new key, so "today" never goes stale).
async fn over_range<T, Fut>(
    state: &AppState,
    figure: Figure,
    query: &RangeQuery,
    zone: Zone,
    load: impl FnOnce(ResolvedRange) -> Fut,
) -> Result<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T>>,
{
    let now = state.clock.now();
    let range = resolve(query, zone, now)?;
    let variant = format!("{}:{}", query.to_query(), day_key(zone, now));
    state.cache.figure(figure, &variant, || load(range)).await
}

/// Users per country (viewers and above; only the view's zone matters:
/// "active today" is about today), from the cache.
pub async fn countries(state: &AppState, caller: &Caller, view: &ViewQuery) -> Result<Vec<CountryStat>> {
    caller.require(Role::Viewer)?;
    let (_, zone) = view.parse()?;
    let now = state.clock.now();
    let load = || compute_countries(&state.db, &state.countries, zone, now);
    state.cache.figure(Figure::Countries, &day_key(zone, now), load).await
}

/// Problems by subject and difficulty (viewers and above), from the cache.
pub async fn problem_matrix(state: &AppState, caller: &Caller) -> Result<ProblemMatrix> {
    caller.require(Role::Viewer)?;
    state.cache.figure(Figure::ProblemMatrix, "all", || compute_problem_matrix(&state.db)).await
}

/// The `limit` newest activities (1–100), newest first (viewers and above).
/// Not cached: the feed is what changes fastest.
pub async fn recent_activity(state: &AppState, caller: &Caller, limit: i64) -> Result<Vec<ActivityItem>> {
    caller.require(Role::Viewer)?;
    if !(1..=MAX_FEED).contains(&limit) {
        return Err(AppError::invalid_field("limit", format!("must be between 1 and {MAX_FEED}")));
    }
    activities::recent(&state.db, limit).await
}

/// The live events (viewers and above): what changed, as it happens, until
/// the server stops.
pub fn live_events(state: &AppState, caller: &Caller) -> Result<tokio::sync::broadcast::Receiver<LiveEvent>> {
    may_watch(caller.principal()?)?;
    Ok(state.live.subscribe())
}

/// Whether `principal` may watch the live events (viewers and above): asked
/// when a stream opens and again while it stays open.
pub fn may_watch(principal: &Principal) -> Result<()> {
    principal.require(Role::Viewer).map(|_| ())
}

/// The stat cards as of `now`, straight from the database. Whole-table figures
/// come from the trigger-kept counters; "today" and "yesterday" figures are
/// index ranges over one day of rows.
pub async fn compute_stats(db: &Db, zone: Zone, now: DateTime<Utc>) -> Result<DashboardStats> {
    let today = start_of_day(now, zone);
    let (yesterday, day_ago) = (today - Duration::days(1), now - Duration::days(1));
    // Today runs to its end, not to `now`: timestamps are whole seconds, and a
    // row written in this very second must count.
    let (tomorrow_ts, today_ts, yesterday_ts, day_ago_ts) =
        (Ts::from(today + Duration::days(1)), Ts::from(today), Ts::from(yesterday), Ts::from(day_ago));
    let users_by_type = users::count_by_type(db).await?;
    let total_users = users_by_type.free + users_by_type.paid + users_by_type.premium;
    let joined_last_day = users::count_by_type_created_since(db, day_ago_ts).await?;
    let (problems_active, problems_total) = problems::count_active_and_total(db).await?;
    let problems_last_day = problems::count_created_since(db, day_ago_ts).await?;
    let minus = |a: i64, b: i64| (a - b).max(0);
    Ok(DashboardStats {
        total_users,
        online_users: users::count_online(db).await?,
        active_today: activities::count_users_between(db, today_ts, tomorrow_ts).await?,
        new_today: users::count_created_between(db, today_ts, tomorrow_ts).await?,
        users_by_type,
        problems_active,
        problems_total,
        activities_today: activities::count_between(db, today_ts, tomorrow_ts).await?,
        yesterday: StatsBaseline {
            total_users: minus(total_users, joined_last_day.free + joined_last_day.paid + joined_last_day.premium),
            active: activities::count_users_between(db, yesterday_ts, day_ago_ts).await?,
            new_users: users::count_created_between(db, yesterday_ts, day_ago_ts).await?,
            users_by_type: crate::model::UsersByType {
                free: minus(users_by_type.free, joined_last_day.free),
                paid: minus(users_by_type.paid, joined_last_day.paid),
                premium: minus(users_by_type.premium, joined_last_day.premium),
            },
            problems_total: minus(problems_total, problems_last_day),
            activities: activities::count_between(db, yesterday_ts, day_ago_ts).await?,
        },
        as_of: Ts::from(now).0,
    })
}

/// The Unix hour containing `t`.
fn hour_of(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(3600)
}

/// The first Unix hour after the range (its last, possibly partial, hour included).
fn end_hour(range: &ResolvedRange) -> i64 {
    (range.end.timestamp() + 3599).div_euclid(3600)
}

/// The bucket starts of `range`: each hour of a one-day range, else each day.
fn bucket_starts(range: &ResolvedRange) -> Vec<DateTime<Utc>> {
    match range.bucket {
        Bucket::Hour => (range.start.timestamp()..range.end.timestamp())
            .step_by(3600)
            .filter_map(|s| DateTime::from_timestamp(s, 0))
            .collect(),
        Bucket::Day => {
            (0..range.day_count()).map(|d| day_start(range.first_day + Duration::days(d), range.zone)).collect()
        }
    }
}

/// How the database groups hours into this range's buckets: (offset, width) in
/// seconds, for [`activities::per_bucket_and_type`].
fn bucket_grouping(range: &ResolvedRange) -> (i64, i64) {
    match range.bucket {
        Bucket::Hour => (0, 3600),
        Bucket::Day => (i64::from(range.zone.offset().local_minus_utc()), 86_400),
    }
}

/// Which bucket of `range` a database bucket key (see [`bucket_grouping`]) is.
fn bucket_index(range: &ResolvedRange, key: i64) -> Option<usize> {
    let (offset, width) = bucket_grouping(range);
    usize::try_from(key - (range.start.timestamp() + offset).div_euclid(width)).ok()
}

/// The local date a bucket start falls on.
fn local_date(t: DateTime<Utc>, zone: Zone) -> NaiveDate {
    t.with_timezone(&zone.offset()).date_naive()
}

/// New users per bucket over `range` with the running total at the end of each,
/// straight from the counters. Buckets without sign-ups are present with 0.
pub async fn compute_user_growth(db: &Db, range: ResolvedRange) -> Result<UserGrowth> {
    let starts = bucket_starts(&range);
    let mut new_users = vec![0_i64; starts.len()];
    let (offset, width) = bucket_grouping(&range);
    for (key, n) in users::signups_per_bucket(db, hour_of(range.start), end_hour(&range), offset, width).await? {
        if let Some(slot) = bucket_index(&range, key).and_then(|i| new_users.get_mut(i)) {
            *slot += n;
        }
    }
    let mut total = users::count_created_before_hour(db, hour_of(range.start)).await?;
    let points = starts
        .into_iter()
        .zip(new_users)
        .map(|(start, new_users)| {
            total += new_users;
            GrowthPoint { date: local_date(start, range.zone), start, new_users, total_users: total }
        })
        .collect();
    Ok(UserGrowth { days: u32::try_from(range.day_count()).unwrap_or(u32::MAX), range, points })
}

/// Activities per type and bucket over `range`, straight from the counters.
pub async fn compute_activity_series(db: &Db, range: ResolvedRange) -> Result<ActivitySeries> {
    let buckets = bucket_starts(&range);
    let mut by_type: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let (offset, width) = bucket_grouping(&range);
    let rows = activities::per_bucket_and_type(db, hour_of(range.start), end_hour(&range), offset, width).await?;
    for (key, activity_type, n) in rows {
        let counts = by_type.entry(activity_type).or_insert_with(|| vec![0; buckets.len()]);
        if let Some(slot) = bucket_index(&range, key).and_then(|i| counts.get_mut(i)) {
            *slot += n;
        }
    }
    let mut series: Vec<TypeSeries> = by_type
        .into_iter()
        .map(|(activity_type, counts)| TypeSeries { total: counts.iter().sum(), activity_type, counts })
        .collect();
    series.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.activity_type.cmp(&b.activity_type)));
    Ok(ActivitySeries { range, buckets, series })
}

/// Activities by local weekday (Monday first) and hour over `range`, straight
/// from the counters.
pub async fn compute_activity_heatmap(db: &Db, range: ResolvedRange) -> Result<ActivityHeatmap> {
    let offset = i64::from(range.zone.offset().local_minus_utc());
    let mut counts = vec![vec![0_i64; 24]; 7];
    for (weekday, hour, n) in
        activities::per_weekday_and_hour(db, hour_of(range.start), end_hour(&range), offset).await?
    {
        if let Some(cell) = usize::try_from(weekday)
            .ok()
            .zip(usize::try_from(hour).ok())
            .and_then(|(d, h)| counts.get_mut(d)?.get_mut(h))
        {
            *cell += n;
        }
    }
    let max = counts.iter().flatten().copied().max().unwrap_or(0);
    Ok(ActivityHeatmap { range, counts, max })
}

/// Users and today's active users per country, most users first, with names
/// and marker positions from the country index, straight from the database.
pub async fn compute_countries(
    db: &Db,
    index: &CountryIndex,
    zone: Zone,
    now: DateTime<Utc>,
) -> Result<Vec<CountryStat>> {
    let today = Ts::from(start_of_day(now, zone));
    let rows = users::count_by_country(db, today).await?;
    Ok(rows
        .into_iter()
        .map(|(code, users, today_active)| {
            let info = index.get(&code);
            CountryStat {
                name: info.map_or_else(|| code.clone(), |c| c.en.clone()),
                name_ko: info.map_or_else(|| code.clone(), |c| c.ko.clone()),
                lat: info.and_then(|c| c.lat),
                lng: info.and_then(|c| c.lng),
                country: code,
                users,
                today_active,
            }
        })
        .collect())
}

/// The label for a missing subject or difficulty.
const NONE: &str = "(none)";

/// Problems by subject × difficulty, straight from the database.
pub async fn compute_problem_matrix(db: &Db) -> Result<ProblemMatrix> {
    let rows = problems::count_by_subject_and_difficulty(db).await?;
    let mut difficulties: Vec<String> = ["easy", "medium", "hard"].map(String::from).to_vec();
    if rows.iter().any(|(_, d, _)| d.is_none()) {
        difficulties.push(NONE.to_owned());
    }
    let mut grid: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut total = 0;
    for (subject, difficulty, n) in rows {
        let row = grid.entry(subject.unwrap_or_else(|| NONE.to_owned())).or_insert_with(|| vec![0; difficulties.len()]);
        let difficulty = difficulty.unwrap_or_else(|| NONE.to_owned());
        if let Some(i) = difficulties.iter().position(|d| *d == difficulty) {
            row[i] += n;
        }
        total += n;
    }
    let (subjects, counts) = grid.into_iter().unzip();
    Ok(ProblemMatrix { subjects, difficulties, counts, total })
}

/// The range a legacy `days=N` query means: the last N days, today included.
pub fn days_query(days: u32, zone: Zone, now: DateTime<Utc>) -> Result<RangeQuery> {
    let max = crate::model::range::MAX_RANGE_DAYS;
    if !(1..=max).contains(&i64::from(days)) {
        return Err(AppError::invalid_field("days", format!("must be between 1 and {max}")));
    }
    let today = now.with_timezone(&zone.offset()).date_naive();
    Ok(RangeQuery { preset: Preset::Custom, from: Some(today - Duration::days(i64::from(days) - 1)), to: Some(today) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_korean_day_starts_at_1500_utc_the_day_before() {
        assert_eq!(start_of_day(at("2026-11-21T14:59:59Z"), Zone::Kst), at("2026-11-20T15:00:00Z"));
        assert_eq!(start_of_day(at("2026-11-21T15:00:00Z"), Zone::Kst), at("2026-11-21T15:00:00Z"));
    }

    #[test]
    fn the_start_of_day_agrees_with_the_calendar_and_keys_it() {
        // Every hour over two years either side of 1970 and around now, both zones.
        let hours = (-2 * 365 * 24..2 * 365 * 24).chain(490_000..510_000);
        for hour in hours.step_by(7) {
            let now = DateTime::from_timestamp(hour * 3600 + 1234, 0).unwrap();
            for zone in [Zone::Kst, Zone::Utc] {
                let calendar = day_start(now.with_timezone(&zone.offset()).date_naive(), zone);
                assert_eq!(start_of_day(now, zone), calendar, "{now} {zone:?}");
                assert_eq!(day_key(zone, now), format!("{}:{}", zone.as_str(), calendar.timestamp()));
            }
        }
    }

    #[test]
    fn a_utc_day_starts_at_midnight() {
        assert_eq!(start_of_day(at("2026-11-21T23:59:59Z"), Zone::Utc), at("2026-11-21T00:00:00Z"));
    }

    #[test]
    fn hours_fall_into_local_day_buckets() {
        let now = at("2026-11-21T03:00:00Z");
        let range = resolve(&RangeQuery::preset(Preset::Days7), Zone::Kst, now).unwrap();
        let starts = bucket_starts(&range);
        assert_eq!(starts.len(), 7);
        assert_eq!(starts[0], at("2026-11-14T15:00:00Z"));
        // 2026-11-15 23:30 KST is the first day's last hour; 2026-11-16 00:00 KST the second's first.
        // The database's key for an hour is its local day number.
        let key = |t: &str| (at(t).timestamp() + 9 * 3600).div_euclid(86_400);
        assert_eq!(bucket_index(&range, key("2026-11-15T14:30:00Z")), Some(0));
        assert_eq!(bucket_index(&range, key("2026-11-15T15:00:00Z")), Some(1));
        let today = resolve(&RangeQuery::preset(Preset::Today), Zone::Kst, now).unwrap();
        assert_eq!(bucket_starts(&today).len(), 12, "midnight to noon KST");
        assert_eq!(end_hour(&today), hour_of(now));
    }
}
