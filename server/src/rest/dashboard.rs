//! The dashboard data under `/api/dashboard/`: the Flask system's `stats`, `user-growth`
//! and `countries`, plus every chart's dataset and the recent-activity feed.
//! Each route parses the view query ([`ViewQuery`]) as the server functions do
//! and calls the same service.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use server_core::auth::Caller;
use server_core::error::Result;
use server_core::model::range::{Preset, ViewQuery, Zone};
use server_core::model::{
    ActivityHeatmap, ActivityItem, ActivitySeries, CountryStat, DashboardStats, ProblemMatrix, UserGrowth, UsersByType,
};
use server_core::services::dashboard;
use server_core::state::AppState;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;

/// The dashboard routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_stats))
        .routes(routes!(get_user_growth))
        .routes(routes!(get_users_by_type))
        .routes(routes!(get_activity))
        .routes(routes!(get_activity_heatmap))
        .routes(routes!(get_problems))
        .routes(routes!(list_countries))
        .routes(routes!(list_recent_activity))
}

/// Query of the routes that only care about the zone.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ZoneQuery {
    /// `kst` (default) or `utc`: when "today" starts.
    #[param(value_type = Option<Zone>, inline)]
    tz: Option<String>,
}

impl ZoneQuery {
    /// The view it means: today, in its zone.
    fn view(self) -> ViewQuery {
        ViewQuery { tz: self.tz, ..ViewQuery::default() }
    }
}

/// The stat cards' figures, with the same figures at this time yesterday
/// (cached; "today" is the KST day unless `tz=utc`).
#[utoipa::path(
    get,
    path = "/api/dashboard/stats",
    tag = "dashboard",
    params(ZoneQuery),
    responses((status = 200, description = "The stat cards' figures", body = DashboardStats))
)]
async fn get_stats(caller: Caller, State(state): State<AppState>, Query(query): Query<ZoneQuery>) -> Result<Response> {
    // The JSON the cache keeps (that of a `DashboardStats`), sent as it is.
    let json = dashboard::stats_json(&state, &caller, &query.view()).await?;
    // A static value: one given as text is checked and copied on every request.
    let json_type = HeaderValue::from_static("application/json");
    Ok(([(header::CONTENT_TYPE, json_type)], Body::from(Bytes::from_owner(json))).into_response())
}

/// Query of `GET /api/dashboard/user-growth`: a view, or the Flask system's `days`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct GrowthQuery {
    /// `today`, `7d`, `30d` (default), `90d`, `12m` or `custom`.
    #[param(value_type = Option<Preset>, inline)]
    range: Option<String>,
    /// First day of a custom range, `YYYY-MM-DD` (ignored by the other ranges).
    #[param(format = Date)]
    from: Option<String>,
    /// Last day of a custom range (included), `YYYY-MM-DD`: not before `from`,
    /// not after today, at most 730 days after `from`.
    #[param(format = Date)]
    to: Option<String>,
    /// `kst` (default) or `utc`.
    #[param(value_type = Option<Zone>, inline)]
    tz: Option<String>,
    /// The Flask system's form: the last N days, today included (1–730). Overrides `range`.
    #[param(minimum = 1, maximum = 730)]
    days: Option<u32>,
}

/// New users per bucket (hours for a one-day range, else days) and the running total.
#[utoipa::path(
    get,
    path = "/api/dashboard/user-growth",
    tag = "dashboard",
    params(GrowthQuery),
    responses((status = 200, description = "The user-growth series", body = UserGrowth))
)]
async fn get_user_growth(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<GrowthQuery>,
) -> Result<Json<UserGrowth>> {
    let view = ViewQuery { range: q.range, from: q.from, to: q.to, tz: q.tz };
    Ok(Json(dashboard::user_growth(&state, &caller, &view, q.days).await?))
}

/// All users per subscription tier (the donut).
#[utoipa::path(
    get,
    path = "/api/dashboard/users-by-type",
    tag = "dashboard",
    responses((status = 200, description = "Users per tier", body = UsersByType))
)]
async fn get_users_by_type(caller: Caller, State(state): State<AppState>) -> Result<Json<UsersByType>> {
    Ok(Json(dashboard::stats(&state, &caller, &ViewQuery::default()).await?.users_by_type))
}

/// Activities per type and bucket over the range, busiest type first.
#[utoipa::path(
    get,
    path = "/api/dashboard/activity",
    tag = "dashboard",
    params(ViewQuery),
    responses((status = 200, description = "Activities per type and bucket", body = ActivitySeries))
)]
async fn get_activity(
    caller: Caller,
    State(state): State<AppState>,
    Query(view): Query<ViewQuery>,
) -> Result<Json<ActivitySeries>> {
    Ok(Json(dashboard::activity_series(&state, &caller, &view).await?))
}

/// Activities by weekday (Monday first) and hour of day over the range.
#[utoipa::path(
    get,
    path = "/api/dashboard/activity-heatmap",
    tag = "dashboard",
    params(ViewQuery),
    responses((status = 200, description = "Activities per weekday and hour", body = ActivityHeatmap))
)]
async fn get_activity_heatmap(
    caller: Caller,
    State(state): State<AppState>,
    Query(view): Query<ViewQuery>,
) -> Result<Json<ActivityHeatmap>> {
    Ok(Json(dashboard::activity_heatmap(&state, &caller, &view).await?))
}

/// Problems by subject × difficulty.
#[utoipa::path(
    get,
    path = "/api/dashboard/problems",
    tag = "dashboard",
    responses((status = 200, description = "Problems per subject and difficulty", body = ProblemMatrix))
)]
async fn get_problems(caller: Caller, State(state): State<AppState>) -> Result<Json<ProblemMatrix>> {
    Ok(Json(dashboard::problem_matrix(&state, &caller).await?))
}

/// `{"countries": [...]}`.
#[derive(Debug, Serialize, ToSchema)]
struct CountriesBody {
    /// Most users first.
    countries: Vec<CountryStat>,
}

/// Users and today's active users per country, most users first.
#[utoipa::path(
    get,
    path = "/api/dashboard/countries",
    tag = "dashboard",
    params(ZoneQuery),
    responses((status = 200, description = "Users per country", body = CountriesBody))
)]
async fn list_countries(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<ZoneQuery>,
) -> Result<Json<CountriesBody>> {
    Ok(Json(CountriesBody { countries: dashboard::countries(&state, &caller, &query.view()).await? }))
}

/// Query of `GET /api/dashboard/recent-activity`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FeedQuery {
    /// How many (1–100, default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
}

/// `{"activities": [...]}`.
#[derive(Debug, Serialize, ToSchema)]
struct FeedBody {
    /// Newest first.
    activities: Vec<ActivityItem>,
}

/// The newest activities, newest first (what the live feed starts from).
#[utoipa::path(
    get,
    path = "/api/dashboard/recent-activity",
    tag = "dashboard",
    params(FeedQuery),
    responses((status = 200, description = "The newest activities", body = FeedBody))
)]
async fn list_recent_activity(
    caller: Caller,
    State(state): State<AppState>,
    Query(q): Query<FeedQuery>,
) -> Result<Json<FeedBody>> {
    Ok(Json(FeedBody { activities: dashboard::recent_activity(&state, &caller, q.limit.unwrap_or(20)).await? }))
}
