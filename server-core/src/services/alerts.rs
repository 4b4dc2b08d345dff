//! Alert rules (SPEC §5.14): list, create, edit, delete, silence and test
//! them, the history of their state changes, and the four built-in rules.
//! Viewers read; editors write. Every bad field is named, all at once.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};

use crate::alerts::evaluator;
use crate::alerts::figures;
use crate::auth::Caller;
use crate::db::alert_rules::{self, AlertRuleRow, Fields};
use crate::db::select::KeyValue;
use crate::db::{alert_events, audit as audit_db, reports, Ts};
use crate::error::{AppError, FieldError, Result};
use crate::model::{
    alert_default_window, alert_has_no_data, alert_has_previous, AlertEvent, AlertPage, AlertQuery, AlertRule,
    AlertRuleInput, AlertRuleList, AlertTest, PageMeta, Role, SilenceInput, ALERT_CONDITIONS, ALERT_INTERVAL_SECONDS,
    ALERT_METRICS, ALERT_SEVERITIES, ALERT_SPARKLINE_POINTS, MAX_ALERT_MESSAGE, MAX_ALERT_WAIT_SECONDS,
    MAX_ALERT_WINDOW_MINUTES, MAX_DESTINATIONS,
};
use crate::services::audit;
use crate::services::paging::{self, given, one_of, Problems};
use crate::services::templates::{check_description, check_name};
use crate::state::AppState;

/// The longest silence, from now.
const MAX_SILENCE: Duration = Duration::days(30);

/// The longest route filter (`METHOD /path`), in characters.
const MAX_ROUTE: usize = 200;

/// The longest activity type (as ingestion allows).
const MAX_ACTIVITY_TYPE: usize = 50;

fn to_model(row: AlertRuleRow, channels: Vec<i64>, sparkline: Vec<Option<f64>>) -> AlertRule {
    AlertRule {
        id: row.id,
        name: row.fields.name,
        description: row.fields.description,
        metric: row.fields.metric,
        filter: row.fields.filter,
        window_minutes: row.fields.window_minutes,
        condition: row.fields.condition,
        threshold: row.fields.threshold,
        threshold_high: row.fields.threshold_high,
        recovery: row.fields.recovery,
        no_data_minutes: row.fields.no_data_minutes,
        interval_seconds: row.fields.interval_seconds,
        pending_seconds: row.fields.pending_seconds,
        repeat_seconds: row.fields.repeat_seconds,
        severity: row.fields.severity,
        channels,
        message: row.fields.message,
        status: row.fields.status,
        builtin: row.builtin,
        state: row.state,
        state_since: row.state_since.map(|t| t.0),
        silenced_until: row.silenced_until.map(|t| t.0),
        value: row.last_value,
        last_evaluated_at: row.last_evaluated_at.map(|t| t.0),
        sparkline,
        created_by: row.created_by,
        created_at: row.created_at.0,
        updated_at: row.updated_at.0,
    }
}

fn to_event(row: alert_events::AlertEventRow) -> AlertEvent {
    AlertEvent {
        id: row.id,
        rule_id: row.rule_id,
        rule_name: row.rule_name,
        kind: row.kind,
        severity: row.severity,
        value: row.value,
        message: row.message,
        silenced: row.silenced,
        since: row.since.0,
        at: row.at.0,
    }
}

fn not_found() -> AppError {
    AppError::NotFound { what: "alert rule".into() }
}

fn name_taken() -> AppError {
    AppError::Validation {
        message: "the request has invalid fields".into(),
        fields: vec![FieldError { field: "name".into(), message: "is already used by another alert rule".into() }],
    }
}

/// Maps the unique index's conflict on the name (a race with another editor).
fn named(err: AppError) -> AppError {
    match err {
        AppError::Conflict { .. } => name_taken(),
        other => other,
    }
}

/// Whether a rule is firing and not silenced at `now`.
fn loud(rule: &AlertRule, now: DateTime<Utc>) -> bool {
    rule.state == "firing" && rule.status == "active" && rule.silenced_until.is_none_or(|until| until <= now)
}

/// Every rule with its channels and sparkline: firing first, then pending, then by name.
async fn all_rules(state: &AppState) -> Result<Vec<AlertRule>> {
    let (rows, destinations, points) = tokio::try_join!(
        alert_rules::all(&state.db),
        alert_rules::destinations(&state.db),
        alert_rules::sparklines(&state.db, ALERT_SPARKLINE_POINTS as i64),
    )?;
    let mut channels: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (rule, channel) in destinations {
        channels.entry(rule).or_default().push(channel);
    }
    let mut lines: BTreeMap<i64, Vec<Option<f64>>> = BTreeMap::new();
    for (rule, _, value) in points {
        lines.entry(rule).or_default().push(value);
    }
    let mut rules: Vec<AlertRule> = rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            to_model(row, channels.remove(&id).unwrap_or_default(), lines.remove(&id).unwrap_or_default())
        })
        .collect();
    let rank = |r: &AlertRule| match (r.status.as_str(), r.state.as_str()) {
        ("active", "firing") => 0,
        ("active", "pending") => 1,
        _ => 2,
    };
    rules.sort_by_key(|r| (rank(r), r.name.to_lowercase(), r.id));
    Ok(rules)
}

async fn load(state: &AppState, id: i64) -> Result<AlertRule> {
    let row = alert_rules::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    view(state, row).await
}

/// One rule as shown: with its channels and its own sparkline (not every
/// rule's, as [`all_rules`] reads them).
async fn view(state: &AppState, row: AlertRuleRow) -> Result<AlertRule> {
    let (channels, line) = tokio::try_join!(
        alert_rules::channels_of(&state.db, row.id),
        alert_rules::sparkline(&state.db, row.id, ALERT_SPARKLINE_POINTS as i64),
    )?;
    Ok(to_model(row, channels, line))
}

/// Every rule with its state (viewers and above).
pub async fn list(state: &AppState, caller: &Caller) -> Result<AlertRuleList> {
    caller.require(Role::Viewer)?;
    let rules = all_rules(state).await?;
    let now = state.clock.now();
    let firing = rules.iter().filter(|r| loud(r, now)).count() as i64;
    Ok(AlertRuleList { rules, firing })
}

/// How many rules are firing and not silenced (viewers and above): the
/// dashboard header's badge.
pub async fn firing_count(state: &AppState, caller: &Caller) -> Result<i64> {
    caller.require(Role::Viewer)?;
    alert_rules::count_firing(&state.db, Ts::from(state.clock.now())).await
}

/// One rule (viewers and above).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<AlertRule> {
    caller.require(Role::Viewer)?;
    load(state, id).await
}

/// Checks a threshold-like number: finite when given.
fn number(errors: &mut Problems, field: &str, value: Option<f64>) -> Option<f64> {
    match value {
        Some(v) if !v.is_finite() => {
            errors.add(field, "must be a finite number");
            None
        }
        other => other,
    }
}

/// Checks a whole number of seconds or minutes within `range`; `default` when absent.
fn whole(errors: &mut Problems, field: &str, value: Option<i64>, range: (i64, i64), default: i64) -> i64 {
    match value {
        None => default,
        Some(v) if (range.0..=range.1).contains(&v) => v,
        Some(_) => {
            errors.add(field, format!("must be between {} and {}", range.0, range.1));
            default
        }
    }
}

/// Checks every field of `input`; returns the fields to store, or every problem.
async fn validate(state: &AppState, input: &AlertRuleInput) -> Result<Fields> {
    let mut errors = Problems::default();
    let name = check_name(&mut errors, &input.name);
    let description = check_description(&mut errors, &input.description);
    let metric = input.metric.trim().to_owned();
    let known_metric = ALERT_METRICS.contains(&metric.as_str());
    if !known_metric {
        errors.add("metric", format!("must be one of {}", ALERT_METRICS.join(", ")));
    }
    let filter = given(&input.filter).map(str::to_owned);
    match (metric.as_str(), &filter) {
        (_, None) => {}
        ("activities", Some(kind))
            if kind.len() > MAX_ACTIVITY_TYPE
                || !kind.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') =>
        {
            errors.add("filter", "must be an activity type ([a-z0-9_], at most 50 characters)");
        }
        ("activities", Some(_)) => {}
        ("error_rate" | "latency_p95", Some(route)) => {
            let (method, path) = route.split_once(' ').unwrap_or(("", ""));
            if route.chars().count() > MAX_ROUTE || method.is_empty() || !path.starts_with('/') {
                errors.add("filter", "must be a method and a route, like 'GET /api/v1/users'");
            }
        }
        (_, Some(_)) if known_metric => {
            errors.add("filter", "only activities (a type) and error_rate / latency_p95 (a route) take a filter")
        }
        _ => {}
    }
    let window_minutes = match (input.window_minutes, alert_default_window(&metric)) {
        (None, default) => default.filter(|_| known_metric),
        (Some(_), None) if known_metric => {
            errors.add("window_minutes", "this figure is a count now and has no window");
            None
        }
        (Some(w), _) if (1..=MAX_ALERT_WINDOW_MINUTES).contains(&w) => Some(w),
        (Some(_), _) => {
            errors.add("window_minutes", format!("must be between 1 and {MAX_ALERT_WINDOW_MINUTES}"));
            None
        }
    };
    let condition = input.condition.trim().to_owned();
    let threshold = number(&mut errors, "threshold", input.threshold);
    let threshold_high = number(&mut errors, "threshold_high", input.threshold_high);
    let recovery = number(&mut errors, "recovery", input.recovery);
    let mut no_data_minutes = None;
    match condition.as_str() {
        "above" | "below" | "outside" | "change_up" | "change_down" if input.threshold.is_none() => {
            errors.add("threshold", "is required");
        }
        "no_data" => {}
        c if !ALERT_CONDITIONS.contains(&c) => {
            errors.add("condition", format!("must be one of {}", ALERT_CONDITIONS.join(", ")))
        }
        _ => {}
    }
    match (condition.as_str(), threshold) {
        ("above", Some(t)) if recovery.is_some_and(|r| r > t) => {
            errors.add("recovery", "must be at or below the threshold (a rule above a threshold recovers below it)")
        }
        ("below", Some(t)) if recovery.is_some_and(|r| r < t) => {
            errors.add("recovery", "must be at or above the threshold (a rule below a threshold recovers above it)")
        }
        ("change_up" | "change_down", Some(t)) => {
            if t <= 0.0 {
                errors.add("threshold", "must be a percent above 0");
            }
            if recovery.is_some_and(|r| r < 0.0 || r > t) {
                errors.add("recovery", "must be a percent between 0 and the threshold");
            }
            if known_metric && !alert_has_previous(&metric) {
                errors.add("condition", "this figure has no previous period to compare with");
            }
        }
        ("outside", Some(low)) => {
            match threshold_high {
                None if input.threshold_high.is_none() => errors.add("threshold_high", "is required for a band"),
                Some(high) if high <= low => errors.add("threshold_high", "must be above the low end (threshold)"),
                _ => {}
            }
            if recovery.is_some() {
                errors.add("recovery", "a band recovers inside itself; leave it empty");
            }
        }
        ("no_data", _) => {
            no_data_minutes =
                Some(whole(&mut errors, "no_data_minutes", input.no_data_minutes, (1, MAX_ALERT_WINDOW_MINUTES), 0));
            if input.no_data_minutes.is_none() {
                errors.add("no_data_minutes", "is required");
            }
            if known_metric && !alert_has_no_data(&metric) {
                errors.add("condition", "no_data applies to activities and new_signups");
            }
        }
        _ => {}
    }
    if condition != "outside" && input.threshold_high.is_some() {
        errors.add("threshold_high", "only a band (outside) has a high end");
    }
    let (low, high) = ALERT_INTERVAL_SECONDS;
    let interval_seconds = whole(&mut errors, "interval_seconds", input.interval_seconds, (low, high), 60);
    let pending_seconds = whole(&mut errors, "pending_seconds", input.pending_seconds, (0, MAX_ALERT_WAIT_SECONDS), 0);
    let repeat_seconds = whole(&mut errors, "repeat_seconds", input.repeat_seconds, (0, MAX_ALERT_WAIT_SECONDS), 3600);
    let severity = errors.keep("severity", one_of(&input.severity, &ALERT_SEVERITIES)).flatten();
    let status = errors.keep("status", one_of(&input.status, &["active", "paused"])).flatten();
    let message = input.message.as_deref().map(str::trim).unwrap_or_default().to_owned();
    if message.chars().count() > MAX_ALERT_MESSAGE {
        errors.add("message", format!("must be at most {MAX_ALERT_MESSAGE} characters"));
    }
    let channels = check_channels(state, &mut errors, &input.channels).await?;
    errors.finish()?;
    Ok(Fields {
        name,
        description,
        metric,
        filter,
        window_minutes,
        condition,
        threshold,
        threshold_high,
        recovery,
        no_data_minutes,
        interval_seconds,
        pending_seconds,
        repeat_seconds,
        severity: severity.unwrap_or_else(|| "warning".into()),
        message,
        status: status.unwrap_or_else(|| "active".into()),
        channels,
    })
}

/// Checks the channels: up to 10 existing ones; returns them ascending.
async fn check_channels(state: &AppState, errors: &mut Problems, ids: &[i64]) -> Result<Vec<i64>> {
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    if unique.len() > MAX_DESTINATIONS {
        errors.add("channels", format!("at most {MAX_DESTINATIONS} channels"));
        return Ok(Vec::new());
    }
    let wanted: Vec<i64> = unique.into_iter().collect();
    let found: BTreeSet<i64> = reports::existing_channels(&state.db, &wanted).await?.into_iter().collect();
    let missing: Vec<String> = wanted.iter().filter(|id| !found.contains(id)).map(i64::to_string).collect();
    if !missing.is_empty() {
        errors.add("channels", format!("no channel with id {}", missing.join(", ")));
    }
    Ok(wanted)
}

fn details(fields: &Fields) -> serde_json::Value {
    serde_json::json!({ "name": fields.name, "metric": fields.metric, "condition": fields.condition,
        "threshold": fields.threshold, "status": fields.status, "channels": fields.channels })
}

/// Creates a rule (editors and above).
pub async fn create(state: &AppState, caller: &Caller, input: &AlertRuleInput) -> Result<AlertRule> {
    caller.require(Role::Editor)?;
    let fields = validate(state, input).await?;
    if alert_rules::id_by_name(&state.db, &fields.name).await?.is_some() {
        return Err(name_taken());
    }
    if alert_rules::count(&state.db).await? >= alert_rules::MAX_RULES {
        return Err(AppError::BusinessRule {
            message: format!("there are {} alert rules already, the most there may be", alert_rules::MAX_RULES),
        });
    }
    let actor = caller.actor();
    let entry = audit::entry(caller, &actor, "alert_rule.create", None, true, Some(details(&fields)));
    let at = Ts::from(state.clock.now());
    let id = alert_rules::insert(&state.db, &fields, None, &actor, at, &entry)
        .await
        .map_err(named)?
        .ok_or_else(name_taken)?;
    crate::observability::events::created("alert_rule", id);
    load(state, id).await
}

/// Replaces every editable field of a rule (editors and above).
pub async fn update(state: &AppState, caller: &Caller, id: i64, input: &AlertRuleInput) -> Result<AlertRule> {
    caller.require(Role::Editor)?;
    alert_rules::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    let fields = validate(state, input).await?;
    if alert_rules::id_by_name(&state.db, &fields.name).await?.is_some_and(|other| other != id) {
        return Err(name_taken());
    }
    let actor = caller.actor();
    let target = format!("alert_rule:{id}");
    let entry = audit::entry(caller, &actor, "alert_rule.update", Some(&target), true, Some(details(&fields)));
    let at = Ts::from(state.clock.now());
    if !alert_rules::update(&state.db, id, &fields, at, &entry).await.map_err(named)? {
        return Err(not_found());
    }
    crate::observability::events::updated("alert_rule", id, &["configuration"]);
    load(state, id).await
}

/// Deletes a rule with its history (editors and above).
pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<()> {
    caller.require(Role::Editor)?;
    let current = alert_rules::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    let actor = caller.actor();
    let target = format!("alert_rule:{id}");
    let details = serde_json::json!({ "name": current.fields.name });
    let entry = audit::entry(caller, &actor, "alert_rule.delete", Some(&target), true, Some(details));
    if !alert_rules::delete(&state.db, id, Ts::from(state.clock.now()), &entry).await? {
        return Err(not_found());
    }
    crate::observability::events::deleted("alert_rule", id);
    Ok(())
}

/// Silences a rule until a time, or lifts its silence (editors and above).
pub async fn silence(state: &AppState, caller: &Caller, id: i64, input: &SilenceInput) -> Result<AlertRule> {
    caller.require(Role::Editor)?;
    let now = state.clock.now();
    let until = input.until.filter(|until| *until > now);
    if until.is_some_and(|until| until - now > MAX_SILENCE) {
        return Err(AppError::invalid_field("until", "must be at most 30 days ahead"));
    }
    let actor = caller.actor();
    let target = format!("alert_rule:{id}");
    let details = serde_json::json!({ "until": until });
    let action = if until.is_some() { "alert_rule.silence" } else { "alert_rule.unsilence" };
    let entry = audit::entry(caller, &actor, action, Some(&target), true, Some(details));
    if !alert_rules::silence(&state.db, id, until.map(Ts::from), Ts::from(now), &entry).await? {
        return Err(not_found());
    }
    load(state, id).await
}

/// What a rule would do if it were evaluated now, nothing stored or sent
/// (editors and above): a saved rule with `id`, else the draft `input`.
pub async fn test(
    state: &AppState,
    caller: &Caller,
    id: Option<i64>,
    input: Option<&AlertRuleInput>,
) -> Result<AlertTest> {
    caller.require(Role::Editor)?;
    let now = state.clock.now();
    let rule = match (id, input) {
        (Some(id), _) => alert_rules::by_id(&state.db, id).await?.ok_or_else(not_found)?,
        (None, Some(input)) => AlertRuleRow::draft(validate(state, input).await?, Ts::from(now)),
        (None, None) => return Err(AppError::invalid_field("rule", "give a rule id or a draft")),
    };
    let reading = figures::read(&state.db, &evaluator::figure_of(&rule), now).await?;
    let condition = evaluator::condition_of(&rule).map_err(|message| AppError::invalid_field("condition", message))?;
    let compared = condition.compared(reading.value, reading.previous);
    let step =
        evaluator::judge(&rule, reading, now).map_err(|message| AppError::invalid_field("condition", message))?;
    Ok(AlertTest {
        value: reading.value,
        previous: reading.previous,
        breaching: condition.breaches(compared),
        message: evaluator::message_of(&rule, &step, reading.value, now),
        state: step.next.state,
    })
}

/// The cursor after each of `events` (the one order: newest first).
pub fn event_cursors(events: &[AlertEvent]) -> Vec<String> {
    paging::cursors_after(events, &paging::order_key("id", true), |e| (Some(KeyValue::Int(e.id)), e.id))
}

/// The rules firing now and a page of the history, newest first (viewers and above).
pub async fn events(state: &AppState, caller: &Caller, query: &AlertQuery) -> Result<AlertPage> {
    caller.require(Role::Viewer)?;
    let limit = paging::per_page(query.per_page)?;
    let mut errors = Problems::default();
    let order = paging::order_key("id", true);
    let after = errors.keep("cursor", paging::parse_cursor(&query.cursor, &order)).flatten();
    errors.finish()?;
    if let Some(rule_id) = query.rule_id {
        alert_rules::by_id(&state.db, rule_id).await?.ok_or_else(not_found)?;
    }
    let (mut rows, total, firing_rows) = tokio::try_join!(
        alert_events::page(&state.db, query.rule_id, after.as_ref(), limit + 1),
        alert_events::count(&state.db, query.rule_id),
        alert_rules::firing(&state.db),
    )?;
    let next_cursor = paging::next_cursor(&mut rows, limit, &order, |r| (Some(KeyValue::Int(r.id)), r.id));
    // Few rules fire at once: each one's own details beat every rule's.
    let firing = futures::future::try_join_all(firing_rows.into_iter().map(|row| view(state, row))).await?;
    Ok(AlertPage { firing, events: rows.into_iter().map(to_event).collect(), meta: PageMeta { total, next_cursor } })
}

/// The built-in rules: (key, name, metric, window, threshold, pending s, repeat s, severity, description).
#[allow(clippy::type_complexity)]
const BUILTINS: [(&str, &str, &str, i64, f64, i64, i64, &str, &str); 4] = [
    (
        "high_error_rate",
        "HighErrorRate",
        "error_rate",
        5,
        5.0,
        300,
        3600,
        "critical",
        "More than 5 % of requests answered 5xx over 5 minutes, for 5 minutes.",
    ),
    (
        "slow_report_generation",
        "SlowReportGeneration",
        "report_duration_p95",
        10,
        30.0,
        600,
        3600,
        "warning",
        "Reports took more than 30 s to make (p95 over 10 minutes), for 10 minutes.",
    ),
    (
        "db_pool_exhausted",
        "DatabaseConnectionPoolExhausted",
        "db_pool_waiting",
        1,
        10.0,
        300,
        3600,
        "critical",
        "More than 10 database operations waited for a connection, for 5 minutes.",
    ),
    (
        "report_failed",
        "ReportFailed",
        "report_failures",
        5,
        0.0,
        0,
        0,
        "warning",
        "A scheduled or requested report run failed.",
    ),
];

/// Adds the built-in rules that are missing, paused until an editor gives
/// them a channel. Safe to run on every replica at once.
pub async fn ensure_builtins(state: &AppState) -> Result<()> {
    for (key, name, metric, window, threshold, pending, repeat, severity, description) in BUILTINS {
        if alert_rules::builtin_id(&state.db, key).await?.is_some() {
            continue;
        }
        let fields = Fields {
            name: name.into(),
            description: description.into(),
            metric: metric.into(),
            filter: None,
            window_minutes: Some(window),
            condition: "above".into(),
            threshold: Some(threshold),
            threshold_high: None,
            recovery: None,
            no_data_minutes: None,
            interval_seconds: 60,
            pending_seconds: pending,
            repeat_seconds: repeat,
            severity: severity.into(),
            message: String::new(),
            status: "paused".into(),
            channels: Vec::new(),
        };
        let entry =
            audit_db::NewEntry { actor: "system", action: "alert_rule.create", success: true, ..Default::default() };
        let at = Ts::from(state.clock.now());
        // A user's rule may hold the name already: the built-in then waits for it to go.
        if alert_rules::id_by_name(&state.db, name).await?.is_some() {
            continue;
        }
        alert_rules::insert(&state.db, &fields, Some(key), "system", at, &entry).await?;
    }
    Ok(())
}
