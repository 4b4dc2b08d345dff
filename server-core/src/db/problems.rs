//! Queries on `problems`, the problem bank, and on `problem_stats`, the
//! per-problem activity counts its triggers keep (migration 0006).

use super::select::{bind_args, After, Arg, Sql};
use super::{audit, on_db, BeginWrite, Db, Ts};
use crate::error::Result;
use crate::model::{Problem, ProblemStats};

/// (active, total) problem counts; archived problems are not counted.
pub async fn count_active_and_total(db: &Db) -> Result<(i64, i64)> {
    const SQL: &str =
        "select count(*) filter (where status = 'active'), count(*) from problems where archived_at is null";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).fetch_one(pool).await?))
}

/// Problems created at or after `since` (archived ones included: they were created).
pub async fn count_created_since(db: &Db, since: Ts) -> Result<i64> {
    const SQL: &str = "select count(*) from problems where created_at >= $1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(since).fetch_one(pool).await?))
}

/// (subject, difficulty, count) over the bank (not the archive); subjects or
/// difficulties never set show as `None`.
pub async fn count_by_subject_and_difficulty(db: &Db) -> Result<Vec<(Option<String>, Option<String>, i64)>> {
    const SQL: &str = "select subject, difficulty, count(*) from problems where archived_at is null \
        group by subject, difficulty order by subject, difficulty";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await?))
}

/// The highest problem id (0 when there are none).
pub async fn max_id(db: &Db) -> Result<i64> {
    const SQL: &str = "select cast(coalesce(max(id), 0) as bigint) from problems";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}

/// What the problems list is filtered by; every field already validated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Text in the title, lower-case.
    pub title: Option<String>,
    /// One subject.
    pub subject: Option<String>,
    /// One difficulty.
    pub difficulty: Option<String>,
    /// One status.
    pub status: Option<String>,
    /// The archive instead of the bank.
    pub archived: bool,
}

/// The orders the list offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Last change.
    UpdatedAt,
    /// Creation.
    CreatedAt,
    /// Title.
    Title,
    /// Id.
    Id,
}

impl Sort {
    /// The column, qualified.
    pub fn column(self) -> &'static str {
        match self {
            Self::UpdatedAt => "p.updated_at",
            Self::CreatedAt => "p.created_at",
            Self::Title => "p.title",
            Self::Id => "p.id",
        }
    }
}

const PROBLEM: &str = "select p.id, p.title, p.content, p.answer, p.subject, p.difficulty, p.status, p.archived_at, \
    p.created_at, p.updated_at, coalesce(s.views, 0) as views, coalesce(s.attempts, 0) as attempts, \
    coalesce(s.solves, 0) as solves from problems p left join problem_stats s on s.problem_id = p.id";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    content: String,
    answer: Option<String>,
    subject: Option<String>,
    difficulty: Option<String>,
    status: String,
    archived_at: Option<Ts>,
    created_at: Ts,
    updated_at: Ts,
    views: i64,
    attempts: i64,
    solves: i64,
}

impl From<Row> for Problem {
    fn from(r: Row) -> Self {
        Problem {
            id: r.id,
            title: r.title,
            content: r.content,
            answer: r.answer,
            subject: r.subject,
            difficulty: r.difficulty,
            status: r.status,
            archived_at: r.archived_at.map(|t| t.0),
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
            stats: ProblemStats::new(r.views, r.attempts, r.solves),
        }
    }
}

fn filter_by(sql: &mut Sql, filter: &Filter) {
    sql.and(if filter.archived { "p.archived_at is not null" } else { "p.archived_at is null" });
    if let Some(title) = &filter.title {
        let p = sql.arg(Arg::Text(format!("%{}", super::select::like_prefix(title))));
        sql.and(&format!("lower(p.title) like {p} escape '\\'"));
    }
    for (column, value) in
        [("p.subject", &filter.subject), ("p.difficulty", &filter.difficulty), ("p.status", &filter.status)]
    {
        if let Some(value) = value {
            let p = sql.arg(Arg::Text(value.clone()));
            sql.and(&format!("{column} = {p}"));
        }
    }
}

/// Up to `limit` problems matching `filter` in `sort` order, starting after `after`.
pub async fn page(
    db: &Db,
    filter: &Filter,
    sort: Sort,
    descending: bool,
    after: Option<&After>,
    limit: i64,
) -> Result<Vec<Problem>> {
    let mut sql = Sql::new(db.backend(), PROBLEM);
    filter_by(&mut sql, filter);
    sql.keyset(sort.column(), false, descending, after, limit);
    let rows: Vec<Row> = on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// How many problems match `filter`.
pub async fn count(db: &Db, filter: &Filter) -> Result<i64> {
    let mut sql = Sql::new(db.backend(), "select count(*) from problems p");
    filter_by(&mut sql, filter);
    Ok(on_db!(db, pool => bind_args!(sqlx::query_scalar(sql.text()), sql).fetch_one(pool).await?))
}

/// One problem with its stats.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<Problem>> {
    let sql = format!("{PROBLEM} where p.id = $1");
    let row: Option<Row> = on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
    Ok(row.map(Into::into))
}

/// Every subject in use, alphabetically.
pub async fn subjects(db: &Db) -> Result<Vec<String>> {
    const SQL: &str = "select distinct subject from problems where subject is not null order by subject";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_all(pool).await?))
}

/// A problem's editable fields, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    /// 1–200 characters.
    pub title: String,
    /// Non-empty.
    pub content: String,
    /// Optional.
    pub answer: Option<String>,
    /// Optional.
    pub subject: Option<String>,
    /// Optional enum.
    pub difficulty: Option<String>,
    /// Enum.
    pub status: String,
}

/// Inserts a problem and its audit record (whose target the new id completes)
/// in one transaction; returns the id.
pub async fn insert(db: &Db, fields: &Fields, at: Ts, entry: &audit::NewEntry<'_>) -> Result<i64> {
    const INSERT: &str =
        "insert into problems (title, content, answer, subject, difficulty, status, created_at, updated_at) \
        values ($1, $2, $3, $4, $5, $6, $7, $7) returning id";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(INSERT)
            .bind(&fields.title)
            .bind(&fields.content)
            .bind(&fields.answer)
            .bind(&fields.subject)
            .bind(&fields.difficulty)
            .bind(&fields.status)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
        let target = format!("problem:{id}");
        let entry = audit::NewEntry { target: Some(&target), ..entry.clone() };
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(id)
    })
}

/// Replaces a problem's fields and appends `entry`, in one transaction; false
/// when there is no such problem (nothing is written then).
pub async fn update(db: &Db, id: i64, fields: &Fields, at: Ts, entry: &audit::NewEntry<'_>) -> Result<bool> {
    const UPDATE: &str = "update problems set title = $2, content = $3, answer = $4, subject = $5, difficulty = $6, \
        status = $7, updated_at = $8 where id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(UPDATE)
            .bind(id)
            .bind(&fields.title)
            .bind(&fields.content)
            .bind(&fields.answer)
            .bind(&fields.subject)
            .bind(&fields.difficulty)
            .bind(&fields.status)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            audit::append!(tx, at, entry);
        }
        tx.commit().await?;
        Ok(n > 0)
    })
}

/// Archives (`archived`) or restores a problem and appends `entry`, in one
/// transaction. Returns false when there is no such problem or it already is
/// so (nothing is written then).
pub async fn set_archived(db: &Db, id: i64, archived: bool, at: Ts, entry: &audit::NewEntry<'_>) -> Result<bool> {
    const ARCHIVE: &str = "update problems set archived_at = $2, updated_at = $2 where id = $1 and archived_at is null";
    const RESTORE: &str =
        "update problems set archived_at = null, updated_at = $2 where id = $1 and archived_at is not null";
    let sql = if archived { ARCHIVE } else { RESTORE };
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(sql).bind(id).bind(at).execute(&mut *tx).await?.rows_affected();
        if n > 0 {
            audit::append!(tx, at, entry);
        }
        tx.commit().await?;
        Ok(n > 0)
    })
}

/// Sets `status` on the problems `ids` that exist and differ, with one audit
/// record, in one transaction; returns the ids it changed, ascending.
pub async fn set_status(db: &Db, ids: &[i64], status: &str, at: Ts, entry: &audit::NewEntry<'_>) -> Result<Vec<i64>> {
    let mut sql = Sql::new(db.backend(), "update problems set ");
    let s = sql.arg(Arg::Text(status.to_owned()));
    let t = sql.arg(Arg::Ts(at));
    sql.push(&format!("status = {s}, updated_at = {t}"));
    let list: Vec<String> = ids.iter().map(|id| sql.arg(Arg::Int(*id))).collect();
    sql.and(&format!("id in ({})", list.join(", ")));
    sql.and(&format!("status <> {s}"));
    sql.push(" returning id");
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let mut changed: Vec<i64> = bind_args!(sqlx::query_scalar(sql.text()), sql).fetch_all(&mut *tx).await?;
        if !changed.is_empty() {
            changed.sort_unstable();
            let details = serde_json::json!({ "status": status, "ids": changed }).to_string();
            let entry = audit::NewEntry { details: Some(details), ..entry.clone() };
            audit::append!(tx, at, entry);
        }
        tx.commit().await?;
        Ok(changed)
    })
}

/// Problems created in `[from, to)` (archived ones included: they were created).
pub async fn count_created_between(db: &Db, from: Ts, to: Ts) -> Result<i64> {
    const SQL: &str = "select count(*) from problems where created_at >= $1 and created_at < $2";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(from).bind(to).fetch_one(pool).await?))
}

/// (id, title, subject, difficulty, solves, attempts) of problems in the bank
/// as a report lists them.
pub type ProblemLine = (i64, String, Option<String>, Option<String>, i64, i64);

/// The `limit` problems in the bank solved most often.
pub async fn most_solved(db: &Db, limit: i64) -> Result<Vec<ProblemLine>> {
    const SQL: &str = "select p.id, p.title, p.subject, p.difficulty, s.solves, s.attempts from problem_stats s \
        join problems p on p.id = s.problem_id where p.archived_at is null and s.solves > 0 \
        order by s.solves desc, p.id limit $1";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(limit).fetch_all(pool).await?))
}

/// The `limit` problems in the bank with the lowest solve rate among those
/// tried at least `min_tries` times.
pub async fn lowest_solve_rate(db: &Db, min_tries: i64, limit: i64) -> Result<Vec<ProblemLine>> {
    const SQL: &str = "select p.id, p.title, p.subject, p.difficulty, s.solves, s.attempts from problem_stats s \
        join problems p on p.id = s.problem_id where p.archived_at is null and s.solves + s.attempts >= $1 \
        order by cast(s.solves as double precision) / (s.solves + s.attempts), p.id limit $2";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(min_tries).bind(limit).fetch_all(pool).await?))
}
