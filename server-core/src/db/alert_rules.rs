//! Queries on `alert_rules`, `alert_destinations` and `alert_evaluations`
//! (migration 0013): the rules and their state, the channels each notifies,
//! and the claim of each evaluation slot (its primary key: whichever replica
//! inserts the row evaluates it). A claimed evaluation is applied in one
//! transaction: the rule's new state, the evaluation's value, the history
//! event and its deliveries commit together or not at all.

use super::{audit, on_db, BeginWrite, Db, Ts};
use crate::error::Result;

/// A rule as stored: its editable fields and what the evaluator keeps.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AlertRuleRow {
    /// Its id.
    pub id: i64,
    /// What an editor sets (its `channels` are not a column: empty here).
    #[sqlx(flatten)]
    pub fields: Fields,
    /// The built-in's key.
    pub builtin: Option<String>,
    /// `normal`, `pending` or `firing`.
    pub state: String,
    /// When it entered that state.
    pub state_since: Option<Ts>,
    /// When the current incident began.
    pub incident_since: Option<Ts>,
    /// When this incident was last sent.
    pub notified_at: Option<Ts>,
    /// Notifications held back until then.
    pub silenced_until: Option<Ts>,
    /// The latest value.
    pub last_value: Option<f64>,
    /// The newest slot applied.
    pub last_slot_at: Option<Ts>,
    /// When that evaluation ran.
    pub last_evaluated_at: Option<Ts>,
    /// When the next is due, while active.
    pub next_eval_at: Option<Ts>,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: Ts,
    /// When its configuration last changed.
    pub updated_at: Ts,
}

impl AlertRuleRow {
    /// A rule made of `fields` as it would be stored at `at`, in its normal
    /// state and never evaluated (what "test" judges a draft as).
    pub fn draft(fields: Fields, at: Ts) -> Self {
        Self {
            id: 0,
            fields,
            builtin: None,
            state: "normal".into(),
            state_since: None,
            incident_since: None,
            notified_at: None,
            silenced_until: None,
            last_value: None,
            last_slot_at: None,
            last_evaluated_at: None,
            next_eval_at: None,
            created_by: String::new(),
            created_at: at,
            updated_at: at,
        }
    }
}

// integer columns are i32 on Postgres in general; these are bigint there, so
// both dialects decode to i64 without casts.
const SELECT: &str = "select id, name, description, metric, filter, window_minutes, condition, threshold, \
    threshold_high, recovery, no_data_minutes, interval_seconds, pending_seconds, repeat_seconds, severity, \
    message, status, builtin, state, state_since, incident_since, notified_at, silenced_until, last_value, \
    last_slot_at, last_evaluated_at, next_eval_at, created_by, created_at, updated_at from alert_rules";

/// The most rules there may be: the page lists them all, and each is
/// evaluated on its interval.
pub const MAX_RULES: i64 = 500;

/// A rule's editable fields, validated by the service.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Fields {
    /// 1–100 characters.
    pub name: String,
    /// Up to 500 characters.
    pub description: String,
    /// The figure.
    pub metric: String,
    /// Its narrowing.
    pub filter: Option<String>,
    /// Its window.
    pub window_minutes: Option<i64>,
    /// The condition.
    pub condition: String,
    /// The threshold.
    pub threshold: Option<f64>,
    /// The band's high end.
    pub threshold_high: Option<f64>,
    /// The recovery threshold.
    pub recovery: Option<f64>,
    /// `no_data` minutes.
    pub no_data_minutes: Option<i64>,
    /// Seconds between evaluations.
    pub interval_seconds: i64,
    /// Seconds a breach must last.
    pub pending_seconds: i64,
    /// Seconds between repeats.
    pub repeat_seconds: i64,
    /// Severity.
    pub severity: String,
    /// The message template.
    pub message: String,
    /// `active` or `paused`.
    pub status: String,
    /// The channels, deduplicated (kept in `alert_destinations`).
    #[sqlx(skip)]
    pub channels: Vec<i64>,
}

/// `$query` with the editable fields bound next, in the order of the
/// columns `name` … `status`, as `insert` and `update` both write them.
macro_rules! bind_fields {
    ($query:expr, $fields:expr) => {{
        let f: &Fields = $fields;
        $query
            .bind(&f.name)
            .bind(&f.description)
            .bind(&f.metric)
            .bind(&f.filter)
            .bind(f.window_minutes)
            .bind(&f.condition)
            .bind(f.threshold)
            .bind(f.threshold_high)
            .bind(f.recovery)
            .bind(f.no_data_minutes)
            .bind(f.interval_seconds)
            .bind(f.pending_seconds)
            .bind(f.repeat_seconds)
            .bind(&f.severity)
            .bind(&f.message)
            .bind(&f.status)
    }};
}

/// Replaces a rule's channels inside transaction `$tx`.
macro_rules! set_channels {
    ($tx:ident, $id:expr, $channels:expr) => {
        sqlx::query("delete from alert_destinations where rule_id = $1").bind($id).execute(&mut *$tx).await?;
        for channel in $channels {
            sqlx::query("insert into alert_destinations (rule_id, channel_id) values ($1, $2)")
                .bind($id)
                .bind(channel)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

/// Every rule, by name (at most [`MAX_RULES`]).
pub async fn all(db: &Db) -> Result<Vec<AlertRuleRow>> {
    let sql = format!("{SELECT} order by lower(name), id limit {MAX_RULES}");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await?))
}

/// The active rules in the firing state (silenced or not), by name.
pub async fn firing(db: &Db) -> Result<Vec<AlertRuleRow>> {
    let sql =
        format!("{SELECT} where state = 'firing' and status = 'active' order by lower(name), id limit {MAX_RULES}");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await?))
}

/// How many rules there are.
pub async fn count(db: &Db) -> Result<i64> {
    const SQL: &str = "select count(*) from alert_rules";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}

/// One rule.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<AlertRuleRow>> {
    let sql = format!("{SELECT} where id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
}

/// The id of built-in rule `builtin`, if present.
pub async fn builtin_id(db: &Db, builtin: &str) -> Result<Option<i64>> {
    const SQL: &str = "select id from alert_rules where builtin = $1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(builtin).fetch_optional(pool).await?))
}

/// Active rules whose next evaluation is due at `now`, soonest first.
pub async fn due(db: &Db, now: Ts, limit: i64) -> Result<Vec<AlertRuleRow>> {
    let sql = format!("{SELECT} where status = 'active' and next_eval_at <= $1 order by next_eval_at, id limit $2");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(now).bind(limit).fetch_all(pool).await?))
}

/// (rule, channel) of every rule's channels, by rule.
pub async fn destinations(db: &Db) -> Result<Vec<(i64, i64)>> {
    const SQL: &str = "select rule_id, channel_id from alert_destinations order by rule_id, channel_id";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await?))
}

/// One rule's channels.
pub async fn channels_of(db: &Db, id: i64) -> Result<Vec<i64>> {
    const SQL: &str = "select channel_id from alert_destinations where rule_id = $1 order by channel_id";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(id).fetch_all(pool).await?))
}

/// (rule, slot, value) of each rule's latest `points` evaluations, oldest first.
pub async fn sparklines(db: &Db, points: i64) -> Result<Vec<(i64, Ts, Option<f64>)>> {
    const SQL: &str = "select rule_id, slot_at, value from (select rule_id, slot_at, value, \
        row_number() over (partition by rule_id order by slot_at desc) as n from alert_evaluations) latest \
        where n <= $1 order by rule_id, slot_at";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(points).fetch_all(pool).await?))
}

/// One rule's latest `points` values, oldest first.
pub async fn sparkline(db: &Db, id: i64, points: i64) -> Result<Vec<Option<f64>>> {
    const SQL: &str = "select value from (select slot_at, value from alert_evaluations where rule_id = $1 \
        order by slot_at desc limit $2) latest order by slot_at";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(id).bind(points).fetch_all(pool).await?))
}

/// Inserts a rule (a built-in when `builtin` is set), its channels and its
/// audit record in one transaction; returns the id. A built-in another
/// replica added meanwhile is left as it is (`None`).
pub async fn insert(
    db: &Db,
    fields: &Fields,
    builtin: Option<&str>,
    created_by: &str,
    at: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<Option<i64>> {
    const INSERT: &str = "insert into alert_rules (name, description, metric, filter, window_minutes, condition, \
        threshold, threshold_high, recovery, no_data_minutes, interval_seconds, pending_seconds, repeat_seconds, \
        severity, message, status, builtin, next_eval_at, created_by, created_at, updated_at) \
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)";
    let sql = if builtin.is_some() {
        format!("{INSERT} on conflict do nothing returning id")
    } else {
        format!("{INSERT} returning id")
    };
    let next_eval_at = (fields.status == "active").then_some(at);
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: Option<i64> = bind_fields!(sqlx::query_scalar(&sql), fields)
            .bind(builtin)
            .bind(next_eval_at)
            .bind(created_by)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else { return Ok(None) };
        set_channels!(tx, id, &fields.channels);
        let target = format!("alert_rule:{id}");
        let entry = audit::NewEntry { target: Some(&target), ..entry.clone() };
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(Some(id))
    })
}

/// Replaces a rule's configuration and channels and appends `entry`, in one
/// transaction; false when there is no such rule. Its state is kept (the next
/// evaluation, due at once, judges it by the new condition); pausing drops an
/// incident without a message, and resuming starts from normal.
pub async fn update(db: &Db, id: i64, fields: &Fields, at: Ts, entry: &audit::NewEntry<'_>) -> Result<bool> {
    const UPDATE: &str = "update alert_rules set name = $2, description = $3, metric = $4, filter = $5, \
        window_minutes = $6, condition = $7, threshold = $8, threshold_high = $9, recovery = $10, \
        no_data_minutes = $11, interval_seconds = $12, pending_seconds = $13, repeat_seconds = $14, \
        severity = $15, message = $16, \
        state = case when $17 = 'active' and status = 'active' then state else 'normal' end, \
        state_since = case when $17 = 'active' and status = 'active' then state_since else $18 end, \
        incident_since = case when $17 = 'active' and status = 'active' then incident_since end, \
        notified_at = case when $17 = 'active' and status = 'active' then notified_at end, \
        status = $17, next_eval_at = case when $17 = 'active' then $18 end, updated_at = $18 where id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = bind_fields!(sqlx::query(UPDATE).bind(id), fields)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        set_channels!(tx, id, &fields.channels);
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(true)
    })
}

/// Deletes a rule (its evaluations and history go with it) and appends
/// `entry`, in one transaction; false when there is no such rule.
pub async fn delete(db: &Db, id: i64, at: Ts, entry: &audit::NewEntry<'_>) -> Result<bool> {
    const DELETE: &str = "delete from alert_rules where id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(DELETE).bind(id).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Ok(false);
        }
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(true)
    })
}

/// Sets (or with `None` lifts) a rule's silence and appends `entry`, in one
/// transaction; false when there is no such rule.
pub async fn silence(db: &Db, id: i64, until: Option<Ts>, at: Ts, entry: &audit::NewEntry<'_>) -> Result<bool> {
    const UPDATE: &str = "update alert_rules set silenced_until = $2 where id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(UPDATE).bind(id).bind(until).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Ok(false);
        }
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(true)
    })
}

/// Claims evaluation `slot` of rule `id` for `instance`: true when this call
/// inserted the row (so it, and nobody else, evaluates the slot).
pub async fn claim(db: &Db, id: i64, slot: Ts, instance: &str, at: Ts) -> Result<bool> {
    const SQL: &str = "insert into alert_evaluations (rule_id, slot_at, instance, at) values ($1, $2, $3, $4) \
        on conflict (rule_id, slot_at) do nothing";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(SQL).bind(id).bind(slot).bind(instance).bind(at).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    })
}

/// The state an evaluation leaves a rule in.
#[derive(Clone, Debug)]
pub struct NewState {
    /// `normal`, `pending` or `firing`.
    pub state: String,
    /// When it entered that state.
    pub state_since: Option<Ts>,
    /// When the incident began.
    pub incident_since: Option<Ts>,
    /// When the incident was last sent.
    pub notified_at: Option<Ts>,
    /// The value read.
    pub value: Option<f64>,
}

/// A history event to record with the evaluation that caused it.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// `pending`, `firing`, `repeat`, `resolved` or `cleared`.
    pub kind: &'static str,
    /// The rule's severity.
    pub severity: String,
    /// The message.
    pub message: String,
    /// Whether a silence held it back.
    pub silenced: bool,
    /// When the incident began.
    pub since: Ts,
    /// Its trace id (the deliveries carry it).
    pub trace_id: String,
}

/// What applying an evaluation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The rule changed; the event's id, if one was recorded.
    Done(Option<i64>),
    /// A newer slot was applied already, or the rule was deleted or paused:
    /// nothing was written.
    Stale,
}

/// Applies claimed evaluation `slot` of rule `id`, in one transaction: the
/// rule's state (only if no newer slot was applied and it is still active),
/// the evaluation's value, the event, and one delivery per channel when
/// `send` (their payloads are made by the dispatcher).
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    db: &Db,
    id: i64,
    slot: Ts,
    next: &NewState,
    event: Option<&NewEvent>,
    send: bool,
    next_eval_at: Ts,
    at: Ts,
) -> Result<Applied> {
    const RULE: &str = "update alert_rules set state = $2, state_since = $3, incident_since = $4, \
        notified_at = $5, last_value = $6, last_slot_at = $7, last_evaluated_at = $8, next_eval_at = $9 \
        where id = $1 and status = 'active' and (last_slot_at is null or last_slot_at < $7)";
    const EVALUATION: &str = "update alert_evaluations set value = $3, state = $4 where rule_id = $1 and slot_at = $2";
    const EVENT: &str = "insert into alert_events (rule_id, kind, severity, value, message, silenced, since, at) \
        values ($1, $2, $3, $4, $5, $6, $7, $8) returning id";
    const DELIVERIES: &str = "select channel_id from alert_destinations where rule_id = $1 order by channel_id";
    const DELIVERY: &str = "insert into deliveries (message_id, channel_id, subject_kind, subject_id, status, \
        next_attempt_at, trace_id, created_at, updated_at) values ($1, $2, 'alert', $3, 'pending', $4, $5, $4, $4) \
        on conflict (channel_id, subject_kind, subject_id) do nothing";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(RULE)
            .bind(id)
            .bind(&next.state)
            .bind(next.state_since)
            .bind(next.incident_since)
            .bind(next.notified_at)
            .bind(next.value)
            .bind(slot)
            .bind(at)
            .bind(next_eval_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(Applied::Stale);
        }
        sqlx::query(EVALUATION).bind(id).bind(slot).bind(next.value).bind(&next.state).execute(&mut *tx).await?;
        let mut event_id = None;
        if let Some(event) = event {
            let new_id: i64 = sqlx::query_scalar(EVENT)
                .bind(id)
                .bind(event.kind)
                .bind(&event.severity)
                .bind(next.value)
                .bind(&event.message)
                .bind(event.silenced)
                .bind(event.since)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
            if send {
                let channels: Vec<i64> = sqlx::query_scalar(DELIVERIES).bind(id).fetch_all(&mut *tx).await?;
                for channel in channels {
                    sqlx::query(DELIVERY)
                        .bind(uuid::Uuid::now_v7().simple().to_string())
                        .bind(channel)
                        .bind(new_id)
                        .bind(at)
                        .bind(&event.trace_id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            event_id = Some(new_id);
        }
        tx.commit().await?;
        Ok(Applied::Done(event_id))
    })
}

/// Moves a rule's next evaluation to `next_eval_at` without evaluating (the
/// slot was claimed elsewhere, or was skipped).
pub async fn set_next_eval(db: &Db, id: i64, next_eval_at: Ts) -> Result<()> {
    const SQL: &str = "update alert_rules set next_eval_at = $2 where id = $1 and status = 'active' \
        and next_eval_at < $2";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(SQL).bind(id).bind(next_eval_at).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

/// Deletes up to `limit` evaluations from before `cutoff`; returns how many.
pub async fn delete_evaluations_before(db: &Db, cutoff: Ts, limit: i64) -> Result<u64> {
    const SQL: &str = "delete from alert_evaluations where (rule_id, slot_at) in \
        (select rule_id, slot_at from alert_evaluations where at < $1 limit $2)";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(SQL).bind(cutoff).bind(limit).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(n)
    })
}

/// The rule named `name` (ignoring case), if any.
pub async fn id_by_name(db: &Db, name: &str) -> Result<Option<i64>> {
    const SQL: &str = "select id from alert_rules where lower(name) = lower($1)";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(name).fetch_optional(pool).await?))
}

/// How many active rules are firing and not silenced at `now`.
pub async fn count_firing(db: &Db, now: Ts) -> Result<i64> {
    const SQL: &str = "select count(*) from alert_rules where state = 'firing' and status = 'active' \
        and (silenced_until is null or silenced_until <= $1)";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(now).fetch_one(pool).await?))
}
