//! `dashboard(range, from, to, tz)`: every figure and series of the
//! dashboard for one view, each resolved only when asked for, side by side,
//! from the same cached services as `/api/v1/dashboard/*`.

use async_graphql::{Context, Object};
use server_core::model::range::ViewQuery;
use server_core::model::{ActivityHeatmap, ActivitySeries, CountryStat, DashboardStats, ProblemMatrix, UserGrowth};
use server_core::services::dashboard;

use super::activities::Activity;
use super::context::door;

/// The `dashboard` query.
#[derive(Default)]
pub struct DashboardQuery;

#[Object]
impl DashboardQuery {
    /// The dashboard for a view: `range` is `today`, `7d`, `30d` (default),
    /// `90d`, `12m` or `custom` (with `from` and `to`, `YYYY-MM-DD`); `tz` is
    /// `kst` (default) or `utc`. Checked as the REST routes check them.
    async fn dashboard(
        &self,
        ctx: &Context<'_>,
        range: Option<String>,
        from: Option<String>,
        to: Option<String>,
        tz: Option<String>,
    ) -> async_graphql::Result<Dashboard> {
        door(ctx)?;
        let view = ViewQuery { range, from, to, tz };
        // Bad values fail here, once, rather than in every figure asked for.
        view.parse().map_err(server_core::error::AppError::from)?;
        Ok(Dashboard { view })
    }
}

/// One view of the dashboard.
pub struct Dashboard {
    view: ViewQuery,
}

/// Every figure and series of the view, each computed when asked for.
#[Object]
impl Dashboard {
    /// The stat cards: today's figures beside yesterday's (`tz` decides the day).
    async fn stats(&self, ctx: &Context<'_>) -> async_graphql::Result<DashboardStats> {
        let (state, caller) = door(ctx)?;
        Ok(dashboard::stats(state, caller, &self.view).await?)
    }

    /// Sign-ups per bucket over the range, or over the last `days` days (1–730).
    async fn user_growth(&self, ctx: &Context<'_>, days: Option<u32>) -> async_graphql::Result<UserGrowth> {
        let (state, caller) = door(ctx)?;
        Ok(dashboard::user_growth(state, caller, &self.view, days).await?)
    }

    /// Activities per bucket and type over the range.
    async fn activity_series(&self, ctx: &Context<'_>) -> async_graphql::Result<ActivitySeries> {
        let (state, caller) = door(ctx)?;
        Ok(dashboard::activity_series(state, caller, &self.view).await?)
    }

    /// Activities per weekday and hour over the range.
    async fn activity_heatmap(&self, ctx: &Context<'_>) -> async_graphql::Result<ActivityHeatmap> {
        let (state, caller) = door(ctx)?;
        Ok(dashboard::activity_heatmap(state, caller, &self.view).await?)
    }

    /// Users and today's active users per country (the map).
    async fn countries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CountryStat>> {
        let (state, caller) = door(ctx)?;
        Ok(dashboard::countries(state, caller, &self.view).await?)
    }

    /// Problems per subject and difficulty.
    async fn problem_matrix(&self, ctx: &Context<'_>) -> async_graphql::Result<ProblemMatrix> {
        let (state, caller) = door(ctx)?;
        Ok(dashboard::problem_matrix(state, caller).await?)
    }

    /// The newest activities (`limit` 1–100, default 20), newest first.
    #[graphql(complexity = "limit.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn recent_activity(&self, ctx: &Context<'_>, limit: Option<i64>) -> async_graphql::Result<Vec<Activity>> {
        let (state, caller) = door(ctx)?;
        let items = dashboard::recent_activity(state, caller, limit.unwrap_or(20)).await?;
        Ok(items.into_iter().map(Activity::from).collect())
    }
}
