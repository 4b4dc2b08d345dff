//! Subscriptions over the WebSocket: `activityAdded`, `statsChanged`,
//! `reportGenerated(reportId)` and `alertChanged`. They read the same live
//! hub as `/api/v1/stream`, which the tails of the `activities`,
//! `report_runs` and `alert_rules` tables feed, so a change made on any
//! replica reaches a subscriber on every replica. As with the SSE stream,
//! the caller's credentials are checked again before each event and every
//! few seconds, and every subscription ends when the server stops.

use async_graphql::{Context, SimpleObject, Subscription};
use futures::stream::BoxStream;
use futures::StreamExt;
use server_core::live::LiveEvent;
use server_core::model::range::ViewQuery;
use server_core::model::{DashboardStats, Run};
use server_core::services::{alerts, dashboard, reports, runs};

use super::activities::Activity;
use super::context::door;
use crate::rest::stream::{LiveFeed, Watcher};

/// The subscriptions.
#[derive(Default)]
pub struct LiveSubscription;

/// How many alert rules fire now (not silenced).
#[derive(SimpleObject, Clone, Copy)]
pub struct AlertsFiring {
    /// Rules firing and not silenced.
    pub firing: i64,
}

/// The live events the caller of `ctx` may watch, until the server stops or
/// the caller's credentials no longer allow it.
fn feed(ctx: &Context<'_>) -> async_graphql::Result<BoxStream<'static, LiveEvent>> {
    let (state, caller) = door(ctx)?;
    let receiver = dashboard::live_events(state, caller)?;
    let watcher = ctx.data::<Watcher>()?.clone();
    let feed = LiveFeed::new(state, receiver, watcher);
    Ok(futures::stream::unfold(feed, |mut feed| async move { feed.next().await.ok().map(|event| (event, feed)) })
        .boxed())
}

#[Subscription]
impl LiveSubscription {
    /// Each new activity as it is recorded (ingested, simulated, on any replica).
    async fn activity_added(&self, ctx: &Context<'_>) -> async_graphql::Result<BoxStream<'static, Activity>> {
        Ok(feed(ctx)?
            .filter_map(|event| async move {
                match event {
                    LiveEvent::Activity(item) => Some(Activity::from(item)),
                    _ => None,
                }
            })
            .boxed())
    }

    /// The stat cards (in `tz`, `kst` or `utc`), each time the dashboard's
    /// figures change; also after a gap the subscriber fell behind in.
    async fn stats_changed(
        &self,
        ctx: &Context<'_>,
        tz: Option<String>,
    ) -> async_graphql::Result<BoxStream<'static, async_graphql::Result<DashboardStats>>> {
        let (state, caller) = door(ctx)?;
        let view = ViewQuery { tz, ..ViewQuery::default() };
        view.parse().map_err(server_core::error::AppError::from)?;
        let (state, caller) = (state.clone(), caller.clone());
        Ok(feed(ctx)?
            .filter(|event| std::future::ready(*event == LiveEvent::Stats))
            .then(move |_| {
                let (state, caller, view) = (state.clone(), caller.clone(), view.clone());
                async move { Ok(dashboard::stats(&state, &caller, &view).await?) }
            })
            .boxed())
    }

    /// Each run of the report `reportId` that finishes (`completed` or
    /// `failed`), with its files.
    async fn report_generated(
        &self,
        ctx: &Context<'_>,
        report_id: i64,
    ) -> async_graphql::Result<BoxStream<'static, async_graphql::Result<Run>>> {
        let (state, caller) = door(ctx)?;
        // An unknown report is an error now, not a subscription that never speaks.
        reports::get(state, caller, report_id).await?;
        let (state, caller) = (state.clone(), caller.clone());
        let finished = move |event: LiveEvent| match event {
            LiveEvent::ReportRun(progress)
                if progress.report_id == report_id && matches!(progress.status.as_str(), "completed" | "failed") =>
            {
                Some(progress.run_id)
            }
            _ => None,
        };
        Ok(feed(ctx)?
            .filter_map(move |event| std::future::ready(finished(event)))
            .then(move |run_id| {
                let (state, caller) = (state.clone(), caller.clone());
                async move { Ok(runs::get(&state, &caller, run_id).await?) }
            })
            .boxed())
    }

    /// How many alert rules fire (not silenced): the number now, then each
    /// time it changes.
    async fn alert_changed(&self, ctx: &Context<'_>) -> async_graphql::Result<BoxStream<'static, AlertsFiring>> {
        let (state, caller) = door(ctx)?;
        let now = AlertsFiring { firing: alerts::firing_count(state, caller).await? };
        let changes = feed(ctx)?.filter_map(|event| async move {
            match event {
                LiveEvent::Alerts { firing } => Some(AlertsFiring { firing }),
                _ => None,
            }
        });
        Ok(futures::stream::once(async move { now }).chain(changes).boxed())
    }
}
