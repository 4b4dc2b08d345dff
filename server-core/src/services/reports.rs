//! Scheduled reports (SPEC §5.10): list, create, edit, pause, resume, clone
//! and delete, the schedule preview, and the two built-in reports. Viewers
//! read; editors write. A report's schedule is a 5-field cron pattern in an
//! IANA time zone; every write that changes when it runs (create, resume, a
//! new pattern or zone) starts the schedule afresh from now, so no change ever
//! makes a run for the past.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::auth::Caller;
use crate::db::reports::{self, Fields, ReportRow, Schedule as Stored};
use crate::db::select::{After, KeyValue};
use crate::db::{audit as audit_db, report_templates, Ts};
use crate::error::{AppError, FieldError, Result};
use crate::model::{
    PageMeta, Period, Report, ReportInput, ReportPage, ReportQuery, Role, SchedulePreview, ScheduleQuery, ScheduleText,
    UpcomingRun, MAX_DESTINATIONS, REPORT_FORMATS,
};
use crate::scheduling::cron::{self, Schedule};
use crate::services::audit;
use crate::services::paging::{self, given, one_of, Problems};
use crate::services::templates::{check_description, check_name, check_period, copy_name};
use crate::state::AppState;

/// The zone a schedule runs in when none is given.
pub const DEFAULT_TIMEZONE: &str = "Asia/Seoul";

/// How many upcoming runs the preview lists.
const PREVIEW_RUNS: usize = 5;

/// The formats this server can make: PDF only when built with the `pdf` feature (the default).
pub fn available_formats() -> &'static [&'static str] {
    if cfg!(feature = "pdf") {
        &["html", "markdown", "csv", "pdf"]
    } else {
        &["html", "markdown", "csv"]
    }
}

/// A stored row as the API shows it (its schedule in words; its destinations given).
fn to_model(row: ReportRow, destinations: Vec<i64>) -> Report {
    let schedule_text = words(&row.cron, &row.timezone);
    let last_run = row.last_run();
    Report {
        id: row.id,
        name: row.name,
        description: row.description,
        template_id: row.template_id,
        template_name: row.template_name,
        period: row.period.and_then(|p| serde_json::from_str::<Period>(&p).ok()),
        cron: row.cron,
        timezone: row.timezone,
        schedule_text,
        figures_zone: row.figures_zone,
        lang: row.lang,
        formats: row.formats.split(',').filter(|f| !f.is_empty()).map(str::to_owned).collect(),
        status: row.status,
        builtin: row.builtin,
        destinations,
        next_run_at: row.next_run_at.map(|t| t.0),
        last_run,
        created_by: row.created_by,
        created_at: row.created_at.0,
        updated_at: row.updated_at.0,
    }
}

/// A stored schedule in words, in both languages (the pattern itself if it no
/// longer parses, which only a hand-edited row can do).
fn words(pattern: &str, timezone: &str) -> ScheduleText {
    match (Schedule::parse(pattern), cron::zone(timezone)) {
        (Ok(schedule), Ok(tz)) => ScheduleText { ko: schedule.describe(tz, true), en: schedule.describe(tz, false) },
        _ => ScheduleText { ko: pattern.to_owned(), en: pattern.to_owned() },
    }
}

/// Rows with their destinations.
async fn with_destinations(state: &AppState, rows: Vec<ReportRow>) -> Result<Vec<Report>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut by_report: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (report, channel) in reports::destinations(&state.db, &ids).await? {
        by_report.entry(report).or_default().push(channel);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let destinations = by_report.remove(&row.id).unwrap_or_default();
            to_model(row, destinations)
        })
        .collect())
}

fn not_found() -> AppError {
    AppError::NotFound { what: "report".into() }
}

fn field_error(field: &str, message: &str) -> AppError {
    AppError::Validation {
        message: "the request has invalid fields".into(),
        fields: vec![FieldError { field: field.into(), message: message.into() }],
    }
}

fn name_taken() -> AppError {
    field_error("name", "is already used by another report")
}

/// Maps the unique index's conflict on the name (a race with another editor)
/// to the same field error the check before it gives.
fn named(err: AppError) -> AppError {
    match err {
        AppError::Conflict { .. } => name_taken(),
        other => other,
    }
}

/// A page of reports by name (viewers and above).
pub async fn list(state: &AppState, caller: &Caller, query: &ReportQuery) -> Result<ReportPage> {
    caller.require(Role::Viewer)?;
    let limit = paging::per_page(query.per_page)?;
    let mut errors = Problems::default();
    let status = errors.keep("status", one_of(&query.status, &["active", "paused"])).flatten();
    let order = paging::order_key("name", false);
    let after = errors.keep("cursor", paging::parse_cursor(&query.cursor, &order)).flatten();
    errors.finish()?;
    let (mut rows, total) = tokio::try_join!(
        reports::page(&state.db, status.as_deref(), after.as_ref(), limit + 1),
        reports::count(&state.db, status.as_deref()),
    )?;
    let next_cursor = paging::next_cursor(&mut rows, limit, &order, |r| (Some(KeyValue::Text(r.name.clone())), r.id));
    Ok(ReportPage { reports: with_destinations(state, rows).await?, meta: PageMeta { total, next_cursor } })
}

/// The cursor after each of `reports` (the one order: by name).
pub fn cursors(reports: &[Report]) -> Vec<String> {
    paging::cursors_after(reports, &paging::order_key("name", false), |r| (Some(KeyValue::Text(r.name.clone())), r.id))
}

/// One report (viewers and above).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<Report> {
    caller.require(Role::Viewer)?;
    load(state, id).await
}

async fn load(state: &AppState, id: i64) -> Result<Report> {
    let row = reports::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    Ok(with_destinations(state, vec![row]).await?.remove(0))
}

/// What a cron pattern means in a zone: the next runs and its words (viewers
/// and above). A bad pattern or zone is a 400 naming `cron` or `timezone`.
pub async fn preview(state: &AppState, caller: &Caller, query: &ScheduleQuery) -> Result<SchedulePreview> {
    caller.require(Role::Viewer)?;
    let now = state.clock.now();
    let mut errors = Problems::default();
    let tz = errors.keep("timezone", cron::zone(given(&query.timezone).unwrap_or(DEFAULT_TIMEZONE)));
    let schedule = match tz {
        Some(tz) => errors.keep("cron", Schedule::parse_checked(&query.cron, tz, now)),
        // The zone is wrong: the pattern can still be checked on its own.
        None => errors.keep("cron", Schedule::parse(&query.cron)),
    };
    errors.finish()?;
    let (Some(tz), Some(schedule)) = (tz, schedule) else { return Err(AppError::Internal) };
    Ok(SchedulePreview {
        cron: schedule.pattern().to_owned(),
        timezone: tz.name().to_owned(),
        next: schedule
            .preview(tz, now, PREVIEW_RUNS)
            .into_iter()
            .map(|o| UpcomingRun { at: o.at, local: o.local, note: o.note })
            .collect(),
        text: ScheduleText { ko: schedule.describe(tz, true), en: schedule.describe(tz, false) },
    })
}

/// A report's fields, checked, with its parsed schedule.
struct Checked {
    fields: Fields,
    schedule: Schedule,
    tz: chrono_tz::Tz,
}

/// Checks every field of a report; all the invalid ones are reported together.
async fn validate(state: &AppState, input: &ReportInput, now: DateTime<Utc>) -> Result<Checked> {
    let mut errors = Problems::default();
    let name = check_name(&mut errors, &input.name);
    let description = check_description(&mut errors, &input.description);
    let template_id = match input.template_id {
        None => {
            errors.add("template_id", "is required");
            None
        }
        Some(id) => match report_templates::by_id(&state.db, id).await? {
            Some(_) => Some(id),
            None => {
                errors.add("template_id", format!("template {id} does not exist"));
                None
            }
        },
    };
    let period = input.period.as_ref().map(|p| check_period(&mut errors, "period", p));
    let timezone = given(&input.timezone).unwrap_or(DEFAULT_TIMEZONE);
    let tz = errors.keep("timezone", cron::zone(timezone));
    let schedule = match tz {
        Some(tz) => errors.keep("cron", Schedule::parse_checked(&input.cron, tz, now)),
        // The zone is wrong: the pattern can still be checked on its own.
        None => errors.keep("cron", Schedule::parse(&input.cron)),
    };
    let figures_zone = errors.keep("figures_zone", one_of(&input.figures_zone, &["kst", "utc"])).flatten();
    let lang = errors.keep("lang", one_of(&input.lang, &["ko", "en"])).flatten();
    let formats = check_formats(&mut errors, input.formats.as_deref());
    let status = errors.keep("status", one_of(&input.status, &["active", "paused"])).flatten();
    let destinations = check_destinations(state, &mut errors, &input.destinations).await?;
    if status.as_deref() == Some("active") && input.destinations.is_empty() {
        errors.add("destinations", "an active report needs at least one destination: add a channel or pause it");
    }
    errors.finish()?;
    let (Some(template_id), Some(tz), Some(schedule)) = (template_id, tz, schedule) else {
        return Err(AppError::Internal);
    };
    Ok(Checked {
        fields: Fields {
            name,
            description,
            template_id,
            period: period.map(|p| serde_json::to_string(&p)).transpose().map_err(|_| AppError::Internal)?,
            cron: schedule.pattern().to_owned(),
            timezone: tz.name().to_owned(),
            figures_zone: figures_zone.unwrap_or_else(|| "kst".into()),
            lang: lang.unwrap_or_else(|| "ko".into()),
            formats,
            status: status.unwrap_or_else(|| "paused".into()),
            destinations,
        },
        schedule,
        tz,
    })
}

/// Checks the formats: a non-empty set of the ones this server makes
/// (`html` when absent), in the canonical order, joined by commas.
fn check_formats(errors: &mut Problems, formats: Option<&[String]>) -> String {
    let Some(formats) = formats else { return "html".into() };
    if formats.is_empty() {
        errors.add("formats", "choose at least one format");
    }
    for format in formats {
        if format == "pdf" && !available_formats().contains(&"pdf") {
            errors.add("formats", "this server was built without PDF support");
        } else if !REPORT_FORMATS.contains(&format.as_str()) {
            errors.add("formats", format!("'{format}' is not one of {}", available_formats().join(", ")));
        }
    }
    REPORT_FORMATS.iter().filter(|f| formats.iter().any(|g| g == *f)).copied().collect::<Vec<_>>().join(",")
}

/// Checks the destinations: up to 10 existing channels; returns them ascending.
async fn check_destinations(state: &AppState, errors: &mut Problems, ids: &[i64]) -> Result<Vec<i64>> {
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    if unique.len() > MAX_DESTINATIONS {
        errors.add("destinations", format!("at most {MAX_DESTINATIONS} destinations"));
        return Ok(Vec::new());
    }
    let wanted: Vec<i64> = unique.into_iter().collect();
    let found: BTreeSet<i64> = reports::existing_channels(&state.db, &wanted).await?.into_iter().collect();
    let missing: Vec<String> = wanted.iter().filter(|id| !found.contains(id)).map(i64::to_string).collect();
    if !missing.is_empty() {
        errors.add("destinations", format!("no channel with id {}", missing.join(", ")));
    }
    Ok(wanted)
}

fn next_run(schedule: &Schedule, tz: chrono_tz::Tz, active: bool, after: Ts) -> Option<Ts> {
    active.then(|| schedule.next_after(tz, after.0)).flatten().map(Ts::from)
}

/// Creates a report (editors and above).
pub async fn create(state: &AppState, caller: &Caller, input: &ReportInput) -> Result<Report> {
    caller.require(Role::Editor)?;
    let now = state.clock.now();
    let checked = validate(state, input, now).await?;
    if reports::id_by_name(&state.db, &checked.fields.name).await?.is_some() {
        return Err(name_taken());
    }
    let at = Ts::from(now);
    let stored = Stored {
        schedule_from: Some(at),
        next_run_at: next_run(&checked.schedule, checked.tz, checked.fields.status == "active", at),
    };
    let actor = caller.actor();
    let details = serde_json::json!({ "name": checked.fields.name, "cron": checked.fields.cron,
        "timezone": checked.fields.timezone, "status": checked.fields.status });
    let entry = audit::entry(caller, &actor, "report.create", None, true, Some(details));
    let id = reports::insert(&state.db, &checked.fields, stored, None, &actor, at, &entry)
        .await
        .map_err(named)?
        .ok_or_else(name_taken)?;
    crate::observability::events::created("report", id);
    load(state, id).await
}

/// Replaces every editable field of a report (editors and above). A new
/// pattern, zone or a resume starts the schedule afresh from now.
pub async fn update(state: &AppState, caller: &Caller, id: i64, input: &ReportInput) -> Result<Report> {
    caller.require(Role::Editor)?;
    let current = reports::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    let now = state.clock.now();
    let mut input = input.clone();
    // Absent status keeps the report's own.
    if given(&input.status).is_none() {
        input.status = Some(current.status.clone());
    }
    let checked = validate(state, &input, now).await?;
    if reports::id_by_name(&state.db, &checked.fields.name).await?.is_some_and(|other| other != id) {
        return Err(name_taken());
    }
    let at = Ts::from(now);
    let restarts = checked.fields.cron != current.cron
        || checked.fields.timezone != current.timezone
        || (checked.fields.status == "active" && current.status != "active");
    let active = checked.fields.status == "active";
    // An unchanged schedule keeps its next slot, even one already due that no
    // scheduler has claimed yet; a changed one starts from now.
    let stored = if restarts {
        Stored { schedule_from: Some(at), next_run_at: next_run(&checked.schedule, checked.tz, active, at) }
    } else {
        Stored { schedule_from: None, next_run_at: if active { current.next_run_at } else { None } }
    };
    let changed: Vec<&str> = [
        ("name", checked.fields.name != current.name),
        ("description", checked.fields.description != current.description),
        ("template_id", checked.fields.template_id != current.template_id),
        ("period", checked.fields.period != current.period),
        ("cron", checked.fields.cron != current.cron),
        ("timezone", checked.fields.timezone != current.timezone),
        ("figures_zone", checked.fields.figures_zone != current.figures_zone),
        ("lang", checked.fields.lang != current.lang),
        ("formats", checked.fields.formats != current.formats),
        ("status", checked.fields.status != current.status),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect();
    let actor = caller.actor();
    let target = format!("report:{id}");
    let details = serde_json::json!({ "changed": changed, "destinations": checked.fields.destinations });
    let entry = audit::entry(caller, &actor, "report.update", Some(&target), true, Some(details));
    if !reports::update(&state.db, id, &checked.fields, stored, at, &entry).await.map_err(named)? {
        return Err(not_found());
    }
    crate::observability::events::updated("report", id, &changed);
    load(state, id).await
}

/// Pauses (`active = false`) or resumes a report (editors and above). A
/// report resumes only with a destination, and from now: slots missed while
/// it was paused never run.
pub async fn set_active(state: &AppState, caller: &Caller, id: i64, active: bool) -> Result<Report> {
    caller.require(Role::Editor)?;
    let current = load(state, id).await?;
    let status = if active { "active" } else { "paused" };
    if current.status == status {
        return Ok(current);
    }
    let at = Ts::from(state.clock.now());
    let stored = if active {
        if current.destinations.is_empty() {
            return Err(field_error(
                "destinations",
                "an active report needs at least one destination: add a channel first",
            ));
        }
        let schedule = Schedule::parse(&current.cron).map_err(|m| field_error("cron", &m))?;
        let tz = cron::zone(&current.timezone).map_err(|m| field_error("timezone", &m))?;
        Stored { schedule_from: Some(at), next_run_at: next_run(&schedule, tz, true, at) }
    } else {
        Stored { schedule_from: None, next_run_at: None }
    };
    let actor = caller.actor();
    let target = format!("report:{id}");
    let action = if active { "report.resume" } else { "report.pause" };
    let entry = audit::entry(caller, &actor, action, Some(&target), true, None);
    reports::set_status(&state.db, id, status, stored, at, &entry).await?;
    crate::observability::events::updated("report", id, &["status"]);
    load(state, id).await
}

/// Copies a report under a free "(copy)" name, paused (editors and above).
pub async fn clone(state: &AppState, caller: &Caller, id: i64) -> Result<Report> {
    caller.require(Role::Editor)?;
    let source = load(state, id).await?;
    let mut taken = BTreeSet::new();
    let mut after: Option<After> = None;
    // Names are unique ignoring case; read them all (reports are few) a page at a time.
    loop {
        let page = reports::page(&state.db, None, after.as_ref(), 500).await?;
        let Some(last) = page.last() else { break };
        after = Some(After { value: Some(KeyValue::Text(last.name.clone())), id: last.id });
        let full = page.len() < 500;
        taken.extend(page.into_iter().map(|r| r.name.to_lowercase()));
        if full {
            break;
        }
    }
    let input = ReportInput {
        name: copy_name(&source.name, |n| taken.contains(&n.to_lowercase())),
        description: Some(source.description),
        template_id: Some(source.template_id),
        period: source.period,
        cron: source.cron,
        timezone: Some(source.timezone),
        figures_zone: Some(source.figures_zone),
        lang: Some(source.lang),
        formats: Some(source.formats),
        destinations: source.destinations,
        status: Some("paused".into()),
    };
    create(state, caller, &input).await
}

/// Deletes a report with its runs and outputs (editors and above). The
/// built-in reports can be paused but not deleted: they would come back at
/// the next start.
pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<()> {
    caller.require(Role::Editor)?;
    let current = reports::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    if current.builtin.is_some() {
        return Err(AppError::BusinessRule { message: "built-in reports cannot be deleted: pause it instead".into() });
    }
    let actor = caller.actor();
    let target = format!("report:{id}");
    let details = serde_json::json!({ "name": current.name });
    let entry = audit::entry(caller, &actor, "report.delete", Some(&target), true, Some(details));
    if !reports::delete(&state.db, id, Ts::from(state.clock.now()), &entry).await? {
        return Err(not_found());
    }
    crate::observability::events::deleted("report", id);
    Ok(())
}

/// Adds the built-in templates and reports that are missing ("daily report"
/// on weekdays at 10:00 and "weekly summary" on Mondays at 09:00, in
/// Asia/Seoul), paused until an editor gives them a destination. Safe to run
/// on every replica at once.
pub async fn ensure_builtins(state: &AppState) -> Result<()> {
    let templates = crate::services::templates::ensure_builtins(state).await?;
    let specs = [
        ("daily", "Daily report", "0 10 * * 1-5", "html,csv"),
        ("weekly", "Weekly summary", "0 9 * * 1", "html,markdown,csv"),
    ];
    for (key, name, pattern, formats) in specs {
        let Some(template_id) = templates.iter().find(|(k, _)| *k == key).map(|(_, id)| *id) else { continue };
        if reports::builtin_id(&state.db, key).await?.is_some() {
            continue;
        }
        let fields = Fields {
            name: name.into(),
            description: String::new(),
            template_id,
            period: None,
            cron: pattern.into(),
            timezone: DEFAULT_TIMEZONE.into(),
            figures_zone: "kst".into(),
            lang: "ko".into(),
            formats: formats.into(),
            status: "paused".into(),
            destinations: Vec::new(),
        };
        let entry =
            audit_db::NewEntry { actor: "system", action: "report.create", success: true, ..Default::default() };
        let at = Ts::from(state.clock.now());
        let stored = Stored { schedule_from: Some(at), next_run_at: None };
        reports::insert(&state.db, &fields, stored, Some(key), "system", at, &entry).await?;
    }
    Ok(())
}
