//! Queries on `report_runs` and `report_outputs` (migration 0011): claiming a
//! schedule's slot (the unique `(report_id, slot_at)` row is the claim), run
//! now, taking a run under a lease (compare-and-set, so one worker holds it),
//! renewing and finishing it, and reading runs and their files.

use super::select::{bind_args, After, Arg, Sql};
use super::{audit, on_db, BeginWrite, Db, Ts};
use crate::error::Result;

/// A run as listed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RunRow {
    /// Its id.
    pub id: i64,
    /// Its report.
    pub report_id: i64,
    /// The report's name.
    pub report_name: String,
    /// The slot, for scheduled runs.
    pub slot_at: Option<Ts>,
    /// `schedule`, `manual` or `api`.
    pub trigger: String,
    /// Who asked.
    pub requested_by: String,
    /// `pending`, `running`, `completed` or `failed`.
    pub status: String,
    /// 0–100.
    pub progress: i64,
    /// The stage.
    pub stage: Option<String>,
    /// Workers that held it.
    pub attempt: i64,
    /// Its trace id.
    pub trace_id: String,
    /// Notes.
    pub note: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// When it was made.
    pub created_at: Ts,
    /// When first taken.
    pub started_at: Option<Ts>,
    /// When it ended.
    pub finished_at: Option<Ts>,
    /// From start to end.
    pub duration_ms: Option<i64>,
    /// Who holds it.
    pub lease_owner: Option<String>,
    /// Its headline figures, JSON (`reports::data::RunSummary`).
    pub summary: Option<String>,
}

// smallint is i16 on Postgres: widened so both dialects decode to i64.
const SELECT: &str = "select r.id, r.report_id, p.name as report_name, r.slot_at, r.trigger, r.requested_by, \
    r.status, cast(r.progress as bigint) as progress, r.stage, cast(r.attempt as bigint) as attempt, r.trace_id, \
    r.note, r.error, r.created_at, r.started_at, r.finished_at, r.duration_ms, r.lease_owner, r.summary \
    from report_runs r join reports p on p.id = r.report_id";

/// A new run's values.
#[derive(Clone, Debug)]
pub struct NewRun<'a> {
    /// Its report.
    pub report_id: i64,
    /// The slot (scheduled runs).
    pub slot_at: Option<Ts>,
    /// `schedule`, `manual` or `api`.
    pub trigger: &'a str,
    /// Who asked.
    pub requested_by: &'a str,
    /// The spec, as JSON.
    pub spec: &'a str,
    /// Its trace id.
    pub trace_id: &'a str,
    /// A note (lateness, skipped slots).
    pub note: Option<&'a str>,
}

// Born pending with an already expired lease: a claim makes work and
// reserves no worker; whichever replica has room takes it.
const INSERT: &str = "insert into report_runs (report_id, slot_at, trigger, requested_by, status, spec, trace_id, \
    note, lease_until, created_at, updated_at) values ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $8, $8)";

/// Claims the slot `run.slot_at` of its report, and moves the report's
/// watermark to it and its next run to `next_run_at`, in one transaction.
/// Returns the new run's id, or `None` when another scheduler claimed the
/// slot first (the watermark moves either way, never backwards).
pub async fn claim_slot(db: &Db, run: &NewRun<'_>, next_run_at: Option<Ts>, at: Ts) -> Result<Option<i64>> {
    const WATERMARK: &str = "update reports set last_slot_at = $2, next_run_at = $3 \
        where id = $1 and status = 'active' and (last_slot_at is null or last_slot_at < $2)";
    let sql = format!("{INSERT} on conflict (report_id, slot_at) do nothing returning id");
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar(&sql)
            .bind(run.report_id)
            .bind(run.slot_at)
            .bind(run.trigger)
            .bind(run.requested_by)
            .bind(run.spec)
            .bind(run.trace_id)
            .bind(run.note)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query(WATERMARK).bind(run.report_id).bind(run.slot_at).bind(next_run_at).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    })
}

/// Adds a run without a slot (run now, API) with its audit record, in one
/// transaction, unless one of the report's unscheduled runs is still open:
/// then `Err(its id)` and nothing is written.
pub async fn insert_unscheduled(
    db: &Db,
    run: &NewRun<'_>,
    at: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<std::result::Result<i64, i64>> {
    const OPEN: &str = "select id from report_runs where report_id = $1 and slot_at is null \
        and status in ('pending', 'running') order by id limit 1";
    let sql = format!("{INSERT} returning id");
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if let Some(open) = sqlx::query_scalar::<_, i64>(OPEN).bind(run.report_id).fetch_optional(&mut *tx).await? {
            return Ok(Err(open));
        }
        let id: i64 = sqlx::query_scalar(&sql)
            .bind(run.report_id)
            .bind(run.slot_at)
            .bind(run.trigger)
            .bind(run.requested_by)
            .bind(run.spec)
            .bind(run.trace_id)
            .bind(run.note)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
        let target = format!("run:{id}");
        let entry = audit::NewEntry { target: Some(&target), ..entry.clone() };
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(Ok(id))
    })
}

/// Up to `limit` open runs whose lease has run out (new ones included), oldest first.
pub async fn takeable(db: &Db, now: Ts, limit: i64) -> Result<Vec<i64>> {
    const SQL: &str = "select id from report_runs where status in ('pending', 'running') and lease_until <= $1 \
        order by id limit $2";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(now).bind(limit).fetch_all(pool).await?))
}

/// Takes run `id` for `owner` until `until` if its lease has run out at
/// `now`: compare-and-set, so of racing workers exactly one gets it. Returns
/// the attempt number it now is, or `None` when another worker holds it or it
/// ended. A run taken from a worker whose lease ran out says so in its note.
pub async fn take(db: &Db, id: i64, owner: &str, now: Ts, until: Ts) -> Result<Option<i64>> {
    const SQL: &str = "update report_runs set \
        note = case when lease_owner is null or lease_owner = $2 then note \
            else coalesce(note || ' ', '') || 'Taken over from ' || lease_owner || ' after its lease ran out.' end, \
        lease_owner = $2, lease_until = $3, status = 'running', attempt = attempt + 1, \
        started_at = coalesce(started_at, $4), updated_at = $4 \
        where id = $1 and status in ('pending', 'running') and lease_until <= $4 \
        returning cast(attempt as bigint)";
    Ok(on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let attempt: Option<i64> =
            sqlx::query_scalar(SQL).bind(id).bind(owner).bind(until).bind(now).fetch_optional(&mut *tx).await?;
        tx.commit().await?;
        attempt
    }))
}

/// Extends `owner`'s lease on run `id` to `until`; false when it lost the
/// lease (another worker took the run) or the run ended.
pub async fn renew(db: &Db, id: i64, owner: &str, until: Ts) -> Result<bool> {
    const SQL: &str =
        "update report_runs set lease_until = $3 where id = $1 and lease_owner = $2 and status = 'running'";
    Ok(on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(SQL).bind(id).bind(owner).bind(until).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        n > 0
    }))
}

/// Records `owner`'s progress on run `id`; false when it no longer holds it.
pub async fn progress(db: &Db, id: i64, owner: &str, percent: i64, stage: &str, at: Ts) -> Result<bool> {
    const SQL: &str = "update report_runs set progress = $3, stage = $4, updated_at = $5 \
        where id = $1 and lease_owner = $2 and status = 'running'";
    Ok(on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(SQL)
            .bind(id)
            .bind(owner)
            .bind(percent)
            .bind(stage)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        n > 0
    }))
}

/// One file a run made.
#[derive(Clone, Debug)]
pub struct NewOutput {
    /// `html`, `markdown`, `csv` or `pdf`.
    pub format: String,
    /// Its media type.
    pub content_type: String,
    /// Its file name.
    pub filename: String,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// The bytes.
    pub body: Vec<u8>,
}

/// Completes run `id` held by `owner` with its files and `summary`, and queues one
/// delivery per channel of `destinations`, in one transaction: false (and
/// nothing written) when `owner` no longer holds it, so a worker that lost its
/// lease can never complete a run another one is finishing, and a run is
/// queued for each channel once.
#[allow(clippy::too_many_arguments)]
pub async fn complete(
    db: &Db,
    id: i64,
    owner: &str,
    at: Ts,
    duration_ms: i64,
    timings: &str,
    summary: &str,
    outputs: &[NewOutput],
    destinations: &[i64],
) -> Result<bool> {
    // The payload is made by the dispatcher at the first attempt and kept, so
    // every retry sends the same bytes; `message_id` is what receivers dedupe on.
    const DELIVERY: &str = "insert into deliveries (message_id, channel_id, subject_kind, subject_id, status, \
        next_attempt_at, trace_id, created_at, updated_at) \
        select $1, c.id, 'report_run', $2, 'pending', $3, r.trace_id, $3, $3 \
        from channels c, report_runs r where c.id = $4 and r.id = $2 \
        on conflict (channel_id, subject_kind, subject_id) do nothing";
    const DONE: &str = "update report_runs set status = 'completed', progress = 100, stage = null, \
        finished_at = $3, duration_ms = $4, timings = $5, summary = $6, lease_owner = null, lease_until = null, \
        updated_at = $3 where id = $1 and lease_owner = $2 and status = 'running'";
    const OUTPUT: &str = "insert into report_outputs (run_id, format, content_type, filename, size_bytes, sha256, \
        body, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(DONE)
            .bind(id)
            .bind(owner)
            .bind(at)
            .bind(duration_ms)
            .bind(timings)
            .bind(summary)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        for output in outputs {
            sqlx::query(OUTPUT)
                .bind(id)
                .bind(&output.format)
                .bind(&output.content_type)
                .bind(&output.filename)
                .bind(i64::try_from(output.body.len()).unwrap_or(i64::MAX))
                .bind(&output.sha256)
                .bind(&output.body)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        // A channel deleted since the run began is skipped (the select finds none).
        for channel in destinations {
            let message_id = uuid::Uuid::now_v7().simple().to_string();
            sqlx::query(DELIVERY).bind(message_id).bind(id).bind(at).bind(channel).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    })
}

/// Fails run `id` with `error` (for people). With `owner`, only while that
/// worker holds it; without, whoever held it (a run that lost too many workers).
pub async fn fail(
    db: &Db,
    id: i64,
    owner: Option<&str>,
    at: Ts,
    duration_ms: Option<i64>,
    error: &str,
) -> Result<bool> {
    const SQL: &str = "update report_runs set status = 'failed', stage = null, finished_at = $3, \
        duration_ms = $4, error = $5, lease_owner = null, lease_until = null, updated_at = $3 \
        where id = $1 and status in ('pending', 'running') and ($2 is null or lease_owner = $2)";
    Ok(on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(SQL)
            .bind(id)
            .bind(owner)
            .bind(at)
            .bind(duration_ms)
            .bind(error)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        n > 0
    }))
}

/// What a worker needs to run a run: (spec JSON, slot, created at, trace id).
pub async fn work_of(db: &Db, id: i64) -> Result<Option<(String, Option<Ts>, Ts, String)>> {
    const SQL: &str = "select spec, slot_at, created_at, trace_id from report_runs where id = $1";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(id).fetch_optional(pool).await?))
}

/// One run.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<RunRow>> {
    let sql = format!("{SELECT} where r.id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
}

fn filter(sql: &mut Sql, report_id: Option<i64>, status: Option<&str>) {
    if let Some(report_id) = report_id {
        let p = sql.arg(Arg::Int(report_id));
        sql.and(&format!("r.report_id = {p}"));
    }
    if let Some(status) = status {
        let p = sql.arg(Arg::Text(status.to_owned()));
        sql.and(&format!("r.status = {p}"));
    }
}

/// Up to `limit` runs, newest first, after `after` (a run id), of one report
/// or all, optionally of one status.
pub async fn page(
    db: &Db,
    report_id: Option<i64>,
    status: Option<&str>,
    after: Option<&After>,
    limit: i64,
) -> Result<Vec<RunRow>> {
    let mut sql = Sql::new(db.backend(), SELECT);
    filter(&mut sql, report_id, status);
    sql.keyset("r.id", false, true, after, limit);
    Ok(on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?))
}

/// How many runs [`page`] would list over all pages.
pub async fn count(db: &Db, report_id: Option<i64>, status: Option<&str>) -> Result<i64> {
    let mut sql = Sql::new(db.backend(), "select count(*) from report_runs r");
    filter(&mut sql, report_id, status);
    Ok(on_db!(db, pool => bind_args!(sqlx::query_scalar(sql.text()), sql).fetch_one(pool).await?))
}

/// How many of a report's runs are pending or running.
pub async fn count_open(db: &Db, report_id: i64) -> Result<i64> {
    const SQL: &str = "select count(*) from report_runs where report_id = $1 and status in ('pending', 'running')";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(report_id).fetch_one(pool).await?))
}

/// Deletes up to `limit` finished runs (with their files) made before
/// `cutoff`, oldest first, keeping any a delivery still waits on; returns
/// how many went. Batched so a large backlog never holds the write lock long.
pub async fn delete_finished_before(db: &Db, cutoff: Ts, limit: i64) -> Result<u64> {
    const SQL: &str = "delete from report_runs where id in (select r.id from report_runs r \
        where r.created_at < $1 and r.status in ('completed', 'failed') and not exists (select 1 from deliveries d \
        where d.subject_kind = 'report_run' and d.subject_id = r.id and d.status in ('pending', 'sending')) \
        order by r.id limit $2)";
    Ok(on_db!(db, pool => sqlx::query(SQL).bind(cutoff).bind(limit).execute(pool).await.map(|r| r.rows_affected()))?)
}

/// A file as listed: (run id, format, content type, file name, size, SHA-256).
pub type OutputRow = (i64, String, String, String, i64, String);

/// The files of the runs `ids`, by run and format.
pub async fn outputs(db: &Db, ids: &[i64]) -> Result<Vec<OutputRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql =
        Sql::new(db.backend(), "select run_id, format, content_type, filename, size_bytes, sha256 from report_outputs");
    let list: Vec<String> = ids.iter().map(|id| sql.arg(Arg::Int(*id))).collect();
    sql.and(&format!("run_id in ({})", list.join(", ")));
    sql.push(" order by run_id, format");
    Ok(on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?))
}

/// One file of a run: (content type, file name, bytes).
pub async fn output(db: &Db, run_id: i64, format: &str) -> Result<Option<(String, String, Vec<u8>)>> {
    const SQL: &str = "select content_type, filename, body from report_outputs where run_id = $1 and format = $2";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(run_id).bind(format).fetch_optional(pool).await?))
}

/// (id, report id, status, progress, stage, updated at) of the runs changed
/// at or after `since`, oldest change first, at most `limit`.
pub async fn changed_since(db: &Db, since: Ts, limit: i64) -> Result<Vec<(i64, i64, String, i64, Option<String>, Ts)>> {
    const SQL: &str = "select id, report_id, status, cast(progress as bigint), stage, updated_at from report_runs \
        where updated_at >= $1 order by updated_at, id limit $2";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(since).bind(limit).fetch_all(pool).await?))
}

/// How many runs failed in `[from, to)` (by when they last changed, which
/// for a failed run is when it failed).
pub async fn count_failed_between(db: &Db, from: Ts, to: Ts) -> Result<i64> {
    const SQL: &str =
        "select count(*) from report_runs where updated_at >= $1 and updated_at < $2 and status = 'failed'";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(from).bind(to).fetch_one(pool).await?))
}

/// How long the runs that completed in `[from, to)` took, in ms (at most `limit`).
pub async fn durations_between(db: &Db, from: Ts, to: Ts, limit: i64) -> Result<Vec<i64>> {
    const SQL: &str = "select duration_ms from report_runs where updated_at >= $1 and updated_at < $2 \
        and status = 'completed' and duration_ms is not null limit $3";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(from).bind(to).bind(limit).fetch_all(pool).await?))
}
