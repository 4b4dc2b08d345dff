//! Queries on `reports` and `report_destinations` (migration 0011): scheduled
//! reports, their schedule watermark and the channels each run goes to.

use super::select::{bind_args, After, Arg, Sql};
use super::{audit, on_db, BeginWrite, Db, Ts};
use crate::error::Result;

/// A report as stored, with its template's name and its latest run.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportRow {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Its template.
    pub template_id: i64,
    /// The template's name.
    pub template_name: String,
    /// The period override, as JSON.
    pub period: Option<String>,
    /// The cron pattern.
    pub cron: String,
    /// The IANA zone of the schedule.
    pub timezone: String,
    /// `kst` or `utc`.
    pub figures_zone: String,
    /// `ko` or `en`.
    pub lang: String,
    /// Comma-separated formats.
    pub formats: String,
    /// `active` or `paused`.
    pub status: String,
    /// `daily`, `weekly` or none.
    pub builtin: Option<String>,
    /// No slot at or before it runs.
    pub schedule_from: Ts,
    /// The newest slot claimed.
    pub last_slot_at: Option<Ts>,
    /// The next slot, while active.
    pub next_run_at: Option<Ts>,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: Ts,
    /// When it last changed.
    pub updated_at: Ts,
    /// The latest run's id.
    pub run_id: Option<i64>,
    /// Its status.
    pub run_status: Option<String>,
    /// Its trigger.
    pub run_trigger: Option<String>,
    /// When it was created.
    pub run_created_at: Option<Ts>,
    /// When it ended.
    pub run_finished_at: Option<Ts>,
}

impl ReportRow {
    /// The latest run, if the report has one.
    pub fn last_run(&self) -> Option<crate::model::RunSummary> {
        match (self.run_id, &self.run_status, &self.run_trigger, self.run_created_at) {
            (Some(id), Some(status), Some(trigger), Some(created_at)) => Some(crate::model::RunSummary {
                id,
                status: status.clone(),
                trigger: trigger.clone(),
                created_at: created_at.0,
                finished_at: self.run_finished_at.map(|t| t.0),
            }),
            _ => None,
        }
    }
}

const SELECT: &str = "select r.id, r.name, r.description, r.template_id, t.name as template_name, r.period, r.cron, \
    r.timezone, r.figures_zone, r.lang, r.formats, r.status, r.builtin, r.schedule_from, r.last_slot_at, \
    r.next_run_at, r.created_by, r.created_at, r.updated_at, lr.id as run_id, lr.status as run_status, \
    lr.trigger as run_trigger, lr.created_at as run_created_at, lr.finished_at as run_finished_at \
    from reports r join report_templates t on t.id = r.template_id \
    left join report_runs lr on lr.id = (select max(x.id) from report_runs x where x.report_id = r.id)";

/// A report's editable fields, validated, JSON and schedule already made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    /// 1–100 characters.
    pub name: String,
    /// Up to 500 characters.
    pub description: String,
    /// An existing template.
    pub template_id: i64,
    /// The period override, as JSON.
    pub period: Option<String>,
    /// The cron pattern, normalised.
    pub cron: String,
    /// The IANA zone.
    pub timezone: String,
    /// `kst` or `utc`.
    pub figures_zone: String,
    /// `ko` or `en`.
    pub lang: String,
    /// Comma-separated formats.
    pub formats: String,
    /// `active` or `paused`.
    pub status: String,
    /// Existing channel ids, ascending, no repeats.
    pub destinations: Vec<i64>,
}

/// Where the schedule stands after a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// No slot at or before it runs (`None`: leave it as it is).
    pub schedule_from: Option<Ts>,
    /// The next slot (`None` while paused).
    pub next_run_at: Option<Ts>,
}

/// Up to `limit` reports by name, starting after `after`, optionally of one status.
pub async fn page(db: &Db, status: Option<&str>, after: Option<&After>, limit: i64) -> Result<Vec<ReportRow>> {
    let mut sql = Sql::new(db.backend(), SELECT);
    if let Some(status) = status {
        let p = sql.arg(Arg::Text(status.to_owned()));
        sql.and(&format!("r.status = {p}"));
    }
    sql.keyset("r.name", false, false, after, limit);
    Ok(on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?))
}

/// How many reports there are, optionally of one status.
pub async fn count(db: &Db, status: Option<&str>) -> Result<i64> {
    const ALL: &str = "select count(*) from reports";
    const OF: &str = "select count(*) from reports where status = $1";
    Ok(match status {
        None => on_db!(db, pool => sqlx::query_scalar(ALL).fetch_one(pool).await?),
        Some(status) => on_db!(db, pool => sqlx::query_scalar(OF).bind(status).fetch_one(pool).await?),
    })
}

/// One report.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<ReportRow>> {
    let sql = format!("{SELECT} where r.id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
}

/// The id of the report called `name`, ignoring case.
pub async fn id_by_name(db: &Db, name: &str) -> Result<Option<i64>> {
    const SQL: &str = "select id from reports where lower(name) = lower($1)";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(name).fetch_optional(pool).await?))
}

/// The id of the built-in report `builtin` (`daily`, `weekly`), if present.
pub async fn builtin_id(db: &Db, builtin: &str) -> Result<Option<i64>> {
    const SQL: &str = "select id from reports where builtin = $1";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).bind(builtin).fetch_optional(pool).await?))
}

/// (report id, channel id) for every destination of the reports `ids`.
pub async fn destinations(db: &Db, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(db.backend(), "select report_id, channel_id from report_destinations");
    let list: Vec<String> = ids.iter().map(|id| sql.arg(Arg::Int(*id))).collect();
    sql.and(&format!("report_id in ({})", list.join(", ")));
    sql.push(" order by report_id, channel_id");
    Ok(on_db!(db, pool => bind_args!(sqlx::query_as(sql.text()), sql).fetch_all(pool).await?))
}

/// Which of the channels `ids` exist.
pub async fn existing_channels(db: &Db, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(db.backend(), "select id from channels");
    let list: Vec<String> = ids.iter().map(|id| sql.arg(Arg::Int(*id))).collect();
    sql.and(&format!("id in ({})", list.join(", ")));
    Ok(on_db!(db, pool => bind_args!(sqlx::query_scalar(sql.text()), sql).fetch_all(pool).await?))
}

/// Inserts a report (a built-in when `builtin` is set), its destinations and
/// its audit record in one transaction; returns the id. A built-in another
/// replica added meanwhile is left as it is (`None`).
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: &Db,
    fields: &Fields,
    schedule: Schedule,
    builtin: Option<&str>,
    created_by: &str,
    at: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<Option<i64>> {
    const INSERT: &str = "insert into reports (name, description, template_id, period, cron, timezone, \
        figures_zone, lang, formats, status, builtin, schedule_from, next_run_at, created_by, created_at, \
        updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)";
    const DESTINATION: &str = "insert into report_destinations (report_id, channel_id) values ($1, $2)";
    // As with templates: the first replica to add a built-in wins, quietly.
    let sql = if builtin.is_some() {
        format!("{INSERT} on conflict do nothing returning id")
    } else {
        format!("{INSERT} returning id")
    };
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar(&sql)
            .bind(&fields.name)
            .bind(&fields.description)
            .bind(fields.template_id)
            .bind(&fields.period)
            .bind(&fields.cron)
            .bind(&fields.timezone)
            .bind(&fields.figures_zone)
            .bind(&fields.lang)
            .bind(&fields.formats)
            .bind(&fields.status)
            .bind(builtin)
            .bind(schedule.schedule_from.unwrap_or(at))
            .bind(schedule.next_run_at)
            .bind(created_by)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else { return Ok(None) };
        for channel in &fields.destinations {
            sqlx::query(DESTINATION).bind(id).bind(channel).execute(&mut *tx).await?;
        }
        let target = format!("report:{id}");
        let entry = audit::NewEntry { target: Some(&target), ..entry.clone() };
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(Some(id))
    })
}

/// Replaces a report's fields, destinations and schedule and appends `entry`,
/// in one transaction; false when there is no such report (nothing is written then).
pub async fn update(
    db: &Db,
    id: i64,
    fields: &Fields,
    schedule: Schedule,
    at: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<bool> {
    const UPDATE: &str = "update reports set name = $2, description = $3, template_id = $4, period = $5, \
        cron = $6, timezone = $7, figures_zone = $8, lang = $9, formats = $10, status = $11, \
        schedule_from = coalesce($12, schedule_from), next_run_at = $13, updated_at = $14 where id = $1";
    const CLEAR: &str = "delete from report_destinations where report_id = $1";
    const DESTINATION: &str = "insert into report_destinations (report_id, channel_id) values ($1, $2)";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(UPDATE)
            .bind(id)
            .bind(&fields.name)
            .bind(&fields.description)
            .bind(fields.template_id)
            .bind(&fields.period)
            .bind(&fields.cron)
            .bind(&fields.timezone)
            .bind(&fields.figures_zone)
            .bind(&fields.lang)
            .bind(&fields.formats)
            .bind(&fields.status)
            .bind(schedule.schedule_from)
            .bind(schedule.next_run_at)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        sqlx::query(CLEAR).bind(id).execute(&mut *tx).await?;
        for channel in &fields.destinations {
            sqlx::query(DESTINATION).bind(id).bind(channel).execute(&mut *tx).await?;
        }
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(true)
    })
}

/// Sets a report's status and schedule and appends `entry`, in one
/// transaction, if its status is not `status` already; false otherwise
/// (nothing is written then).
pub async fn set_status(
    db: &Db,
    id: i64,
    status: &str,
    schedule: Schedule,
    at: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<bool> {
    const UPDATE: &str = "update reports set status = $2, schedule_from = coalesce($3, schedule_from), \
        next_run_at = $4, updated_at = $5 where id = $1 and status <> $2";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(UPDATE)
            .bind(id)
            .bind(status)
            .bind(schedule.schedule_from)
            .bind(schedule.next_run_at)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            audit::append!(tx, at, entry);
            tx.commit().await?;
        }
        Ok(n > 0)
    })
}

/// Deletes a report with its runs, outputs, destinations and its runs'
/// deliveries, and appends `entry`, in one transaction; false when there is no
/// such report.
pub async fn delete(db: &Db, id: i64, at: Ts, entry: &audit::NewEntry<'_>) -> Result<bool> {
    // Deliveries name their run without a foreign key (they serve alerts too).
    const DELIVERIES: &str = "delete from deliveries where subject_kind = 'report_run' \
        and subject_id in (select id from report_runs where report_id = $1)";
    const DELETE: &str = "delete from reports where id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(DELIVERIES).bind(id).execute(&mut *tx).await?;
        let n = sqlx::query(DELETE).bind(id).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Ok(false);
        }
        audit::append!(tx, at, entry);
        tx.commit().await?;
        Ok(true)
    })
}

/// An active report whose next slot has come.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Due {
    /// Its id.
    pub id: i64,
    /// The cron pattern.
    pub cron: String,
    /// The IANA zone.
    pub timezone: String,
    /// No slot at or before it runs.
    pub schedule_from: Ts,
    /// The newest slot claimed.
    pub last_slot_at: Option<Ts>,
}

/// Up to `limit` active reports whose next run is at or before `now`, the
/// longest waiting first.
pub async fn due(db: &Db, now: Ts, limit: i64) -> Result<Vec<Due>> {
    const SQL: &str = "select id, cron, timezone, schedule_from, last_slot_at from reports \
        where status = 'active' and next_run_at <= $1 order by next_run_at, id limit $2";
    Ok(on_db!(db, pool => sqlx::query_as(SQL).bind(now).bind(limit).fetch_all(pool).await?))
}

/// Moves an active report's next run to `next` if it is still due at `now`
/// (a slot that only passed, with nothing to claim); false when it is not.
pub async fn set_next_run(db: &Db, id: i64, next: Option<Ts>, now: Ts) -> Result<bool> {
    const SQL: &str = "update reports set next_run_at = $2 where id = $1 and status = 'active' and next_run_at <= $3";
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(SQL).bind(id).bind(next).bind(now).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(n > 0)
    })
}
