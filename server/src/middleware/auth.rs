//! Authentication, CSRF and rate limiting (SPEC §4, §5.7), in that order, for
//! every request but static files:
//!
//! 1. **CSRF.** A state-changing request (anything but GET/HEAD/OPTIONS)
//!    sent by a browser must come from our own origin: `Sec-Fetch-Site`
//!    `cross-site`/`same-site`, or an `Origin` that is not ours (nor in
//!    `ALLOWED_ORIGINS`), gets 403 before anything runs. Clients that are not
//!    browsers send neither header and authenticate with a bearer credential,
//!    which a browser never attaches by itself.
//! 2. **Who.** `Authorization: Bearer` (or `X-API-Key`) with an API key or a JWT
//!    access token; else the session cookie. A bad bearer credential is 401.
//! 3. **Default deny.** Only the public routes below serve anonymous callers;
//!    pages redirect to `/login?next=…`, everything else answers 401.
//! 4. **Rate limit** per account or API key: 429 with `Retry-After`.
//!
//! The result is a [`Caller`] in the request's extensions, which handlers and
//! server functions use for role checks and the audit log.

use std::net::SocketAddr;

use app::auth::rate_limit::Decision;
use app::auth::{Caller, Principal};
use app::error::AppError;
use app::services::auth::{bearer_principal, session_principal};
use app::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Routes anonymous callers may use (method, exact path).
const PUBLIC: [(&str, &str); 8] = [
    ("GET", "/healthz"),
    ("GET", "/ready"),
    ("GET", "/health"),
    ("GET", "/metrics"),
    ("GET", "/login"),
    ("POST", "/api/fn/auth_login"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
];

/// Static files: public, and never worth a database lookup.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/vendor/")
        || matches!(path, "/favicon.svg" | "/favicon.ico" | "/api-docs.js" | "/api-docs.css" | "/robots.txt")
}

/// Whether anonymous callers may use `method` on `path`.
pub fn is_public(method: &Method, path: &str) -> bool {
    PUBLIC.iter().any(|(m, p)| (*m == method.as_str() || (*m == "GET" && method == Method::HEAD)) && *p == path)
}

/// See the module documentation.
pub async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if is_static(&path) {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let headers = request.headers();
    if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) && !same_origin(headers, &state) {
        tracing::warn!(http.method = %method, http.path = %path, "cross-site request refused");
        return AppError::Forbidden.into_response();
    }
    let public = is_public(&method, &path);
    let principal = match authenticate(&state, headers).await {
        Ok(principal) => principal,
        Err(_) if public => None,
        Err(error) => return with_challenge(error.into_response()),
    };
    let Some(principal) = principal else {
        if public {
            let caller = caller(&request, &state, None);
            request.extensions_mut().insert(caller);
            return next.run(request).await;
        }
        if method == Method::GET && !path.starts_with("/api/") {
            return to_login(&request);
        }
        return with_challenge(AppError::Unauthorized.into_response());
    };
    let limit = state.security.rate_limit_per_minute;
    let now_ms = state.clock.now().timestamp_millis();
    let remaining = match state.rate_limiter.check(&state.cache, &principal.rate_key(), limit, now_ms).await {
        Decision::Allow { remaining } => remaining,
        Decision::Deny { retry_after_secs } => {
            tracing::warn!(caller = %principal.name, retry_after_secs, "rate limit reached");
            return AppError::RateLimited { retry_after_secs }.into_response();
        }
    };
    let caller = caller(&request, &state, Some(principal));
    request.extensions_mut().insert(caller);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
    response
}

/// The principal the request's credentials prove, if it carries any.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<Principal>, AppError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()))
        .map(str::trim);
    if let Some(credential) = bearer {
        return bearer_principal(state, credential).await.map(Some);
    }
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| state.security.session_from_cookies(v));
    match cookie {
        Some(token) => session_principal(state, &token).await,
        None => Ok(None),
    }
}

/// Whether a state-changing request comes from our own origin (or from a
/// client that is not a browser).
fn same_origin(headers: &HeaderMap, state: &AppState) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // No Origin: not a browser (browsers send it on every POST), or
        // Sec-Fetch-Site already vouched for the request.
        return true;
    };
    // Behind a trusted proxy the browser's host is the forwarded one.
    let forwarded = state.security.trust_forwarded_for.then(|| headers.get("x-forwarded-host")).flatten();
    let host = forwarded.or_else(|| headers.get(header::HOST)).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let ours = origin.split_once("://").is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host));
    ours || state.security.allowed_origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
}

fn caller(request: &Request, state: &AppState, principal: Option<Principal>) -> Caller {
    Caller {
        principal,
        ip: client_ip(request, state.security.trust_forwarded_for),
        trace_id: app::trace::current(),
        user_agent: request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(200).collect()),
    }
}

/// The client's address: the peer, or behind a trusted proxy the first
/// `X-Forwarded-For` entry.
fn client_ip(request: &Request, trust_forwarded_for: bool) -> Option<String> {
    if trust_forwarded_for {
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
        if let Some(ip) = forwarded {
            return Some(ip.to_owned());
        }
    }
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// 303 to the login page, coming back here afterwards.
fn to_login(request: &Request) -> Response {
    let here = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let next: String = url_encode(here);
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/login?next={next}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

fn with_challenge(mut response: Response) -> Response {
    if response.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// Percent-encodes everything but unreserved characters.
fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_routes_are_public() {
        assert!(is_public(&Method::GET, "/healthz"));
        assert!(is_public(&Method::HEAD, "/healthz"));
        assert!(is_public(&Method::POST, "/api/v1/auth/login"));
        assert!(!is_public(&Method::GET, "/api/v1/auth/login"));
        assert!(!is_public(&Method::GET, "/"));
        assert!(!is_public(&Method::GET, "/api/dashboard/stats"));
        assert!(is_static("/pkg/dreamseed.wasm") && !is_static("/pkgx"));
        assert_eq!(url_encode("/users?country=KR"), "%2Fusers%3Fcountry%3DKR");
    }
}
