//! Response compression (tower-http's gzip and brotli), entered only by
//! requests that accept one of them.
//!
//! tower-http's compressed body keeps its brotli encoder inline: ~5.8 KB,
//! carried by every response through the layer (compressed or not) and copied
//! each time the response moves out of a future on its way to hyper, four
//! times per request: a fifth of a cached API request's instructions (issue
//! #14, the hot path). A request without `Accept-Encoding: gzip` or `br`
//! (most API clients) now skips the layer; one that accepts them gets the
//! same compression as before, its body boxed as soon as it leaves the layer.
//! Either way the answer says it varies with `Accept-Encoding`, so no shared
//! cache hands a plain copy to a browser that asked for a compressed one.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use futures::FutureExt;
use tower::{Layer, Service};
use tower_http::compression::{Compression, CompressionLayer};

/// See the module documentation.
#[derive(Clone, Default)]
pub struct CompressWhenAccepted {
    compression: CompressionLayer,
}

impl<S> Layer<S> for CompressWhenAccepted
where
    S: Clone,
{
    type Service = CompressWhenAcceptedService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CompressWhenAcceptedService { compressed: self.compression.layer(inner.clone()), plain: inner }
    }
}

/// The service of [`CompressWhenAccepted`]: `inner`, and `inner` behind
/// tower-http's compression.
#[derive(Clone)]
pub struct CompressWhenAcceptedService<S> {
    plain: S,
    compressed: Compression<S>,
}

/// An answer that skipped the compression: the inner future, its response
/// marked [`varies`].
type Plain<F> = futures::future::Map<F, fn(Result<Response, Infallible>) -> Result<Response, Infallible>>;

/// Adds `Vary: accept-encoding` to an answer that skipped the compression, as
/// tower-http does to those that pass through it.
fn varies(answer: Result<Response, Infallible>) -> Result<Response, Infallible> {
    let Ok(mut response) = answer;
    let headers = response.headers_mut();
    if !headers.get_all(header::VARY).iter().any(|v| v.as_bytes().eq_ignore_ascii_case(b"accept-encoding")) {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    Ok(response)
}

/// A compressed answer's future: boxed, as is its body once it is ready.
type Compressed = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl<S> Service<Request> for CompressWhenAcceptedService<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = futures::future::Either<Plain<S::Future>, Compressed>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Either may take the request: both must be ready (axum's routes always are).
        match self.plain.poll_ready(cx) {
            Poll::Ready(Ok(())) => self.compressed.poll_ready(cx),
            other => other,
        }
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if !accepts_compression(request.headers()) {
            return futures::future::Either::Left(self.plain.call(request).map(varies as fn(_) -> _));
        }
        let answer = self.compressed.call(request);
        futures::future::Either::Right(Box::pin(async move { Ok(answer.await?.map(Body::new)) }))
    }
}

/// Whether `Accept-Encoding` names gzip or brotli at all. tower-http then
/// decides for itself (quality values, `q=0`, what is worth compressing);
/// without either name it would not compress anything.
fn accepts_compression(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().any(|value| {
        value.as_bytes().split(|&b| b == b',').any(|coding| {
            let name = coding.split(|&b| b == b';').next().unwrap_or_default().trim_ascii();
            name.eq_ignore_ascii_case(b"gzip") || name.eq_ignore_ascii_case(b"br") || name == b"*"
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn only_requests_naming_gzip_or_brotli_enter_the_compression() {
        assert!(!accepts_compression(&headers(&[])));
        assert!(!accepts_compression(&headers(&["identity"])));
        assert!(!accepts_compression(&headers(&["deflate, zstd;q=0.5"])));
        assert!(!accepts_compression(&headers(&["gzipx, xbr"])));
        assert!(accepts_compression(&headers(&["gzip, deflate, br"])));
        assert!(accepts_compression(&headers(&["deflate", "BR;q=0.8"])));
        assert!(accepts_compression(&headers(&[" gzip ;q=1"])));
        assert!(accepts_compression(&headers(&["*"])));
    }
}
