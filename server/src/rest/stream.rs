//! `GET /api/v1/stream`: the live-update stream as Server-Sent Events:
//! `activity` events carry each new activity, `stats` events say the
//! dashboard's figures changed, `report_run` events carry a report run's
//! status and progress, `alerts` events how many alert rules fire. Comments
//! keep idle connections open through proxies; the browser's `EventSource`
//! (and our backoff) reconnects.

use std::cell::Cell;
use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use futures::stream;
use server_core::auth::Caller;
use server_core::error::AppError;
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
    /// Why it ended, when the server ended it.
    reason: Cell<&'static str>,
}

impl Drop for Opened {
    fn drop(&mut self) {
        events::sse_closed(&self.client, self.since.elapsed().as_millis() as u64, self.reason.get());
    }
}

/// Live events as `text/event-stream`: `event: activity` with an activity
/// (the `ActivityItem` schema) as data, and `event: stats` (data `{}`) when the
/// figures changed, and `event: report_run` (the `RunProgress` schema) as a
/// report run moves on, and `event: alerts` (`{"type":"alerts","firing":N}`)
/// when the number of alert rules firing (not silenced) changes (and once
/// after `ready`). A client that falls behind gets a `stats` event in place
/// of what it missed, and refetches. The caller's credentials are checked
/// again before each event and every few seconds: a logout, a disabled
/// account, a revoked key or a role below viewer, on any replica, ends the
/// stream (and the reconnect gets 401).
#[utoipa::path(
    get,
    path = "/api/v1/stream",
    tag = "live",
    responses((status = 200, description = "Server-Sent Events", content_type = "text/event-stream", body = String))
)]
async fn stream(
    caller: Caller,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> server_core::error::Result<impl IntoResponse> {
    let receiver = server_core::services::dashboard::live_events(&state, &caller)?;
    let client = server_core::trace::current().unwrap_or_default();
    events::sse_opened(&client, "/api/v1/stream");
    let opened = Opened { client, since: Instant::now(), reason: Cell::new("client left") };
    // Only what proves who the caller is, kept for the checks below.
    let credentials: HeaderMap = headers
        .iter()
        .filter(|(name, _)| matches!(name.as_str(), "authorization" | "x-api-key" | "cookie"))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let watcher = Watcher { state: state.clone(), credentials };
    // The first event tells the client the stream is live and how soon to retry.
    let hello = stream::once(async {
        Ok::<_, Infallible>(Event::default().event("ready").data("{}").retry(Duration::from_secs(1)))
    });
    // Then how many alert rules fire, so a badge that reconnects after a gap is right again.
    let firing = server_core::services::alerts::firing_count(&state, &caller).await?;
    let alerts = LiveEvent::Alerts { firing };
    let alerts = serde_json::to_string(&alerts).unwrap_or_else(|_| "{}".into());
    let hello =
        stream::StreamExt::chain(hello, stream::once(async move { Ok(Event::default().event("alerts").data(alerts)) }));
    let closed = Box::pin(state.live.closed());
    // The first check is due a period after the opening one (the request's own).
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let start = (receiver, closed, opened, watcher, recheck);
    let events = stream::unfold(start, |(mut receiver, mut closed, opened, watcher, mut recheck)| async move {
        let event = loop {
            let next = tokio::select! {
                received = receiver.recv() => match received {
                    Ok(event) => Some(event),
                    Err(RecvError::Lagged(_)) => Some(LiveEvent::Stats),
                    Err(RecvError::Closed) => return None,
                },
                // A quiet stream is checked too, so it does not stay open for hours.
                _ = recheck.tick() => None,
                // The server is stopping: end the stream so the connection can close.
                () = &mut closed => {
                    opened.reason.set("server stopping");
                    return None;
                }
            };
            if !watcher.still_allowed().await {
                opened.reason.set("credentials no longer valid");
                return None;
            }
            if let Some(event) = next {
                break event;
            }
        };
        let data = match &event {
            LiveEvent::Activity(item) => serde_json::to_string(item).unwrap_or_else(|_| "{}".into()),
            LiveEvent::Stats => "{}".into(),
            LiveEvent::ReportRun(progress) => serde_json::to_string(progress).unwrap_or_else(|_| "{}".into()),
            alerts @ LiveEvent::Alerts { .. } => serde_json::to_string(alerts).unwrap_or_else(|_| "{}".into()),
        };
        Some((Ok(Event::default().event(event.name()).data(data)), (receiver, closed, opened, watcher, recheck)))
    });
    let sse = Sse::new(stream::StreamExt::chain(hello, events))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)));
    // Tells nginx (and proxies that follow its convention) not to buffer the
    // stream, whatever their configuration says: each event is sent as it comes.
    Ok(([(HeaderName::from_static("x-accel-buffering"), HeaderValue::from_static("no"))], sse))
}

/// How often a stream with no events checks its caller's credentials.
const RECHECK: Duration = Duration::from_secs(5);

/// Checks a stream's credentials again, the way every request is checked.
struct Watcher {
    state: AppState,
    credentials: HeaderMap,
}

impl Watcher {
    /// Whether the credentials still prove a caller who may watch (a cached
    /// lookup, dropped on every replica when a session, key or account changes).
    async fn still_allowed(&self) -> bool {
        match crate::middleware::auth::authenticate(&self.state, &self.credentials).await {
            Ok(Some(principal)) => server_core::services::dashboard::may_watch(&principal).is_ok(),
            // The database is down: keep the stream, as the stream itself
            // carries on; the next successful check decides.
            Err(error) if matches!(error.kind(), AppError::Unavailable { .. } | AppError::Timeout) => true,
            _ => false,
        }
    }
}
