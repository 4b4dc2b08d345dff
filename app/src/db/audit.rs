//! Queries on `audit_log`: appending records, browsing them newest first, and
//! counting recent failed logins for throttling.

use super::{on_db, Db, Ts};
use crate::error::Result;
use crate::model::AuditEntry;

/// A record to append.
#[derive(Clone, Debug, Default)]
pub struct NewEntry<'a> {
    /// The acting account, if any.
    pub account_id: Option<i64>,
    /// Who (e-mail, `api_key:…`, `anonymous`).
    pub actor: &'a str,
    /// What.
    pub action: &'a str,
    /// On what.
    pub target: Option<&'a str>,
    /// Whether it succeeded.
    pub success: bool,
    /// From where.
    pub ip: Option<&'a str>,
    /// Under which trace.
    pub trace_id: Option<&'a str>,
    /// More, as JSON text.
    pub details: Option<String>,
}

/// Appends one record (bind with [`bind_entry`]).
pub(crate) const INSERT: &str =
    "insert into audit_log (at, account_id, actor, action, target, outcome, ip, trace_id, details) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Binds an entry's values to the [`INSERT`] statement.
macro_rules! bind_entry {
    ($query:expr, $at:expr, $e:expr) => {
        $query
            .bind($at)
            .bind($e.account_id)
            .bind($e.actor)
            .bind($e.action)
            .bind($e.target)
            .bind(if $e.success { "success" } else { "failure" })
            .bind($e.ip)
            .bind($e.trace_id)
            .bind($e.details.clone())
    };
}
pub(crate) use bind_entry;

/// Appends `entry` at `at`.
pub async fn insert(db: &Db, at: Ts, entry: &NewEntry<'_>) -> Result<()> {
    on_db!(db, pool => bind_entry!(sqlx::query(INSERT), at, entry).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Filters for [`page`].
#[derive(Clone, Debug, Default)]
pub struct Filter<'a> {
    /// Exact action, or a prefix when it ends with `.`.
    pub action: Option<&'a str>,
    /// Exact actor.
    pub actor: Option<&'a str>,
    /// `success` or `failure`.
    pub outcome: Option<&'a str>,
    /// Only ids below this.
    pub before: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: Ts,
    actor: String,
    action: String,
    target: Option<String>,
    outcome: String,
    ip: Option<String>,
    trace_id: Option<String>,
    details: Option<String>,
}

/// Up to `limit` records matching `filter`, newest first.
pub async fn page(db: &Db, filter: &Filter<'_>, limit: i64) -> Result<Vec<AuditEntry>> {
    // Unused filters compare a NULL parameter, which the planner folds away.
    const SQL: &str = "select id, at, actor, action, target, outcome, ip, trace_id, details from audit_log \
        where ($1 is null or action = $1 or (substr($1, length($1), 1) = '.' and substr(action, 1, length($1)) = $1)) \
        and ($2 is null or actor = $2) and ($3 is null or outcome = $3) and ($4 is null or id < $4) \
        order by id desc limit $5";
    // Postgres must know the parameters' types where only `is null` sees them.
    let sql = match db {
        Db::Sqlite(_) => SQL.to_owned(),
        Db::Postgres(_) => SQL
            .replace("$1 is null", "$1::text is null")
            .replace("$2 is null", "$2::text is null")
            .replace("$3 is null", "$3::text is null")
            .replace("$4 is null", "$4::bigint is null"),
    };
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(&sql)
        .bind(filter.action)
        .bind(filter.actor)
        .bind(filter.outcome)
        .bind(filter.before)
        .bind(limit)
        .fetch_all(pool)
        .await?);
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at.0,
            actor: r.actor,
            action: r.action,
            target: r.target,
            outcome: r.outcome,
            ip: r.ip,
            trace_id: r.trace_id,
            details: r.details,
        })
        .collect())
}

/// Failed logins since `since`, in one round trip: how many for this e-mail
/// from this address, how many from this address for any e-mail, and when the
/// newest of the first kind was.
pub async fn failed_logins(db: &Db, email: &str, ip: &str, since: Ts) -> Result<(i64, i64, Option<Ts>)> {
    const SQL: &str = "select \
        (select count(*) from audit_log where action = 'auth.login' and outcome = 'failure' \
            and target = $1 and at >= $3 and ip = $2), \
        (select count(*) from audit_log where action = 'auth.login' and outcome = 'failure' \
            and ip = $2 and at >= $3), \
        (select max(at) from audit_log where action = 'auth.login' and outcome = 'failure' \
            and target = $1 and at >= $3 and ip = $2)";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(email).bind(ip).bind(since).fetch_one(pool).await?))
}
