//! `GET /metrics` in the Prometheus text format: requests by method,
//! route and status, duration histograms, cache hits and misses, users online.
//! Guarded by a token, an internal address, or, in development only (the
//! configuration requires one of the others in production), loopback callers
//! that did not come through a proxy (see `MetricsAccess`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use server_core::error::{AppError, Envelope};
use server_core::observability::MetricsAccess;
use server_core::state::AppState;
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// `/metrics` on the main listener, behind its guard.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_metrics))
}

/// `/metrics` alone, unguarded, for the internal listener (`METRICS_ADDR`).
pub fn internal_router() -> Router {
    Router::new().route("/metrics", get(|| async { render() }))
}

/// The current metrics.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    security(("metrics_token" = [])),
    responses(
        (status = 200, description = "Prometheus text format", content_type = "text/plain", body = String),
        (status = 401, body = Envelope),
        (status = 403, body = Envelope),
        (status = 404, body = Envelope),
    )
)]
async fn get_metrics(State(state): State<AppState>, request: Request) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    match &state.ops.metrics_access {
        MetricsAccess::Token(token) if bearer_matches(request.headers(), token) => render(),
        MetricsAccess::Token(_) => AppError::Unauthorized.into_response(),
        MetricsAccess::InternalListener => AppError::NotFound { what: "route".into() }.into_response(),
        MetricsAccess::Loopback if peer.is_some_and(|p| p.ip().is_loopback()) && !proxied(request.headers()) => {
            render()
        }
        MetricsAccess::Loopback => AppError::Forbidden.into_response(),
    }
}

fn render() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], crate::telemetry::metrics().render()).into_response()
}

/// Whether a proxy on this host forwarded the request: then the loopback peer
/// is the proxy, and the caller may be anyone it serves.
fn proxied(headers: &HeaderMap) -> bool {
    ["x-forwarded-for", "x-forwarded-host", "x-real-ip", "forwarded", "via"]
        .iter()
        .any(|name| headers.contains_key(*name))
}

/// Whether the request carries `Authorization: Bearer <token>`. Compares digests,
/// so the time taken says nothing about how much of the token matched.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    Sha256::digest(presented.as_bytes()) == Sha256::digest(token.as_bytes()) && !presented.is_empty()
}
