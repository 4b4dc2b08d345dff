//! The instance itself: its health and request statistics (the System page)
//! and its cache (status, and emptying it by pattern).

use crate::auth::Caller;
use crate::cache::CacheStatus;
use crate::error::Result;
use crate::model::{Invalidated, Role, SystemStatus};
use crate::observability::health;
use crate::state::AppState;

/// Health with dependency details, and per-route request statistics (viewers and above).
pub async fn status(state: &AppState, caller: &Caller) -> Result<SystemStatus> {
    caller.require(Role::Viewer)?;
    Ok(SystemStatus { health: health::report(state, true).await, routes: state.ops.route_stats.snapshot() })
}

/// The cache's backend, connection, keys and hit rate (viewers and above).
pub async fn cache_status(state: &AppState, caller: &Caller) -> Result<CacheStatus> {
    caller.require(Role::Viewer)?;
    Ok(state.cache.status().await)
}

/// Removes the cached data matching `pattern` (all of it when absent or `*`),
/// here, in Redis and on every other replica, and records who did (editors
/// and above: it only costs recomputation, but it is a write).
pub async fn invalidate_cache(state: &AppState, caller: &Caller, pattern: Option<String>) -> Result<Invalidated> {
    caller.require(Role::Editor)?;
    let pattern = pattern.unwrap_or_else(|| "*".to_owned());
    let invalidated = state.cache.invalidate(Some(&pattern)).await?;
    let details = serde_json::json!({ "invalidated": invalidated });
    crate::services::audit::record(state, caller, "cache.invalidate", Some(&pattern), true, Some(details)).await?;
    Ok(Invalidated { pattern, invalidated })
}
