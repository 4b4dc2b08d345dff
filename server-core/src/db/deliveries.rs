//! Queries on `deliveries` and `delivery_attempts` (migration 0011): taking
//! a due delivery under a lease (compare-and-set, so one dispatcher sends
//! it), claiming its next attempt (the attempt's primary key is the claim),
//! fixing its payload once, recording each outcome, and reading the log.

use super::select::{bind_args, After, Arg, Sql};
use super::{audit, on_db, BeginWrite, Db, Ts};
use crate::error::Result;

/// A delivery as listed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeliveryRow {
    /// Its id.
    pub id: i64,
    /// The `webhook-id` every attempt repeats.
    pub message_id: String,
    /// The channel.
    pub channel_id: i64,
    /// `report_run`, `test` or `alert`.
    pub subject_kind: String,
    /// The run, for `report_run`.
    pub subject_id: Option<i64>,
    /// `pending`, `sending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// When the next is due.
    pub next_attempt_at: Option<Ts>,
    /// The latest HTTP status.
    pub last_status_code: Option<i64>,
    /// The latest error.
    pub last_error: Option<String>,
    /// Its trace id.
    pub trace_id: Option<String>,
    /// When it was queued.
    pub created_at: Ts,
    /// When it arrived.
    pub delivered_at: Option<Ts>,
}

// smallint and integer are i16/i32 on Postgres: widened so both dialects decode to i64.
const SELECT: &str = "select id, message_id, channel_id, subject_kind, subject_id, status, \
    cast(attempts as bigint) as attempts, next_attempt_at, cast(last_status_code as bigint) as last_status_code, \
    last_error, trace_id, created_at, delivered_at from deliveries";

/// One attempt as listed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AttemptRow {
    /// Its delivery.
    pub delivery_id: i64,
    /// 1, 2, …
    pub attempt: i64,
    /// Who made it.
    pub instance: String,
    /// When it began.
    pub started_at: Ts,
    /// How long it took.
    pub duration_ms: Option<i64>,
    /// `delivered`, `retry`, `failed`, `lost`, or none while in flight.
    pub outcome: Option<String>,
    /// The HTTP status.
    pub status_code: Option<i64>,
    /// What went wrong.
    pub error: Option<String>,
    /// The start of the answer.
    pub response_excerpt: Option<String>,
}

/// Up to `limit` deliveries due at `now` whose lease (if any) has run out,
/// the longest waiting first. Tests are sent inline and never listed here.
pub async fn due(db: &Db, now: Ts, limit: i64) -> Result<Vec<i64>> {
    // An alert's message waits while an earlier one of the same rule to the
    // same channel is still to be sent: a receiver back from an outage hears
    // "firing" before "resolved", never the other way round.
    const SQL: &str = "select d.id from deliveries d where d.status in ('pending', 'sending') \
        and d.next_attempt_at <= $1 and (d.lease_until is null or d.lease_until <= $1) \
        and not (d.subject_kind = 'alert' and exists (select 1 from deliveries earlier \
            join alert_events before_event on before_event.id = earlier.subject_id \
            join alert_events this_event on this_event.id = d.subject_id \
            where earlier.channel_id = d.channel_id and earlier.subject_kind = 'alert' and earlier.id < d.id \
            and earlier.status in ('pending', 'sending') and before_event.rule_id = this_event.rule_id)) \
        order by d.next_attempt_at, d.id limit $2";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(now).bind(limit).fetch_all(pool).await?))
}

/// A delivery taken for one attempt.
#[derive(Clone, Debug)]
pub struct Taken {
    /// The delivery.
    pub id: i64,
    /// Its `webhook-id`.
    pub message_id: String,
    /// Its channel.
    pub channel_id: i64,
    /// `report_run`, `test` or `alert`.
    pub subject_kind: String,
    /// The run, for `report_run`.
    pub subject_id: Option<i64>,
    /// The body, once made.
    pub payload: Option<String>,
    /// Its trace id.
    pub trace_id: Option<String>,
    /// The number of the attempt now claimed.
    pub attempt: i64,
    /// How many earlier attempts were found without an outcome (now `lost`).
    pub lost: i64,
}

/// What [`take`] got.
#[derive(Clone, Debug)]
pub enum Take {
    /// Ours, with its attempt claimed.
    Taken(Taken),
    /// It had used up its attempts (lost ones included): now failed.
    Exhausted {
        /// Its channel.
        channel_id: i64,
    },
}

/// Takes delivery `id` for `owner` until `until` if it is due and its lease
/// ran out at `now` (compare-and-set: of racing dispatchers one gets it),
/// marks attempts a dead worker left without outcome `lost`, and claims the
/// next attempt (its primary key: a conflict means another worker has it).
/// `None` when it is not ours. Past `max_attempts` it fails instead.
pub async fn take(db: &Db, id: i64, owner: &str, now: Ts, until: Ts, max_attempts: i64) -> Result<Option<Take>> {
    const LEASE: &str = "update deliveries set status = 'sending', lease_owner = $2, lease_until = $3, \
        updated_at = $4 where id = $1 and status in ('pending', 'sending') and next_attempt_at <= $4 \
        and (lease_until is null or lease_until <= $4) \
        returning message_id, channel_id, subject_kind, subject_id, payload, trace_id, cast(attempts as bigint)";
    const LOST: &str = "update delivery_attempts set outcome = 'lost', \
        error = 'its worker stopped before it knew the outcome' where delivery_id = $1 and outcome is null";
    const LAST: &str = "select cast(coalesce(max(attempt), 0) as bigint) from delivery_attempts where delivery_id = $1";
    const EXHAUST: &str = "update deliveries set status = 'failed', attempts = $2, next_attempt_at = null, \
        lease_owner = null, lease_until = null, last_error = $3, updated_at = $4 where id = $1";
    const COUNT: &str = "update deliveries set attempts = $2 where id = $1";
    const CLAIM: &str = "insert into delivery_attempts (delivery_id, attempt, instance, started_at) \
        values ($1, $2, $3, $4) on conflict (delivery_id, attempt) do nothing";
    type Leased = (String, i64, String, Option<i64>, Option<String>, Option<String>, i64);
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let leased: Option<Leased> =
            sqlx::query_as(LEASE).bind(id).bind(owner).bind(until).bind(now).fetch_optional(&mut *tx).await?;
        let Some((message_id, channel_id, subject_kind, subject_id, payload, trace_id, attempts)) = leased else {
            return Ok(None);
        };
        let lost = sqlx::query(LOST).bind(id).execute(&mut *tx).await?.rows_affected() as i64;
        let last: i64 = sqlx::query_scalar(LAST).bind(id).fetch_one(&mut *tx).await?;
        let made = attempts.max(last);
        if made >= max_attempts {
            let error = format!("gave up after {made} attempts");
            sqlx::query(EXHAUST).bind(id).bind(made).bind(error).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            return Ok(Some(Take::Exhausted { channel_id }));
        }
        if made != attempts {
            sqlx::query(COUNT).bind(id).bind(made).execute(&mut *tx).await?;
        }
        let attempt = made + 1;
        let claimed =
            sqlx::query(CLAIM).bind(id).bind(attempt).bind(owner).bind(now).execute(&mut *tx).await?.rows_affected();
        if claimed == 0 {
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(Take::Taken(Taken {
            id,
            message_id,
            channel_id,
            subject_kind,
            subject_id,
            payload,
            trace_id,
            attempt,
            lost,
        })))
    })
}

/// Fixes delivery `id`'s body to `payload` unless one is already stored
/// (while `owner` holds it); returns the stored body, which every attempt sends.
pub async fn fix_payload(db: &Db, id: i64, owner: &str, payload: &str) -> Result<Option<String>> {
    const SET: &str = "update deliveries set payload = $3 where id = $1 and lease_owner = $2 and payload is null";
    const GET: &str = "select payload from deliveries where id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(SET).bind(id).bind(owner).bind(payload).execute(&mut *tx).await?;
        let stored: Option<Option<String>> = sqlx::query_scalar(GET).bind(id).fetch_optional(&mut *tx).await?;
        tx.commit().await?;
        Ok(stored.flatten())
    })
}

/// How an attempt ended and where its delivery stands after it.
#[derive(Clone, Debug)]
pub struct Outcome<'a> {
    /// The attempt's number.
    pub attempt: i64,
    /// How long it took.
    pub duration_ms: i64,
    /// `delivered`, `retry` or `failed`.
    pub outcome: &'a str,
    /// The HTTP status.
    pub status_code: Option<i64>,
    /// What went wrong.
    pub error: Option<&'a str>,
    /// The start of the answer.
    pub response_excerpt: Option<&'a str>,
    /// The delivery's new status: `pending` (retry later), `delivered` or `failed`.
    pub status: &'a str,
    /// When to try again (`pending`).
    pub next_attempt_at: Option<Ts>,
}

/// Records attempt `outcome.attempt` of delivery `id` and the delivery's new
/// status in one transaction, while `owner` holds it (compare-and-set on the
/// lease); false when it lost the lease (nothing is written then: the
/// attempt stays without outcome and the next taker marks it `lost`).
pub async fn record(db: &Db, id: i64, owner: &str, outcome: &Outcome<'_>, at: Ts) -> Result<bool> {
    const DELIVERY: &str = "update deliveries set status = $3, attempts = $4, next_attempt_at = $5, \
        last_status_code = $6, last_error = $7, delivered_at = $8, lease_owner = null, lease_until = null, \
        updated_at = $9 where id = $1 and lease_owner = $2";
    const ATTEMPT: &str = "update delivery_attempts set duration_ms = $3, outcome = $4, status_code = $5, \
        error = $6, response_excerpt = $7 where delivery_id = $1 and attempt = $2 and outcome is null";
    let delivered_at = (outcome.status == "delivered").then_some(at);
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(DELIVERY)
            .bind(id)
            .bind(owner)
            .bind(outcome.status)
            .bind(outcome.attempt)
            .bind(outcome.next_attempt_at)
            .bind(outcome.status_code)
            .bind(outcome.error)
            .bind(delivered_at)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        sqlx::query(ATTEMPT)
            .bind(id)
            .bind(outcome.attempt)
            .bind(outcome.duration_ms)
            .bind(outcome.outcome)
            .bind(outcome.status_code)
            .bind(outcome.error)
            .bind(outcome.response_excerpt)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    })
}

/// A test delivery to send inline.
#[derive(Clone, Debug)]
pub struct NewTest<'a> {
    /// The channel.
    pub channel_id: i64,
    /// Its `webhook-id`.
    pub message_id: &'a str,
    /// The body.
    pub payload: &'a str,
    /// The request's trace id.
    pub trace_id: Option<&'a str>,
}

/// Adds a test delivery already held by `owner` until `until`, with its
/// first attempt claimed and the audit record, in one transaction; returns
/// its id. It is never due: the dispatcher leaves it to the request.
pub async fn insert_test(
    db: &Db,
    test: &NewTest<'_>,
    owner: &str,
    at: Ts,
    until: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<i64> {
    const INSERT: &str = "insert into deliveries (message_id, channel_id, subject_kind, status, lease_owner, \
        lease_until, payload, trace_id, created_at, updated_at) \
        values ($1, $2, 'test', 'sending', $3, $4, $5, $6, $7, $7) returning id";
    const CLAIM: &str =
        "insert into delivery_attempts (delivery_id, attempt, instance, started_at) values ($1, 1, $2, $3)";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(INSERT)
            .bind(test.message_id)
            .bind(test.channel_id)
            .bind(owner)
            .bind(until)
            .bind(test.payload)
            .bind(test.trace_id)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(CLAIM).bind(id).bind(owner).bind(at).execute(&mut *tx).await?;
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(id)
    })
}

/// One delivery.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<DeliveryRow>> {
    let sql = format!("{SELECT} where id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
}

/// Up to `limit` deliveries of channel `channel_id`, newest first, after `after`.
pub async fn page(db: &Db, channel_id: i64, after: Option<&After>, limit: i64) -> Result<Vec<DeliveryRow>> {
    let mut sql = Sql::new(db.backend(), SELECT);
    let p = sql.arg(Arg::Int(channel_id));
    sql.and(&format!("channel_id = {p}"));
    sql.keyset("id", false, true, after, limit);
    Ok(on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?))
}

/// How many deliveries channel `channel_id` has.
pub async fn count(db: &Db, channel_id: i64) -> Result<i64> {
    const SQL: &str = "select count(*) from deliveries where channel_id = $1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(channel_id).fetch_one(pool).await?))
}

/// The attempts of the deliveries `ids`, by delivery and attempt.
pub async fn attempts(db: &Db, ids: &[i64]) -> Result<Vec<AttemptRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        db.backend(),
        "select delivery_id, cast(attempt as bigint) as attempt, instance, started_at, duration_ms, outcome, \
        cast(status_code as bigint) as status_code, error, response_excerpt from delivery_attempts",
    );
    let list: Vec<String> = ids.iter().map(|id| sql.arg(Arg::Int(*id))).collect();
    sql.and(&format!("delivery_id in ({})", list.join(", ")));
    sql.push(" order by delivery_id, attempt");
    Ok(on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?))
}

/// Deletes up to `limit` ended deliveries (delivered or failed, with their
/// attempts) queued before `cutoff`, oldest first; returns how many went.
pub async fn delete_ended_before(db: &Db, cutoff: Ts, limit: i64) -> Result<u64> {
    const SQL: &str = "delete from deliveries where id in (select id from deliveries \
        where created_at < $1 and status in ('delivered', 'failed') order by id limit $2)";
    Ok(on_db!(db, pool => sqlx::query(SQL).bind(cutoff).bind(limit).execute(pool).await.map(|r| r.rows_affected()))?)
}
