//! The middleware every request passes through, outermost first: compression,
//! for requests that accept it ([`compression`]);
//! the edge layer ([`edge`]: trace id and timing headers with metrics and the
//! access log, security headers, `Cache-Control`, the error envelope for any
//! bare error response, unknown methods refused with 405, then CSRF,
//! authentication and rate limiting, then Idempotency-Key, scoped to the
//! caller); and, innermost, panics and timeouts turned into envelope responses.
//!
//! Every layer costs each request a boxed copy of the services below it and a
//! boxed future, so concerns that need no layer of their own are steps of the
//! edge layer.

pub mod auth;
pub mod cache_control;
pub mod compression;
pub mod edge;
pub mod envelope;
pub mod idempotency;
pub mod methods;
pub mod security_headers;
pub mod trace;

use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::{middleware, BoxError, Router};
use server_core::error::AppError;
use server_core::state::AppState;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;

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
pub fn apply(router: Router, state: &AppState, limits: Limits) -> Router {
    router
        .layer(ServiceBuilder::new().layer(HandleErrorLayer::new(timed_out)).timeout(limits.timeout))
        .layer(CatchPanicLayer::custom(panicked))
        // Unknown methods get 405 here, before authentication (issue #11, item 7);
        // the envelope reads bare error bodies before they are compressed.
        .layer(middleware::from_fn_with_state((state.clone(), limits), edge::layer))
        .layer(compression::CompressWhenAccepted::default())
        .layer(DefaultBodyLimit::max(limits.body_bytes))
}

/// The handler ran past the limit.
async fn timed_out(err: BoxError) -> Response {
    if err.is::<tower::timeout::error::Elapsed>() {
        tracing::warn!("request timed out");
        AppError::Timeout.into_response()
    } else {
        tracing::error!(error = %err, "middleware error");
        AppError::Internal.into_response()
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
