//! Security headers on every response (SPEC §5.7): nosniff, no framing, a
//! strict referrer policy, HSTS in production, and a Content-Security-Policy —
//! the page's own (with its nonce, set while rendering) or, for anything else,
//! one that lets nothing load.

use app::security_headers::{origin_of, page_policy, NON_PAGE_POLICY};
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// See the module documentation.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let is_html = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        // Pages that Leptos did not render (the API docs page, error pages)
        // get the page policy without a nonce: no inline script runs.
        let policy = if is_html {
            let tiles = state.map_tile_url.as_deref().and_then(origin_of);
            HeaderValue::from_str(&page_policy(None, tiles.as_deref())).ok()
        } else {
            Some(HeaderValue::from_static(NON_PAGE_POLICY))
        };
        if let Some(policy) = policy {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if state.security.production {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    response
}
