//! The request's trace (part of the edge layer, [`super::edge`]): gives each
//! request its trace id (the caller's, if valid), runs it inside a span
//! carrying that id (so every log line of the request has it) and the
//! task-local the error envelope reads, then stamps `X-Trace-Id`,
//! `X-Processing-Time` and `X-Service` on the response, records it in the
//! metrics and route statistics, and writes the access log line.

use std::future::Future;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use server_core::observability::SERVICE;
use server_core::state::AppState;
use tracing::Instrument;

/// `X-Trace-Id`.
pub static TRACE_ID: HeaderName = HeaderName::from_static("x-trace-id");
/// `X-Processing-Time`, in milliseconds.
pub static PROCESSING_TIME: HeaderName = HeaderName::from_static("x-processing-time");
/// `X-Service`.
pub static SERVICE_HEADER: HeaderName = HeaderName::from_static("x-service");

/// One request's trace, from [`Trace::begin`] to [`Trace::finish`].
pub struct Trace {
    started: Instant,
    id: String,
    method: &'static str,
    route: RouteLabel,
    span: tracing::Span,
}

impl Trace {
    /// Starts the trace of `request`.
    pub fn begin(request: &Request) -> Self {
        let started = Instant::now();
        let id = request
            .headers()
            .get(&TRACE_ID)
            .and_then(|v| v.to_str().ok())
            .and_then(server_core::trace::accept)
            .map_or_else(server_core::trace::generate, str::to_owned);
        // Both labels take few values whatever the client sends: methods outside
        // the known seven are `other`, paths are the router's patterns.
        let method = super::methods::label(request.method());
        let route = route_label(request);
        let span = tracing::info_span!("request", trace_id = %id, http.method = %method, http.route = %route.as_str());
        Self { started, id, method, route, span }
    }

    /// Runs `inner` (the rest of the request) inside the trace: its span, and
    /// its id as the current trace id. Not an `async fn`, which would hold
    /// `inner` twice (see [`server_core::trace::scope`]).
    pub fn run<F: Future>(&self, inner: F) -> impl Future<Output = F::Output> {
        server_core::trace::scope(self.id.clone(), inner.instrument(self.span.clone()))
    }

    /// Stamps the trace's headers on `response`, counts it and logs it.
    pub fn finish(self, state: &AppState, response: &mut Response) {
        let elapsed = self.started.elapsed();
        let status = response.status().as_u16();
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&self.id) {
            headers.insert(&TRACE_ID, value);
        }
        if let Ok(value) = HeaderValue::from_str(&format!("{:.3}", elapsed.as_secs_f64() * 1000.0)) {
            headers.insert(&PROCESSING_TIME, value);
        }
        headers.insert(&SERVICE_HEADER, HeaderValue::from_static(SERVICE));

        // The route statistics feed Prometheus too (one lookup for both).
        let route = self.route.as_str();
        state.ops.route_stats.record(self.method, route, status, elapsed);

        let duration_ms = elapsed.as_secs_f64() * 1000.0;
        self.span.in_scope(|| {
            // Assets and probes are many and dull: keep them out of the info log
            // (a load balancer asks every replica's /ready each second), except a
            // replica saying it is not ready.
            let probe = route == "/healthz" || route == "/ready";
            if route.starts_with("/pkg") || route.starts_with("/vendor") || (probe && status < 500) {
                tracing::debug!(http.status = status, duration_ms, "request");
            } else if status >= 500 {
                tracing::warn!(http.status = status, duration_ms, "request");
            } else {
                tracing::info!(http.status = status, duration_ms, "request");
            }
        });
    }
}

/// The route pattern for labels: the router's match (`/api/dashboard/stats`,
/// never a raw path with ids in it), the asset folder for static files, or
/// `unmatched` for every other path (the fallback: unknown pages, unknown API
/// paths, other static files), so metric labels stay as few as the routes.
enum RouteLabel {
    /// The router's pattern (shared with the router: cloning copies no text).
    Matched(MatchedPath),
    /// A fixed label.
    Fixed(&'static str),
}

impl RouteLabel {
    fn as_str(&self) -> &str {
        match self {
            RouteLabel::Matched(matched) => matched.as_str(),
            RouteLabel::Fixed(label) => label,
        }
    }
}

fn route_label(request: &Request) -> RouteLabel {
    if let Some(matched) = request.extensions().get::<MatchedPath>() {
        return RouteLabel::Matched(matched.clone());
    }
    let path = request.uri().path();
    match ["/pkg/*", "/vendor/*"].into_iter().find(|folder| path.starts_with(folder.trim_end_matches('*'))) {
        Some(folder) => RouteLabel::Fixed(folder),
        None => RouteLabel::Fixed("unmatched"),
    }
}
