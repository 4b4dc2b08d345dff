//! Queries on `audit_log`: appending records, browsing and counting them, and
//! counting recent failed logins for throttling.

use super::{on_db, BeginWrite, Db, Ts};
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
    /// The idempotency key the request claimed: a successful write marks it
    /// applied in its own transaction.
    pub claim: Option<&'a super::idempotency::Claimed>,
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

/// Appends entry `$e` at `$at` on `$tx` (a write transaction) and, when it
/// records a success under an idempotency key, marks that key applied there
/// too: the key then commits or rolls back with the writes it protects. Every
/// write transaction that records itself in the log ends with this.
macro_rules! append {
    ($tx:expr, $at:expr, $e:expr) => {{
        $crate::db::audit::bind_entry!(sqlx::query($crate::db::audit::INSERT), $at, $e).execute(&mut *$tx).await?;
        if let Some(claim) = $e.claim.filter(|_| $e.success) {
            sqlx::query($crate::db::idempotency::MARK_APPLIED)
                .bind(&claim.scope)
                .bind(&claim.key)
                .bind($at)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use append;

/// Appends `entry` at `at` (with its key's mark, in one transaction, when it has one).
pub async fn insert(db: &Db, at: Ts, entry: &NewEntry<'_>) -> Result<()> {
    if entry.claim.is_some() && entry.success {
        on_db!(db, pool => {
            let mut tx = pool.begin_write().await?;
            append!(tx, at, entry);
            tx.commit().await?;
        });
    } else {
        on_db!(db, pool => bind_entry!(sqlx::query(INSERT), at, entry).execute(pool).await.map(|_| ())?);
    }
    Ok(())
}

/// Filters for [`page`] and [`count`].
#[derive(Clone, Debug, Default)]
pub struct Filter<'a> {
    /// Exact action, or a prefix when it ends with `.`.
    pub action: Option<&'a str>,
    /// Exact actor.
    pub actor: Option<&'a str>,
    /// `success` or `failure`.
    pub outcome: Option<&'a str>,
    /// Only ids below this (paging; [`count`] ignores it).
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

/// The [`Filter`]'s conditions on `$1`–`$3`, shared by [`page`] and [`count`]
/// so a page and its total always mean the same records. Unused filters
/// compare a NULL parameter, which the planner folds away.
const MATCHES: &str = "($1 is null or action = $1 \
    or (substr($1, length($1), 1) = '.' and substr(action, 1, length($1)) = $1)) \
    and ($2 is null or actor = $2) and ($3 is null or outcome = $3)";

/// `sql` for `db`'s dialect: Postgres must know the parameters' types where
/// only `is null` sees them.
fn typed(db: &Db, sql: String) -> String {
    match db {
        Db::Sqlite(_) => sql,
        Db::Postgres(_) => sql
            .replace("$1 is null", "$1::text is null")
            .replace("$2 is null", "$2::text is null")
            .replace("$3 is null", "$3::text is null")
            .replace("$4 is null", "$4::bigint is null"),
    }
}

/// Up to `limit` records matching `filter`, newest first.
pub async fn page(db: &Db, filter: &Filter<'_>, limit: i64) -> Result<Vec<AuditEntry>> {
    let sql = typed(
        db,
        format!(
            "select id, at, actor, action, target, outcome, ip, trace_id, details from audit_log \
            where {MATCHES} and ($4 is null or id < $4) order by id desc limit $5"
        ),
    );
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

/// How many records match `filter`'s action, actor and outcome, on every page.
pub async fn count(db: &Db, filter: &Filter<'_>) -> Result<i64> {
    let sql = typed(db, format!("select count(*) from audit_log where {MATCHES}"));
    Ok(on_db!(db, pool => sqlx::query_scalar(&sql)
        .bind(filter.action)
        .bind(filter.actor)
        .bind(filter.outcome)
        .fetch_one(pool)
        .await?))
}

/// What the audit log says about recent sign-in attempts, for throttling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct LoginFailures {
    /// Failures for this e-mail from this address.
    pub pair: i64,
    /// The newest of those.
    pub pair_last: Option<Ts>,
    /// Failures from this address, any e-mail.
    pub address: i64,
    /// Failures for this e-mail, from any address.
    pub account: i64,
    /// The newest of those.
    pub account_last: Option<Ts>,
    /// Whether this e-mail signed in successfully from this address since `known_since`.
    pub known_address: bool,
}

/// Failed logins since `since` (for `email`, from `ip`, and both), and whether
/// `email` signed in from `ip` since `known_since`; one round trip.
pub async fn failed_logins(db: &Db, email: &str, ip: &str, since: Ts, known_since: Ts) -> Result<LoginFailures> {
    const SQL: &str = "select \
        (select count(*) from audit_log where action = 'auth.login' and outcome = 'failure' \
            and target = $1 and at >= $3 and ip = $2) as pair, \
        (select max(at) from audit_log where action = 'auth.login' and outcome = 'failure' \
            and target = $1 and at >= $3 and ip = $2) as pair_last, \
        (select count(*) from audit_log where action = 'auth.login' and outcome = 'failure' \
            and ip = $2 and at >= $3) as address, \
        (select count(*) from audit_log where action = 'auth.login' and outcome = 'failure' \
            and target = $1 and at >= $3) as account, \
        (select max(at) from audit_log where action = 'auth.login' and outcome = 'failure' \
            and target = $1 and at >= $3) as account_last, \
        exists (select 1 from audit_log where actor = $1 and at >= $4 and action = 'auth.login' \
            and outcome = 'success' and ip = $2) as known_address";
    Ok(
        on_db!(db, pool => sqlx::query_as(SQL).bind(email).bind(ip).bind(since).bind(known_since).fetch_one(pool).await?),
    )
}

/// Appends `entry` at `at` and returns its id (to [`settle`] it later).
pub async fn insert_returning_id(db: &Db, at: Ts, entry: &NewEntry<'_>) -> Result<i64> {
    const SQL: &str = "insert into audit_log (at, account_id, actor, action, target, outcome, ip, trace_id, details) \
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id";
    Ok(on_db!(db, pool => bind_entry!(sqlx::query_scalar(SQL), at, entry).fetch_one(pool).await?))
}

/// Rewrites record `id`, written before its outcome was known, with the outcome.
pub async fn settle(
    db: &Db,
    id: i64,
    action: &str,
    account_id: Option<i64>,
    success: bool,
    details: Option<String>,
) -> Result<()> {
    const SQL: &str = "update audit_log set action = $2, account_id = $3, outcome = $4, details = $5 where id = $1";
    let outcome = if success { "success" } else { "failure" };
    on_db!(db, pool => sqlx::query(SQL).bind(id).bind(action).bind(account_id).bind(outcome).bind(details)
        .execute(pool).await.map(|_| ())?);
    Ok(())
}
