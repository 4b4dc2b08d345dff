//! The outermost middleware: gives each request its trace id (the caller's, if
//! valid), runs it inside a span carrying that id (so every log line of the
//! request has it) and the task-local the error envelope reads, then stamps
//! `X-Trace-Id`, `X-Processing-Time` and `X-Service` on the response, records
//! it in the metrics and route statistics, and writes the access log line.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
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

/// See the module documentation.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let trace_id = request
        .headers()
        .get(&TRACE_ID)
        .and_then(|v| v.to_str().ok())
        .and_then(server_core::trace::accept)
        .map_or_else(server_core::trace::generate, str::to_owned);
    // Both labels take few values whatever the client sends: methods outside
    // the known seven are `other`, paths are the router's patterns.
    let method = super::methods::label(request.method());
    let route = route_label(&request);
    let span = tracing::info_span!("request", trace_id = %trace_id, http.method = %method, http.route = %route);

    let mut response = server_core::trace::scope(trace_id.clone(), next.run(request).instrument(span.clone())).await;

    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&trace_id) {
        headers.insert(&TRACE_ID, value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("{:.3}", elapsed.as_secs_f64() * 1000.0)) {
        headers.insert(&PROCESSING_TIME, value);
    }
    headers.insert(&SERVICE_HEADER, HeaderValue::from_static(SERVICE));

    let labels = [("method", method.to_owned()), ("route", route.clone()), ("status", status.to_string())];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels[..2]).record(elapsed.as_secs_f64());
    state.ops.route_stats.record(method, &route, status, elapsed);

    let duration_ms = elapsed.as_secs_f64() * 1000.0;
    span.in_scope(|| {
        // Assets and probes are many and dull: keep them out of the info log.
        if route.starts_with("/pkg") || route.starts_with("/vendor") || route == "/healthz" {
            tracing::debug!(http.status = status, duration_ms, "request");
        } else if status >= 500 {
            tracing::warn!(http.status = status, duration_ms, "request");
        } else {
            tracing::info!(http.status = status, duration_ms, "request");
        }
    });
    response
}

/// The route pattern for labels: the router's match (`/api/dashboard/stats`,
/// never a raw path with ids in it), the asset folder for static files, or
/// `unmatched` for every other path (the fallback: unknown pages, unknown API
/// paths, other static files), so metric labels stay as few as the routes.
fn route_label(request: &Request) -> String {
    if let Some(matched) = request.extensions().get::<MatchedPath>() {
        return matched.as_str().to_owned();
    }
    let path = request.uri().path();
    for folder in ["/pkg/", "/vendor/"] {
        if path.starts_with(folder) {
            return format!("{folder}*");
        }
    }
    "unmatched".to_owned()
}
