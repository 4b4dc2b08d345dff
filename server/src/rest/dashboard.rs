//! The dashboard data at the seed's paths: `/api/dashboard/{stats,user-growth,countries}`.

use app::error::Result;
use app::model::{CountryStat, DashboardStats, UserGrowth};
use app::services::dashboard::{self, KST};
use app::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::extract::Query;

/// The dashboard routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/dashboard/stats", get(get_stats))
        .route("/api/dashboard/user-growth", get(get_user_growth))
        .route("/api/dashboard/countries", get(list_countries))
}

/// The stat cards' figures.
async fn get_stats(State(state): State<AppState>) -> Result<Json<DashboardStats>> {
    Ok(Json(dashboard::stats(&state.db, KST, state.clock.now()).await?))
}

/// Query of `GET /api/dashboard/user-growth`.
#[derive(Debug, Deserialize)]
struct GrowthQuery {
    /// Days to cover, today included (1–730, default 30).
    #[serde(default = "default_days")]
    days: u32,
}

fn default_days() -> u32 {
    30
}

/// New users per day and the running total.
async fn get_user_growth(State(state): State<AppState>, Query(query): Query<GrowthQuery>) -> Result<Json<UserGrowth>> {
    Ok(Json(dashboard::user_growth(&state.db, query.days, KST, state.clock.now()).await?))
}

/// `{"countries": [...]}`.
#[derive(Debug, Serialize)]
struct CountriesBody {
    countries: Vec<CountryStat>,
}

/// Users and today's active users per country, most users first.
async fn list_countries(State(state): State<AppState>) -> Result<Json<CountriesBody>> {
    let countries = dashboard::countries(&state.db, &state.countries, KST, state.clock.now()).await?;
    Ok(Json(CountriesBody { countries }))
}
