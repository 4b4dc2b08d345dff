//! Sign-in and secrets under abuse, through the real router and services on
//! SQLite and Postgres: oversized credentials refused before any work (and
//! never written to the audit log), guesses spread over many addresses
//! throttled per account without locking the owner out, a TOTP code accepted
//! once (also when two requests race with it), responses holding secrets never
//! kept for idempotent replays, and no idempotency store for anonymous callers.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use common::Reply;
use serde_json::json;
use server_core::auth::Caller;
use server_core::db::{Db, Ts};
use server_core::error::AppError;
use server_core::model::Role;
use server_core::services::auth::{login, start_session, LoginKind};
use server_core::state::{AppState, Clock};

const PASSWORD: &str = "correct horse battery";

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
}

async fn person(db: &Db, email: &str, role: Role) -> i64 {
    server_core::services::accounts::create_unchecked(db, email, PASSWORD, role).await.expect("create an account")
}

/// The state over `db` whose clock stands at `now`.
fn state_at(db: &Db, now: DateTime<Utc>) -> AppState {
    common::state(db).with(|s| s.clock = Clock::Fixed(now))
}

/// An anonymous caller at `ip`.
fn from(ip: &str) -> Caller {
    Caller { ip: Some(ip.to_owned()), ..Caller::default() }
}

async fn call(app: &Router, uri: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut request = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    common::send(app, request.body(Body::from(body.to_owned())).unwrap()).await
}

async fn oversized_credentials_are_refused_before_any_work(db: &Db) {
    person(db, "kim@example.com", Role::Viewer).await;
    let app = server::app(common::state(db), common::site());
    let long_email = format!("{}@example.com", "k".repeat(300));
    let long_password = "p".repeat(1025);
    for (email, password, field) in [
        (long_email.as_str(), PASSWORD, "email"),
        ("kim@example.com", long_password.as_str(), "password"),
        (long_email.as_str(), long_password.as_str(), "password"),
    ] {
        let body = json!({ "email": email, "password": password }).to_string();
        let reply = call(&app, "/api/v1/auth/login", &[], &body).await;
        let envelope = reply.assert_envelope(400, "VALIDATION_FAILED");
        let fields = envelope["error"]["details"]["fields"].to_string();
        assert!(fields.contains(field), "{envelope}");
    }
    // A megabyte e-mail is refused too (by size or by the body limit), and no
    // attempt of any of them reached the audit log.
    let huge = json!({ "email": "a".repeat(1 << 20), "password": PASSWORD }).to_string();
    let reply = call(&app, "/api/v1/auth/login", &[], &huge).await;
    assert!(matches!(reply.status.as_u16(), 400 | 413), "{}", reply.status);
    assert_eq!(common::scalar(db, "select count(*) from audit_log").await, 0);
    // The limits are not off by one: 254 characters and 1 KiB still count as tries.
    let email_254 = format!("{}@example.com", "k".repeat(254 - "@example.com".len()));
    let body = json!({ "email": email_254, "password": "p".repeat(1024) }).to_string();
    call(&app, "/api/v1/auth/login", &[], &body).await.assert_envelope(401, "INVALID_CREDENTIALS");
}
on_both_databases!(oversized, oversized_credentials_are_refused_before_any_work);

async fn guesses_spread_over_addresses_are_throttled_per_account(db: &Db) {
    person(db, "kim@example.com", Role::Owner).await;
    let t0 = at("2026-11-21T10:00:00Z");
    let home = "198.51.100.7";
    // The owner signed in from home last week.
    login(&state_at(db, t0 - Duration::days(7)), &from(home), "kim@example.com", PASSWORD, None, LoginKind::Api)
        .await
        .expect("the owner signs in");

    // Twenty wrong guesses, each from another address: no address reaches its own limit...
    let state = state_at(db, t0);
    for i in 0..20 {
        let ip = format!("203.0.113.{i}");
        let err = login(&state, &from(&ip), "kim@example.com", "wrong guess", None, LoginKind::Api).await.unwrap_err();
        assert!(matches!(err, AppError::InvalidCredentials), "guess {i}: {err:?}");
    }
    // ... but the account has: a new address waits, even with the right password.
    let err =
        login(&state, &from("203.0.113.200"), "kim@example.com", PASSWORD, None, LoginKind::Api).await.unwrap_err();
    assert!(matches!(err, AppError::RateLimited { retry_after_secs: 2 }), "{err:?}");
    // The owner at a known address is not held back.
    login(&state, &from(home), "kim@example.com", PASSWORD, None, LoginKind::Api)
        .await
        .expect("the owner still gets in");
    // Once the wait is over, a new address may try again.
    let later = state_at(db, t0 + Duration::seconds(3));
    login(&later, &from("203.0.113.200"), "kim@example.com", PASSWORD, None, LoginKind::Api)
        .await
        .expect("after the wait");
}
on_both_databases!(per_account, guesses_spread_over_addresses_are_throttled_per_account);

async fn a_totp_code_signs_in_once(db: &Db) {
    let id = person(db, "kim@example.com", Role::Viewer).await;
    let secret = server_core::auth::totp::new_secret();
    server_core::db::accounts::set_totp(db, id, Some(&secret), true, Ts::now()).await.unwrap();
    let t0 = at("2026-11-21T10:00:05Z");
    let code = server_core::auth::totp::current_code(&secret, t0.timestamp()).unwrap();
    let ip = from("192.0.2.5");

    let state = state_at(db, t0);
    login(&state, &ip, "kim@example.com", PASSWORD, Some(&code), LoginKind::Api).await.expect("first use");
    // The same code again within its window (or the next step's) is refused.
    for later in [t0 + Duration::seconds(10), t0 + Duration::seconds(30)] {
        let err = login(&state_at(db, later), &ip, "kim@example.com", PASSWORD, Some(&code), LoginKind::Api)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::InvalidCredentials), "{err:?}");
    }

    // Two requests racing with the next code: exactly one wins.
    let t1 = t0 + Duration::seconds(60);
    let next = server_core::auth::totp::current_code(&secret, t1.timestamp()).unwrap();
    let state = state_at(db, t1);
    let (six, seven) = (from("192.0.2.6"), from("192.0.2.7"));
    let (a, b) = tokio::join!(
        login(&state, &six, "kim@example.com", PASSWORD, Some(&next), LoginKind::Api),
        login(&state, &seven, "kim@example.com", PASSWORD, Some(&next), LoginKind::Api),
    );
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
}
on_both_databases!(totp_once, a_totp_code_signs_in_once);

async fn secrets_are_never_kept_for_replays(db: &Db) {
    let id = person(db, "owner@example.com", Role::Owner).await;
    let state = common::state(db);
    let session = start_session(&state, &Caller::default(), id, LoginKind::Browser).await.unwrap();
    let cookie = format!("ds_session={}", session.secret);
    let app = server::app(state, common::site());

    let key = [("cookie", cookie.as_str()), ("idempotency-key", "new-key-0001")];
    let body = json!({ "name": "ci", "role": "viewer" }).to_string();
    let first = call(&app, "/api/v1/api-keys", &key, &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let secret = first.json()["key"].as_str().expect("the new key").to_owned();
    assert!(first.headers.get(app::api::SECRET_RESPONSE).is_none(), "the marker never leaves the server");
    // Nothing of the answer is stored...
    let stored: Vec<Option<Vec<u8>>> = match db {
        Db::Sqlite(pool) => sqlx::query_scalar("select response_body from idempotency_keys").fetch_all(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar("select response_body from idempotency_keys").fetch_all(pool).await,
    }
    .unwrap();
    assert_eq!(stored.len(), 1, "the key is remembered as done");
    assert!(stored.iter().flatten().all(|b| !String::from_utf8_lossy(b).contains(&secret)), "the secret is not stored");
    // ... so a repeat is told the request was done, without the key, and makes no second key.
    let again = call(&app, "/api/v1/api-keys", &key, &body).await;
    let envelope = again.assert_envelope(409, "CONFLICT");
    assert!(!envelope.to_string().contains(&secret));
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(common::scalar(db, "select count(*) from api_keys where name = 'ci'").await, 1);

    // Anonymous callers are never deduplicated: a login with a key stores nothing,
    // and each try is a new login with new tokens.
    let login_body = json!({ "email": "owner@example.com", "password": PASSWORD }).to_string();
    let anon_key = [("idempotency-key", "login-0001")];
    let one = call(&app, "/api/v1/auth/login", &anon_key, &login_body).await;
    let two = call(&app, "/api/v1/auth/login", &anon_key, &login_body).await;
    assert_eq!((one.status, two.status), (StatusCode::OK, StatusCode::OK), "{}", two.text());
    assert_ne!(one.json()["refresh_token"], two.json()["refresh_token"]);
    assert!(two.headers.get("idempotent-replayed").is_none());
    assert_eq!(
        common::scalar(db, "select count(*) from idempotency_keys").await,
        1,
        "only the signed-in request's key"
    );
}
on_both_databases!(secrets, secrets_are_never_kept_for_replays);

async fn a_generated_admin_password_must_be_replaced_first(db: &Db) {
    let generated = server_core::services::accounts::bootstrap_admin(db, "first@example.com", None)
        .await
        .unwrap()
        .expect("a generated password");
    let state = common::state(db);
    let app = common::from_local_proxy(server::app(state.clone(), common::site()));
    let signed_in =
        login(&state, &from("192.0.2.9"), "first@example.com", &generated, None, LoginKind::Browser).await.unwrap();
    let cookie = format!("ds_session={}", signed_in.secret);
    let get = |uri: &'static str| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move { common::send(&app, Request::get(uri).header("cookie", cookie).body(Body::empty()).unwrap()).await }
    };

    // Every page leads to the password form; the API says why it refuses.
    let page = get("/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers["location"], "/settings?must_change=1");
    get("/api/v1/users").await.assert_envelope(422, "BUSINESS_RULE_VIOLATION");
    let settings = get("/settings?must_change=1").await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.text());
    assert!(settings.text().contains("data-testid=\"must-change-password\""));

    // Once replaced, everything opens.
    let form = format!("current_password={generated}&new_password=a+brand+new+passphrase");
    let changed = common::send(
        &app,
        Request::post("/api/fn/account_change_password")
            .header("cookie", &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap(),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    assert_eq!(get("/").await.status, StatusCode::OK);
    assert_eq!(get("/api/v1/users").await.status, StatusCode::OK);
    // An administrator-given password (ADMIN_PASSWORD) needs no change.
    let db2 = common::TestDb::sqlite().await;
    server_core::services::accounts::bootstrap_admin(&db2.db, "set@example.com", Some(PASSWORD)).await.unwrap();
    let row = server_core::db::accounts::by_email(&db2.db, "set@example.com").await.unwrap().unwrap();
    assert!(!row.must_change_password);
}
on_both_databases!(generated_password, a_generated_admin_password_must_be_replaced_first);
