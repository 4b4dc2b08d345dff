//! The dashboard's figures: stat cards, user growth, users per country.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

use crate::cache::CacheKind;
use crate::countries::CountryIndex;
use crate::db::{activities, problems, users, Db, Ts};
use crate::error::{AppError, Result};
use crate::model::{CountryStat, DashboardStats, GrowthPoint, UserGrowth};
use crate::state::AppState;

/// The dashboard's time zone unless the viewer picks another: Korea (UTC+9, no DST).
pub const KST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => unreachable!(),
};

/// The longest user-growth series served: two years.
pub const MAX_GROWTH_DAYS: u32 = 730;

/// Local midnight that starts the day containing `now` in `tz`.
pub fn start_of_day(now: DateTime<Utc>, tz: FixedOffset) -> DateTime<Utc> {
    let local = now.with_timezone(&tz).date_naive();
    day_start(local, tz)
}

fn day_start(day: NaiveDate, tz: FixedOffset) -> DateTime<Utc> {
    // A fixed offset has exactly one local midnight per day.
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (midnight - Duration::seconds(i64::from(tz.local_minus_utc()))).and_utc()
}

/// The part of a cache key that pins what "today" means: the zone's offset and
/// the day's first second. A new day is a new key.
fn day_key(tz: FixedOffset, now: DateTime<Utc>) -> String {
    format!("{}:{}", tz.local_minus_utc(), start_of_day(now, tz).timestamp())
}

/// The stat cards, from the cache (computed at most once per time to live).
pub async fn stats(state: &AppState, tz: FixedOffset) -> Result<DashboardStats> {
    let now = state.clock.now();
    let key = format!("stats:{}", day_key(tz, now));
    state.cache.get_or_load(&key, CacheKind::Stats, || compute_stats(&state.db, tz, now)).await
}

/// New users per day over the last `days` days, from the cache.
pub async fn user_growth(state: &AppState, days: u32, tz: FixedOffset) -> Result<UserGrowth> {
    validate_days(days)?;
    let now = state.clock.now();
    let key = format!("user_growth:{days}:{}", day_key(tz, now));
    state.cache.get_or_load(&key, CacheKind::Series, || compute_user_growth(&state.db, days, tz, now)).await
}

/// Users per country, from the cache.
pub async fn countries(state: &AppState, tz: FixedOffset) -> Result<Vec<CountryStat>> {
    let now = state.clock.now();
    let key = format!("countries:{}", day_key(tz, now));
    state
        .cache
        .get_or_load(&key, CacheKind::Countries, || compute_countries(&state.db, &state.countries, tz, now))
        .await
}

fn validate_days(days: u32) -> Result<()> {
    if (1..=MAX_GROWTH_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(AppError::invalid_field("days", format!("must be between 1 and {MAX_GROWTH_DAYS}")))
    }
}

/// The stat cards as of `now`, straight from the database.
pub async fn compute_stats(db: &Db, tz: FixedOffset, now: DateTime<Utc>) -> Result<DashboardStats> {
    let today = Ts::from(start_of_day(now, tz));
    let counts = users::counts(db, today).await?;
    let users_by_type = users::count_by_type(db).await?;
    let (problems_active, problems_total) = problems::count_active_and_total(db).await?;
    let activities_today = activities::count_since(db, today).await?;
    Ok(DashboardStats {
        total_users: counts.total,
        online_users: counts.online,
        active_today: counts.active_since,
        new_today: counts.created_since,
        users_by_type,
        problems_active,
        problems_total,
        activities_today,
        as_of: Ts::from(now).0,
    })
}

/// New users per day over the last `days` days (today included), with the running
/// total at the end of each day, straight from the database. Days without
/// sign-ups are present with 0.
pub async fn compute_user_growth(db: &Db, days: u32, tz: FixedOffset, now: DateTime<Utc>) -> Result<UserGrowth> {
    validate_days(days)?;
    let today = now.with_timezone(&tz).date_naive();
    let first_day = today - Duration::days(i64::from(days) - 1);
    let since = Ts::from(day_start(first_day, tz));
    let per_day = users::created_per_day(db, since, tz.local_minus_utc()).await?;
    let mut total = users::count_created_before(db, since).await?;

    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let mut counts = per_day.into_iter().peekable();
    let mut points = Vec::with_capacity(days as usize);
    for offset in 0..i64::from(days) {
        let date = first_day + Duration::days(offset);
        let day_number = (date - epoch).num_days();
        let mut new_users = 0;
        // Rows come in ascending day order; sign-ups dated in the future (clock
        // skew) would sit past today and are left out.
        while let Some((_, n)) = counts.next_if(|(day, _)| *day <= day_number) {
            new_users += n;
        }
        total += new_users;
        points.push(GrowthPoint { date, new_users, total_users: total });
    }
    Ok(UserGrowth { days, points })
}

/// Users and today's active users per country, most users first, with names
/// and marker positions from the country index, straight from the database.
pub async fn compute_countries(
    db: &Db,
    index: &CountryIndex,
    tz: FixedOffset,
    now: DateTime<Utc>,
) -> Result<Vec<CountryStat>> {
    let today = Ts::from(start_of_day(now, tz));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_korean_day_starts_at_1500_utc_the_day_before() {
        assert_eq!(start_of_day(at("2026-11-21T14:59:59Z"), KST), at("2026-11-20T15:00:00Z"));
        assert_eq!(start_of_day(at("2026-11-21T15:00:00Z"), KST), at("2026-11-21T15:00:00Z"));
    }

    #[test]
    fn a_utc_day_starts_at_midnight() {
        let utc = FixedOffset::east_opt(0).unwrap();
        assert_eq!(start_of_day(at("2026-11-21T23:59:59Z"), utc), at("2026-11-21T00:00:00Z"));
    }
}
