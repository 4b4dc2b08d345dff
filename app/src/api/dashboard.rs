//! Server functions for the dashboard page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{CountryStat, DashboardStats, UserGrowth};

/// The stat cards.
#[server(prefix = "/api/fn", endpoint = "dashboard_stats")]
pub async fn get_dashboard_stats() -> Result<DashboardStats, AppError> {
    use crate::services::dashboard::{stats, KST};
    let state = super::state()?;
    stats(&state, KST).await
}

/// New users per day and the running total over the last `days` days.
#[server(prefix = "/api/fn", endpoint = "dashboard_user_growth")]
pub async fn get_user_growth(
    /// Days to cover, today included (1–730).
    days: u32,
) -> Result<UserGrowth, AppError> {
    use crate::services::dashboard::{user_growth, KST};
    let state = super::state()?;
    user_growth(&state, days, KST).await
}

/// Users per country, for the map.
#[server(prefix = "/api/fn", endpoint = "dashboard_countries")]
pub async fn get_country_stats() -> Result<Vec<CountryStat>, AppError> {
    use crate::services::dashboard::{countries, KST};
    let state = super::state()?;
    countries(&state, KST).await
}
