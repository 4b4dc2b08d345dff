//! The dashboard data at the seed's paths: `/api/dashboard/{stats,user-growth,countries}`.

use app::error::{Envelope, Result};
use app::model::{CountryStat, DashboardStats, UserGrowth};
use app::services::dashboard::{self, KST};
use app::state::AppState;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;

/// The dashboard routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_stats)).routes(routes!(get_user_growth)).routes(routes!(list_countries))
}

/// The stat cards' figures (cached; "today" is the KST day).
#[utoipa::path(
    get,
    path = "/api/dashboard/stats",
    tag = "dashboard",
    responses((status = 200, body = DashboardStats), (status = 503, body = Envelope))
)]
async fn get_stats(State(state): State<AppState>) -> Result<Json<DashboardStats>> {
    Ok(Json(dashboard::stats(&state, KST).await?))
}

/// Query of `GET /api/dashboard/user-growth`.
#[derive(Debug, Deserialize, IntoParams)]
struct GrowthQuery {
    /// Days to cover, today included (1–730, default 30).
    #[serde(default = "default_days")]
    days: u32,
}

fn default_days() -> u32 {
    30
}

/// New users per KST day and the running total.
#[utoipa::path(
    get,
    path = "/api/dashboard/user-growth",
    tag = "dashboard",
    params(GrowthQuery),
    responses((status = 200, body = UserGrowth), (status = 400, body = Envelope))
)]
async fn get_user_growth(State(state): State<AppState>, Query(query): Query<GrowthQuery>) -> Result<Json<UserGrowth>> {
    Ok(Json(dashboard::user_growth(&state, query.days, KST).await?))
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
    responses((status = 200, body = CountriesBody), (status = 503, body = Envelope))
)]
async fn list_countries(State(state): State<AppState>) -> Result<Json<CountriesBody>> {
    Ok(Json(CountriesBody { countries: dashboard::countries(&state, KST).await? }))
}
