//! Alerts (SPEC §5.14): threshold rules over the platform's figures and the
//! service's own health, the state each rule is in, and the history of its
//! state changes. Like reports, a rule is a flat record with the options of
//! every condition as optional fields, so the server can name each bad field.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::PageMeta;

/// The figures a rule can watch, in the editor's order.
pub const ALERT_METRICS: [&str; 11] = [
    "users_online",
    "active_today",
    "new_signups",
    "activities",
    "solve_rate",
    "error_rate",
    "latency_p95",
    "report_failures",
    "report_duration_p95",
    "ingestion_lag",
    "db_pool_waiting",
];

/// The conditions a rule can test, in the editor's order.
pub const ALERT_CONDITIONS: [&str; 6] = ["above", "below", "outside", "change_up", "change_down", "no_data"];

/// How loud a rule is.
pub const ALERT_SEVERITIES: [&str; 3] = ["info", "warning", "critical"];

/// The states a rule is in (`silenced` is shown over them while a silence lasts).
pub const ALERT_STATES: [&str; 3] = ["normal", "pending", "firing"];

/// What happened to a rule, in its history.
pub const ALERT_EVENT_KINDS: [&str; 5] = ["pending", "firing", "repeat", "resolved", "cleared"];

/// The longest rule name, in characters.
pub const MAX_ALERT_NAME: usize = 100;

/// The longest message template, in characters.
pub const MAX_ALERT_MESSAGE: usize = 2_000;

/// The longest window a figure may be measured over, in minutes (a day).
pub const MAX_ALERT_WINDOW_MINUTES: i64 = 1_440;

/// The shortest and longest evaluation interval, in seconds.
pub const ALERT_INTERVAL_SECONDS: (i64, i64) = (10, 86_400);

/// The longest pending period and repeat interval, in seconds (a week).
pub const MAX_ALERT_WAIT_SECONDS: i64 = 604_800;

/// How many of its latest values a rule shows as its sparkline.
pub const ALERT_SPARKLINE_POINTS: usize = 30;

/// The window a metric is measured over when a rule gives none, in minutes;
/// none for the figures that are a state now (`users_online`, `active_today`).
pub fn alert_default_window(metric: &str) -> Option<i64> {
    match metric {
        "users_online" | "active_today" => None,
        "new_signups" | "activities" | "solve_rate" => Some(60),
        "report_failures" | "report_duration_p95" => Some(10),
        _ => Some(5),
    }
}

/// Whether a metric can be compared with its previous period (`change_*`).
pub fn alert_has_previous(metric: &str) -> bool {
    !matches!(metric, "users_online" | "db_pool_waiting" | "ingestion_lag")
}

/// Whether `no_data` applies to a metric: the figures made of recorded events.
pub fn alert_has_no_data(metric: &str) -> bool {
    matches!(metric, "activities" | "new_signups")
}

/// A rule's configuration: what it watches and when it fires.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlertRuleInput {
    /// 1–100 characters, unique ignoring case.
    #[serde(default)]
    pub name: String,
    /// Up to 500 characters.
    #[serde(default)]
    pub description: Option<String>,
    /// The figure (see `ALERT_METRICS`): `users_online`, `active_today`,
    /// `new_signups`, `activities`, `solve_rate` (%), `error_rate` (5xx, %),
    /// `latency_p95` (ms), `report_failures`, `report_duration_p95` (s),
    /// `ingestion_lag` (s) or `db_pool_waiting`.
    #[serde(default)]
    pub metric: String,
    /// `activities`: only this activity type; `error_rate` and `latency_p95`:
    /// only this route (`GET /api/v1/users`). Every one when absent.
    #[serde(default)]
    pub filter: Option<String>,
    /// The window the figure is measured over, in minutes (1–1440). Counts
    /// and rates default to 60 (`activities`, `new_signups`) or 5 (health);
    /// `users_online`, `active_today` and `solve_rate` have none.
    #[serde(default)]
    pub window_minutes: Option<i64>,
    /// `above`, `below`, `outside` (a band), `change_up` / `change_down` (% vs
    /// the previous window or day) or `no_data`.
    #[serde(default)]
    pub condition: String,
    /// The threshold (`outside`: the band's low end; `change_*`: the percent).
    #[serde(default)]
    pub threshold: Option<f64>,
    /// `outside`: the band's high end.
    #[serde(default)]
    pub threshold_high: Option<f64>,
    /// `above`, `below` and `change_*`: a firing rule resolves only once the
    /// value is back past this (default: the threshold), so a value hovering
    /// at the threshold does not flap.
    #[serde(default)]
    pub recovery: Option<f64>,
    /// `no_data`: fire when nothing was recorded for this many minutes (1–1440).
    #[serde(default)]
    pub no_data_minutes: Option<i64>,
    /// How often it is evaluated, in seconds (10–86400; default 60).
    #[serde(default)]
    pub interval_seconds: Option<i64>,
    /// How long the condition must hold before it fires, in seconds (default 0).
    #[serde(default)]
    pub pending_seconds: Option<i64>,
    /// While firing, how often the notification is sent again, in seconds
    /// (default 3600; 0 = never again until it resolves).
    #[serde(default)]
    pub repeat_seconds: Option<i64>,
    /// `info`, `warning` (the default) or `critical`.
    #[serde(default)]
    pub severity: Option<String>,
    /// The channels notified on firing, on repeat and on resolve.
    #[serde(default)]
    pub channels: Vec<i64>,
    /// The notification's text (up to 2,000 characters); `{name}`, `{value}`,
    /// `{threshold}`, `{state}`, `{since}` and `{severity}` are filled in.
    /// The default names the rule, the figure and the threshold.
    #[serde(default)]
    pub message: Option<String>,
    /// `active` (the default) or `paused`.
    #[serde(default)]
    pub status: Option<String>,
}

/// An alert rule with its current state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct AlertRule {
    /// The rule's id.
    pub id: i64,
    /// Its name, unique ignoring case.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// The figure it watches.
    pub metric: String,
    /// The activity type or route it is narrowed to.
    pub filter: Option<String>,
    /// The window its figure is measured over, in minutes.
    pub window_minutes: Option<i64>,
    /// Its condition.
    pub condition: String,
    /// Its threshold (`outside`: the low end).
    pub threshold: Option<f64>,
    /// `outside`: the high end.
    pub threshold_high: Option<f64>,
    /// Where a firing rule resolves.
    pub recovery: Option<f64>,
    /// `no_data`: minutes without data before it fires.
    pub no_data_minutes: Option<i64>,
    /// Seconds between evaluations.
    pub interval_seconds: i64,
    /// Seconds the condition must hold before firing.
    pub pending_seconds: i64,
    /// Seconds between repeated notifications while firing (0: none).
    pub repeat_seconds: i64,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// The channels it notifies.
    pub channels: Vec<i64>,
    /// Its message template.
    pub message: String,
    /// `active` or `paused`.
    pub status: String,
    /// `high_error_rate`, `slow_report_generation`, `db_pool_exhausted` or
    /// `report_failed` for the built-in rules.
    pub builtin: Option<String>,
    /// `normal`, `pending` or `firing`.
    pub state: String,
    /// When it entered that state.
    pub state_since: Option<DateTime<Utc>>,
    /// Notifications are held back until then.
    pub silenced_until: Option<DateTime<Utc>>,
    /// The latest value (absent: no data).
    pub value: Option<f64>,
    /// When it was last evaluated.
    pub last_evaluated_at: Option<DateTime<Utc>>,
    /// Its latest values, oldest first (absent: no data then).
    pub sparkline: Vec<Option<f64>>,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When its configuration last changed.
    pub updated_at: DateTime<Utc>,
}

/// `{ "rule": … }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlertRuleEnvelope {
    /// The rule.
    pub rule: AlertRule,
}

/// Every rule: firing first, then pending, then by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlertRuleList {
    /// The rules.
    pub rules: Vec<AlertRule>,
    /// How many are firing and not silenced (the dashboard's badge).
    pub firing: i64,
}

/// `POST /api/v1/alert-rules/{id}/silence`: hold notifications back until a time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::InputObject))]
pub struct SilenceInput {
    /// Until when (at most 30 days ahead); absent or past lifts the silence.
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
}

/// One change of a rule's state, or a repeated notification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
// GraphQL serves this type inside its own `AlertEvent` (with its relations):
// the name keeps the two apart in async-graphql's registry.
#[cfg_attr(feature = "ssr", graphql(name = "AlertEventFields"))]
pub struct AlertEvent {
    /// The event's id.
    pub id: i64,
    /// The rule's id.
    pub rule_id: i64,
    /// The rule's name.
    pub rule_name: String,
    /// `pending`, `firing`, `repeat`, `resolved` or `cleared` (pending that
    /// never fired).
    pub kind: String,
    /// The rule's severity then.
    pub severity: String,
    /// The value that caused it (absent: no data).
    pub value: Option<f64>,
    /// The message sent (firing, repeat and resolved), or that would have been.
    pub message: String,
    /// Whether a silence held its notification back.
    pub silenced: bool,
    /// When the incident began (its first pending or firing).
    pub since: DateTime<Utc>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// `GET /api/v1/alerts` filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct AlertQuery {
    /// Only this rule's events.
    #[serde(default)]
    pub rule_id: Option<i64>,
    /// Rows per page (1–100, default 50).
    #[serde(default)]
    pub per_page: Option<i64>,
    /// From the previous page's `meta.next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// The rules firing now and a page of the history, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlertPage {
    /// The rules that are firing now (silenced ones included, marked).
    pub firing: Vec<AlertRule>,
    /// The history page.
    pub events: Vec<AlertEvent>,
    /// Paging of `events`.
    pub meta: PageMeta,
}

/// `POST /api/v1/alert-rules/{id}/test` (or a draft's): the rule evaluated
/// now, without changing its state or sending anything.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlertTest {
    /// The value now (absent: no data).
    pub value: Option<f64>,
    /// The value of the previous window or day (`change_*`).
    pub previous: Option<f64>,
    /// Whether the condition holds now.
    pub breaching: bool,
    /// What the rule's state would become.
    pub state: String,
    /// The message a notification would carry.
    pub message: String,
}
