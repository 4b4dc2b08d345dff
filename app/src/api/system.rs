//! Server functions for the System page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::SystemStatus;

/// Health with dependency details, and per-route request statistics.
#[server(prefix = "/api/fn", endpoint = "system_status")]
pub async fn get_system_status() -> Result<SystemStatus, AppError> {
    super::require(crate::model::Role::Viewer)?;
    use crate::observability::health;
    let state = super::state()?;
    Ok(SystemStatus { health: health::report(&state, true).await, routes: state.ops.route_stats.snapshot() })
}
