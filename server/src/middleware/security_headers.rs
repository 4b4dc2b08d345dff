//! Security headers on every response: nosniff, no framing, a
//! strict referrer policy, HSTS in production, and a Content-Security-Policy —
//! for pages, one naming this request's nonce; for anything else, one that lets
//! nothing load.
//!
//! Part of the edge layer ([`super::edge`]). The nonce is made before the
//! request reaches any handler, and put in the request's extensions, where the page render takes it
//! ([`app::security_headers::provide_request_nonce`]). The header is then
//! written from the same value, so it never depends on what the render did.

use app::security_headers::{origin_of, page_policy, NON_PAGE_POLICY};
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::Response;
use leptos::nonce::Nonce;
use server_core::state::AppState;

/// `Cross-Origin-Opener-Policy` (the `http` crate has no constant for it; a
/// name given as text is parsed again on every insert).
static CROSS_ORIGIN_OPENER_POLICY: HeaderName = HeaderName::from_static("cross-origin-opener-policy");

/// The nonce for `request`'s page, if it may render one (put in its
/// extensions, where the render finds it).
pub fn nonce_for(request: &mut Request) -> Option<Nonce> {
    // 128 random bits per page: a nonce known in advance protects nothing. An
    // API answer or a file puts no script anywhere, so it gets none (making one
    // is a measurable part of a cheap request).
    may_render_a_page(request.uri().path()).then(|| {
        let nonce = Nonce::new();
        request.extensions_mut().insert(nonce.clone());
        nonce
    })
}

/// Sets the security headers on `response`; `nonce` is the one
/// [`nonce_for`] gave its request.
pub fn apply(state: &AppState, nonce: Option<&str>, response: &mut Response) {
    let is_html = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let headers = response.headers_mut();
    // A handler that chose its own policy keeps it; nothing here sets one today.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        // Every rendered page names its nonce; only pages Leptos rendered put it
        // on their scripts, so other HTML (the API docs) runs no inline script.
        let policy = if is_html {
            let tiles = state.map_tile_url.as_deref().and_then(origin_of);
            HeaderValue::from_str(&page_policy(nonce, tiles.as_deref())).ok()
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
    headers.insert(&CROSS_ORIGIN_OPENER_POLICY, HeaderValue::from_static("same-origin"));
    if state.security.production {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
}

/// Whether a request for `path` may be answered by a page Leptos renders (a
/// route, or the app's "not found" page): everything but the API, static
/// files and the operational probes.
fn may_render_a_page(path: &str) -> bool {
    !(path == "/api" || path.starts_with("/api/") || super::auth::is_static(path) || super::auth::is_probe(path))
}
