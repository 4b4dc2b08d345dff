//! Scheduled reports (SPEC §5.10): templates made of sections, the period a
//! report covers, reports with their cron schedule, and what the editors send.
//! Sections and periods are flat records with the options of every kind as
//! optional fields: a form edits them field by field, and the server names
//! each bad field (`sections[2].limit`) instead of failing on the JSON shape.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::PageMeta;

/// The kinds of section a template can hold, in the editor's order.
pub const SECTION_KINDS: [&str; 7] =
    ["stat_summary", "chart", "top_countries", "problem_bank", "comparison", "anomalies", "text"];

/// The dashboard charts a `chart` section can show.
pub const REPORT_CHARTS: [&str; 5] = ["user_growth", "users_by_type", "activity", "heatmap", "problems"];

/// The figures a `comparison` section can compare.
pub const COMPARISON_METRICS: [&str; 4] = ["new_users", "active_users", "activities", "new_problems"];

/// The kinds of period a report can cover.
pub const PERIOD_KINDS: [&str; 6] = ["yesterday", "last_7_days", "last_week", "last_month", "last_n_days", "fixed"];

/// The output formats, in the order they are made.
pub const REPORT_FORMATS: [&str; 4] = ["html", "markdown", "csv", "pdf"];

/// Template categories.
pub const TEMPLATE_CATEGORIES: [&str; 4] = ["daily", "weekly", "monthly", "custom"];

/// The longest template or report name, in characters.
pub const MAX_REPORT_NAME: usize = 100;

/// The longest description, in characters.
pub const MAX_REPORT_DESCRIPTION: usize = 500;

/// The most sections a template may have.
pub const MAX_SECTIONS: usize = 30;

/// The longest free text of a `text` section, in characters.
pub const MAX_SECTION_TEXT: usize = 10_000;

/// The longest period a report may cover, in days.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// The most destinations one report may have.
pub const MAX_DESTINATIONS: usize = 10;

/// One section of a template. `kind` says which; only that kind's options are
/// read (and kept), the rest are dropped when the template is saved.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "ssr", graphql(input_name = "SectionInput"))]
pub struct Section {
    /// `stat_summary`, `chart`, `top_countries`, `problem_bank`, `comparison`,
    /// `anomalies` or `text`.
    #[serde(default)]
    pub kind: String,
    /// `chart`: `user_growth`, `users_by_type`, `activity`, `heatmap` or `problems`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    /// `top_countries` (1–50, default 10) and `problem_bank` (1–20, default 5):
    /// how many rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// `comparison`: which figures (`new_users`, `active_users`, `activities`,
    /// `new_problems`); all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<String>>,
    /// `anomalies`: how many days before the period make the baseline (7–90, default 28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookback_days: Option<i64>,
    /// `anomalies`: how many standard deviations count as unusual (1.5–10, default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_z: Option<f64>,
    /// `text`: a heading (up to 100 characters); any section may carry one to
    /// replace its default heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `text`: the paragraphs (plain text, up to 10,000 characters; lines
    /// starting with `- ` are bullets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// The days a report covers, resolved when it runs against the time of its
/// slot (or of the request, for run now).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "ssr", graphql(input_name = "PeriodInput"))]
pub struct Period {
    /// `yesterday`, `last_7_days` (ending yesterday), `last_week` (Monday to
    /// Sunday), `last_month`, `last_n_days` or `fixed`.
    #[serde(default)]
    pub kind: String,
    /// `last_n_days`: how many days (1–366), ending yesterday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    /// `fixed`: the first day, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `fixed`: the last day (included), `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// A report template: what a report contains, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct Template {
    /// The template's id.
    pub id: i64,
    /// Its name, unique ignoring case.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// `daily`, `weekly`, `monthly` or `custom`.
    pub category: String,
    /// The period reports made from it cover unless they say otherwise.
    pub period: Period,
    /// Its sections, in order.
    pub sections: Vec<Section>,
    /// `daily` or `weekly` for the two built-in templates, which are read-only
    /// (clone them to change them).
    pub builtin: Option<String>,
    /// How many reports use it (a template in use cannot be deleted).
    pub reports: i64,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// `{ "template": … }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TemplateEnvelope {
    /// The template.
    pub template: Template,
}

/// Every template, built-ins first, then by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TemplateList {
    /// The templates.
    pub templates: Vec<Template>,
}

/// A new template, or every editable field of an existing one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::InputObject))]
pub struct TemplateInput {
    /// 1–100 characters, unique ignoring case.
    #[serde(default)]
    pub name: String,
    /// Up to 500 characters.
    #[serde(default)]
    pub description: Option<String>,
    /// `daily`, `weekly`, `monthly` or `custom` (the default).
    #[serde(default)]
    pub category: Option<String>,
    /// The default period (`last_7_days` when absent).
    #[serde(default)]
    pub period: Option<Period>,
    /// 1–30 sections, in order.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", graphql(default))]
    pub sections: Vec<Section>,
}

/// A report's cron schedule in words, in both languages the UI speaks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct ScheduleText {
    /// Korean ("평일 10:00 (KST)").
    pub ko: String,
    /// English ("weekdays at 10:00 (KST)").
    pub en: String,
}

/// One upcoming run of a schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UpcomingRun {
    /// When, in UTC.
    pub at: DateTime<Utc>,
    /// When, on the clock of the schedule's time zone ("2026-12-07 10:00 (Mon)").
    pub local: String,
    /// Set when a daylight-saving change moves or merges this run.
    pub note: Option<String>,
}

/// What a cron pattern means in a time zone: its next runs and its words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SchedulePreview {
    /// The pattern, normalised (single spaces).
    pub cron: String,
    /// The IANA time zone.
    pub timezone: String,
    /// The next five runs.
    pub next: Vec<UpcomingRun>,
    /// The schedule in words.
    pub text: ScheduleText,
}

/// The latest run of a report, as its list row shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct RunSummary {
    /// The run's id.
    pub id: i64,
    /// `pending`, `running`, `completed` or `failed`.
    pub status: String,
    /// `schedule`, `manual` or `api`.
    pub trigger: String,
    /// When it was claimed or requested.
    pub created_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
}

/// A scheduled report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
// GraphQL serves this type inside its own `Report` (with its relations):
// the name keeps the two apart in async-graphql's registry.
#[cfg_attr(feature = "ssr", graphql(name = "ReportFields"))]
pub struct Report {
    /// The report's id.
    pub id: i64,
    /// Its name, unique ignoring case.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// The template it is made from.
    pub template_id: i64,
    /// That template's name.
    pub template_name: String,
    /// The period it covers, when it overrides the template's.
    pub period: Option<Period>,
    /// The 5-field cron pattern (minute hour day-of-month month day-of-week).
    pub cron: String,
    /// The IANA time zone the pattern runs in.
    pub timezone: String,
    /// The schedule in words.
    pub schedule_text: ScheduleText,
    /// `kst` or `utc`: the zone its days and hours are counted in.
    pub figures_zone: String,
    /// `ko` or `en`: the language of its outputs.
    pub lang: String,
    /// Which outputs each run makes (`html`, `markdown`, `csv`, `pdf`).
    pub formats: Vec<String>,
    /// `active` or `paused`.
    pub status: String,
    /// `daily` or `weekly` for the two built-in reports.
    pub builtin: Option<String>,
    /// The channels each run is delivered to.
    pub destinations: Vec<i64>,
    /// The next scheduled run; absent while paused.
    pub next_run_at: Option<DateTime<Utc>>,
    /// The latest run, if any.
    pub last_run: Option<RunSummary>,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// `{ "report": … }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportEnvelope {
    /// The report.
    pub report: Report,
}

/// A page of reports, by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportPage {
    /// The reports on this page.
    pub reports: Vec<Report>,
    /// Total and cursor.
    pub meta: PageMeta,
}

/// A new report, or every editable field of an existing one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::InputObject))]
pub struct ReportInput {
    /// 1–100 characters, unique ignoring case.
    #[serde(default)]
    pub name: String,
    /// Up to 500 characters.
    #[serde(default)]
    pub description: Option<String>,
    /// The template.
    #[serde(default)]
    pub template_id: Option<i64>,
    /// Overrides the template's period; absent or null keeps the template's.
    #[serde(default)]
    pub period: Option<Period>,
    /// A 5-field cron pattern, at most every 15 minutes.
    #[serde(default)]
    pub cron: String,
    /// An IANA time zone (`Asia/Seoul` when absent).
    #[serde(default)]
    pub timezone: Option<String>,
    /// `kst` (the default) or `utc`.
    #[serde(default)]
    pub figures_zone: Option<String>,
    /// `ko` (the default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// One or more of `html`, `markdown`, `csv`, `pdf` (`["html"]` when absent).
    #[serde(default)]
    pub formats: Option<Vec<String>>,
    /// Channel ids, up to 10.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", graphql(default))]
    pub destinations: Vec<i64>,
    /// `active` or `paused` (the default for new reports); an active report
    /// needs a destination.
    #[serde(default)]
    pub status: Option<String>,
}

/// Which reports to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ReportQuery {
    /// `active` or `paused`.
    #[serde(default)]
    pub status: Option<String>,
    /// Rows per page (1–100, default 50).
    #[serde(default)]
    pub per_page: Option<i64>,
    /// From the previous page's `meta.next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// What the schedule preview is asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ScheduleQuery {
    /// The cron pattern.
    #[serde(default)]
    pub cron: String,
    /// The IANA time zone (`Asia/Seoul` when absent).
    #[serde(default)]
    pub timezone: Option<String>,
}

/// One file a run made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct OutputMeta {
    /// `html`, `markdown`, `csv` or `pdf`.
    pub format: String,
    /// Its media type.
    pub content_type: String,
    /// Its file name.
    pub filename: String,
    /// Its size.
    pub size_bytes: i64,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Where to get it (signed in): `/api/v1/runs/{id}/outputs/{format}`.
    pub url: String,
}

/// One run of a report: scheduled, run now, or asked for over the API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct Run {
    /// The run's id (also the job id of `X-Job-Id`).
    pub id: i64,
    /// Its report.
    pub report_id: i64,
    /// The report's name when the run was made.
    pub report_name: String,
    /// The schedule's slot it is for (scheduled runs only).
    pub slot_at: Option<DateTime<Utc>>,
    /// `schedule`, `manual` or `api`.
    pub trigger: String,
    /// Who asked for it (`scheduler` for scheduled runs).
    pub requested_by: String,
    /// `pending`, `running`, `completed` or `failed`.
    pub status: String,
    /// 0–100.
    pub progress: i64,
    /// What it is doing (`figures`, `html`, …).
    pub stage: Option<String>,
    /// How many workers have held it (more than one after a takeover).
    pub attempt: i64,
    /// The trace id of its log lines (`trace_id=` in the JSON logs).
    pub trace_id: String,
    /// What happened on the way: lateness, skipped slots, a takeover.
    pub note: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// When it was claimed or asked for.
    pub created_at: DateTime<Utc>,
    /// When a worker first took it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// From start to end.
    pub duration_ms: Option<i64>,
    /// The files it made.
    pub outputs: Vec<OutputMeta>,
}

/// `{ "run": … }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunEnvelope {
    /// The run.
    pub run: Run,
}

/// A page of runs, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunPage {
    /// The runs on this page.
    pub runs: Vec<Run>,
    /// Total and cursor.
    pub meta: PageMeta,
}

/// Which runs to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct RunQuery {
    /// `pending`, `running`, `completed` or `failed`.
    #[serde(default)]
    pub status: Option<String>,
    /// Rows per page (1–100, default 50).
    #[serde(default)]
    pub per_page: Option<i64>,
    /// From the previous page's `meta.next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Where a report stands: its schedule and its runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportStatus {
    /// The report.
    pub report_id: i64,
    /// `active` or `paused`.
    pub status: String,
    /// The next scheduled run.
    pub next_run_at: Option<DateTime<Utc>>,
    /// The latest run.
    pub last_run: Option<RunSummary>,
    /// Runs pending or running.
    pub open_runs: i64,
}

/// A run's progress as the live stream sends it (`event: report_run`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunProgress {
    /// The run.
    pub run_id: i64,
    /// Its report.
    pub report_id: i64,
    /// `pending`, `running`, `completed` or `failed`.
    pub status: String,
    /// 0–100.
    pub progress: i64,
    /// What it is doing.
    pub stage: Option<String>,
}
