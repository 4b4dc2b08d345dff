//! Types shared by the server and the WASM client: what server functions return
//! and what the REST API serialises.

mod auth;
mod dashboard;
mod events;
pub mod range;
mod system;

pub use auth::{
    Account, AccountStatus, AccountUpdate, ApiKey, AuditEntry, AuditPage, AuditQuery, CreatedApiKey, Me, NewAccount,
    NewApiKey, Role, TokenPair, TotpEnrollment,
};
pub use dashboard::{
    ActivityHeatmap, ActivityItem, ActivitySeries, CountryStat, DashboardStats, GrowthPoint, ProblemMatrix,
    StatsBaseline, TypeSeries, UserGrowth, UserSummary, UsersByType,
};
pub use events::{EventBatch, EventError, IngestResult, MAX_BATCH};
pub use system::{DependencyHealth, HealthReport, HealthStatus, RouteStat, SystemStatus};
