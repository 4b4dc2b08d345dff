//! `GET /api/v1/stream`: the live-update stream as Server-Sent Events:
//! `activity` events carry each new activity, `stats` events say the
//! dashboard's figures changed, `report_run` events carry a report run's
//! status and progress, `alerts` events how many alert rules fire. Comments
//! keep idle connections open through proxies; the browser's `EventSource`
//! (and our backoff) reconnects.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::stream::{self, Stream};
use server_core::auth::Caller;
use server_core::live::LiveEvent;
use server_core::observability::events;
use server_core::state::AppState;
use tokio::sync::broadcast::error::RecvError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The stream's route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream))
}

/// Logs the stream's end however it ends (the client leaving drops it).
struct Opened {
    client: String,
    since: Instant,
}

impl Drop for Opened {
    fn drop(&mut self) {
        events::sse_closed(&self.client, self.since.elapsed().as_millis() as u64, "client left");
    }
}

/// Live events as `text/event-stream`: `event: activity` with an activity
/// (the `ActivityItem` schema) as data, and `event: stats` (data `{}`) when the
/// figures changed, and `event: report_run` (the `RunProgress` schema) as a
/// report run moves on, and `event: alerts` (`{"type":"alerts","firing":N}`)
/// when the number of alert rules firing (not silenced) changes (and once
/// after `ready`). A client that falls behind gets a `stats` event in place
/// of what it missed, and refetches.
#[utoipa::path(
    get,
    path = "/api/v1/stream",
    tag = "live",
    responses((status = 200, description = "Server-Sent Events", content_type = "text/event-stream", body = String))
)]
async fn stream(
    caller: Caller,
    State(state): State<AppState>,
) -> server_core::error::Result<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let receiver = server_core::services::dashboard::live_events(&state, &caller)?;
    let client = server_core::trace::current().unwrap_or_default();
    events::sse_opened(&client, "/api/v1/stream");
    let opened = Opened { client, since: Instant::now() };
    // The first event tells the client the stream is live and how soon to retry.
    let hello = stream::once(async { Ok(Event::default().event("ready").data("{}").retry(Duration::from_secs(1))) });
    // Then how many alert rules fire, so a badge that reconnects after a gap is right again.
    let firing = server_core::services::alerts::firing_count(&state, &caller).await?;
    let alerts = LiveEvent::Alerts { firing };
    let alerts = serde_json::to_string(&alerts).unwrap_or_else(|_| "{}".into());
    let hello =
        stream::StreamExt::chain(hello, stream::once(async move { Ok(Event::default().event("alerts").data(alerts)) }));
    let closed = Box::pin(state.live.closed());
    let events = stream::unfold((receiver, closed, opened), |(mut receiver, mut closed, opened)| async move {
        let event = tokio::select! {
            received = receiver.recv() => match received {
                Ok(event) => event,
                Err(RecvError::Lagged(_)) => LiveEvent::Stats,
                Err(RecvError::Closed) => return None,
            },
            // The server is stopping: end the stream so the connection can close.
            () = &mut closed => return None,
        };
        let data = match &event {
            LiveEvent::Activity(item) => serde_json::to_string(item).unwrap_or_else(|_| "{}".into()),
            LiveEvent::Stats => "{}".into(),
            LiveEvent::ReportRun(progress) => serde_json::to_string(progress).unwrap_or_else(|_| "{}".into()),
            alerts @ LiveEvent::Alerts { .. } => serde_json::to_string(alerts).unwrap_or_else(|_| "{}".into()),
        };
        Some((Ok(Event::default().event(event.name()).data(data)), (receiver, closed, opened)))
    });
    Ok(Sse::new(stream::StreamExt::chain(hello, events)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
