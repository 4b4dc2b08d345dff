//! The middleware every request passes through, outermost first: compression,
//! for requests that accept it ([`compression`]);
//! the edge layer ([`edge`]: trace id and timing headers with metrics and the
//! access log, security headers, `Cache-Control`, the error envelope for any
//! bare error response, unknown methods refused with 405, then CSRF,
//! authentication and rate limiting, then Idempotency-Key, scoped to the
//! caller; and last, around the handler, panics and timeouts turned into
//! envelope responses, [`guarded`]).
//!
//! Every layer on a route costs each request a boxed copy of the services
//! below it and a boxed future, so concerns that need no layer of their own
//! are steps of the edge layer, and those that need no route wrap the router
//! once (see [`apply`]).

pub mod auth;
pub mod cache_control;
pub mod compression;
pub mod edge;
pub mod envelope;
pub mod idempotency;
pub mod methods;
pub mod security_headers;
pub mod trace;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::{middleware, Router};
use futures::FutureExt;
use server_core::error::AppError;
use server_core::state::AppState;

/// Limits every request is held to.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The longest a handler may take to produce its response (streams, once
    /// started, are not cut).
    pub timeout: Duration,
    /// The largest request body accepted.
    pub body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // Event batches of 1,000 items fit in 2 MiB with room to spare.
        Self { timeout: Duration::from_secs(30), body_bytes: 2 * 1024 * 1024 }
    }
}

/// Wraps `router` in the middleware stack.
///
/// axum clones a route's whole stack of services for every request it
/// serves, one boxed copy per layer (and tower-http's compression twice: it
/// keeps a plain copy beside the compressing one), ~33 allocations per
/// request (issue #14, the hot path). So the route's stack is the edge layer
/// alone: it runs the handler under the panic guard and the time limit itself
/// ([`guarded`]). Compression and the body limit, which need no route, wrap
/// the whole router once, as the fallback of an outer router: cloning them
/// clones the inner router, a reference count.
pub fn apply(router: Router, state: &AppState, limits: Limits) -> Router {
    // Per route: the trace labels the request with the route's pattern, which
    // the router finds.
    let routed = router.layer(middleware::from_fn_with_state((state.clone(), limits), edge::layer));
    Router::new()
        .fallback_service(routed)
        // Unknown methods get 405 in the edge layer (issue #11, item 7), and
        // the envelope reads bare error bodies before they are compressed.
        .layer(compression::CompressWhenAccepted::default())
        .layer(DefaultBodyLimit::max(limits.body_bytes))
}

/// `handler` (the rest of the request after the edge layer's steps) held to
/// `limits.timeout`, a panic in it turned into the 500 envelope: what a
/// timeout layer and tower-http's panic layer did below the edge layer, as
/// steps of it. Streams, once their response has started, are not cut.
pub async fn guarded(limits: Limits, handler: impl Future<Output = Response>) -> Response {
    match tokio::time::timeout(limits.timeout, AssertUnwindSafe(handler).catch_unwind()).await {
        Ok(Ok(response)) => response,
        Ok(Err(payload)) => panicked(payload),
        Err(_elapsed) => {
            tracing::warn!("request timed out");
            AppError::Timeout.into_response()
        }
    }
}

/// A handler panicked: log it once, answer with the 500 envelope.
fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "handler panicked");
    AppError::Internal.into_response()
}
