//! Queries on `users`, the platform's students, and on the counters that the
//! triggers of migration 0004 keep for them (`user_signups_hourly`,
//! `user_country_counts`): whole-table figures come from the counters, so they
//! cost the same at 1M users as at 1,000.

use super::select::{bind_args, prefix_range, After, Arg, Sql};
use super::{audit, on_db, Backend, BeginWrite, Db, Ts};
use crate::error::Result;
use crate::model::{UserDetail, UserSummary, UsersByType};

/// Users flagged online (answered from a partial index).
pub async fn count_online(db: &Db) -> Result<i64> {
    const SQL: &str = "select count(*) from users where is_online";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}

/// Users per subscription tier, from the per-country-and-type counters (105 rows).
pub async fn count_by_type(db: &Db) -> Result<UsersByType> {
    const SQL: &str = "select user_type, cast(sum(n) as bigint) from user_country_type_counts group by user_type";
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
/// (one range per country of `users_country_last_activity`, read from the
/// index alone: Postgres fetched every active user's row), most users first.
pub async fn count_by_country(db: &Db, since: Ts) -> Result<Vec<(String, i64, i64)>> {
    const SQL: &str = "select c.country, c.n, \
        (select count(*) from users u where u.country = c.country and u.last_activity >= $1) \
        from user_country_counts c where c.n > 0 order by c.n desc, c.country";
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

/// What the users list is filtered by; every field already validated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// The start of the e-mail or the username, lower-case.
    pub prefix: Option<String>,
    /// `free`, `paid` or `premium`.
    pub user_type: Option<String>,
    /// Alpha-2, upper-case.
    pub country: Option<String>,
    /// Online now, or not.
    pub online: Option<bool>,
    /// Signed up at or after.
    pub from: Option<Ts>,
    /// Signed up before.
    pub to: Option<Ts>,
}

/// The orders the list offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Sign-up time.
    CreatedAt,
    /// Last activity (never active last).
    LastActivity,
    /// Username.
    Username,
    /// E-mail address.
    Email,
}

impl Sort {
    /// The column, qualified.
    pub fn column(self) -> &'static str {
        match self {
            Self::CreatedAt => "u.created_at",
            Self::LastActivity => "u.last_activity",
            Self::Username => "u.username",
            Self::Email => "u.email",
        }
    }

    fn nullable(self) -> bool {
        self == Self::LastActivity
    }
}

const SUMMARY: &str =
    "select u.id, u.email, u.username, u.user_type, u.country, u.created_at, u.last_activity, u.is_online from users u";

/// Whether the type and country conditions are hidden from SQLite's planner
/// (`col || ''`) so it walks the sort's own index and skips non-matching rows:
/// with them visible it fetches every user of a common type or country and
/// sorts them all (35–105 ms at 1M users). Not for the sign-up order or for
/// country + type by username, whose composite indexes are exact ranges, and
/// never on Postgres: its custom plans weigh both ways with statistics, where
/// the hidden form made it read the whole table (100–160 ms).
fn hide_from_index(backend: Backend, filter: &Filter, sort: Sort) -> bool {
    let exact = sort == Sort::Username && filter.country.is_some() && filter.user_type.is_some();
    backend == Backend::Sqlite && sort != Sort::CreatedAt && !exact
}

/// Postgres compares text by its collation; the pattern operators compare
/// bytes, as SQLite does, and match the `text_pattern_ops` indexes.
fn pattern_ops(backend: Backend) -> (&'static str, &'static str) {
    match backend {
        Backend::Sqlite => (">=", "<"),
        Backend::Postgres => ("~>=~", "~<~"),
    }
}

/// Adds `filter`'s conditions to `sql`; `unindexed`: see [`hide_from_index`].
fn filter_by(sql: &mut Sql, filter: &Filter, unindexed: bool) {
    let unindexed = if unindexed { " || ''" } else { "" };
    if let Some(prefix) = &filter.prefix {
        let (low, high) = prefix_range(prefix);
        let (low, high) = (sql.arg(Arg::Text(low)), sql.arg(Arg::Text(high)));
        let (ge, lt) = pattern_ops(sql.backend());
        sql.and(&format!(
            "lower(u.email) {ge} {low} and lower(u.email) {lt} {high} \
             or lower(u.username) {ge} {low} and lower(u.username) {lt} {high}"
        ));
    }
    if let Some(user_type) = &filter.user_type {
        let p = sql.arg(Arg::Text(user_type.clone()));
        sql.and(&format!("u.user_type{unindexed} = {p}"));
    }
    if let Some(country) = &filter.country {
        let p = sql.arg(Arg::Text(country.clone()));
        sql.and(&format!("u.country{unindexed} = {p}"));
    }
    // Written without a parameter so the partial index on online users applies.
    match filter.online {
        Some(true) => sql.and("u.is_online"),
        Some(false) => sql.and("not u.is_online"),
        None => {}
    }
    if let Some(from) = filter.from {
        let p = sql.arg(Arg::Ts(from));
        sql.and(&format!("u.created_at >= {p}"));
    }
    if let Some(to) = filter.to {
        let p = sql.arg(Arg::Ts(to));
        sql.and(&format!("u.created_at < {p}"));
    }
}

/// Up to `limit` users matching `filter` in `sort` order, starting after `after`.
pub async fn page(
    db: &Db,
    filter: &Filter,
    sort: Sort,
    descending: bool,
    after: Option<&After>,
    limit: i64,
) -> Result<Vec<UserSummary>> {
    let mut sql = Sql::new(db.backend(), SUMMARY);
    filter_by(&mut sql, filter, hide_from_index(db.backend(), filter, sort));
    sql.keyset(sort.column(), sort.nullable(), descending, after, limit);
    let rows: Vec<SummaryRow> = on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The users among `ids` that exist (at most [`crate::model::MAX_PER_PAGE`]
/// ids a call: one page's worth).
pub async fn summaries(db: &Db, ids: &[i64]) -> Result<Vec<UserSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(db.backend(), SUMMARY);
    let params: Vec<String> = ids.iter().map(|id| sql.arg(Arg::Int(*id))).collect();
    sql.and(&format!("u.id in ({})", params.join(", ")));
    let rows: Vec<SummaryRow> = on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// How many users match `filter`. Filters the counters can answer (type and
/// country without a date range, from `user_country_type_counts` of 0010; type
/// and a whole-hour sign-up range, from 0004's) are read from them, so those
/// totals cost the same at 1M users as at 1,000.
pub async fn count(db: &Db, filter: &Filter) -> Result<i64> {
    let whole_hours =
        filter.from.is_none_or(|t| t.secs() % 3600 == 0) && filter.to.is_none_or(|t| t.secs() % 3600 == 0);
    let row_filters = filter.prefix.is_some() || filter.online.is_some();
    if !row_filters && filter.from.is_none() && filter.to.is_none() {
        let mut sql =
            Sql::new(db.backend(), "select cast(coalesce(sum(n), 0) as bigint) from user_country_type_counts");
        if let Some(user_type) = &filter.user_type {
            let p = sql.arg(Arg::Text(user_type.clone()));
            sql.and(&format!("user_type = {p}"));
        }
        if let Some(country) = &filter.country {
            let p = sql.arg(Arg::Text(country.clone()));
            sql.and(&format!("country = {p}"));
        }
        return count_of(db, &sql).await;
    }
    if !row_filters && filter.country.is_none() && whole_hours {
        let mut sql = Sql::new(db.backend(), "select cast(coalesce(sum(n), 0) as bigint) from user_signups_hourly");
        if let Some(user_type) = &filter.user_type {
            let p = sql.arg(Arg::Text(user_type.clone()));
            sql.and(&format!("user_type = {p}"));
        }
        if let Some(from) = filter.from {
            let p = sql.arg(Arg::Int(from.secs() / 3600));
            sql.and(&format!("hour >= {p}"));
        }
        if let Some(to) = filter.to {
            let p = sql.arg(Arg::Int(to.secs() / 3600));
            sql.and(&format!("hour < {p}"));
        }
        return count_of(db, &sql).await;
    }
    if let Some(prefix) = &filter.prefix {
        // The halves run side by side on two connections: the total then
        // costs the larger one, not their sum (q=min at 1M users: 9 + 12 ms).
        let rest = Filter { prefix: None, ..filter.clone() };
        let (username, email) =
            (prefix_half(db.backend(), prefix, &rest, false), prefix_half(db.backend(), prefix, &rest, true));
        let (by_username, by_email) = tokio::try_join!(count_of(db, &username), count_of(db, &email))?;
        return Ok(by_username + by_email);
    }
    let mut sql = Sql::new(db.backend(), "select count(*) from users u");
    filter_by(&mut sql, filter, false);
    count_of(db, &sql).await
}

/// The single count `sql` selects.
async fn count_of(db: &Db, sql: &Sql) -> Result<i64> {
    Ok(on_db!(db, pool => bind_args!(sqlx::query_scalar(sql.text()), sql).fetch_one(pool).await?))
}

/// One half of the users whose username or e-mail starts with `prefix` (and
/// match `rest`): those whose username matches, or (`email`) those whose
/// e-mail matches and username does not. Each is one index range read from the
/// index alone (0010), where the OR fetched every matching row (84–114 ms for
/// 83k at 1M users).
fn prefix_half(backend: Backend, prefix: &str, rest: &Filter, email: bool) -> Sql {
    let mut sql = Sql::new(backend, "select count(*) from users u");
    let (low, high) = prefix_range(prefix);
    let (low, high) = (sql.arg(Arg::Text(low)), sql.arg(Arg::Text(high)));
    let (ge, lt) = pattern_ops(backend);
    let username = format!("lower(u.username) {ge} {low} and lower(u.username) {lt} {high}");
    if email {
        sql.and(&format!("lower(u.email) {ge} {low} and lower(u.email) {lt} {high} and not ({username})"));
    } else {
        sql.and(&username);
    }
    filter_by(&mut sql, rest, false);
    sql
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    metadata: Option<String>,
    activity_count: i64,
}

/// One user with their activity count, if they exist.
pub async fn detail(db: &Db, id: i64) -> Result<Option<UserDetail>> {
    let metadata = match db {
        Db::Sqlite(_) => "u.metadata",
        Db::Postgres(_) => "u.metadata::text",
    };
    let sql = format!(
        "select u.id, u.email, u.username, u.user_type, u.country, u.created_at, u.last_activity, u.is_online, \
         {metadata} as metadata, (select count(*) from activities a where a.user_id = u.id) as activity_count \
         from users u where u.id = $1"
    );
    let row: Option<DetailRow> = on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
    Ok(row.map(|r| {
        let s = UserSummary::from(r.summary);
        UserDetail {
            id: s.id,
            email: s.email,
            username: s.username,
            user_type: s.user_type,
            country: s.country,
            created_at: s.created_at,
            last_activity: s.last_activity,
            is_online: s.is_online,
            metadata: r.metadata,
            activity_count: r.activity_count,
        }
    }))
}

/// Sets a user's tier and appends `entry` to the audit log, in one
/// transaction; returns the previous tier, or None when there is no such user.
pub async fn set_type(
    db: &Db,
    id: i64,
    user_type: &str,
    at: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<Option<String>> {
    const OLD: &str = "select user_type from users where id = $1";
    const SET: &str = "update users set user_type = $2 where id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let old: Option<String> = sqlx::query_scalar(OLD).bind(id).fetch_optional(&mut *tx).await?;
        if old.is_some() {
            sqlx::query(SET).bind(id).bind(user_type).execute(&mut *tx).await?;
            audit::append!(tx, at, entry);
        }
        tx.commit().await?;
        Ok(old)
    })
}

/// When the newest user signed up, if any (`users_created_at`'s last entry).
pub async fn latest_created_at(db: &Db) -> Result<Option<Ts>> {
    const SQL: &str = "select max(created_at) from users";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}
