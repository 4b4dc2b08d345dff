//! `Cache-Control: no-store` on everything the server computes: API answers,
//! pages (a signed-in page shows personal data and its nonce), redirects and
//! errors, so no browser or shared cache keeps them. Static files (`/pkg`,
//! `/vendor`, …) pass untouched and keep their own caching, and so does any
//! response whose handler chose a `Cache-Control` of its own.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::auth::is_static;

/// See the module documentation.
pub async fn layer(request: Request, next: Next) -> Response {
    if is_static(request.uri().path()) {
        return next.run(request).await;
    }
    let mut response = next.run(request).await;
    response.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}
