//! Authentication, CSRF and rate limiting, in that order, for
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
//! Forwarding headers (`X-Forwarded-For`, `X-Forwarded-Host`) count only when
//! `TRUST_PROXY_HEADERS` is on and the socket peer is one of `TRUSTED_PROXIES`.
//!
//! The result is a [`Caller`] in the request's extensions, which handlers and
//! server functions use for role checks and the audit log.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use app::components::list_pager::NOT_UNRESERVED;
use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::utf8_percent_encode;
use server_core::auth::rate_limit::Decision;
use server_core::auth::{Caller, Principal, SecuritySettings};
use server_core::error::AppError;
use server_core::observability::mask;
use server_core::services::auth::{bearer_principal, session_principal};
use server_core::state::AppState;

/// The operational probes: public to `GET`, answered by the server itself
/// (never a page, never personal data).
const PROBES: [&str; 4] = ["/healthz", "/ready", "/health", "/metrics"];

/// Routes anonymous callers may use besides the probes (method, exact path).
const PUBLIC: [(&str, &str); 4] = [
    ("GET", "/login"),
    ("POST", "/api/fn/auth_login"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
];

/// `X-RateLimit-Limit` (requests per minute). Static: a name given as text
/// is parsed again on every insert.
static RATE_LIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
/// `X-RateLimit-Remaining` (requests left in the sliding minute).
static RATE_LIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");

/// Static files: public, and never worth a database lookup.
pub fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/vendor/")
        || matches!(
            path,
            "/favicon.svg"
                | "/favicon.ico"
                | "/api-docs.js"
                | "/api-docs.css"
                | "/graphiql.js"
                | "/graphiql.css"
                | "/robots.txt"
        )
}

/// Whether `path` is one of the operational probes (`/healthz`, `/ready`, …).
pub fn is_probe(path: &str) -> bool {
    PROBES.contains(&path)
}

/// Whether anonymous callers may use `method` on `path`.
pub fn is_public(method: &Method, path: &str) -> bool {
    let get = matches!(*method, Method::GET | Method::HEAD);
    (get && is_probe(path))
        || PUBLIC.iter().any(|(m, p)| (*m == method.as_str() || (*m == "GET" && method == Method::HEAD)) && *p == path)
}

/// A step of the edge layer ([`super::edge`]): `inner` (the rest of the
/// request) runs only for callers who pass.
pub async fn run<F, Fut>(state: &AppState, mut request: Request, inner: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let path = request.uri().path().to_owned();
    if is_static(&path) {
        return inner(request).await;
    }
    let method = request.method().clone();
    let headers = request.headers();
    let via_proxy = peer(&request).is_some_and(|peer| state.security.is_trusted_proxy(peer));
    // A WebSocket upgrade is a GET, but the socket it opens carries the
    // browser's cookie as any POST would: it must come from our origin too.
    let changes_state = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) || is_websocket(headers);
    if changes_state && !same_origin(headers, state, via_proxy) {
        tracing::warn!(http.method = %method, http.path = %path, "cross-site request refused");
        return AppError::Forbidden.into_response();
    }
    let public = is_public(&method, &path);
    let principal = match authenticate(state, headers).await {
        Ok(principal) => principal,
        Err(_) if public => None,
        Err(error) => return with_challenge(error.into_response()),
    };
    let Some(principal) = principal else {
        if public {
            let caller = caller(&request, state, None);
            request.extensions_mut().insert(caller);
            return inner(request).await;
        }
        // GraphiQL (`/api/graphql` opened in a browser) is a page too.
        if method == Method::GET
            && (!path.starts_with("/api/") || (path == "/api/graphql" && wants_page(request.headers(), request.uri())))
        {
            return to_login(&request);
        }
        return with_challenge(AppError::Unauthorized.into_response());
    };
    let limit = state.security.rate_limit_per_minute;
    let now_ms = state.clock.now_millis();
    let remaining = match state.rate_limiter.check(&state.cache, &principal.rate_key(), limit, now_ms).await {
        Decision::Allow { remaining } => remaining,
        Decision::Deny { retry_after_secs } => {
            tracing::warn!(caller = %mask::name(&principal.name), retry_after_secs, "rate limit reached");
            return AppError::RateLimited { retry_after_secs }.into_response();
        }
    };
    if principal.must_change_password && !open_before_password_change(&method, &path) {
        return password_change_first(&method, &path);
    }
    let caller = caller(&request, state, Some(principal));
    request.extensions_mut().insert(caller);
    let mut response = inner(request).await;
    let headers = response.headers_mut();
    headers.insert(&RATE_LIMIT_LIMIT, limit_value(limit));
    headers.insert(&RATE_LIMIT_REMAINING, HeaderValue::from(remaining));
    response
}

/// `limit` as a header value. The limit is one setting, so the value made
/// for it is kept (per thread) and shared: made for every request, it cost an
/// allocation each time.
fn limit_value(limit: u32) -> HeaderValue {
    thread_local! {
        static MADE: std::cell::RefCell<Option<(u32, HeaderValue)>> = const { std::cell::RefCell::new(None) };
    }
    MADE.with_borrow_mut(|made| match made {
        Some((made_for, value)) if *made_for == limit => value.clone(),
        _ => made.insert((limit, HeaderValue::from(limit))).1.clone(),
    })
}

/// The principal the request's credentials prove, if it carries any (the
/// live stream asks again while it stays open).
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<Arc<Principal>>, AppError> {
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
/// client that is not a browser). `via_proxy`: the request came from a trusted
/// proxy, whose `X-Forwarded-Host` names the host the browser used.
fn same_origin(headers: &HeaderMap, state: &AppState, via_proxy: bool) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // No Origin: not a browser (browsers send it on every POST), or
        // Sec-Fetch-Site already vouched for the request.
        return true;
    };
    // Behind a trusted proxy the browser's host is the forwarded one; from
    // anyone else the header is the client's own claim and means nothing.
    let forwarded = via_proxy.then(|| headers.get("x-forwarded-host")).flatten();
    let host = forwarded.or_else(|| headers.get(header::HOST)).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let ours = origin.split_once("://").is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host));
    ours || state.security.allowed_origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
}

fn caller(request: &Request, state: &AppState, principal: Option<Arc<Principal>>) -> Caller {
    Caller {
        principal,
        ip: client_ip(peer(request), request.headers(), &state.security).map(ip_text),
        trace_id: server_core::trace::current(),
        user_agent: request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(200).collect()),
        idempotency: None,
    }
}

/// `ip` as text. IPv4 addresses (nearly every caller) without the formatting
/// machinery, which took a tenth of the authentication step's instructions.
fn ip_text(ip: IpAddr) -> String {
    let IpAddr::V4(v4) = ip else { return ip.to_string() };
    let mut text = String::with_capacity(15);
    let mut digits = itoa::Buffer::new();
    for (i, octet) in v4.octets().into_iter().enumerate() {
        if i > 0 {
            text.push('.');
        }
        text.push_str(digits.format(octet));
    }
    text
}

/// The socket peer's address. `dreamseed serve` always provides it; a router
/// driven in-process may give it with `MockConnectInfo`; without either there
/// is none, and no forwarding header is believed.
fn peer(request: &Request) -> Option<IpAddr> {
    let extensions = request.extensions();
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .or_else(|| extensions.get::<MockConnectInfo<SocketAddr>>().map(|MockConnectInfo(addr)| addr.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client's address. Without a trusted proxy in front (the peer is not
/// one), the peer itself: anyone can write `X-Forwarded-For`. From a trusted
/// proxy, the header is walked from the right (each proxy appends the address
/// it saw) past our own proxies; the first address that is not one of them is
/// the client, as far as anyone we trust can tell. The hops left of it are the
/// client's own claims. If every hop is a trusted proxy, the left-most; a hop
/// that is not a plain IP address ends the walk at the last good one.
fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, security: &SecuritySettings) -> Option<IpAddr> {
    let peer = peer?;
    if !security.is_trusted_proxy(peer) {
        return Some(peer);
    }
    // Several headers are one list, in order (RFC 9110 §5.3); a value that is
    // not text is one unreadable hop.
    let hops: Vec<Option<&str>> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| match value.to_str() {
            Ok(text) => text.split(',').map(Some).collect(),
            Err(_) => vec![None],
        })
        .collect();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        let Some(Ok(ip)) = hop.map(|hop| hop.trim().parse::<IpAddr>()) else { break };
        client = ip.to_canonical();
        if !security.is_trusted_proxy(client) {
            break;
        }
    }
    Some(client)
}

/// 303 to the login page, coming back here afterwards.
/// Whether `headers` ask for a WebSocket.
fn is_websocket(headers: &HeaderMap) -> bool {
    headers.get(header::UPGRADE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Whether a browser asks for a page (GraphiQL rather than a GraphQL
/// answer): HTML accepted, no query in the URL.
pub fn wants_page(headers: &HeaderMap, uri: &axum::http::Uri) -> bool {
    uri.query().is_none_or(str::is_empty)
        && headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

fn to_login(request: &Request) -> Response {
    let here = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let next = utf8_percent_encode(here, NOT_UNRESERVED);
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/login?next={next}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// What a person whose password was generated (the first admin's, printed on
/// the console) may reach before replacing it: the settings page, signing
/// out, and their own account's calls.
fn open_before_password_change(method: &Method, path: &str) -> bool {
    (*method == Method::GET && matches!(path, "/settings" | "/login"))
        || path.starts_with("/api/fn/auth_")
        || path.starts_with("/api/fn/account_")
        || matches!(path, "/api/v1/auth/me" | "/api/v1/auth/logout")
}

/// Pages lead to the password form; API calls are refused with the reason.
fn password_change_first(method: &Method, path: &str) -> Response {
    if *method == Method::GET && !path.starts_with("/api/") {
        let mut response = StatusCode::SEE_OTHER.into_response();
        response.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/settings?must_change=1"));
        return response;
    }
    AppError::BusinessRule { message: "replace the generated password first (Settings, Password)".into() }
        .into_response()
}

fn with_challenge(mut response: Response) -> Response {
    if response.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
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
    }

    #[test]
    fn the_way_back_after_login_is_encoded_whole() {
        let request = Request::get("/users?country=KR&q=%ED%95%9C").body(axum::body::Body::empty()).unwrap();
        let response = to_login(&request);
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/login?next=%2Fusers%3Fcountry%3DKR%26q%3D%25ED%2595%259C");
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn addresses_are_written_as_std_writes_them() {
        for text in ["0.0.0.0", "127.0.0.1", "10.9.99.100", "255.255.255.255", "192.168.1.20", "::1", "2001:db8::7"] {
            assert_eq!(ip_text(ip(text)), ip(text).to_string());
        }
        for octet in 0..=255u8 {
            let v4 = IpAddr::from([octet, 255 - octet, octet / 2, 7]);
            assert_eq!(ip_text(v4), v4.to_string());
        }
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    /// Behind proxies in 10.0.0.0/8 (and loopback), with TRUST_PROXY_HEADERS on.
    fn behind_proxies() -> SecuritySettings {
        let mut security = SecuritySettings::ephemeral();
        security.trust_forwarded_for = true;
        security.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1".parse().unwrap()];
        security
    }

    fn walk(peer: &str, values: &[&str]) -> Option<String> {
        client_ip(Some(ip(peer)), &forwarded(values), &behind_proxies()).map(|ip| ip.to_string())
    }

    #[test]
    fn the_client_is_the_right_most_address_that_is_not_our_proxy() {
        // The client wrote the first hop itself; our proxies appended the rest.
        assert_eq!(walk("10.0.0.2", &["203.0.113.9, 198.51.100.7, 10.0.0.1"]).as_deref(), Some("198.51.100.7"));
        assert_eq!(walk("10.0.0.2", &["198.51.100.7"]).as_deref(), Some("198.51.100.7"));
        // Several headers are one list.
        assert_eq!(walk("10.0.0.2", &["203.0.113.9", "198.51.100.7, 10.0.0.1"]).as_deref(), Some("198.51.100.7"));
        // Only proxies: the left-most.
        assert_eq!(walk("10.0.0.2", &["10.0.0.5, 10.0.0.1"]).as_deref(), Some("10.0.0.5"));
        // IPv6, and IPv4 seen through an IPv6 socket.
        assert_eq!(walk("::ffff:10.0.0.2", &["2001:db8::7"]).as_deref(), Some("2001:db8::7"));
        assert_eq!(walk("10.0.0.2", &["::ffff:198.51.100.7"]).as_deref(), Some("198.51.100.7"));
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_is_the_client_whatever_it_claims() {
        assert_eq!(walk("198.51.100.7", &["203.0.113.9"]).as_deref(), Some("198.51.100.7"));
        let mut off = behind_proxies();
        off.trust_forwarded_for = false;
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &forwarded(&["203.0.113.9"]), &off), Some(ip("10.0.0.2")));
        assert_eq!(client_ip(None, &forwarded(&["203.0.113.9"]), &behind_proxies()), None, "no peer, no guess");
    }

    #[test]
    fn an_unparsable_hop_ends_the_walk_at_the_last_good_address() {
        assert_eq!(walk("10.0.0.2", &["198.51.100.7, bogus, 10.0.0.1"]).as_deref(), Some("10.0.0.1"));
        assert_eq!(walk("10.0.0.2", &["198.51.100.7, 203.0.113.9:443"]).as_deref(), Some("10.0.0.2"));
        assert_eq!(walk("10.0.0.2", &["198.51.100.7,"]).as_deref(), Some("10.0.0.2"));
        assert_eq!(walk("10.0.0.2", &[]).as_deref(), Some("10.0.0.2"));
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", HeaderValue::from_bytes(b"198.51.100.7, \xff").unwrap());
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &headers, &behind_proxies()), Some(ip("10.0.0.2")));
        headers.append("x-forwarded-for", HeaderValue::from_static("10.0.0.1"));
        assert_eq!(client_ip(Some(ip("10.0.0.2")), &headers, &behind_proxies()), Some(ip("10.0.0.1")));
    }
}
