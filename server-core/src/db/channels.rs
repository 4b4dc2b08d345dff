//! Queries on `channels` (migration 0011): delivery channels with their
//! shown settings (`config`, JSON) and their sealed secrets (`secrets`, see
//! `crate::secrets`), and the reports that use each.

use super::select::{bind_args, After, Arg, Sql};
use super::{audit, on_db, BeginWrite, Db, Ts};
use crate::error::Result;

/// A channel as stored.
#[derive(Clone, sqlx::FromRow)]
pub struct ChannelRow {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// `webhook`, `slack` or `email`.
    pub kind: String,
    /// What may be shown, as JSON.
    pub config: String,
    /// The sealed secrets.
    pub secrets: String,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: Ts,
    /// When it last changed.
    pub updated_at: Ts,
}

impl std::fmt::Debug for ChannelRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelRow")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("config", &self.config)
            .field("secrets", &"<sealed>")
            .finish_non_exhaustive()
    }
}

const SELECT: &str = "select id, name, kind, config, secrets, created_by, created_at, updated_at from channels";

/// Up to `limit` channels by name, starting after `after`.
pub async fn page(db: &Db, after: Option<&After>, limit: i64) -> Result<Vec<ChannelRow>> {
    let mut sql = Sql::new(db.backend(), SELECT);
    sql.keyset("name", false, false, after, limit);
    Ok(on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?))
}

/// How many channels there are.
pub async fn count(db: &Db) -> Result<i64> {
    Ok(on_db!(db, pool => sqlx::query_scalar("select count(*) from channels").fetch_one(pool).await?))
}

/// One channel.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<ChannelRow>> {
    let sql = format!("{SELECT} where id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
}

/// The id of the channel called `name`, ignoring case.
pub async fn id_by_name(db: &Db, name: &str) -> Result<Option<i64>> {
    const SQL: &str = "select id from channels where lower(name) = lower($1)";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(name).fetch_optional(pool).await?))
}

/// (channel id, report id, report name) for every report that sends to one
/// of the channels `ids`, by report name.
pub async fn used_by(db: &Db, ids: &[i64]) -> Result<Vec<(i64, i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        db.backend(),
        "select d.channel_id, r.id, r.name from report_destinations d join reports r on r.id = d.report_id",
    );
    let list: Vec<String> = ids.iter().map(|id| sql.arg(Arg::Int(*id))).collect();
    sql.and(&format!("d.channel_id in ({})", list.join(", ")));
    sql.push(" order by d.channel_id, r.name, r.id");
    Ok(on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?))
}

/// A channel's stored fields.
pub struct NewChannel<'a> {
    /// 1–100 characters.
    pub name: &'a str,
    /// `webhook`, `slack` or `email`.
    pub kind: &'a str,
    /// What may be shown, as JSON.
    pub config: &'a str,
}

/// Inserts a channel and its audit record in one transaction; its secrets
/// are sealed by `seal` once its id is known (the id is in the seal's AAD).
pub async fn insert(
    db: &Db,
    channel: &NewChannel<'_>,
    seal: impl FnOnce(i64) -> String,
    created_by: &str,
    at: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<i64> {
    const INSERT: &str = "insert into channels (name, kind, config, secrets, created_by, created_at, updated_at) \
        values ($1, $2, $3, '', $4, $5, $5) returning id";
    const SEAL: &str = "update channels set secrets = $2 where id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(INSERT)
            .bind(channel.name)
            .bind(channel.kind)
            .bind(channel.config)
            .bind(created_by)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(SEAL).bind(id).bind(seal(id)).execute(&mut *tx).await?;
        let target = format!("channel:{id}");
        let entry = audit::NewEntry { target: Some(&target), ..entry.clone() };
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(id)
    })
}

/// Replaces a channel's fields (and its sealed secrets when `secrets` is
/// given) and appends `entry`, in one transaction; false when there is no
/// such channel.
pub async fn update(
    db: &Db,
    id: i64,
    channel: &NewChannel<'_>,
    secrets: Option<&str>,
    at: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<bool> {
    const UPDATE: &str = "update channels set name = $2, kind = $3, config = $4, \
        secrets = coalesce($5, secrets), updated_at = $6 where id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(UPDATE)
            .bind(id)
            .bind(channel.name)
            .bind(channel.kind)
            .bind(channel.config)
            .bind(secrets)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(true)
    })
}

/// Deletes a channel (its deliveries go with it) and appends `entry`, in one
/// transaction, unless a report sends to it: then `Err(those reports' names)`
/// and nothing is written. `Ok(false)`: there is no such channel.
pub async fn delete(
    db: &Db,
    id: i64,
    at: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<std::result::Result<bool, Vec<String>>> {
    // Reports, then alert rules: `report "Daily"`, `alert rule "HighErrorRate"`.
    const USERS: &str = "select 'report \"' || r.name || '\"' from report_destinations d \
        join reports r on r.id = d.report_id where d.channel_id = $1 \
        union all select 'alert rule \"' || a.name || '\"' from alert_destinations d \
        join alert_rules a on a.id = d.rule_id where d.channel_id = $1";
    const DELETE: &str = "delete from channels where id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let users: Vec<String> = sqlx::query_scalar(USERS).bind(id).fetch_all(&mut *tx).await?;
        if !users.is_empty() {
            return Ok(Err(users));
        }
        // `report_destinations` and `alert_destinations` restrict the delete: the backstop.
        let n = sqlx::query(DELETE).bind(id).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Ok(Ok(false));
        }
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(Ok(true))
    })
}
