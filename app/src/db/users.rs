//! Queries on `users`, the platform's students.

use super::{on_db, Backend, Db, Ts};
use crate::error::Result;
use crate::model::UsersByType;

/// The user counts of the stat cards, in one round trip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct UserCounts {
    /// All users.
    pub total: i64,
    /// Users flagged online.
    pub online: i64,
    /// Users whose last activity is at or after the given instant.
    pub active_since: i64,
    /// Users who signed up at or after the given instant.
    pub created_since: i64,
}

/// Counts all users, those online, and those active or created since `since`.
/// Each sub-select is answered from its own index.
pub async fn counts(db: &Db, since: Ts) -> Result<UserCounts> {
    const SQL: &str = "select \
        (select count(*) from users) as total, \
        (select count(*) from users where is_online) as online, \
        (select count(*) from users where last_activity >= $1) as active_since, \
        (select count(*) from users where created_at >= $1) as created_since";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(since).fetch_one(pool).await?))
}

/// Users flagged online (answered from a partial index).
pub async fn count_online(db: &Db) -> Result<i64> {
    const SQL: &str = "select count(*) from users where is_online";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}

/// Users per subscription tier.
pub async fn count_by_type(db: &Db) -> Result<UsersByType> {
    const SQL: &str = "select user_type, count(*) from users group by user_type";
    let rows: Vec<(String, i64)> = on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await?);
    let mut by_type = UsersByType::default();
    for (user_type, n) in rows {
        match user_type.as_str() {
            "free" => by_type.free = n,
            "paid" => by_type.paid = n,
            "premium" => by_type.premium = n,
            // The column's CHECK constraint admits no other value.
            _ => {}
        }
    }
    Ok(by_type)
}

/// Users created before `before`.
pub async fn count_created_before(db: &Db, before: Ts) -> Result<i64> {
    const SQL: &str = "select count(*) from users where created_at < $1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(before).fetch_one(pool).await?))
}

/// Sign-ups per day since `since`, as (day number, count) pairs in ascending day
/// order. A day number counts days since the epoch in the zone `utc_offset_secs`
/// east of UTC, so bucket boundaries fall on local midnight.
pub async fn created_per_day(db: &Db, since: Ts, utc_offset_secs: i32) -> Result<Vec<(i64, i64)>> {
    // The one expression the dialects spell differently: epoch seconds of a timestamp.
    let sql = match db.backend() {
        Backend::Sqlite => {
            "select (created_at + $2) / 86400 as day, count(*) from users \
             where created_at >= $1 group by day order by day"
        }
        Backend::Postgres => {
            "select floor((extract(epoch from created_at) + $2) / 86400)::bigint as day, count(*) \
             from users where created_at >= $1 group by day order by day"
        }
    };
    let offset = i64::from(utc_offset_secs);
    Ok(on_db!(db, pool => sqlx::query_as(sql).bind(since).bind(offset).fetch_all(pool).await?))
}

/// Per country: users, and users active since `since`, most users first.
pub async fn count_by_country(db: &Db, since: Ts) -> Result<Vec<(String, i64, i64)>> {
    const SQL: &str = "select country, count(*) as users, \
        count(*) filter (where last_activity >= $1) as active \
        from users where country is not null group by country order by users desc, country";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(since).fetch_all(pool).await?))
}

/// Whether the table has no rows (a fresh database gets demo data).
pub async fn is_empty(db: &Db) -> Result<bool> {
    const SQL: &str = "select not exists (select 1 from users)";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}
