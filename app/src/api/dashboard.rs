//! Server functions for the dashboard page. Each parses the view's query as
//! the REST route does (a bad value is a 400 naming it) and calls the same service function.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::range::ViewQuery;
use crate::model::{
    ActivityHeatmap, ActivityItem, ActivitySeries, CountryStat, DashboardStats, ProblemMatrix, UserGrowth,
};

/// The stat cards, with yesterday's baseline.
#[server(prefix = "/api/fn", endpoint = "dashboard_stats")]
pub async fn get_dashboard_stats(
    /// Only `tz` matters: the cards are about today.
    view: ViewQuery,
) -> Result<DashboardStats, AppError> {
    crate::services::dashboard::stats(&super::state()?, &super::caller(), &view).await
}

/// New users per bucket and the running total over the view's range.
#[server(prefix = "/api/fn", endpoint = "dashboard_user_growth")]
pub async fn get_user_growth(
    /// The range and zone.
    view: ViewQuery,
) -> Result<UserGrowth, AppError> {
    crate::services::dashboard::user_growth(&super::state()?, &super::caller(), &view, None).await
}

/// Activities per type over the view's range.
#[server(prefix = "/api/fn", endpoint = "dashboard_activity")]
pub async fn get_activity_series(
    /// The range and zone.
    view: ViewQuery,
) -> Result<ActivitySeries, AppError> {
    crate::services::dashboard::activity_series(&super::state()?, &super::caller(), &view).await
}

/// Activities by weekday and hour over the view's range.
#[server(prefix = "/api/fn", endpoint = "dashboard_heatmap")]
pub async fn get_activity_heatmap(
    /// The range and zone.
    view: ViewQuery,
) -> Result<ActivityHeatmap, AppError> {
    crate::services::dashboard::activity_heatmap(&super::state()?, &super::caller(), &view).await
}

/// Users per country, for the map.
#[server(prefix = "/api/fn", endpoint = "dashboard_countries")]
pub async fn get_country_stats(
    /// Only `tz` matters: "active today" is about today.
    view: ViewQuery,
) -> Result<Vec<CountryStat>, AppError> {
    crate::services::dashboard::countries(&super::state()?, &super::caller(), &view).await
}

/// Problems by subject and difficulty.
#[server(prefix = "/api/fn", endpoint = "dashboard_problems")]
pub async fn get_problem_matrix() -> Result<ProblemMatrix, AppError> {
    crate::services::dashboard::problem_matrix(&super::state()?, &super::caller()).await
}

/// The newest activities, newest first.
#[server(prefix = "/api/fn", endpoint = "dashboard_recent_activity")]
pub async fn get_recent_activity(
    /// How many (1–100).
    limit: i64,
) -> Result<Vec<ActivityItem>, AppError> {
    crate::services::dashboard::recent_activity(&super::state()?, &super::caller(), limit).await
}
