//! Types shared by the server and the WASM client: what server functions return
//! and what the REST API serialises.

mod alerts;
mod auth;
mod channels;
mod chart;
mod dashboard;
mod events;
mod paging;
#[cfg(feature = "ssr")]
pub mod params;
mod problems;
pub mod range;
mod reports;
mod system;
mod users;

pub use alerts::{
    alert_default_window, alert_has_no_data, alert_has_previous, AlertEvent, AlertPage, AlertQuery, AlertRule,
    AlertRuleEnvelope, AlertRuleInput, AlertRuleList, AlertTest, SilenceInput, ALERT_CONDITIONS, ALERT_EVENT_KINDS,
    ALERT_INTERVAL_SECONDS, ALERT_METRICS, ALERT_SEVERITIES, ALERT_SPARKLINE_POINTS, ALERT_STATES, MAX_ALERT_MESSAGE,
    MAX_ALERT_NAME, MAX_ALERT_WAIT_SECONDS, MAX_ALERT_WINDOW_MINUTES,
};
pub use auth::{
    Account, AccountPage, AccountStatus, AccountUpdate, ApiKey, ApiKeyPage, AuditEntry, AuditPage, AuditQuery,
    CreatedApiKey, Me, NewAccount, NewApiKey, Role, TokenPair, TotpEnrollment,
};
pub use channels::default_smtp_port;
pub use channels::{
    Channel, ChannelEnvelope, ChannelInput, ChannelPage, ChannelQuery, ChannelUser, CreatedChannel, Delivery,
    DeliveryAttempt, DeliveryEnvelope, DeliveryPage, DeliveryQuery, EmailSettings, CHANNEL_KINDS, MAX_CHANNEL_NAME,
    MAX_CHANNEL_URL, MAX_RECIPIENTS, SMTP_TLS_MODES,
};
pub use chart::Charted;
pub use dashboard::{
    ActivityHeatmap, ActivityItem, ActivitySeries, CountryStat, DashboardStats, GrowthPoint, ProblemMatrix,
    StatsBaseline, TypeSeries, UserGrowth, UserSummary, UsersByType,
};
pub use events::{EventBatch, EventError, IngestResult, MAX_BATCH};
pub use paging::{PageMeta, DEFAULT_PER_PAGE, MAX_PER_PAGE};
pub use problems::{
    BulkResult, BulkStatus, Problem, ProblemEnvelope, ProblemInput, ProblemPage, ProblemPatch, ProblemQuery,
    ProblemStats, DIFFICULTIES, MAX_ANSWER, MAX_BULK, MAX_CONTENT, MAX_SUBJECT, MAX_TITLE, STATUSES,
};
pub use reports::{
    OutputMeta, Period, Report, ReportEnvelope, ReportInput, ReportPage, ReportQuery, ReportStatus, Run, RunEnvelope,
    RunPage, RunProgress, RunQuery, RunSummary, SchedulePreview, ScheduleQuery, ScheduleText, Section, Template,
    TemplateEnvelope, TemplateInput, TemplateList, UpcomingRun, COMPARISON_METRICS, MAX_DESTINATIONS, MAX_PERIOD_DAYS,
    MAX_REPORT_DESCRIPTION, MAX_REPORT_NAME, MAX_SECTIONS, MAX_SECTION_TEXT, PERIOD_KINDS, REPORT_CHARTS,
    REPORT_FORMATS, SECTION_KINDS, TEMPLATE_CATEGORIES,
};
pub use system::{DependencyHealth, HealthReport, HealthStatus, Invalidated, RouteStat, SystemStatus};
pub use users::{ActivityPage, ActivityQuery, UserDetail, UserEnvelope, UserPage, UserQuery, UserTypeChange};
