//! Server functions for the System page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::SystemStatus;

/// Health with dependency details, and per-route request statistics.
#[server(prefix = "/api/fn", endpoint = "system_status")]
pub async fn get_system_status() -> Result<SystemStatus, AppError> {
    crate::services::system::status(&super::state()?, &super::caller()).await
}
