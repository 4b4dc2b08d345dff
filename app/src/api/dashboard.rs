//! Server functions for the dashboard page. Each parses the view's query as
//! the REST route does (a bad value is a 400 naming it) and calls the same
//! service function; a chart's comes with its ECharts option, built here in the
//! viewer's language (`crate::charts`).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::range::ViewQuery;
use crate::model::{
    ActivityHeatmap, ActivityItem, ActivitySeries, Charted, CountryStat, DashboardStats, ProblemMatrix, UserGrowth,
};

/// The stat cards, with yesterday's baseline, and the users-by-tier donut.
#[server(prefix = "/api/fn", endpoint = "dashboard_stats")]
pub async fn get_dashboard_stats(
    /// Only `tz` matters: the cards are about today.
    view: ViewQuery,
) -> Result<Charted<DashboardStats>, AppError> {
    let stats = crate::services::dashboard::stats(&super::state()?, &super::caller(), &view).await?;
    Ok(crate::charts::charted(stats, |s| crate::charts::users_by_type::build(&s.users_by_type, lang())))
}

/// New users per bucket and the running total over the view's range.
#[server(prefix = "/api/fn", endpoint = "dashboard_user_growth")]
pub async fn get_user_growth(
    /// The range and zone.
    view: ViewQuery,
) -> Result<Charted<UserGrowth>, AppError> {
    let growth = crate::services::dashboard::user_growth(&super::state()?, &super::caller(), &view, None).await?;
    Ok(crate::charts::charted(growth, |g| crate::charts::user_growth::build(g, lang())))
}

/// Activities per type over the view's range.
#[server(prefix = "/api/fn", endpoint = "dashboard_activity")]
pub async fn get_activity_series(
    /// The range and zone.
    view: ViewQuery,
) -> Result<Charted<ActivitySeries>, AppError> {
    let series = crate::services::dashboard::activity_series(&super::state()?, &super::caller(), &view).await?;
    Ok(crate::charts::charted(series, crate::charts::activity::build))
}

/// Activities by weekday and hour over the view's range.
#[server(prefix = "/api/fn", endpoint = "dashboard_heatmap")]
pub async fn get_activity_heatmap(
    /// The range and zone.
    view: ViewQuery,
) -> Result<Charted<ActivityHeatmap>, AppError> {
    let heatmap = crate::services::dashboard::activity_heatmap(&super::state()?, &super::caller(), &view).await?;
    Ok(crate::charts::charted(heatmap, |h| crate::charts::heatmap::build(h, lang())))
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
pub async fn get_problem_matrix() -> Result<Charted<ProblemMatrix>, AppError> {
    let matrix = crate::services::dashboard::problem_matrix(&super::state()?, &super::caller()).await?;
    Ok(crate::charts::charted(matrix, |m| crate::charts::problems::build(m, lang())))
}

/// The newest activities, newest first.
#[server(prefix = "/api/fn", endpoint = "dashboard_recent_activity")]
pub async fn get_recent_activity(
    /// How many (1–100).
    limit: i64,
) -> Result<Vec<ActivityItem>, AppError> {
    crate::services::dashboard::recent_activity(&super::state()?, &super::caller(), limit).await
}

/// The viewer's language (their cookie), which the charts' labels are in.
#[cfg(feature = "ssr")]
fn lang() -> crate::i18n::Lang {
    crate::prefs::Prefs::from_request().lang
}
