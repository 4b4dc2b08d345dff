//! Queries on `activities`, the platform's event log.

use super::{on_db, Db, Ts};
use crate::error::Result;

/// Activities recorded since `since`.
pub async fn count_since(db: &Db, since: Ts) -> Result<i64> {
    const SQL: &str = "select count(*) from activities where created_at >= $1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(since).fetch_one(pool).await?))
}
