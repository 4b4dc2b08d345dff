//! Queries on `request_minutes` (migration 0013): each replica's request
//! statistics per minute, written by that replica alone (so a row is simply
//! replaced as its minute fills up) and summed over replicas and minutes by
//! the alerts' health figures.

use super::{on_db, BeginWrite, Db, Ts};
use crate::error::Result;

/// One replica's figures for one route (or `""`: the whole server) in one minute.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MinuteRow {
    /// The minute's start.
    pub minute: i64,
    /// `GET /api/v1/users`, or `""` for every route together.
    pub route: String,
    /// Responses.
    pub requests: i64,
    /// 5xx responses.
    pub errors: i64,
    /// Responses per latency bucket, comma-separated (see `LATENCY_BOUNDS_MS`).
    pub latency: String,
    /// The most operations seen waiting for a database connection (whole-server row).
    pub pool_waiting: i64,
    /// The oldest event ingested, by how long after it happened (whole-server row).
    pub ingest_lag_ms: Option<i64>,
}

/// Writes (or rewrites) `instance`'s rows, in one transaction.
pub async fn upsert(db: &Db, instance: &str, rows: &[MinuteRow]) -> Result<()> {
    const SQL: &str = "insert into request_minutes \
        (instance, minute, route, requests, errors, latency, pool_waiting, ingest_lag_ms) \
        values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (minute, route, instance) do update set \
        requests = excluded.requests, errors = excluded.errors, latency = excluded.latency, \
        pool_waiting = excluded.pool_waiting, ingest_lag_ms = excluded.ingest_lag_ms";
    if rows.is_empty() {
        return Ok(());
    }
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for row in rows {
            sqlx::query(SQL)
                .bind(instance)
                .bind(Ts::from_secs(row.minute))
                .bind(&row.route)
                .bind(row.requests)
                .bind(row.errors)
                .bind(&row.latency)
                .bind(row.pool_waiting)
                .bind(row.ingest_lag_ms)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// (requests, errors, latency text) of every replica's rows for `route` in
/// the minutes `[from, to)`: one row per replica and minute, summed by the caller.
pub async fn rows_between(db: &Db, route: &str, from: Ts, to: Ts) -> Result<Vec<(i64, i64, String)>> {
    const SQL: &str = "select requests, errors, latency from request_minutes \
        where route = $1 and minute >= $2 and minute < $3";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(route).bind(from).bind(to).fetch_all(pool).await?))
}

/// The most operations waiting for a database connection in any one minute
/// of `[from, to)`, every replica's summed; none without rows.
pub async fn max_pool_waiting(db: &Db, from: Ts, to: Ts) -> Result<Option<i64>> {
    const SQL: &str = "select max(waiting) from (select cast(sum(pool_waiting) as bigint) as waiting \
        from request_minutes where route = '' and minute >= $1 and minute < $2 group by minute) per_minute";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(from).bind(to).fetch_one(pool).await?))
}

/// The longest ingestion lag any replica saw in `[from, to)`, in ms.
pub async fn max_ingest_lag_ms(db: &Db, from: Ts, to: Ts) -> Result<Option<i64>> {
    const SQL: &str =
        "select max(ingest_lag_ms) from request_minutes where route = '' and minute >= $1 and minute < $2";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(from).bind(to).fetch_one(pool).await?))
}

/// Deletes up to `limit` rows of minutes before `cutoff`; returns how many.
pub async fn delete_before(db: &Db, cutoff: Ts, limit: i64) -> Result<u64> {
    const SQL: &str = "delete from request_minutes where (minute, route, instance) in \
        (select minute, route, instance from request_minutes where minute < $1 limit $2)";
    Ok(on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(SQL).bind(cutoff).bind(limit).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        n
    }))
}
