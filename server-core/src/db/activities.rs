//! Queries on `activities`, the platform's event log, and on `activity_hourly`,
//! the per-hour, per-type counters its triggers keep (migration 0004).

use super::select::{bind_args, After, Arg, Sql};
use super::{on_db, BeginWrite, Db, Ts};
use crate::error::Result;
use crate::model::ActivityItem;

/// Activities recorded in `[from, to)`: whole hours from the counters, the
/// partial hours at the ends row by row (see [`count`]).
pub async fn count_between(db: &Db, from: Ts, to: Ts) -> Result<i64> {
    count(db, &Filter { from: Some(from), to: Some(to), ..Filter::default() }).await
}

/// Distinct users with an activity in `[from, to)`. Meant for a day or less:
/// it reads that window's rows.
pub async fn count_users_between(db: &Db, from: Ts, to: Ts) -> Result<i64> {
    const SQL: &str = "select count(distinct user_id) from activities where created_at >= $1 and created_at < $2";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(from).bind(to).fetch_one(pool).await?))
}

/// (bucket, type, count) over the Unix hours `[from_hour, to_hour)`, where an
/// hour's bucket is `(hour * 3600 + offset_secs) / bucket_secs`: the hour itself
/// for 3600 and no offset, the local day number for 86400 and the zone's
/// offset. Grouped in the database, so a year of hourly counters comes back as
/// a few thousand rows. From the counters.
pub async fn per_bucket_and_type(
    db: &Db,
    from_hour: i64,
    to_hour: i64,
    offset_secs: i64,
    bucket_secs: i64,
) -> Result<Vec<(i64, String, i64)>> {
    const SQL: &str = "select (hour * 3600 + $3) / $4 as bucket, activity_type, cast(sum(n) as bigint) \
        from activity_hourly where hour >= $1 and hour < $2 \
        group by bucket, activity_type having sum(n) <> 0 order by bucket, activity_type";
    Ok(on_db!(db, pool => sqlx::query_as(SQL)
        .bind(from_hour)
        .bind(to_hour)
        .bind(offset_secs)
        .bind(bucket_secs)
        .fetch_all(pool)
        .await?))
}

/// (local weekday with Monday = 0, local hour 0–23, count) over the Unix hours
/// `[from_hour, to_hour)` in the zone `offset_secs` east of UTC; from the counters.
pub async fn per_weekday_and_hour(
    db: &Db,
    from_hour: i64,
    to_hour: i64,
    offset_secs: i64,
) -> Result<Vec<(i64, i64, i64)>> {
    // Day 0 of the epoch was a Thursday: +3 makes Monday 0.
    const SQL: &str = "select ((hour * 3600 + $3) / 86400 + 3) % 7 as weekday, \
        ((hour * 3600 + $3) % 86400) / 3600 as hour_of_day, cast(sum(n) as bigint) \
        from activity_hourly where hour >= $1 and hour < $2 group by weekday, hour_of_day";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(from_hour).bind(to_hour).bind(offset_secs).fetch_all(pool).await?))
}

/// Selects a feed item: the activity with its user's name and country.
const ITEM: &str = "select a.id, a.user_id, u.username, u.country, a.activity_type, a.description, a.created_at \
    from activities a join users u on u.id = a.user_id";

/// The `limit` newest activities, newest first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<ActivityItem>> {
    let sql = format!("{ITEM} order by a.id desc limit $1");
    let rows: Vec<ItemRow> = on_db!(db, pool => sqlx::query_as(&sql).bind(limit).fetch_all(pool).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Activities with an id above `after`, oldest first, at most `limit`: how the
/// live stream follows the table whichever process wrote to it.
pub async fn after_id(db: &Db, after: i64, limit: i64) -> Result<Vec<ActivityItem>> {
    let sql = format!("{ITEM} where a.id > $1 order by a.id limit $2");
    let rows: Vec<ItemRow> = on_db!(db, pool => sqlx::query_as(&sql).bind(after).bind(limit).fetch_all(pool).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The newest activity id (0 when there are none).
pub async fn max_id(db: &Db) -> Result<i64> {
    const SQL: &str = "select cast(coalesce(max(id), 0) as bigint) from activities";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}

/// An activity to record: the user must exist.
#[derive(Clone, Debug)]
pub struct NewActivity {
    /// Who did it.
    pub user_id: i64,
    /// What kind (`problem_solved`, `login`, …).
    pub activity_type: String,
    /// A line of text for people.
    pub description: String,
    /// The problem it is about, for `problem_*` types.
    pub problem_id: Option<i64>,
    /// When it happened.
    pub created_at: Ts,
}

/// Records `activities` and moves each user's last activity forward, in one
/// transaction: either all of them land or none.
pub async fn record(db: &Db, activities: &[NewActivity]) -> Result<()> {
    const INSERT: &str = "insert into activities (user_id, activity_type, description, problem_id, created_at) \
        values ($1, $2, $3, $4, $5)";
    const TOUCH: &str = "update users set last_activity = $2, is_online = true \
        where id = $1 and (last_activity is null or last_activity < $2)";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for a in activities {
            sqlx::query(INSERT)
                .bind(a.user_id)
                .bind(&a.activity_type)
                .bind(&a.description)
                .bind(a.problem_id)
                .bind(a.created_at)
                .execute(&mut *tx)
                .await?;
            sqlx::query(TOUCH).bind(a.user_id).bind(a.created_at).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// What the activities list is filtered by; every field already validated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// One type.
    pub activity_type: Option<String>,
    /// One user.
    pub user_id: Option<i64>,
    /// At or after.
    pub from: Option<Ts>,
    /// Before.
    pub to: Option<Ts>,
}

fn filter_by(sql: &mut Sql, filter: &Filter) {
    if let Some(t) = &filter.activity_type {
        let p = sql.arg(Arg::Text(t.clone()));
        sql.and(&format!("a.activity_type = {p}"));
    }
    if let Some(user_id) = filter.user_id {
        let p = sql.arg(Arg::Int(user_id));
        sql.and(&format!("a.user_id = {p}"));
    }
    if let Some(from) = filter.from {
        let p = sql.arg(Arg::Ts(from));
        sql.and(&format!("a.created_at >= {p}"));
    }
    if let Some(to) = filter.to {
        let p = sql.arg(Arg::Ts(to));
        sql.and(&format!("a.created_at < {p}"));
    }
}

/// Up to `limit` activities matching `filter`, newest first, starting after `after`.
pub async fn page(db: &Db, filter: &Filter, after: Option<&After>, limit: i64) -> Result<Vec<ActivityItem>> {
    let mut sql = Sql::new(db.backend(), ITEM);
    filter_by(&mut sql, filter);
    sql.keyset("a.created_at", false, true, after, limit);
    let rows: Vec<ItemRow> = on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// How many activities match `filter`. Without a user, the whole hours of the
/// range come from the hourly counters and only the partial hours at its ends
/// are counted row by row: exact, and as cheap at 10M activities as at 10k.
pub async fn count(db: &Db, filter: &Filter) -> Result<i64> {
    if filter.user_id.is_some() {
        let mut sql = Sql::new(db.backend(), "select count(*) from activities a");
        filter_by(&mut sql, filter);
        return Ok(on_db!(db, pool => bind_args!(sqlx::query_scalar(sql.text()), sql).fetch_one(pool).await?));
    }
    // Whole hours: [first_hour, end_hour); the rest of the range is counted directly.
    let first_hour = filter.from.map(|t| (t.secs() + 3599).div_euclid(3600));
    let end_hour = filter.to.map(|t| t.secs().div_euclid(3600));
    if let (Some(first), Some(end)) = (first_hour, end_hour) {
        if end <= first {
            // Less than a whole hour: count the rows.
            let mut sql = Sql::new(db.backend(), "select count(*) from activities a");
            filter_by(&mut sql, filter);
            return Ok(on_db!(db, pool => bind_args!(sqlx::query_scalar(sql.text()), sql).fetch_one(pool).await?));
        }
    }
    let mut hours = Sql::new(db.backend(), "select cast(coalesce(sum(n), 0) as bigint) from activity_hourly");
    if let Some(t) = &filter.activity_type {
        let p = hours.arg(Arg::Text(t.clone()));
        hours.and(&format!("activity_type = {p}"));
    }
    if let Some(first) = first_hour {
        let p = hours.arg(Arg::Int(first));
        hours.and(&format!("hour >= {p}"));
    }
    if let Some(end) = end_hour {
        let p = hours.arg(Arg::Int(end));
        hours.and(&format!("hour < {p}"));
    }
    let mut total: i64 = on_db!(db, pool => bind_args!(sqlx::query_scalar(hours.text()), hours).fetch_one(pool).await?);
    // The partial hour at each end.
    let mut edges = Vec::new();
    if let (Some(from), Some(first)) = (filter.from, first_hour) {
        if from.secs() < first * 3600 {
            edges.push((from, Ts::from_secs(first * 3600)));
        }
    }
    if let (Some(to), Some(end)) = (filter.to, end_hour) {
        if to.secs() > end * 3600 {
            edges.push((Ts::from_secs(end * 3600), to));
        }
    }
    for (from, to) in edges {
        let edge = Filter { from: Some(from), to: Some(to), ..filter.clone() };
        let mut sql = Sql::new(db.backend(), "select count(*) from activities a");
        filter_by(&mut sql, &edge);
        let n: i64 = on_db!(db, pool => bind_args!(sqlx::query_scalar(sql.text()), sql).fetch_one(pool).await?);
        total += n;
    }
    Ok(total)
}

/// Every activity type recorded, alphabetically (from the counters).
pub async fn types(db: &Db) -> Result<Vec<String>> {
    const SQL: &str = "select distinct activity_type from activity_hourly where n > 0 order by activity_type";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_all(pool).await?))
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    user_id: i64,
    username: String,
    country: Option<String>,
    activity_type: String,
    description: Option<String>,
    created_at: Ts,
}

impl From<ItemRow> for ActivityItem {
    fn from(r: ItemRow) -> Self {
        ActivityItem {
            id: r.id,
            user_id: r.user_id,
            username: r.username,
            country: r.country,
            activity_type: r.activity_type,
            description: r.description.unwrap_or_default(),
            created_at: r.created_at.0,
        }
    }
}

/// When the latest activity (of `activity_type`, or of any type) was recorded,
/// if any. With a type, the newest hour the counters have for it first, then
/// that hour's rows: no scan of the type's whole history.
pub async fn latest_at(db: &Db, activity_type: Option<&str>) -> Result<Option<Ts>> {
    const ANY: &str = "select max(created_at) from activities";
    const HOUR: &str = "select hour from activity_hourly where activity_type = $1 and n > 0 order by hour desc limit 1";
    const IN_HOUR: &str = "select max(created_at) from activities \
        where created_at >= $1 and created_at < $2 and activity_type = $3";
    let Some(activity_type) = activity_type else {
        return Ok(on_db!(db, pool => sqlx::query_scalar(ANY).fetch_one(pool).await?));
    };
    let hour: Option<i64> =
        on_db!(db, pool => sqlx::query_scalar(HOUR).bind(activity_type).fetch_optional(pool).await?);
    let Some(hour) = hour else { return Ok(None) };
    let (from, to) = (Ts::from_secs(hour * 3600), Ts::from_secs((hour + 1) * 3600));
    Ok(on_db!(db, pool => sqlx::query_scalar(IN_HOUR).bind(from).bind(to).bind(activity_type).fetch_one(pool).await?))
}
