//! Queries on `problems`, the problem bank.

use super::{on_db, Db, Ts};
use crate::error::Result;

/// (active, total) problem counts.
pub async fn count_active_and_total(db: &Db) -> Result<(i64, i64)> {
    const SQL: &str = "select count(*) filter (where status = 'active'), count(*) from problems";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).fetch_one(pool).await?))
}

/// Problems created at or after `since`.
pub async fn count_created_since(db: &Db, since: Ts) -> Result<i64> {
    const SQL: &str = "select count(*) from problems where created_at >= $1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(since).fetch_one(pool).await?))
}

/// (subject, difficulty, count) over every problem; subjects or difficulties
/// never set show as `None`.
pub async fn count_by_subject_and_difficulty(db: &Db) -> Result<Vec<(Option<String>, Option<String>, i64)>> {
    const SQL: &str = "select subject, difficulty, count(*) from problems group by subject, difficulty \
        order by subject, difficulty";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await?))
}

/// The highest problem id (0 when there are none).
pub async fn max_id(db: &Db) -> Result<i64> {
    const SQL: &str = "select cast(coalesce(max(id), 0) as bigint) from problems";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}
