//! Operational insight: per-route request statistics, the health
//! report, lifecycle events in the log, and masking of personal data in logs.

pub mod events;
pub mod health;
pub mod mask;
pub mod minutes;
pub mod route_stats;

use std::time::Instant;

pub use minutes::Minutes;
pub use route_stats::RouteStats;

/// What this instance knows about itself, shared by the handlers that report it.
#[derive(Debug)]
pub struct Ops {
    /// When the process started serving.
    pub started: Instant,
    /// Request statistics per route, for the System page.
    pub route_stats: RouteStats,
    /// The same statistics cut into minutes, for the alerts' health figures.
    pub minutes: Minutes,
    /// Whether `/health` may show dependency details to any caller (until
    /// sign-in exists, an operator's flag: `HEALTH_DETAILS`).
    pub health_details: bool,
    /// Who may read `/metrics`.
    pub metrics_access: MetricsAccess,
}

/// Who may read `/metrics` on the main listener.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetricsAccess {
    /// Callers presenting `Authorization: Bearer <token>` (`METRICS_TOKEN`).
    Token(String),
    /// Nobody here: metrics are served on an internal address (`METRICS_ADDR`).
    InternalListener,
    /// Callers on this machine (loopback), when neither is configured.
    Loopback,
}

impl Ops {
    /// Fresh statistics, starting now.
    pub fn new(health_details: bool, metrics_access: MetricsAccess) -> Self {
        Self {
            started: Instant::now(),
            route_stats: RouteStats::default(),
            minutes: Minutes::new(),
            health_details,
            metrics_access,
        }
    }
}

impl Default for Ops {
    fn default() -> Self {
        Self::new(true, MetricsAccess::Loopback)
    }
}

/// The name this service reports (`X-Service`, `/health`).
pub const SERVICE: &str = "dreamseed-admin";

/// The running version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
