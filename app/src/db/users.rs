//! Queries on `users`, the platform's students, and on the counters that the
//! triggers of migration 0004 keep for them (`user_signups_hourly`,
//! `user_country_counts`): whole-table figures come from the counters, so they
//! cost the same at 1M users as at 1,000.

use super::{on_db, Db, Ts};
use crate::error::Result;
use crate::model::{UserSummary, UsersByType};

/// Users flagged online (answered from a partial index).
pub async fn count_online(db: &Db) -> Result<i64> {
    const SQL: &str = "select count(*) from users where is_online";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}

/// Users per subscription tier, from the counters.
pub async fn count_by_type(db: &Db) -> Result<UsersByType> {
    const SQL: &str =
        "select user_type, cast(coalesce(sum(n), 0) as bigint) from user_signups_hourly group by user_type";
    let rows: Vec<(String, i64)> = on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await?);
    Ok(by_type(rows))
}

/// Users per tier among those who signed up at or after `since` (an index range).
pub async fn count_by_type_created_since(db: &Db, since: Ts) -> Result<UsersByType> {
    const SQL: &str = "select user_type, count(*) from users where created_at >= $1 group by user_type";
    let rows: Vec<(String, i64)> = on_db!(db, pool => sqlx::query_as(SQL).bind(since).fetch_all(pool).await?);
    Ok(by_type(rows))
}

fn by_type(rows: Vec<(String, i64)>) -> UsersByType {
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
    by_type
}

/// Users who signed up in `[from, to)` (an index range).
pub async fn count_created_between(db: &Db, from: Ts, to: Ts) -> Result<i64> {
    const SQL: &str = "select count(*) from users where created_at >= $1 and created_at < $2";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(from).bind(to).fetch_one(pool).await?))
}

/// Users who signed up before the Unix hour `hour`, from the counters.
pub async fn count_created_before_hour(db: &Db, hour: i64) -> Result<i64> {
    const SQL: &str = "select cast(coalesce(sum(n), 0) as bigint) from user_signups_hourly where hour < $1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(hour).fetch_one(pool).await?))
}

/// Sign-ups per bucket over the Unix hours `[from_hour, to_hour)`, ascending,
/// empty buckets left out; buckets as in
/// [`super::activities::per_bucket_and_type`]. From the counters.
pub async fn signups_per_bucket(
    db: &Db,
    from_hour: i64,
    to_hour: i64,
    offset_secs: i64,
    bucket_secs: i64,
) -> Result<Vec<(i64, i64)>> {
    const SQL: &str = "select (hour * 3600 + $3) / $4 as bucket, cast(sum(n) as bigint) from user_signups_hourly \
        where hour >= $1 and hour < $2 group by bucket having sum(n) <> 0 order by bucket";
    Ok(on_db!(db, pool => sqlx::query_as(SQL)
        .bind(from_hour)
        .bind(to_hour)
        .bind(offset_secs)
        .bind(bucket_secs)
        .fetch_all(pool)
        .await?))
}

/// Per country: users (from the counters), and users active since `since`
/// (an index range over today's active users only), most users first.
pub async fn count_by_country(db: &Db, since: Ts) -> Result<Vec<(String, i64, i64)>> {
    const SQL: &str = "select c.country, c.n, coalesce(a.active, 0) from user_country_counts c \
        left join (select country, count(*) as active from users where last_activity >= $1 group by country) a \
        on a.country = c.country where c.n > 0 order by c.n desc, c.country";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(since).fetch_all(pool).await?))
}

/// Whether the table has no rows (a fresh database gets demo data).
pub async fn is_empty(db: &Db) -> Result<bool> {
    const SQL: &str = "select not exists (select 1 from users)";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}

/// The highest user id (0 when there are none): the simulator picks users below it.
pub async fn max_id(db: &Db) -> Result<i64> {
    const SQL: &str = "select cast(coalesce(max(id), 0) as bigint) from users";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}

/// The newest `limit` users, of `country` when given, newest first.
pub async fn list_newest(db: &Db, country: Option<&str>, limit: i64) -> Result<Vec<UserSummary>> {
    const SQL: &str = "select id, email, username, user_type, country, created_at, last_activity, is_online \
        from users where ($1 is null or country = $1) order by id desc limit $2";
    let rows: Vec<SummaryRow> =
        on_db!(db, pool => sqlx::query_as(SQL).bind(country).bind(limit).fetch_all(pool).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    email: String,
    username: String,
    user_type: String,
    country: Option<String>,
    created_at: Ts,
    last_activity: Option<Ts>,
    is_online: bool,
}

impl From<SummaryRow> for UserSummary {
    fn from(r: SummaryRow) -> Self {
        UserSummary {
            id: r.id,
            email: r.email,
            username: r.username,
            user_type: r.user_type,
            country: r.country,
            created_at: r.created_at.0,
            last_activity: r.last_activity.map(|t| t.0),
            is_online: r.is_online,
        }
    }
}

/// The first user id at or after `id`, if any (ids have gaps where users were
/// deleted).
pub async fn existing_at_or_after(db: &Db, id: i64) -> Result<Option<i64>> {
    const SQL: &str = "select id from users where id >= $1 order by id limit 1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(id).fetch_optional(pool).await?))
}
