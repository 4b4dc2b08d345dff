//! Queries on `problems`, the problem bank.

use super::{on_db, Db};
use crate::error::Result;

/// (active, total) problem counts.
pub async fn count_active_and_total(db: &Db) -> Result<(i64, i64)> {
    const SQL: &str = "select count(*) filter (where status = 'active'), count(*) from problems";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).fetch_one(pool).await?))
}
