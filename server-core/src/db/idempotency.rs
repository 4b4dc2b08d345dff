//! Queries on `idempotency_keys`: claiming a key, marking it applied inside
//! the transaction of the writes it protects, storing the response it got,
//! reading it back for a replay, and forgetting expired keys.

use super::{on_db, Db, Ts};
use crate::error::Result;

/// A key's stored state.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Record {
    /// SHA-256 of the request the key was first used with.
    pub request_hash: String,
    /// `in_progress` or `completed`.
    pub status: String,
    /// The stored response's status (when completed).
    pub response_status: Option<i32>,
    /// The stored response's replayable headers, as a JSON object.
    pub response_headers: Option<String>,
    /// The stored response's body.
    pub response_body: Option<Vec<u8>>,
    /// While in progress: when the claim lapses.
    pub locked_until: Ts,
    /// When the request's writes committed (set with them, in their transaction).
    pub applied_at: Option<Ts>,
    /// When the record is forgotten.
    pub expires_at: Ts,
}

/// A key claimed by the request being served: the writes it makes mark the key
/// applied in their own transaction ([`MARK_APPLIED`]), so a committed effect is
/// never run again, even when the process dies before the response is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    /// Whose key (the caller's scope).
    pub scope: String,
    /// The key.
    pub key: String,
}

/// Marks a claimed key applied (`$1` scope, `$2` key, `$3` now); run inside the
/// write transaction, after its writes (see [`super::audit::append`]).
pub(crate) const MARK_APPLIED: &str = "update idempotency_keys set applied_at = $3 \
    where scope = $1 and idempotency_key = $2 and applied_at is null";

/// The outcome of trying to claim a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// This request owns the key: run it, then [`complete`] or [`release`].
    Claimed,
    /// The key is known: compare hashes, then replay or refuse.
    Existing(Record),
}

/// Claims (`scope`, `key`) for a request hashing to `hash`: a fresh key is
/// claimed (with a lease until `locked_until`), as is one whose earlier claim by
/// the same request lapsed with nothing applied (that request died before its
/// writes committed); an expired record is forgotten first. Concurrent claims
/// of one key: exactly one wins. A key whose writes committed is never claimed
/// again, however its lease stands.
pub async fn claim(
    db: &Db,
    scope: &str,
    key: &str,
    hash: &str,
    now: Ts,
    locked_until: Ts,
    expires_at: Ts,
) -> Result<Claim> {
    const FORGET_EXPIRED: &str =
        "delete from idempotency_keys where scope = $1 and idempotency_key = $2 and expires_at <= $3";
    const INSERT: &str = "insert into idempotency_keys \
        (scope, idempotency_key, request_hash, status, locked_until, created_at, expires_at) \
        values ($1, $2, $3, 'in_progress', $4, $5, $6) on conflict (scope, idempotency_key) do nothing";
    const TAKE_OVER: &str = "update idempotency_keys set locked_until = $4 \
        where scope = $1 and idempotency_key = $2 and request_hash = $3 \
        and status = 'in_progress' and applied_at is null and locked_until <= $5";
    const SELECT: &str = "select request_hash, status, response_status, response_headers, response_body, \
        locked_until, applied_at, expires_at from idempotency_keys where scope = $1 and idempotency_key = $2";

    on_db!(db, pool => sqlx::query(FORGET_EXPIRED).bind(scope).bind(key).bind(now).execute(pool).await.map(|_| ()))?;
    let inserted = on_db!(db, pool => sqlx::query(INSERT)
        .bind(scope).bind(key).bind(hash).bind(locked_until).bind(now).bind(expires_at)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    if inserted == 1 {
        return Ok(Claim::Claimed);
    }
    let taken = on_db!(db, pool => sqlx::query(TAKE_OVER)
        .bind(scope).bind(key).bind(hash).bind(locked_until).bind(now)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    if taken == 1 {
        return Ok(Claim::Claimed);
    }
    let record: Option<Record> =
        on_db!(db, pool => sqlx::query_as(SELECT).bind(scope).bind(key).fetch_optional(pool).await)?;
    match record {
        Some(record) => Ok(Claim::Existing(record)),
        // Deleted between our statements (expired just now): the next try claims it.
        None => Ok(Claim::Existing(Record {
            request_hash: hash.to_owned(),
            status: "in_progress".into(),
            response_status: None,
            response_headers: None,
            response_body: None,
            locked_until,
            applied_at: None,
            expires_at,
        })),
    }
}

/// Stores the response of the request that claimed (`scope`, `key`).
pub async fn complete(db: &Db, scope: &str, key: &str, status: u16, headers: &str, body: &[u8]) -> Result<()> {
    const SQL: &str = "update idempotency_keys set status = 'completed', response_status = $3, \
        response_headers = $4, response_body = $5 where scope = $1 and idempotency_key = $2";
    on_db!(db, pool => sqlx::query(SQL)
        .bind(scope).bind(key).bind(i32::from(status)).bind(headers).bind(body)
        .execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// Gives up a claim without storing anything (the request failed on the server's
/// side, so the same key may try again), unless its writes committed: then the
/// key stays, applied, with its lease ended, and a retry is told so at once
/// instead of running again.
pub async fn release(db: &Db, scope: &str, key: &str, now: Ts) -> Result<()> {
    const FORGET: &str = "delete from idempotency_keys where scope = $1 and idempotency_key = $2 \
        and status = 'in_progress' and applied_at is null";
    let forgotten =
        on_db!(db, pool => sqlx::query(FORGET).bind(scope).bind(key).execute(pool).await.map(|r| r.rows_affected()))?;
    if forgotten == 0 {
        // Applied: end the lease at once.
        renew(db, scope, key, now).await?;
    }
    Ok(())
}

/// Sets the lease of a claim still in progress: extended while its request runs,
/// ended when its request failed after its writes committed.
pub async fn renew(db: &Db, scope: &str, key: &str, locked_until: Ts) -> Result<()> {
    const SQL: &str = "update idempotency_keys set locked_until = $3 \
        where scope = $1 and idempotency_key = $2 and status = 'in_progress'";
    on_db!(db, pool => sqlx::query(SQL).bind(scope).bind(key).bind(locked_until).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// Releases every claim still in progress, as [`release`] does one: for a
/// database that only this process serves (SQLite), at start, when any such
/// claim belonged to a process that died. Returns how many were touched.
pub async fn release_orphans(db: &Db, now: Ts) -> Result<u64> {
    const FORGET: &str = "delete from idempotency_keys where status = 'in_progress' and applied_at is null";
    const END_LEASE: &str = "update idempotency_keys set locked_until = $1 \
        where status = 'in_progress' and locked_until > $1";
    let forgotten = on_db!(db, pool => sqlx::query(FORGET).execute(pool).await.map(|r| r.rows_affected()))?;
    let ended = on_db!(db, pool => sqlx::query(END_LEASE).bind(now).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(forgotten + ended)
}

/// Forgets every record that expired by `now`; returns how many.
pub async fn delete_expired(db: &Db, now: Ts) -> Result<u64> {
    const SQL: &str = "delete from idempotency_keys where expires_at <= $1";
    Ok(on_db!(db, pool => sqlx::query(SQL).bind(now).execute(pool).await.map(|r| r.rows_affected()))?)
}
