//! Queries on `alert_events` (migration 0013): each rule's history of state
//! changes and repeated notifications, written by `alert_rules::apply` with
//! the evaluation that caused it.

use super::select::{bind_args, After, Arg, Sql};
use super::{on_db, BeginWrite, Db, Ts};
use crate::error::Result;

/// An event with its rule's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AlertEventRow {
    /// Its id.
    pub id: i64,
    /// The rule.
    pub rule_id: i64,
    /// The rule's name.
    pub rule_name: String,
    /// `pending`, `firing`, `repeat`, `resolved` or `cleared`.
    pub kind: String,
    /// The severity then.
    pub severity: String,
    /// The value then.
    pub value: Option<f64>,
    /// The message.
    pub message: String,
    /// Whether a silence held it back.
    pub silenced: bool,
    /// When the incident began.
    pub since: Ts,
    /// When it happened.
    pub at: Ts,
}

const SELECT: &str = "select e.id, e.rule_id, r.name as rule_name, e.kind, e.severity, e.value, e.message, \
    e.silenced, e.since, e.at from alert_events e join alert_rules r on r.id = e.rule_id";

/// One event.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<AlertEventRow>> {
    let sql = format!("{SELECT} where e.id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
}

fn filter(sql: &mut Sql, rule_id: Option<i64>) {
    if let Some(rule_id) = rule_id {
        let p = sql.arg(Arg::Int(rule_id));
        sql.and(&format!("e.rule_id = {p}"));
    }
}

/// Up to `limit` events, newest first, after `after` (an event id), of one rule or all.
pub async fn page(db: &Db, rule_id: Option<i64>, after: Option<&After>, limit: i64) -> Result<Vec<AlertEventRow>> {
    let mut sql = Sql::new(db.backend(), SELECT);
    filter(&mut sql, rule_id);
    sql.keyset("e.id", false, true, after, limit);
    Ok(on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?))
}

/// How many events [`page`] would list over all pages.
pub async fn count(db: &Db, rule_id: Option<i64>) -> Result<i64> {
    let mut sql = Sql::new(db.backend(), "select count(*) from alert_events e");
    filter(&mut sql, rule_id);
    Ok(on_db!(db, pool => bind_args!(sqlx::query_scalar(sql.text()), sql).fetch_one(pool).await?))
}

/// Deletes up to `limit` events from before `cutoff` that no delivery still
/// waits on; returns how many.
pub async fn delete_before(db: &Db, cutoff: Ts, limit: i64) -> Result<u64> {
    const SQL: &str = "delete from alert_events where id in (select e.id from alert_events e where e.at < $1 \
        and not exists (select 1 from deliveries d where d.subject_kind = 'alert' and d.subject_id = e.id \
        and d.status in ('pending', 'sending')) order by e.id limit $2)";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(SQL).bind(cutoff).bind(limit).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(n)
    })
}
