//! Sign-in, sessions and their guards end to end, through the real router and a
//! real database (SQLite and Postgres where SQL is involved): the session
//! cookie's flags in development and production; a new session on every login
//! and no planted one accepted; logout ending a browser session or a token
//! family at once; disabling, demoting and promoting an account taking effect
//! on its next request (and the last admin kept); the idle timeout; login
//! throttling per e-mail and address without locking the owner out, with one
//! message for unknown e-mails and wrong passwords; refresh-token rotation and
//! reuse detection; CSRF refusals that change nothing; the API-key lifecycle
//! (create, use, last use noted, expiry, revocation); the per-caller rate limit,
//! also with Redis down; the security headers and the page's CSP nonce; the
//! audit records of logins; and the lists' `{"<plural>": [..], "meta": {..}}`
//! shape, with the audit log paged by cursor.

use crate::common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use common::Reply;
use serde_json::{json, Value};
use server_core::auth::SecuritySettings;
use server_core::cache::Cache;
use server_core::db::Db;
use server_core::model::Role;
use server_core::state::{AppState, Clock};

/// The password of every account made here (8+ characters, not a common one).
const PASSWORD: &str = "correct horse battery";

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
}

/// The test state over `db` with the security settings changed by `change`.
fn state_with(db: &Db, change: impl FnOnce(&mut SecuritySettings)) -> AppState {
    let state = common::state(db);
    let mut security = (*state.security).clone();
    change(&mut security);
    state.with(|s| s.security = Arc::new(security))
}

/// The application as a client meets it: no credentials added.
fn plain(state: AppState) -> Router {
    common::from_local_proxy(server::app(state, common::site()))
}

/// The application over `db` whose clock stands at `now`.
fn plain_at(db: &Db, now: DateTime<Utc>) -> Router {
    plain(common::state(db).with(|s| s.clock = Clock::Fixed(now)))
}

/// An account of `role` with [`PASSWORD`].
async fn person(db: &Db, email: &str, role: Role) -> i64 {
    server_core::services::accounts::create_unchecked(db, email, PASSWORD, role).await.expect("create an account")
}

/// `method uri` with `headers` and, when not empty, a JSON `body`.
async fn call(app: &Router, method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    if !body.is_empty() && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    common::send(app, request.body(Body::from(body.to_owned())).unwrap()).await
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// `application/x-www-form-urlencoded` of `pairs`.
fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

/// The browser's login form, posted from `ip`, with extra headers.
async fn browser_login_with(app: &Router, pairs: &[(&str, &str)], ip: &str, extra: &[(&str, &str)]) -> Reply {
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded"), ("x-forwarded-for", ip)];
    headers.extend_from_slice(extra);
    call(app, "POST", "/api/fn/auth_login", &headers, &form(pairs)).await
}

/// Signs in through the browser's login form; returns the `Cookie` header value
/// (`ds_session=…`) the response set.
async fn browser_login(app: &Router, email: &str) -> String {
    let reply = browser_login_with(app, &[("email", email), ("password", PASSWORD)], "192.0.2.1", &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    cookie_of(&reply)
}

/// The one `Set-Cookie` header of `reply`.
fn set_cookie(reply: &Reply) -> String {
    let all: Vec<_> =
        reply.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert_eq!(all.len(), 1, "exactly one Set-Cookie: {all:?}");
    all[0].clone()
}

/// `name=value` of the cookie `reply` sets.
fn cookie_of(reply: &Reply) -> String {
    set_cookie(reply).split(';').next().unwrap().trim().to_owned()
}

/// `POST /api/v1/auth/login` from `ip`.
async fn api_login_from(app: &Router, email: &str, password: &str, ip: &str) -> Reply {
    let body = json!({ "email": email, "password": password }).to_string();
    call(app, "POST", "/api/v1/auth/login", &[("x-forwarded-for", ip)], &body).await
}

/// Signs in as an API client; returns the token pair.
async fn api_login(app: &Router, email: &str) -> Value {
    let reply = api_login_from(app, email, PASSWORD, "192.0.2.2").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

fn access(pair: &Value) -> String {
    pair["access_token"].as_str().expect("access_token").to_owned()
}

async fn me_with(app: &Router, name: &str, value: &str) -> Reply {
    call(app, "GET", "/api/v1/auth/me", &[(name, value)], "").await
}

/// `GET /api/v1/auth/me` with a session cookie.
async fn me_cookie(app: &Router, cookie: &str) -> Reply {
    me_with(app, "cookie", cookie).await
}

/// `GET /api/v1/auth/me` with a bearer credential.
async fn me_bearer(app: &Router, token: &str) -> Reply {
    me_with(app, "authorization", &bearer(token)).await
}

async fn refresh(app: &Router, refresh_token: &str) -> Reply {
    call(app, "POST", "/api/v1/auth/refresh", &[], &json!({ "refresh_token": refresh_token }).to_string()).await
}

/// Audit records matching `query` (newest first, all on one page), read as
/// the harness admin.
async fn audit(db: &Db, query: &str) -> Vec<Value> {
    let reply = common::get(&common::router(db), &format!("/api/v1/audit-log?{query}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let page = reply.json();
    let entries = page["entries"].as_array().expect("entries").clone();
    // Every record fits one page here, so the total counts exactly these.
    assert_eq!(page["meta"], json!({ "total": entries.len(), "next_cursor": null }), "{query}: {page}");
    entries
}

async fn scalar(db: &Db, sql: &str, bind: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).bind(bind).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).bind(bind).fetch_one(pool).await.unwrap(),
    }
}

fn header_str<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    reply.headers.get(name).map(|v| v.to_str().expect("ASCII header"))
}

// ---------------------------------------------------------------------------
// Cookies and sessions.

#[tokio::test]
async fn the_session_cookie_is_httponly_lax_and_host_bound_in_production() {
    let db = common::TestDb::sqlite().await;
    person(&db.db, "kim@example.com", Role::Viewer).await;

    let dev = plain(common::state(&db.db));
    let reply = browser_login_with(
        &dev,
        &[("email", "Kim@Example.com "), ("password", PASSWORD), ("next", "/users?country=KR")],
        "192.0.2.1",
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json(), json!("/users?country=KR"), "the next path, as a JSON string");
    let cookie = set_cookie(&reply);
    let token = cookie.strip_prefix("ds_session=").and_then(|rest| rest.split(';').next()).expect("ds_session");
    assert_eq!(token.len(), 43, "256 random bits: {cookie}");
    assert_eq!(cookie, format!("ds_session={token}; Path=/; HttpOnly; SameSite=Lax"));
    assert_eq!(me_cookie(&dev, &format!("ds_session={token}")).await.status, StatusCode::OK);

    // Another site as `next` is not followed.
    let offsite = browser_login_with(
        &dev,
        &[("email", "kim@example.com"), ("password", PASSWORD), ("next", "//evil.example/")],
        "192.0.2.1",
        &[],
    )
    .await;
    assert_eq!(offsite.json(), json!("/"));

    let production = plain(state_with(&db.db, |s| s.production = true));
    let reply =
        browser_login_with(&production, &[("email", "kim@example.com"), ("password", PASSWORD)], "192.0.2.1", &[])
            .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let cookie = set_cookie(&reply);
    let token = cookie.strip_prefix("__Host-ds_session=").and_then(|rest| rest.split(';').next()).expect("__Host-");
    assert_eq!(cookie, format!("__Host-ds_session={token}; Path=/; HttpOnly; SameSite=Lax; Secure"));
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "__Host- cookies have no Domain: {cookie}");
    assert_eq!(me_cookie(&production, &format!("__Host-ds_session={token}")).await.status, StatusCode::OK);
    // Under its development name the same token is not a session cookie.
    me_cookie(&production, &format!("ds_session={token}")).await.assert_envelope(401, "UNAUTHORIZED");
}

async fn every_login_starts_a_new_session_and_planted_ids_are_refused(db: &Db) {
    person(db, "kim@example.com", Role::Editor).await;
    let app = plain(common::state(db));

    // A made-up cookie is nobody: pages send it to the login page, the API says 401.
    let planted = "ds_session=planted-by-an-attacker-0000000000000000";
    let page = call(&app, "GET", "/users?country=KR", &[("cookie", planted)], "").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(header_str(&page, "location"), Some("/login?next=%2Fusers%3Fcountry%3DKR"));
    me_cookie(&app, planted).await.assert_envelope(401, "UNAUTHORIZED");

    // Logging in while carrying it gives a fresh session, never the planted id.
    let reply = browser_login_with(
        &app,
        &[("email", "kim@example.com"), ("password", PASSWORD)],
        "192.0.2.1",
        &[("cookie", planted)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let first = cookie_of(&reply);
    assert_ne!(first, planted);
    let second = browser_login(&app, "kim@example.com").await;
    assert_ne!(first, second, "a new session id on every login");
    me_cookie(&app, planted).await.assert_envelope(401, "UNAUTHORIZED");

    for cookie in [&first, &second] {
        let me = me_cookie(&app, cookie).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text());
        let me = me.json();
        assert_eq!(
            (me["kind"].as_str(), me["name"].as_str(), me["role"].as_str()),
            (Some("session"), Some("kim@example.com"), Some("editor"))
        );
        assert_eq!(me["account"]["email"], "kim@example.com");
        // The page opens with the cookie alone.
        assert_eq!(call(&app, "GET", "/", &[("cookie", cookie)], "").await.status, StatusCode::OK);
    }
    // Only digests are stored.
    let token = second.strip_prefix("ds_session=").unwrap();
    assert_eq!(scalar(db, "select count(*) from sessions where token_hash = $1", token).await, 0);
    let digest = server_core::auth::tokens::digest(token);
    assert_eq!(scalar(db, "select count(*) from sessions where token_hash = $1", &digest).await, 1);
}
on_both_databases!(session_rotation, every_login_starts_a_new_session_and_planted_ids_are_refused);

async fn logout_ends_the_session_or_token_family_at_once(db: &Db) {
    person(db, "kim@example.com", Role::Viewer).await;
    let app = plain(common::state(db));

    // Browser.
    let cookie = browser_login(&app, "kim@example.com").await;
    assert_eq!(me_cookie(&app, &cookie).await.status, StatusCode::OK);
    let out = call(
        &app,
        "POST",
        "/api/fn/auth_logout",
        &[("cookie", &cookie), ("content-type", "application/x-www-form-urlencoded")],
        "",
    )
    .await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.text());
    assert_eq!(set_cookie(&out), "ds_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    me_cookie(&app, &cookie).await.assert_envelope(401, "UNAUTHORIZED");
    let page = call(&app, "GET", "/", &[("cookie", &cookie)], "").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(header_str(&page, "location"), Some("/login?next=%2F"));

    // API client: the access token dies with its family, and so does the refresh token.
    let pair = api_login(&app, "kim@example.com").await;
    let me = me_bearer(&app, &access(&pair)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["kind"], "token");
    let out = call(&app, "POST", "/api/v1/auth/logout", &[("authorization", &bearer(&access(&pair)))], "").await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text());
    me_bearer(&app, &access(&pair)).await.assert_envelope(401, "UNAUTHORIZED");
    refresh(&app, pair["refresh_token"].as_str().unwrap()).await.assert_envelope(401, "UNAUTHORIZED");

    let logouts = audit(db, "action=auth.logout").await;
    assert_eq!(logouts.len(), 2, "{logouts:?}");
    assert!(logouts.iter().all(|e| e["actor"] == "kim@example.com" && e["outcome"] == "success"), "{logouts:?}");
}
on_both_databases!(logout, logout_ends_the_session_or_token_family_at_once);

/// An open live stream with `headers`' credentials, read past its opening
/// events (`ready`, then `alerts`).
async fn open_stream(app: &Router, headers: &[(&str, &str)]) -> Body {
    let mut request = Request::get("/api/v1/stream");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let reply = tower::ServiceExt::oneshot(app.clone(), request.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    // Unbuffered through nginx whatever its configuration (deploy/k8s's Ingress).
    assert_eq!(reply.headers().get("x-accel-buffering").map(|v| v.as_bytes()), Some(&b"no"[..]));
    let mut body = reply.into_body();
    assert!(stream_text(&mut body, "event: alerts", 5).await.is_some(), "the stream opens");
    body
}

/// Reads `body` until `needle` has been seen (the text read), it ends (`None`),
/// or `secs` pass (a panic).
async fn stream_text(body: &mut Body, needle: &str, secs: u64) -> Option<String> {
    use http_body_util::BodyExt;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    let mut seen = String::new();
    while !seen.contains(needle) {
        match tokio::time::timeout_at(deadline, body.frame()).await.expect("the stream answers in time") {
            Some(frame) => {
                if let Ok(data) = frame.unwrap().into_data() {
                    seen.push_str(&String::from_utf8_lossy(&data));
                }
            }
            None => return None,
        }
    }
    Some(seen)
}

async fn an_open_stream_ends_once_its_caller_signs_out(db: &Db) {
    use server_core::live::LiveEvent;
    person(db, "lee@example.com", Role::Viewer).await;
    let state = common::state(db);
    let app = plain(state.clone());

    // Browser: the next event after the logout is not sent; the stream ends.
    let cookie = browser_login(&app, "lee@example.com").await;
    let mut stream = open_stream(&app, &[("cookie", &cookie)]).await;
    state.live.publish(LiveEvent::Stats);
    assert!(stream_text(&mut stream, "event: stats", 5).await.is_some(), "signed in, the events come");
    let form = [("cookie", cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")];
    assert_eq!(call(&app, "POST", "/api/fn/auth_logout", &form, "").await.status, StatusCode::OK);
    state.live.publish(LiveEvent::Stats);
    assert_eq!(stream_text(&mut stream, "event: stats", 5).await, None, "signed out, the stream ends unsent");

    // API client, on a quiet stream: it ends within the periodic check (5 s).
    let token = access(&api_login(&app, "lee@example.com").await);
    let mut stream = open_stream(&app, &[("authorization", &bearer(&token))]).await;
    let out = call(&app, "POST", "/api/v1/auth/logout", &[("authorization", &bearer(&token))], "").await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text());
    assert_eq!(stream_text(&mut stream, "event:", 8).await, None, "a quiet stream ends too");
}
on_both_databases!(stream_logout, an_open_stream_ends_once_its_caller_signs_out);

async fn role_and_status_changes_apply_to_the_next_request(db: &Db) {
    let admin_id = person(db, "admin@example.com", Role::Admin).await;
    let kim_id = person(db, "kim@example.com", Role::Viewer).await;
    let app = plain(common::state(db));
    let admin = bearer(&access(&api_login(&app, "admin@example.com").await));
    let cookie = browser_login(&app, "kim@example.com").await;
    let kim_token = bearer(&access(&api_login(&app, "kim@example.com").await));
    let patch = |id: i64, body: Value| {
        let (app, admin) = (app.clone(), admin.clone());
        async move {
            call(&app, "PATCH", &format!("/api/v1/accounts/{id}"), &[("authorization", &admin)], &body.to_string())
                .await
        }
    };
    let accounts_as = |name: &'static str, value: String| {
        let app = app.clone();
        async move { call(&app, "GET", "/api/v1/accounts", &[(name, &value)], "").await }
    };

    accounts_as("cookie", cookie.clone()).await.assert_envelope(403, "FORBIDDEN");
    accounts_as("authorization", kim_token.clone()).await.assert_envelope(403, "FORBIDDEN");

    // Promoted: allowed at once, with the same cookie and token.
    let promoted = patch(kim_id, json!({ "role": "admin" })).await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.text());
    assert_eq!(promoted.json()["role"], "admin");
    assert_eq!(accounts_as("cookie", cookie.clone()).await.status, StatusCode::OK);
    let listed = accounts_as("authorization", kim_token.clone()).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    // `{"accounts": [..], "meta": {..}}` like every list, in one page.
    let listed = listed.json();
    let emails: Vec<&str> =
        listed["accounts"].as_array().expect("accounts").iter().filter_map(|a| a["email"].as_str()).collect();
    assert_eq!(emails, ["admin@example.com", "kim@example.com"], "oldest first: {listed}");
    assert_eq!(listed["meta"], json!({ "total": 2, "next_cursor": null }), "{listed}");
    assert_eq!(listed.as_object().map(|o| o.len()), Some(2), "nothing else: {listed}");

    // Demoted: refused on the next request.
    assert_eq!(patch(kim_id, json!({ "role": "viewer" })).await.status, StatusCode::OK);
    accounts_as("cookie", cookie.clone()).await.assert_envelope(403, "FORBIDDEN");
    accounts_as("authorization", kim_token.clone()).await.assert_envelope(403, "FORBIDDEN");
    assert_eq!(me_cookie(&app, &cookie).await.json()["role"], "viewer");

    // The last active admin stays one.
    patch(admin_id, json!({ "role": "editor" })).await.assert_envelope(422, "BUSINESS_RULE_VIOLATION");
    patch(admin_id, json!({ "status": "disabled" })).await.assert_envelope(422, "BUSINESS_RULE_VIOLATION");
    assert_eq!(me_bearer(&app, admin.strip_prefix("Bearer ").unwrap()).await.json()["role"], "admin");

    // Disabled: the cookie and the token stop working, and so does the password.
    let disabled = patch(kim_id, json!({ "status": "disabled" })).await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.text());
    assert_eq!(disabled.json()["status"], "disabled");
    me_cookie(&app, &cookie).await.assert_envelope(401, "UNAUTHORIZED");
    me_with(&app, "authorization", &kim_token).await.assert_envelope(401, "UNAUTHORIZED");
    let refused = api_login_from(&app, "kim@example.com", PASSWORD, "192.0.2.3")
        .await
        .assert_envelope(401, "INVALID_CREDENTIALS");
    let wrong = api_login_from(&app, "admin@example.com", "not the password", "192.0.2.3")
        .await
        .assert_envelope(401, "INVALID_CREDENTIALS");
    assert_eq!(
        refused["error"]["message"], wrong["error"]["message"],
        "a disabled account looks like a wrong password"
    );

    // Enabled again: old sessions stay ended; a new login works.
    assert_eq!(patch(kim_id, json!({ "status": "active" })).await.status, StatusCode::OK);
    me_cookie(&app, &cookie).await.assert_envelope(401, "UNAUTHORIZED");
    let cookie = browser_login(&app, "kim@example.com").await;
    assert_eq!(me_cookie(&app, &cookie).await.status, StatusCode::OK);

    let updates = audit(db, "action=account.update").await;
    assert_eq!(updates.len(), 4, "refused changes are not recorded: {updates:?}");
    assert!(updates.iter().all(|e| e["actor"] == "admin@example.com" && e["target"] == format!("account:{kim_id}")));
}
on_both_databases!(account_changes, role_and_status_changes_apply_to_the_next_request);

async fn an_idle_session_ends_after_thirty_minutes(db: &Db) {
    person(db, "kim@example.com", Role::Viewer).await;
    let t0 = at("2026-11-21T10:00:00Z");
    let login = plain_at(db, t0);
    let busy = browser_login(&login, "kim@example.com").await;
    let idle = browser_login(&login, "kim@example.com").await;

    let after_29 = plain_at(db, t0 + Duration::minutes(29));
    let reply = me_cookie(&after_29, &busy).await;
    assert_eq!(reply.status, StatusCode::OK, "29 minutes idle is fine: {}", reply.text());

    let after_31 = plain_at(db, t0 + Duration::minutes(31));
    me_cookie(&after_31, &idle).await.assert_envelope(401, "UNAUTHORIZED");
    let page = call(&after_31, "GET", "/", &[("cookie", &idle)], "").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // The request at 29 minutes counted as activity.
    assert_eq!(me_cookie(&after_31, &busy).await.status, StatusCode::OK);
    // The idle session is over for good, even for a clock that has not got there.
    me_cookie(&after_29, &idle).await.assert_envelope(401, "UNAUTHORIZED");
}
on_both_databases!(idle_timeout, an_idle_session_ends_after_thirty_minutes);

// ---------------------------------------------------------------------------
// Passwords and tokens.

async fn failed_logins_are_throttled_per_address_without_locking_the_owner_out(db: &Db) {
    person(db, "kim@example.com", Role::Owner).await;
    let t0 = at("2026-11-21T10:00:00Z");
    let attacker = "203.0.113.9";
    let owner = "198.51.100.7";
    let app = plain_at(db, t0);

    // One answer for an unknown e-mail and for a wrong password.
    let unknown = api_login_from(&app, "nobody@example.com", PASSWORD, attacker)
        .await
        .assert_envelope(401, "INVALID_CREDENTIALS");
    let wrong = api_login_from(&app, "kim@example.com", "wrong password 0", attacker)
        .await
        .assert_envelope(401, "INVALID_CREDENTIALS");
    assert_eq!(unknown["error"]["message"], wrong["error"]["message"]);
    assert_eq!(unknown["error"]["details"], wrong["error"]["details"]);
    assert!(header_str(&api_login_from(&app, "nobody@example.com", "x", attacker).await, "retry-after").is_none());

    // Five failures are free...
    for i in 1..5 {
        api_login_from(&app, "kim@example.com", &format!("wrong password {i}"), attacker)
            .await
            .assert_envelope(401, "INVALID_CREDENTIALS");
    }
    // ... then each try waits 2 s, 4 s, ... after the last failure; even the
    // right password is not checked meanwhile.
    for password in ["wrong password 5", PASSWORD] {
        let reply = api_login_from(&app, "kim@example.com", password, attacker).await;
        let body = reply.assert_envelope(429, "RATE_LIMITED");
        assert_eq!(header_str(&reply, "retry-after"), Some("2"));
        assert_eq!(body["error"]["details"]["retry_after"], 2);
    }
    // The owner, from their own address, is not locked out.
    let reply = api_login_from(&app, "kim@example.com", PASSWORD, owner).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());

    // Two seconds on, one more try; the next waits twice as long.
    let later = plain_at(db, t0 + Duration::seconds(2));
    api_login_from(&later, "kim@example.com", "wrong password 6", attacker)
        .await
        .assert_envelope(401, "INVALID_CREDENTIALS");
    let reply = api_login_from(&later, "kim@example.com", "wrong password 7", attacker).await;
    reply.assert_envelope(429, "RATE_LIMITED");
    assert_eq!(header_str(&reply, "retry-after"), Some("4"));
    let still = plain_at(db, t0 + Duration::seconds(5));
    assert_eq!(
        header_str(&api_login_from(&still, "kim@example.com", PASSWORD, attacker).await, "retry-after"),
        Some("1")
    );

    // The failures are forgotten after fifteen minutes.
    let much_later = plain_at(db, t0 + Duration::minutes(16));
    let reply = api_login_from(&much_later, "kim@example.com", PASSWORD, attacker).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}
on_both_databases!(throttling, failed_logins_are_throttled_per_address_without_locking_the_owner_out);

async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_family(db: &Db) {
    person(db, "kim@example.com", Role::Viewer).await;
    let app = plain(common::state(db));
    let first = api_login(&app, "kim@example.com").await;
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!((first["expires_in"].as_u64(), first["refresh_expires_in"].as_u64()), (Some(900), Some(604_800)));
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();

    let rotated = refresh(&app, &r1).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text());
    let second = rotated.json();
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2, "a new refresh token each time");
    assert_eq!(second["token_type"], "Bearer");
    let me = me_bearer(&app, &access(&second)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!((me.json()["kind"].as_str(), me.json()["name"].as_str()), (Some("token"), Some("kim@example.com")));

    // The old refresh token is spent; showing it again means it was copied:
    // the whole family ends, the newest access and refresh tokens included.
    refresh(&app, &r1).await.assert_envelope(401, "UNAUTHORIZED");
    me_bearer(&app, &access(&second)).await.assert_envelope(401, "UNAUTHORIZED");
    refresh(&app, &r2).await.assert_envelope(401, "UNAUTHORIZED");
    refresh(&app, "never-issued").await.assert_envelope(401, "UNAUTHORIZED");

    let reuse = audit(db, "action=auth.refresh_reuse").await;
    assert_eq!(reuse.len(), 1, "{reuse:?}");
    assert_eq!(reuse[0]["outcome"], "failure");

    // Another login is a new, unaffected family.
    let again = api_login(&app, "kim@example.com").await;
    assert_eq!(me_bearer(&app, &access(&again)).await.status, StatusCode::OK);
}
on_both_databases!(refresh_rotation, refresh_tokens_rotate_and_a_reused_one_revokes_the_family);

// ---------------------------------------------------------------------------
// CSRF.

async fn cross_site_writes_are_refused_before_anything_runs(db: &Db) {
    person(db, "admin@example.com", Role::Admin).await;
    let app = plain(common::state(db));
    let admin = bearer(&access(&api_login(&app, "admin@example.com").await));
    let new_account = |email: &str| json!({ "email": email, "password": PASSWORD, "role": "viewer" }).to_string();
    let create = |email: &'static str, extra: &'static [(&'static str, &'static str)]| {
        let (app, admin, body) = (app.clone(), admin.clone(), new_account(email));
        async move {
            let mut headers = vec![("authorization", admin.as_str()), ("host", "admin.test")];
            headers.extend_from_slice(extra);
            call(&app, "POST", "/api/v1/accounts", &headers, &body).await
        }
    };
    let exists = |email: &'static str| async move {
        server_core::db::accounts::by_email(db, email).await.expect("look up").is_some()
    };

    create("a@example.com", &[("sec-fetch-site", "cross-site")]).await.assert_envelope(403, "FORBIDDEN");
    create("b@example.com", &[("sec-fetch-site", "same-site")]).await.assert_envelope(403, "FORBIDDEN");
    create("c@example.com", &[("origin", "http://evil.test")]).await.assert_envelope(403, "FORBIDDEN");
    create("d@example.com", &[("origin", "http://admin.test.evil.test")]).await.assert_envelope(403, "FORBIDDEN");
    for refused in ["a@example.com", "b@example.com", "c@example.com", "d@example.com"] {
        assert!(!exists(refused).await, "{refused} was created");
    }
    assert!(audit(db, "action=account.create").await.is_empty());

    // Our own origin, and clients that are not browsers, pass.
    let same = create("e@example.com", &[("origin", "http://admin.test"), ("sec-fetch-site", "same-origin")]).await;
    assert_eq!(same.status, StatusCode::CREATED, "{}", same.text());
    assert_eq!(create("f@example.com", &[]).await.status, StatusCode::CREATED);
    assert!(exists("e@example.com").await && exists("f@example.com").await);

    // A cross-site login form (login CSRF) starts no session.
    let sessions_before = scalar(db, "select count(*) from sessions where kind = $1", "browser").await;
    let reply = browser_login_with(
        &app,
        &[("email", "admin@example.com"), ("password", PASSWORD)],
        "192.0.2.1",
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    reply.assert_envelope(403, "FORBIDDEN");
    assert!(reply.headers.get(header::SET_COOKIE).is_none());
    assert_eq!(scalar(db, "select count(*) from sessions where kind = $1", "browser").await, sessions_before);
    // A cross-site GET is harmless and allowed.
    let read =
        call(&app, "GET", "/api/v1/auth/me", &[("authorization", &admin), ("sec-fetch-site", "cross-site")], "").await;
    assert_eq!(read.status, StatusCode::OK);
}
on_both_databases!(csrf, cross_site_writes_are_refused_before_anything_runs);

// ---------------------------------------------------------------------------
// API keys.

async fn api_keys_are_created_used_expired_and_revoked(db: &Db) {
    person(db, "admin@example.com", Role::Admin).await;
    person(db, "owner@example.com", Role::Owner).await;
    let app = plain(common::state(db));
    let admin = bearer(&access(&api_login(&app, "admin@example.com").await));

    // A viewer may not ingest: the ingest scope needs an editor's key.
    let weak = json!({ "name": "nightly import", "role": "viewer", "scopes": ["ingest"] }).to_string();
    let refused = call(&app, "POST", "/api/v1/api-keys", &[("authorization", &admin)], &weak).await;
    let envelope = refused.assert_envelope(400, "VALIDATION_FAILED");
    assert_eq!(envelope["error"]["details"]["fields"][0]["field"], "scopes", "{envelope}");
    let body = json!({ "name": "nightly import", "role": "editor", "scopes": ["ingest"] }).to_string();
    let created = call(&app, "POST", "/api/v1/api-keys", &[("authorization", &admin)], &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let created = created.json();
    let key = created["key"].as_str().expect("key").to_owned();
    assert!(key.starts_with("ds_") && key.len() == 46, "{key}");
    let row = &created["api_key"];
    let id = row["id"].as_i64().expect("id");
    assert_eq!(row["prefix"], &key[..11]);
    assert_eq!((row["role"].as_str(), row["scopes"].clone()), (Some("editor"), json!(["ingest"])));
    assert!(row["last_used_at"].is_null() && row["revoked_at"].is_null(), "{row}");
    let expires = DateTime::parse_from_rfc3339(row["expires_at"].as_str().unwrap()).unwrap().with_timezone(&Utc);
    let days = (expires - Utc::now()).num_hours() as f64 / 24.0;
    assert!((89.9..=90.1).contains(&days), "90 days by default: {expires}");
    assert!(!created.to_string().contains("key_hash"), "{created}");

    // Used with either header; its last use is noted.
    let me = me_with(&app, "x-api-key", &key).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    let me = me.json();
    assert_eq!(me["kind"], "api_key");
    assert_eq!(me["name"], format!("api_key:{}", &key[..11]));
    assert_eq!((me["role"].as_str(), me["scopes"].clone()), (Some("editor"), json!(["ingest"])));
    assert_eq!(me_bearer(&app, &key).await.status, StatusCode::OK);
    let listed = call(&app, "GET", "/api/v1/api-keys", &[("authorization", &admin)], "").await.json();
    // `{"api_keys": [..], "meta": {..}}` like every list, in one page.
    let keys = listed["api_keys"].as_array().expect("api_keys");
    assert_eq!(listed["meta"], json!({ "total": keys.len(), "next_cursor": null }), "{listed}");
    assert_eq!(listed.as_object().map(|o| o.len()), Some(2), "nothing else: {listed}");
    let listed = keys.iter().find(|k| k["id"] == id).expect("the key is listed").clone();
    assert!(listed["last_used_at"].is_string(), "{listed}");
    assert!(!listed.to_string().contains(&key), "the secret is never listed again");

    // Keys manage nothing: not even an admin key.
    let admin_key = common::api_key(db, Role::Admin, "").await;
    call(&app, "POST", "/api/v1/api-keys", &[("authorization", &bearer(&admin_key))], &body)
        .await
        .assert_envelope(403, "FORBIDDEN");
    // Nobody makes a key stronger than themselves.
    let owner = bearer(&access(&api_login(&app, "owner@example.com").await));
    let stronger = json!({ "name": "too strong", "role": "admin" }).to_string();
    call(&app, "POST", "/api/v1/api-keys", &[("authorization", &owner)], &stronger)
        .await
        .assert_envelope(400, "VALIDATION_FAILED");

    // Past its 90 days the key is refused.
    let future = plain_at(db, Utc::now() + Duration::days(91));
    me_with(&future, "x-api-key", &key).await.assert_envelope(401, "UNAUTHORIZED");
    let soon = plain_at(db, Utc::now() + Duration::days(89));
    assert_eq!(me_with(&soon, "x-api-key", &key).await.status, StatusCode::OK);

    // Revoked: refused from the very next request.
    let revoked = call(&app, "DELETE", &format!("/api/v1/api-keys/{id}"), &[("authorization", &admin)], "").await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    assert!(revoked.json()["revoked_at"].is_string());
    me_with(&app, "x-api-key", &key).await.assert_envelope(401, "UNAUTHORIZED");
    me_bearer(&app, &key).await.assert_envelope(401, "UNAUTHORIZED");

    let created = audit(db, "action=api_key.create").await;
    let revoked = audit(db, "action=api_key.revoke").await;
    assert_eq!((created.len(), revoked.len()), (1, 1), "{created:?} {revoked:?}");
    assert_eq!(created[0]["actor"], "admin@example.com");
    assert_eq!(revoked[0]["target"], format!("api_key:{id}"));
}
on_both_databases!(api_key_lifecycle, api_keys_are_created_used_expired_and_revoked);

// ---------------------------------------------------------------------------
// Rate limit.

/// Five requests a minute per caller, on a clock that stands still (so the
/// sliding window cannot move during the test).
async fn five_a_minute(cache: Cache) {
    let db = common::TestDb::sqlite().await;
    let state = state_with(&db.db, |s| s.rate_limit_per_minute = 5).with(|s| {
        s.cache = cache;
        s.clock = Clock::Fixed(Utc::now());
    });
    let app = plain(state);
    let key = common::api_key(&db.db, Role::Viewer, "").await;
    let other = common::api_key(&db.db, Role::Viewer, "").await;

    for remaining in (0..5).rev() {
        let reply = me_with(&app, "x-api-key", &key).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert_eq!(header_str(&reply, "x-ratelimit-limit"), Some("5"));
        assert_eq!(header_str(&reply, "x-ratelimit-remaining"), Some(remaining.to_string().as_str()));
    }
    let refused = me_with(&app, "x-api-key", &key).await;
    let body = refused.assert_envelope(429, "RATE_LIMITED");
    let retry_after: u64 = header_str(&refused, "retry-after").expect("Retry-After").parse().expect("seconds");
    assert!((1..=120).contains(&retry_after), "{retry_after}");
    assert_eq!(body["error"]["details"]["retry_after"], retry_after);
    // The same key by the other header is the same caller.
    me_bearer(&app, &key).await.assert_envelope(429, "RATE_LIMITED");
    // Another key has its own budget.
    assert_eq!(me_bearer(&app, &other).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_sixth_request_in_a_minute_gets_429() {
    five_a_minute(Cache::memory_only()).await;
}

#[tokio::test]
async fn the_limit_holds_while_redis_is_down() {
    five_a_minute(Cache::with_redis("redis://127.0.0.1:1").expect("a Redis URL")).await;
}

#[tokio::test]
async fn a_person_has_one_budget_across_cookie_and_token() {
    let db = common::TestDb::sqlite().await;
    person(&db.db, "kim@example.com", Role::Viewer).await;
    let state = state_with(&db.db, |s| s.rate_limit_per_minute = 5).with(|s| s.clock = Clock::Fixed(Utc::now()));
    let app = plain(state);
    // Logging in is not a request of the account's.
    let cookie = browser_login(&app, "kim@example.com").await;
    let token = access(&api_login(&app, "kim@example.com").await);
    for _ in 0..3 {
        assert_eq!(me_cookie(&app, &cookie).await.status, StatusCode::OK);
    }
    for _ in 0..2 {
        assert_eq!(me_bearer(&app, &token).await.status, StatusCode::OK);
    }
    me_cookie(&app, &cookie).await.assert_envelope(429, "RATE_LIMITED");
    me_bearer(&app, &token).await.assert_envelope(429, "RATE_LIMITED");
}

// ---------------------------------------------------------------------------
// Security headers.

fn assert_common_headers(reply: &Reply, what: &str) {
    assert_eq!(header_str(reply, "x-content-type-options"), Some("nosniff"), "{what}");
    assert_eq!(header_str(reply, "x-frame-options"), Some("DENY"), "{what}");
    assert!(header_str(reply, "referrer-policy").is_some_and(|v| !v.is_empty()), "{what}");
    let csp = header_str(reply, "content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP"));
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let db = common::TestDb::sqlite().await;
    let dev = plain(common::state(&db.db));
    let cases = [
        ("GET", "/healthz", StatusCode::OK),
        ("GET", "/api/v1/auth/me", StatusCode::UNAUTHORIZED),
        ("GET", "/api/nothing/here", StatusCode::UNAUTHORIZED),
        ("GET", "/", StatusCode::SEE_OTHER),
        ("POST", "/api/v1/auth/login", StatusCode::BAD_REQUEST),
    ];
    for (method, uri, status) in cases {
        let reply = call(&dev, method, uri, &[], if method == "POST" { "{}" } else { "" }).await;
        assert_eq!(reply.status, status, "{method} {uri}: {}", reply.text());
        assert_common_headers(&reply, uri);
        assert!(reply.headers.get("strict-transport-security").is_none(), "no HSTS in development: {uri}");
    }
    let production = plain(state_with(&db.db, |s| s.production = true));
    for uri in ["/healthz", "/api/v1/auth/me"] {
        let reply = common::get(&production, uri).await;
        assert_common_headers(&reply, uri);
        let hsts = header_str(&reply, "strict-transport-security").expect("HSTS in production");
        let max_age: u64 =
            hsts.strip_prefix("max-age=").and_then(|v| v.split(';').next()).and_then(|v| v.parse().ok()).expect(hsts);
        assert!(max_age >= 365 * 86_400, "{hsts}");
    }
}

#[tokio::test]
async fn the_page_allows_only_scripts_with_its_nonce() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let reply = common::get(&app, "/").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert!(header_str(&reply, "content-type").is_some_and(|t| t.starts_with("text/html")));
        assert_common_headers(&reply, "/");
        let csp = header_str(&reply, "content-security-policy").unwrap().to_owned();
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src "))
            .unwrap_or_else(|| panic!("no script-src: {csp}"));
        assert!(!script_src.contains("'unsafe-inline'"), "{script_src}");
        let nonce = script_src
            .split_whitespace()
            .find_map(|s| s.strip_prefix("'nonce-").and_then(|n| n.strip_suffix('\'')))
            .unwrap_or_else(|| panic!("no nonce: {script_src}"))
            .to_owned();
        assert!(nonce.len() >= 16, "{nonce}");

        let html = reply.text();
        let tags: Vec<&str> =
            html.match_indices("<script").map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()]).collect();
        let inline: Vec<&&str> = tags.iter().filter(|t| !t.contains(" src=")).collect();
        assert!(!inline.is_empty(), "the page has inline scripts (hydration): {html}");
        for tag in inline {
            assert!(tag.contains(&format!(r#"nonce="{nonce}""#)), "{tag} lacks the nonce {nonce}");
        }
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a new nonce per response");
}

// ---------------------------------------------------------------------------
// Audit.

async fn logins_are_audited_with_address_and_trace_id(db: &Db) {
    person(db, "kim@example.com", Role::Viewer).await;
    let app = plain(common::state(db));
    let ok = api_login_from(&app, "Kim@Example.com", PASSWORD, "192.0.2.10").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    let failed = api_login_from(&app, "kim@example.com", "not my password", "192.0.2.11").await;
    failed.assert_envelope(401, "INVALID_CREDENTIALS");
    let browser =
        browser_login_with(&app, &[("email", "kim@example.com"), ("password", PASSWORD)], "192.0.2.12", &[]).await;
    assert_eq!(browser.status, StatusCode::OK, "{}", browser.text());

    let entries = audit(db, "action=auth.login").await;
    assert_eq!(entries.len(), 3, "{entries:?}");
    let trace = |reply: &Reply| header_str(reply, "x-trace-id").expect("X-Trace-Id").to_owned();
    // Newest first.
    for (entry, reply, outcome, ip) in [
        (&entries[0], &browser, "success", "192.0.2.12"),
        (&entries[1], &failed, "failure", "192.0.2.11"),
        (&entries[2], &ok, "success", "192.0.2.10"),
    ] {
        assert_eq!(entry["action"], "auth.login");
        assert_eq!(entry["target"], "kim@example.com", "{entry}");
        assert_eq!(entry["actor"], "kim@example.com", "{entry}");
        assert_eq!(entry["outcome"], outcome, "{entry}");
        assert_eq!(entry["ip"], ip, "{entry}");
        assert_eq!(entry["trace_id"], trace(reply), "{entry}");
        assert!(DateTime::parse_from_rfc3339(entry["at"].as_str().unwrap()).is_ok(), "{entry}");
    }
    assert!(entries[1]["details"].as_str().is_some_and(|d| d.contains("wrong password")), "{}", entries[1]);
    assert!(!entries.iter().any(|e| e.to_string().contains(PASSWORD)), "no password in the log");

    let failures = audit(db, "action=auth.login&outcome=failure").await;
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["id"], entries[1]["id"]);
}
on_both_databases!(login_audit, logins_are_audited_with_address_and_trace_id);

async fn the_audit_log_pages_by_cursor_with_the_filters_total(db: &Db) {
    let at = server_core::db::Ts::now();
    for (action, n) in [("test.paged", 7), ("test.other", 2), ("other.paged", 1)] {
        for i in 0..n {
            let target = format!("item:{i}");
            let entry = server_core::db::audit::NewEntry {
                actor: "admin@example.com",
                action,
                target: Some(&target),
                success: true,
                ..Default::default()
            };
            server_core::db::audit::insert(db, at, &entry).await.expect("append a record");
        }
    }
    let app = common::router(db);
    let page = |query: String| {
        let app = app.clone();
        async move {
            let reply = common::get(&app, &format!("/api/v1/audit-log?{query}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text());
            reply.json()
        }
    };

    // Pages of 3, 3 and 1, newest first, none overlapping; the total is every page's.
    let mut seen: Vec<i64> = Vec::new();
    let mut cursor: Option<String> = None;
    for expected in [3, 3, 1] {
        let query = match &cursor {
            Some(c) => format!("action=test.paged&per_page=3&cursor={c}"),
            None => "action=test.paged&per_page=3".to_owned(),
        };
        let body = page(query).await;
        assert_eq!(body.as_object().map(|o| o.len()), Some(2), "`entries` and `meta` only: {body}");
        assert_eq!(body["meta"]["total"], 7, "{body}");
        let ids: Vec<i64> =
            body["entries"].as_array().expect("entries").iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert_eq!(ids.len(), expected, "{body}");
        assert!(body["entries"].as_array().unwrap().iter().all(|e| e["action"] == "test.paged"), "{body}");
        seen.extend(ids);
        cursor = body["meta"]["next_cursor"].as_str().map(str::to_owned);
        assert_eq!(cursor.is_some(), expected == 3, "a cursor until the last page: {body}");
    }
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats: {seen:?}");
    assert_eq!(seen.len(), 7);

    // A prefix counts every action under it; the outcome filter counts too.
    let prefix = page("action=test.&per_page=4".to_owned()).await;
    assert_eq!(prefix["meta"]["total"], 9, "{prefix}");
    assert_eq!(prefix["entries"].as_array().map(Vec::len), Some(4), "{prefix}");
    assert!(prefix["meta"]["next_cursor"].is_string(), "{prefix}");
    let failures = page("action=test.&outcome=failure".to_owned()).await;
    assert_eq!(failures["meta"], json!({ "total": 0, "next_cursor": null }), "{failures}");

    // A cursor that is not one, and pages past the limit, are named.
    for (query, field) in [("cursor=120", "cursor"), ("per_page=101", "per_page"), ("per_page=0", "per_page")] {
        let reply = common::get(&app, &format!("/api/v1/audit-log?{query}")).await;
        let envelope = reply.assert_envelope(400, "VALIDATION_FAILED");
        assert_eq!(envelope["error"]["details"]["fields"][0]["field"], field, "{query}: {envelope}");
    }
}
on_both_databases!(audit_paging, the_audit_log_pages_by_cursor_with_the_filters_total);
