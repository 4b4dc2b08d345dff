//! The System page's data: per-route request statistics and dependency health.

use serde::{Deserialize, Serialize};

/// Request statistics of one route, since this instance started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RouteStat {
    /// HTTP method.
    pub method: String,
    /// The route pattern (`/api/dashboard/stats`), never a raw path.
    pub route: String,
    /// Requests served.
    pub count: u64,
    /// Mean response time, in milliseconds.
    pub avg_ms: f64,
    /// 95th percentile response time, in milliseconds.
    pub p95_ms: f64,
    /// 99th percentile response time, in milliseconds.
    pub p99_ms: f64,
    /// Share of responses with a 5xx status (0 to 1).
    pub error_rate: f64,
    /// Responses with a 4xx status.
    pub client_errors: u64,
}

/// healthy, degraded (works, with a dependency down) or unhealthy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    /// Everything answers.
    Healthy,
    /// Serving, but an optional dependency (the shared cache) is down.
    Degraded,
    /// Cannot serve: the database is down.
    Unhealthy,
}

/// One dependency's state, as `/health` reports it (the Flask system's shape).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DependencyHealth {
    /// `database`, `storage` (room to write) or `cache`.
    pub name: String,
    /// Its state.
    pub status: HealthStatus,
    /// The last round trip, in milliseconds.
    #[serde(rename = "responseTime")]
    pub response_time: u64,
}

/// The body of `GET /health`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HealthReport {
    /// The overall state: the worst of the dependencies'.
    pub status: HealthStatus,
    /// `dreamseed-admin`.
    pub service: String,
    /// The server's version.
    pub version: String,
    /// When the report was made (RFC 3339).
    pub timestamp: String,
    /// Seconds since this instance started.
    pub uptime: u64,
    /// Each dependency; empty unless the caller may see details.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DependencyHealth>,
}

/// Everything the System page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SystemStatus {
    /// Health with dependency details.
    pub health: HealthReport,
    /// Per-route statistics, busiest first.
    pub routes: Vec<RouteStat>,
}

/// What `POST /api/cache/invalidate` removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Invalidated {
    /// The pattern applied.
    pub pattern: String,
    /// Entries removed from this process and from Redis.
    pub invalidated: u64,
}
