//! The health report: the database, its storage and the cache,
//! each with its response time; unhealthy when the database is down (nothing
//! works), degraded when only the shared cache is (everything works, more
//! slowly) or when a write failed for want of disk space within the last
//! minute (reads work, writes get 503 until space returns).

use std::time::{Duration, Instant};

use crate::model::{DependencyHealth, HealthReport, HealthStatus};
use crate::observability::{SERVICE, VERSION};
use crate::state::AppState;

/// The longest the health check waits for the database.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// How long after a write failed for want of space storage is reported degraded.
const STORAGE_MEMORY_SECS: i64 = 60;

/// The current health; `details` adds each dependency's state.
pub async fn report(state: &AppState, details: bool) -> HealthReport {
    let mut dependencies = vec![database(state).await, storage()];
    dependencies.push(match state.cache.redis_health() {
        // Memory only: there is nothing to lose.
        None => DependencyHealth { name: "cache".into(), status: HealthStatus::Healthy, response_time: 0 },
        Some(redis) => DependencyHealth {
            name: "cache".into(),
            status: if redis.up { HealthStatus::Healthy } else { HealthStatus::Degraded },
            response_time: redis.response_ms,
        },
    });
    let status = dependencies.iter().map(|d| d.status).max_by_key(|s| severity(*s)).unwrap_or(HealthStatus::Healthy);
    HealthReport {
        status,
        service: SERVICE.to_owned(),
        version: VERSION.to_owned(),
        timestamp: state.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        uptime: state.ops.started.elapsed().as_secs(),
        dependencies: if details { dependencies } else { Vec::new() },
    }
}

/// Whether the instance can serve requests: the database answers.
pub async fn ready(state: &AppState) -> bool {
    database(state).await.status == HealthStatus::Healthy
}

async fn database(state: &AppState) -> DependencyHealth {
    let started = Instant::now();
    let ok = matches!(tokio::time::timeout(DATABASE_TIMEOUT, state.db.execute("select 1")).await, Ok(Ok(_)));
    DependencyHealth {
        name: "database".into(),
        status: if ok { HealthStatus::Healthy } else { HealthStatus::Unhealthy },
        response_time: started.elapsed().as_millis() as u64,
    }
}

/// Degraded while a write failed for want of space in the last minute: the
/// check is the writes themselves (a full disk shows nowhere else, reads
/// still work), and it clears by itself once writes stop failing.
fn storage() -> DependencyHealth {
    let recent = crate::error::storage_full_at()
        .is_some_and(|failed_at| chrono::Utc::now().timestamp() - failed_at < STORAGE_MEMORY_SECS);
    DependencyHealth {
        name: "storage".into(),
        status: if recent { HealthStatus::Degraded } else { HealthStatus::Healthy },
        response_time: 0,
    }
}

fn severity(status: HealthStatus) -> u8 {
    match status {
        HealthStatus::Healthy => 0,
        HealthStatus::Degraded => 1,
        HealthStatus::Unhealthy => 2,
    }
}
