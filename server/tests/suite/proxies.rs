//! Issue #11 item 5: behind a proxy, the client's address is the right-most
//! `X-Forwarded-For` hop that is not one of our proxies (`TRUSTED_PROXIES`),
//! and a forwarding header from anyone else is ignored. Addresses are read
//! where they matter most: the audit record of a login (and the login
//! throttle, which keys on the same address), and `X-Forwarded-Host` in the
//! cross-site check.

use crate::common;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request};
use axum::Router;
use common::Reply;
use server_core::auth::SecuritySettings;
use server_core::db::Db;
use server_core::model::Role;

const PASSWORD: &str = "correct horse battery";

/// The application over `db` behind `TRUST_PROXY_HEADERS=true` and `proxies`.
fn behind(db: &Db, proxies: &str) -> Router {
    let state = common::state(db);
    let mut security: SecuritySettings = (*state.security).clone();
    security.trust_forwarded_for = true;
    security.trusted_proxies = proxies.split(',').map(|p| p.parse().unwrap()).collect();
    server::app(state.with(|s| s.security = Arc::new(security)), common::site())
}

/// A failed API login from socket peer `peer` with `headers`; the request
/// carries the peer as `dreamseed serve` gives it.
async fn login_from(app: &Router, peer: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::post("/api/v1/auth/login").header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::from(r#"{"email":"kim@example.com","password":"not the password"}"#)).unwrap();
    request.extensions_mut().insert(ConnectInfo(format!("{peer}:50000").parse::<SocketAddr>().unwrap()));
    common::send(app, request).await
}

/// The address of the newest login record.
async fn last_login_ip(db: &Db) -> Option<String> {
    const SQL: &str = "select ip from audit_log where action = 'auth.login' order by id desc limit 1";
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(SQL).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(SQL).fetch_one(pool).await.unwrap(),
    }
}

async fn setup() -> common::TestDb {
    let db = common::TestDb::sqlite().await;
    server_core::services::accounts::create_unchecked(&db.db, "kim@example.com", PASSWORD, Role::Viewer).await.unwrap();
    db
}

#[tokio::test]
async fn a_client_cannot_choose_its_address_by_writing_the_header() {
    let db = setup().await;
    let app = behind(&db.db, "10.0.0.0/8");

    // Straight from the internet: the header is the client's own words.
    login_from(&app, "198.51.100.7", &[("x-forwarded-for", "203.0.113.9")])
        .await
        .assert_envelope(401, "INVALID_CREDENTIALS");
    assert_eq!(last_login_ip(&db.db).await.as_deref(), Some("198.51.100.7"));

    // Through our proxy, a forged first hop: the proxy appended the real one.
    login_from(&app, "10.0.0.2", &[("x-forwarded-for", "203.0.113.9, 198.51.100.7")]).await;
    assert_eq!(last_login_ip(&db.db).await.as_deref(), Some("198.51.100.7"));

    // Through two of our proxies.
    login_from(&app, "10.0.0.2", &[("x-forwarded-for", "203.0.113.9, 198.51.100.8, 10.0.0.3")]).await;
    assert_eq!(last_login_ip(&db.db).await.as_deref(), Some("198.51.100.8"));

    // A malformed hop ends the walk at the last good address.
    login_from(&app, "10.0.0.2", &[("x-forwarded-for", "198.51.100.9, not-an-ip")]).await;
    assert_eq!(last_login_ip(&db.db).await.as_deref(), Some("10.0.0.2"));
}

#[tokio::test]
async fn by_default_only_a_proxy_on_this_machine_is_believed() {
    let db = setup().await;
    let app = behind(&db.db, "127.0.0.0/8,::1/128");
    login_from(&app, "10.0.0.2", &[("x-forwarded-for", "203.0.113.9")]).await;
    assert_eq!(last_login_ip(&db.db).await.as_deref(), Some("10.0.0.2"));
    login_from(&app, "127.0.0.1", &[("x-forwarded-for", "203.0.113.9")]).await;
    assert_eq!(last_login_ip(&db.db).await.as_deref(), Some("203.0.113.9"));
}

#[tokio::test]
async fn a_forwarded_host_counts_only_from_a_trusted_proxy() {
    let db = setup().await;
    let app = behind(&db.db, "10.0.0.0/8");
    let headers = [("host", "admin.example"), ("origin", "https://evil.example"), ("x-forwarded-host", "evil.example")];
    // From anyone else, the claim that the browser used evil.example as our
    // host is ignored, and evil.example is not our origin.
    let reply = login_from(&app, "198.51.100.7", &headers).await;
    reply.assert_envelope(403, "FORBIDDEN");
    // From our proxy, the forwarded host is the one the browser saw.
    let reply = login_from(&app, "10.0.0.2", &headers).await;
    reply.assert_envelope(401, "INVALID_CREDENTIALS");
}
