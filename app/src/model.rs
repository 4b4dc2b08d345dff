//! Types shared by the server and the WASM client: what server functions return
//! and what the REST API serialises.

mod dashboard;
pub mod range;
mod system;

pub use dashboard::{
    ActivityHeatmap, ActivityItem, ActivitySeries, CountryStat, DashboardStats, GrowthPoint, ProblemMatrix,
    StatsBaseline, TypeSeries, UserGrowth, UserSummary, UsersByType,
};
pub use system::{DependencyHealth, HealthReport, HealthStatus, RouteStat, SystemStatus};
