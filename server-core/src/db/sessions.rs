//! Queries on `sessions`: browser sessions and API token families. Each lookup
//! joins the account, so a disabled account or a changed role counts from the
//! very next request.

use super::{on_db, BeginWrite, Db, Ts};
use crate::error::Result;

/// A live session with its account's current state.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionAuth {
    /// The session's id.
    pub id: String,
    /// The account.
    pub account_id: i64,
    /// The account's e-mail.
    pub email: String,
    /// The account's role now.
    pub role: String,
    /// The account's status now.
    pub status: String,
    /// The session's last request (to the minute).
    pub last_seen_at: Ts,
    /// When it ends regardless of use.
    pub expires_at: Ts,
    /// Whether the account's password was generated and must be replaced first.
    pub must_change_password: bool,
}

/// A new session row.
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    /// Its id (a UUID).
    pub id: &'a str,
    /// Whose.
    pub account_id: i64,
    /// `browser` or `api`.
    pub kind: &'a str,
    /// Digest of the cookie value or refresh token.
    pub token_hash: &'a str,
    /// Now.
    pub now: Ts,
    /// When it ends regardless of use.
    pub expires_at: Ts,
    /// The client's address.
    pub ip: Option<&'a str>,
    /// The client's User-Agent.
    pub user_agent: Option<&'a str>,
}

/// Creates a session.
pub async fn insert(db: &Db, s: &NewSession<'_>) -> Result<()> {
    const SQL: &str = "insert into sessions (id, account_id, kind, token_hash, created_at, last_seen_at, \
        expires_at, ip, user_agent) values ($1, $2, $3, $4, $5, $5, $6, $7, $8)";
    on_db!(db, pool => sqlx::query(SQL)
        .bind(s.id).bind(s.account_id).bind(s.kind).bind(s.token_hash).bind(s.now).bind(s.expires_at)
        .bind(s.ip).bind(s.user_agent)
        .execute(pool).await.map(|_| ())?);
    Ok(())
}

const AUTH_SELECT: &str = "select s.id, s.account_id, a.email, a.role, a.status, s.last_seen_at, s.expires_at, \
    a.must_change_password \
    from sessions s join accounts a on a.id = s.account_id";

/// The unrevoked session of `kind` whose current token hashes to `token_hash`.
pub async fn by_token(db: &Db, kind: &str, token_hash: &str) -> Result<Option<SessionAuth>> {
    let sql = format!("{AUTH_SELECT} where s.token_hash = $1 and s.kind = $2 and s.revoked_at is null");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(token_hash).bind(kind).fetch_optional(pool).await?))
}

/// The unrevoked session with this id.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<SessionAuth>> {
    let sql = format!("{AUTH_SELECT} where s.id = $1 and s.revoked_at is null");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
}

/// Notes a request on the session.
pub async fn touch(db: &Db, id: &str, now: Ts) -> Result<()> {
    const SQL: &str = "update sessions set last_seen_at = $2 where id = $1";
    on_db!(db, pool => sqlx::query(SQL).bind(id).bind(now).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Replaces a token family's refresh token, if `old_hash` is still its current
/// one (two concurrent refreshes: one wins), and retires the old one; returns
/// whether it did.
pub async fn rotate(db: &Db, id: &str, old_hash: &str, new_hash: &str, now: Ts, expires_at: Ts) -> Result<bool> {
    const ROTATE: &str = "update sessions set token_hash = $3, last_seen_at = $4, expires_at = $5 \
        where id = $1 and token_hash = $2 and revoked_at is null";
    const RETIRE: &str = "insert into retired_tokens (token_hash, session_id, retired_at) values ($1, $2, $3)";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let rotated = sqlx::query(ROTATE).bind(id).bind(old_hash).bind(new_hash).bind(now).bind(expires_at)
            .execute(&mut *tx).await?.rows_affected() == 1;
        if rotated {
            sqlx::query(RETIRE).bind(old_hash).bind(id).bind(now).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(rotated)
    })
}

/// The family that once used the refresh token hashing to `token_hash`: a
/// replayed (so copied) token.
pub async fn id_by_retired_token(db: &Db, token_hash: &str) -> Result<Option<String>> {
    const SQL: &str = "select session_id from retired_tokens where token_hash = $1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(token_hash).fetch_optional(pool).await?))
}

/// Ends one session.
pub async fn revoke(db: &Db, id: &str, now: Ts) -> Result<()> {
    const SQL: &str = "update sessions set revoked_at = $2 where id = $1 and revoked_at is null";
    on_db!(db, pool => sqlx::query(SQL).bind(id).bind(now).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Ends every session of an account (password change, disabling).
pub async fn revoke_all_of(db: &Db, account_id: i64, now: Ts) -> Result<u64> {
    const SQL: &str = "update sessions set revoked_at = $2 where account_id = $1 and revoked_at is null";
    Ok(on_db!(db, pool => sqlx::query(SQL).bind(account_id).bind(now).execute(pool).await?.rows_affected()))
}

/// Forgets sessions that ended before `before`.
pub async fn delete_ended(db: &Db, before: Ts) -> Result<u64> {
    const SQL: &str = "delete from sessions where expires_at < $1 or revoked_at < $1";
    Ok(on_db!(db, pool => sqlx::query(SQL).bind(before).execute(pool).await?.rows_affected()))
}

/// Ends every session of an account but `keep` (after a password change).
pub async fn revoke_others(db: &Db, account_id: i64, keep: &str, now: Ts) -> Result<u64> {
    const SQL: &str = "update sessions set revoked_at = $3 where account_id = $1 and id <> $2 and revoked_at is null";
    Ok(on_db!(db, pool => sqlx::query(SQL).bind(account_id).bind(keep).bind(now).execute(pool).await?.rows_affected()))
}

/// The account (id, e-mail) a session belongs to.
pub async fn account_of(db: &Db, id: &str) -> Result<Option<(i64, String)>> {
    const SQL: &str = "select a.id, a.email from sessions s join accounts a on a.id = s.account_id where s.id = $1";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(id).fetch_optional(pool).await?))
}
