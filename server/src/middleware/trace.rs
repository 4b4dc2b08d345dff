//! The request's trace (part of the edge layer, [`super::edge`]): gives each
//! request its trace id (the caller's, if valid), runs it with its context
//! (id, method, route: [`server_core::trace::Context`], which every log line
//! and error envelope of the request reads), then stamps `X-Trace-Id`,
//! `X-Processing-Time` and `X-Service` on the response, records it in the
//! metrics and route statistics, and writes the access log line.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use server_core::observability::SERVICE;
use server_core::state::AppState;

use server_core::trace::{self, Context, Route};

/// `X-Trace-Id`.
pub static TRACE_ID: HeaderName = HeaderName::from_static("x-trace-id");
/// `X-Processing-Time`, in milliseconds.
pub static PROCESSING_TIME: HeaderName = HeaderName::from_static("x-processing-time");
/// `X-Service`.
pub static SERVICE_HEADER: HeaderName = HeaderName::from_static("x-service");

/// One request's trace, from [`Trace::begin`] to [`Trace::finish`].
pub struct Trace {
    started: Instant,
    /// The id, method and route, shared with everything the request runs.
    scope: Arc<Context>,
}

impl Trace {
    /// Starts the trace of `request`.
    pub fn begin(request: &Request) -> Self {
        let started = Instant::now();
        let trace_id = request
            .headers()
            .get(&TRACE_ID)
            .and_then(|v| v.to_str().ok())
            .and_then(trace::accept)
            .map_or_else(trace::generate, str::to_owned);
        // Both labels take few values whatever the client sends: methods outside
        // the known seven are `other`, paths are the router's patterns.
        let method = super::methods::label(request.method());
        let route = route_label(request);
        Self { started, scope: Arc::new(Context { trace_id, method, route }) }
    }

    /// Runs `inner` (the rest of the request) with the trace as its context.
    /// Not an `async fn`, which would hold `inner` twice (see
    /// [`server_core::trace::scope`]).
    pub fn run<F: Future>(&self, inner: F) -> impl Future<Output = F::Output> {
        trace::scope(Arc::clone(&self.scope), inner)
    }

    /// Stamps the trace's headers on `response`, counts it and logs it.
    pub fn finish(self, state: &AppState, response: &mut Response) {
        let elapsed = self.started.elapsed();
        let status = response.status().as_u16();
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&self.scope.trace_id) {
            headers.insert(&TRACE_ID, value);
        }
        headers.insert(&PROCESSING_TIME, millis(elapsed.as_micros()));
        headers.insert(&SERVICE_HEADER, HeaderValue::from_static(SERVICE));

        // The route statistics feed Prometheus too (one lookup for both).
        let route = self.scope.route.as_str();
        state.ops.route_stats.record(self.scope.method, route, status, elapsed);

        // Assets and probes are many and dull: keep them out of the info log
        // (a load balancer asks every replica's /ready each second), except a
        // replica saying it is not ready.
        let probe = route == "/healthz" || route == "/ready";
        let dull = route.starts_with("/pkg") || route.starts_with("/vendor") || (probe && status < 500);
        // To the microsecond, as X-Processing-Time: finer is clock noise.
        let duration_ms = elapsed.as_micros() as f64 / 1000.0;
        trace::sync_scope(self.scope, || {
            if dull {
                tracing::debug!(http.status = status, duration_ms, "request");
            } else if status >= 500 {
                tracing::warn!(http.status = status, duration_ms, "request");
            } else {
                tracing::info!(http.status = status, duration_ms, "request");
            }
        });
    }
}

/// `micros` as milliseconds with three decimals (`12.345`), the
/// `X-Processing-Time` value, written without the formatting machinery
/// (it was a tenth of a cached request's header work).
fn millis(micros: u128) -> HeaderValue {
    let mut digits = [b'0'; 40];
    let mut at = digits.len();
    let mut rest = micros;
    // At least "0.000": three decimals, the point, a digit before it.
    while rest > 0 || digits.len() - at < 5 {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if digits.len() - at == 3 {
            at -= 1;
            digits[at] = b'.';
        }
    }
    HeaderValue::from_bytes(&digits[at..]).unwrap_or_else(|_| HeaderValue::from_static("0.000"))
}

/// The route's label: the router's match, the asset folder for static files,
/// or `unmatched` for every other path (the fallback: unknown pages, unknown
/// API paths, other static files).
fn route_label(request: &Request) -> Route {
    if let Some(matched) = request.extensions().get::<MatchedPath>() {
        return Route::Matched(matched.clone());
    }
    let path = request.uri().path();
    match ["/pkg/*", "/vendor/*"].into_iter().find(|folder| path.starts_with(folder.trim_end_matches('*'))) {
        Some(folder) => Route::Fixed(folder),
        None => Route::Fixed("unmatched"),
    }
}

#[cfg(test)]
mod tests {
    use super::millis;

    #[test]
    fn processing_time_is_milliseconds_with_three_decimals() {
        for (micros, text) in [
            (0, "0.000"),
            (7, "0.007"),
            (480, "0.480"),
            (1_000, "1.000"),
            (12_345, "12.345"),
            (98_765_432, "98765.432"),
        ] {
            assert_eq!(millis(micros).to_str().unwrap(), text, "{micros} µs");
        }
        assert_eq!(millis(u128::MAX).to_str().unwrap().len(), 40, "the largest fits");
    }
}
