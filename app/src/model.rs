//! Types shared by the server and the WASM client: what server functions return
//! and what the REST API serialises.

mod dashboard;
mod system;

pub use dashboard::{CountryStat, DashboardStats, GrowthPoint, UserGrowth, UsersByType};
pub use system::{DependencyHealth, HealthReport, HealthStatus, RouteStat, SystemStatus};
