//! Our middleware as one layer: what used to be nine layers (trace, security
//! headers, cache control, the error envelope, unknown methods,
//! authentication, idempotency, the time limit, the panic guard) as steps of
//! one function. Each `from_fn`
//! layer costs a boxed copy of the services below it and a boxed future per
//! request; merged, the steps cost only what they do (issue #14, the hot path).
//!
//! In order: the trace starts (id, log context, timing); unknown methods get 405;
//! inside the trace, CSRF, authentication and rate limiting ([`auth`]), then
//! `Idempotency-Key` ([`idempotency`]), then the handler, under the panic
//! guard and the time limit ([`super::guarded`]); a bare error
//! response becomes the envelope; then `Cache-Control`, the security headers
//! and the trace's headers, metrics and access log line.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use server_core::error::AppError;
use server_core::state::AppState;

use super::cache_control::Caching;
use super::trace::Trace;
use super::{auth, envelope, idempotency, methods, security_headers, Limits};

/// See the module documentation.
pub async fn layer(State((state, limits)): State<(AppState, Limits)>, mut request: Request, next: Next) -> Response {
    let trace = Trace::begin(&request);
    let caching = Caching::of(request.uri());
    let nonce = security_headers::nonce_for(&mut request);
    let mut response = trace
        .run(async {
            if !methods::is_known(request.method()) {
                return AppError::MethodNotAllowed.into_response();
            }
            let response = auth::run(&state, request, |request| {
                idempotency::run(&state, limits, request, |request| super::guarded(limits, next.run(request)))
            })
            .await;
            envelope::shape(response, limits).await
        })
        .await;
    // Room for the headers stamped below at once, not a regrowth every few.
    response.headers_mut().reserve(12);
    caching.apply(&mut response);
    security_headers::apply(&state, nonce.as_deref(), &mut response);
    trace.finish(&state, &mut response);
    response
}
