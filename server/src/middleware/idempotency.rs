//! `Idempotency-Key` on POST, PUT and PATCH. The first
//! request with a key claims it and runs; its response is stored for an hour, in
//! the database (so restarts and other replicas see it). A repeat gets the stored
//! response (201 becoming 200) with `Idempotent-Replayed: true`; the same key with
//! a different request gets 422; a repeat while the first still runs gets 409.
//! Keys are scoped to the caller; anonymous requests (sign-in, token refresh)
//! are never deduplicated, so strangers cannot share or probe one scope. A
//! server-side failure (5xx) forgets the key, so a retry may run again, unless
//! the request's writes committed: they mark the key applied in their own
//! transaction (through the caller's [`server_core::auth::Caller::idempotency`] and
//! the audit record each write appends), so a committed effect never runs
//! twice, even when the process dies before its response is stored. A
//! response that carries a secret ([`app::api::SECRET_RESPONSE`]: a new API key,
//! a TOTP secret) is never stored: its key is kept as done, and a repeat is told
//! so (409) instead of being shown the secret again.

use std::future::Future;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use server_core::db::{idempotency, Ts};
use server_core::error::{AppError, Result};
use server_core::state::AppState;
use sha2::{Digest, Sha256};

use super::Limits;

/// `Idempotency-Key`.
pub static KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// `Idempotent-Replayed`, on replayed responses.
pub static REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// The mark of a response that carries a secret.
static SECRET: HeaderName = HeaderName::from_static(app::api::SECRET_RESPONSE);

/// How long a claim holds without renewal: a retry of a request whose process
/// died waits this long at most before it may run (a SQLite server releases
/// such claims at start at once).
const LEASE: Duration = Duration::from_secs(10);
/// How often a running request renews its claim.
const RENEW_EVERY: Duration = Duration::from_secs(4);
/// How long a key and its response are kept.
const KEEP: Duration = Duration::from_secs(3600);
/// Responses larger than this are not kept for replays: the key is released instead.
const MAX_STORED_BODY: usize = 1024 * 1024;
/// The response headers a replay repeats.
const REPLAYED_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, HeaderName::from_static("x-job-id")];

/// A step of the edge layer ([`super::edge`]), after authentication: `inner`
/// (the handler) runs once per key.
pub async fn run<F, Fut>(state: &AppState, limits: Limits, request: Request, inner: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    if !matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH) {
        return inner(request).await;
    }
    let signed_in =
        request.extensions().get::<server_core::auth::Caller>().is_some_and(|caller| caller.principal.is_some());
    let mut response = match request.headers().get(&KEY) {
        // Boxed: the claim's database calls make a large future, and a request
        // carries the space for it in its own state even when it never takes
        // this path (moved and copied per request: issue #14, the hot path).
        Some(raw_key) if signed_in => match Box::pin(handle(state, limits, raw_key.clone(), request, inner)).await {
            Ok(response) => response,
            Err(error) => error.into_response(),
        },
        _ => inner(request).await,
    };
    response.headers_mut().remove(&SECRET);
    response
}

async fn handle<F, Fut>(
    state: &AppState,
    limits: Limits,
    raw_key: HeaderValue,
    request: Request,
    inner: F,
) -> Result<Response>
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let key = validate_key(&raw_key)?;
    let scope = caller_scope(request.extensions().get::<server_core::auth::Caller>());
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, limits.body_bytes)
        .await
        .map_err(|_| AppError::PayloadTooLarge { limit_bytes: limits.body_bytes as u64 })?;
    let hash =
        request_hash(&parts.method, parts.uri.path_and_query().map_or("", |p| p.as_str()), &parts.headers, &body);

    let now = state.clock.now();
    let lease = lease_from(now);
    let expires = Ts::from(now + chrono::Duration::from_std(KEEP).unwrap_or_default());
    match idempotency::claim(&state.db, &scope, key, &hash, Ts::from(now), lease, expires).await? {
        idempotency::Claim::Existing(record) if record.request_hash != hash => Err(AppError::IdempotencyKeyReused),
        idempotency::Claim::Existing(record) if record.status == "completed" => Ok(replay(&record)),
        // Applied, and its request's lease ran out before the response was kept:
        // that process died between its commit and the store. Never run it again.
        idempotency::Claim::Existing(record) if record.applied_at.is_some() && record.locked_until <= Ts::from(now) => {
            Ok(applied_without_response())
        }
        idempotency::Claim::Existing(_) => Err(AppError::IdempotencyInProgress),
        idempotency::Claim::Claimed => {
            let mut parts = parts;
            // The request's writes mark the key applied in their own transaction.
            if let Some(caller) = parts.extensions.get_mut::<server_core::auth::Caller>() {
                caller.idempotency = Some(idempotency::Claimed { scope: scope.clone(), key: key.to_owned() });
            }
            let response = run_renewing(state, &scope, key, inner(Request::from_parts(parts, Body::from(body)))).await;
            store(state, &scope, key, response).await
        }
    }
}

/// When a claim taken or renewed at `now` lapses.
fn lease_from(now: chrono::DateTime<chrono::Utc>) -> Ts {
    Ts::from(now + chrono::Duration::from_std(LEASE).unwrap_or_default())
}

/// Runs the claimed request, renewing its lease while it runs, so a live
/// request keeps its key however long it takes (up to the request timeout)
/// while a dead process's claim lapses within [`LEASE`].
async fn run_renewing(state: &AppState, scope: &str, key: &str, request: impl Future<Output = Response>) -> Response {
    let mut request = std::pin::pin!(request);
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + RENEW_EVERY, RENEW_EVERY);
    loop {
        tokio::select! {
            response = &mut request => return response,
            _ = ticks.tick() => {
                if let Err(error) = idempotency::renew(&state.db, scope, key, lease_from(state.clock.now())).await {
                    tracing::warn!(%error, "could not renew an idempotency key's lease");
                }
            }
        }
    }
}

/// The answer to a retry of a request whose writes committed but whose
/// response was never kept (its server stopped in between): 409, saying it
/// was applied, so the client stops retrying instead of doing it twice.
fn applied_without_response() -> Response {
    already_done(
        "a request with this Idempotency-Key was applied; its response was not kept (the server \
        stopped just after committing it), so it is not run again",
    )
}

/// A 409 marked as a replay: the key's request was done, and its response
/// cannot be shown again.
fn already_done(message: &str) -> Response {
    let mut response = AppError::Conflict { message: message.into() }.into_response();
    response.headers_mut().insert(&REPLAYED, HeaderValue::from_static("true"));
    response
}

/// Keeps the response of the request that claimed the key (or releases the key
/// if it should not be kept), and returns it.
async fn store(state: &AppState, scope: &str, key: &str, response: Response) -> Result<Response> {
    let status = response.status();
    let streaming =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if status.is_server_error() || streaming {
        idempotency::release(&state.db, scope, key, Ts::from(state.clock.now())).await?;
        return Ok(response);
    }
    if response.headers().contains_key(&SECRET) {
        // Done, but the secret is shown once: keep the status, never the body.
        let marker = serde_json::json!({ app::api::SECRET_RESPONSE: "1" }).to_string();
        idempotency::complete(&state.db, scope, key, status.as_u16(), &marker, &[]).await?;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    // Our own responses to writes are small JSON documents; the size cap only
    // decides whether this one is kept for replays, never what the caller gets.
    let bytes = to_bytes(body, usize::MAX).await.map_err(|_| AppError::Internal)?;
    if bytes.len() > MAX_STORED_BODY {
        idempotency::release(&state.db, scope, key, Ts::from(state.clock.now())).await?;
        return Ok(Response::from_parts(parts, Body::from(bytes)));
    }
    let headers: serde_json::Map<String, serde_json::Value> = REPLAYED_HEADERS
        .iter()
        .filter_map(|name| Some((name.to_string(), parts.headers.get(name)?.to_str().ok()?.into())))
        .collect();
    idempotency::complete(
        &state.db,
        scope,
        key,
        status.as_u16(),
        &serde_json::Value::Object(headers).to_string(),
        &bytes,
    )
    .await?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// The stored response again, marked as a replay; for a response that held a
/// secret, a 409 saying the request was done.
fn replay(record: &idempotency::Record) -> Response {
    if record.response_headers.as_deref().is_some_and(|h| h.contains(app::api::SECRET_RESPONSE)) {
        return already_done(
            "a request with this Idempotency-Key already succeeded; its response held a secret, \
            which is shown only once",
        );
    }
    let status = match record.response_status.and_then(|s| StatusCode::from_u16(s as u16).ok()) {
        // The Flask system's rule: the resource was created the first time, not now.
        Some(StatusCode::CREATED) => StatusCode::OK,
        Some(status) => status,
        None => StatusCode::OK,
    };
    let mut response = (status, record.response_body.clone().unwrap_or_default()).into_response();
    let stored: serde_json::Map<String, serde_json::Value> =
        record.response_headers.as_deref().and_then(|h| serde_json::from_str(h).ok()).unwrap_or_default();
    for (name, value) in stored {
        if let (Ok(name), Some(Ok(value))) =
            (HeaderName::try_from(name.as_str()), value.as_str().map(HeaderValue::from_str))
        {
            response.headers_mut().insert(name, value);
        }
    }
    response.headers_mut().insert(&REPLAYED, HeaderValue::from_static("true"));
    response
}

/// A key is 1 to 255 visible ASCII characters (a UUID, typically).
fn validate_key(value: &HeaderValue) -> Result<&str> {
    let key = value.to_str().unwrap_or_default();
    if !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(key)
    } else {
        Err(AppError::invalid_field("Idempotency-Key", "use 1 to 255 visible ASCII characters, such as a UUID"))
    }
}

/// Whose key it is: the account or API key the authentication middleware
/// found, so two callers' keys never collide (`anonymous` is never stored:
/// the layer skips callers without a principal).
fn caller_scope(caller: Option<&server_core::auth::Caller>) -> String {
    caller.and_then(|c| c.principal.as_ref()).map_or_else(|| "anonymous".to_owned(), |p| p.rate_key())
}

/// What makes two requests "the same": method, path and query, body type, body.
fn request_hash(method: &Method, path_and_query: &str, headers: &HeaderMap, body: &[u8]) -> String {
    let content_type = headers.get(header::CONTENT_TYPE).map_or(&b""[..], HeaderValue::as_bytes);
    let mut digest = Sha256::new();
    for part in [method.as_str().as_bytes(), path_and_query.as_bytes(), content_type, body] {
        digest.update((part.len() as u64).to_be_bytes());
        digest.update(part);
    }
    format!("{:x}", digest.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_must_be_short_visible_ascii() {
        assert!(validate_key(&HeaderValue::from_static("0190a6f2-7c1e-7abc-8def-0123456789ab")).is_ok());
        for bad in ["", "has space", &"k".repeat(256)] {
            assert!(validate_key(&HeaderValue::from_str(bad).unwrap()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn different_callers_get_different_scopes() {
        use server_core::auth::{Caller, Principal, Via};
        use server_core::model::Role;
        let caller = |via: Via, id| Caller {
            principal: Some(std::sync::Arc::new(Principal {
                account_id: Some(id),
                name: "x".into(),
                role: Role::Admin,
                scopes: vec![],
                via,
                must_change_password: false,
            })),
            ..Caller::default()
        };
        let a = caller(Via::Session { id: "s1".into() }, 1);
        let b = caller(Via::Session { id: "s2".into() }, 2);
        let key = caller(Via::ApiKey { id: 1 }, 1);
        assert_ne!(caller_scope(Some(&a)), caller_scope(Some(&b)));
        assert_ne!(caller_scope(Some(&a)), caller_scope(Some(&key)));
        assert_eq!(caller_scope(None), "anonymous");
    }

    #[test]
    fn the_hash_tells_bodies_and_paths_apart() {
        let h = HeaderMap::new();
        let base = request_hash(&Method::POST, "/a", &h, b"{}");
        assert_eq!(base, request_hash(&Method::POST, "/a", &h, b"{}"));
        assert_ne!(base, request_hash(&Method::POST, "/a", &h, b"{ }"));
        assert_ne!(base, request_hash(&Method::POST, "/b", &h, b"{}"));
        assert_ne!(base, request_hash(&Method::PUT, "/a", &h, b"{}"));
    }
}
