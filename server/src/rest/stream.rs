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
    let watcher = Watcher::new(&state, &headers);
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
    let feed = LiveFeed::new(&state, receiver, watcher);
    let events = stream::unfold((feed, opened), |(mut feed, opened)| async move {
        let event = match feed.next().await {
            Ok(event) => event,
            Err(ended) => {
                opened.reason.set(ended.reason());
                return None;
            }
        };
        let data = match &event {
            LiveEvent::Activity(item) => serde_json::to_string(item).unwrap_or_else(|_| "{}".into()),
            LiveEvent::Stats => "{}".into(),
            LiveEvent::ReportRun(progress) => serde_json::to_string(progress).unwrap_or_else(|_| "{}".into()),
            alerts @ LiveEvent::Alerts { .. } => serde_json::to_string(alerts).unwrap_or_else(|_| "{}".into()),
        };
        Some((Ok(Event::default().event(event.name()).data(data)), (feed, opened)))
    });
    let sse = Sse::new(stream::StreamExt::chain(hello, events))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)));
    // Tells nginx (and proxies that follow its convention) not to buffer the
    // stream, whatever their configuration says: each event is sent as it comes.
    Ok(([(HeaderName::from_static("x-accel-buffering"), HeaderValue::from_static("no"))], sse))
}

/// How often a stream with no events checks its caller's credentials.
const RECHECK: Duration = Duration::from_secs(5);

/// The ticks of the credential checks: the first is due a period after the
/// opening one (the request's own).
fn recheck() -> tokio::time::Interval {
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    recheck
}

/// Checks a live connection's credentials again, the way every request is
/// checked (the SSE stream here, GraphQL's WebSocket in `crate::graphql`).
#[derive(Clone)]
pub struct Watcher {
    state: AppState,
    credentials: HeaderMap,
}

impl Watcher {
    /// Keeps only what proves who the caller of `headers` is.
    pub fn new(state: &AppState, headers: &HeaderMap) -> Self {
        let credentials = headers
            .iter()
            .filter(|(name, _)| matches!(name.as_str(), "authorization" | "x-api-key" | "cookie"))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        Self { state: state.clone(), credentials }
    }

    /// Whether the credentials still prove a caller who may watch (a cached
    /// lookup, dropped on every replica when a session, key or account changes).
    pub async fn still_allowed(&self) -> bool {
        match crate::middleware::auth::authenticate(&self.state, &self.credentials).await {
            Ok(Some(principal)) => server_core::services::dashboard::may_watch(&principal).is_ok(),
            // The database is down: keep the stream, as the stream itself
            // carries on; the next successful check decides.
            Err(error) if matches!(error.kind(), AppError::Unavailable { .. } | AppError::Timeout) => true,
            _ => false,
        }
    }

    /// Resolves once the credentials no longer allow watching (checked every
    /// few seconds): what ends a GraphQL WebSocket whose session was revoked.
    pub async fn revoked(&self) {
        let mut recheck = recheck();
        loop {
            recheck.tick().await;
            if !self.still_allowed().await {
                return;
            }
        }
    }
}

/// Why a [`LiveFeed`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The server is stopping.
    ServerStopping,
    /// The caller's credentials no longer allow watching.
    CredentialsInvalid,
    /// The hub is gone.
    HubClosed,
}

impl Ended {
    /// The reason as the `sse_closed` log line gives it.
    pub fn reason(self) -> &'static str {
        match self {
            Ended::ServerStopping => "server stopping",
            Ended::CredentialsInvalid => "credentials no longer valid",
            Ended::HubClosed => "hub closed",
        }
    }
}

/// One caller's view of the live hub: the next event, with the caller's
/// credentials checked before each and every few seconds when quiet, ending
/// when the server stops. Both live doors (SSE, GraphQL subscriptions) read it.
pub struct LiveFeed {
    receiver: tokio::sync::broadcast::Receiver<LiveEvent>,
    closed: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
    watcher: Watcher,
    recheck: tokio::time::Interval,
}

impl LiveFeed {
    /// A feed over `receiver` (from `services::dashboard::live_events`).
    pub fn new(state: &AppState, receiver: tokio::sync::broadcast::Receiver<LiveEvent>, watcher: Watcher) -> Self {
        Self { receiver, closed: Box::pin(state.live.closed()), watcher, recheck: recheck() }
    }

    /// The next event for this caller. A caller that fell behind gets
    /// [`LiveEvent::Stats`] in place of what it missed, and refetches.
    pub async fn next(&mut self) -> Result<LiveEvent, Ended> {
        loop {
            let next = tokio::select! {
                received = self.receiver.recv() => match received {
                    Ok(event) => Some(event),
                    Err(RecvError::Lagged(_)) => Some(LiveEvent::Stats),
                    Err(RecvError::Closed) => return Err(Ended::HubClosed),
                },
                // A quiet feed is checked too, so it does not stay open for hours.
                _ = self.recheck.tick() => None,
                // The server is stopping: end the feed so the connection can close.
                () = &mut self.closed => return Err(Ended::ServerStopping),
            };
            if !self.watcher.still_allowed().await {
                return Err(Ended::CredentialsInvalid);
            }
            if let Some(event) = next {
                return Ok(event);
            }
        }
    }
}
