//! Queries on `api_keys`. Keys are found by the digest of the presented key.

use super::{audit, on_db, BeginWrite, Db, Ts};
use crate::error::Result;
use crate::model::{ApiKey, Role};

/// A key as listed, with its creator's e-mail.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiKeyRow {
    /// Its id.
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// `ds_` and 8 characters.
    pub prefix: String,
    /// Its role.
    pub role: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// Its creator's e-mail.
    pub created_by: Option<String>,
    /// When it was created.
    pub created_at: Ts,
    /// When last used (to the minute).
    pub last_used_at: Option<Ts>,
    /// When it stops working.
    pub expires_at: Ts,
    /// When it was revoked.
    pub revoked_at: Option<Ts>,
}

impl ApiKeyRow {
    /// The key as the API shows it.
    pub fn to_model(&self) -> ApiKey {
        ApiKey {
            id: self.id,
            name: self.name.clone(),
            prefix: self.prefix.clone(),
            role: Role::parse(&self.role).unwrap_or(Role::Viewer),
            scopes: self.scopes.split_whitespace().map(str::to_owned).collect(),
            created_by: self.created_by.clone(),
            created_at: self.created_at.0,
            last_used_at: self.last_used_at.map(|t| t.0),
            expires_at: self.expires_at.0,
            revoked_at: self.revoked_at.map(|t| t.0),
        }
    }
}

const SELECT: &str = "select k.id, k.name, k.prefix, k.role, k.scopes, a.email as created_by, k.created_at, \
    k.last_used_at, k.expires_at, k.revoked_at from api_keys k left join accounts a on a.id = k.created_by";

/// A new key.
#[derive(Clone, Debug)]
pub struct NewKey<'a> {
    /// What it is for.
    pub name: &'a str,
    /// `ds_` and 8 characters.
    pub prefix: &'a str,
    /// The key's digest.
    pub key_hash: &'a str,
    /// Its role.
    pub role: Role,
    /// Space-separated scopes.
    pub scopes: &'a str,
    /// Its creator.
    pub created_by: i64,
    /// Now.
    pub now: Ts,
    /// When it stops working.
    pub expires_at: Ts,
}

/// Stores a key and, with `entry`, its audit record (whose target the new id
/// completes), in one transaction; returns the key as listed.
pub async fn insert(db: &Db, k: &NewKey<'_>, entry: Option<&audit::NewEntry<'_>>) -> Result<ApiKeyRow> {
    const SQL: &str =
        "insert into api_keys (name, prefix, key_hash, role, scopes, created_by, created_at, expires_at) \
        values ($1, $2, $3, $4, $5, $6, $7, $8) returning id";
    let id: i64 = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(SQL)
            .bind(k.name).bind(k.prefix).bind(k.key_hash).bind(k.role.as_str()).bind(k.scopes).bind(k.created_by)
            .bind(k.now).bind(k.expires_at)
            .fetch_one(&mut *tx).await?;
        if let Some(entry) = entry {
            let target = format!("api_key:{id}");
            let entry = audit::NewEntry { target: Some(&target), ..entry.clone() };
            audit::append!(tx, k.now, entry);
        }
        tx.commit().await?;
        id
    });
    by_id(db, id).await?.ok_or(crate::error::AppError::Internal)
}

/// The key with this id.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<ApiKeyRow>> {
    let sql = format!("{SELECT} where k.id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
}

/// Every key, newest first.
pub async fn list(db: &Db) -> Result<Vec<ApiKeyRow>> {
    let sql = format!("{SELECT} order by k.id desc");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await?))
}

/// A usable key, found by digest.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct KeyAuth {
    /// Its id.
    pub id: i64,
    /// `ds_` and 8 characters.
    pub prefix: String,
    /// Its role.
    pub role: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// Its creator.
    pub created_by: Option<i64>,
    /// When last used.
    pub last_used_at: Option<Ts>,
    /// Its creator's role now.
    pub creator_role: Option<String>,
}

/// The key hashing to `key_hash` if it is unrevoked, unexpired at `now`, and its
/// creator (if still there) is active.
pub async fn authenticate(db: &Db, key_hash: &str, now: Ts) -> Result<Option<KeyAuth>> {
    const SQL: &str = "select k.id, k.prefix, k.role, k.scopes, k.created_by, k.last_used_at, a.role as creator_role \
        from api_keys k left join accounts a on a.id = k.created_by \
        where k.key_hash = $1 and k.revoked_at is null and k.expires_at > $2 \
        and (a.id is null or a.status = 'active')";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(key_hash).bind(now).fetch_optional(pool).await?))
}

/// Notes that the key was used.
pub async fn touch(db: &Db, id: i64, now: Ts) -> Result<()> {
    const SQL: &str = "update api_keys set last_used_at = $2 where id = $1";
    on_db!(db, pool => sqlx::query(SQL).bind(id).bind(now).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Revokes a key; returns whether it was live.
pub async fn revoke(db: &Db, id: i64, now: Ts) -> Result<bool> {
    const SQL: &str = "update api_keys set revoked_at = $2 where id = $1 and revoked_at is null";
    Ok(on_db!(db, pool => sqlx::query(SQL).bind(id).bind(now).execute(pool).await?.rows_affected()) == 1)
}
