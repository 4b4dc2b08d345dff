//! Issue #11 item 10, production defaults: `/metrics` is never open to
//! loopback in production (the configuration refuses to start) and never to a
//! proxy on the same host; what the server computes is `Cache-Control:
//! no-store` (static files: server/tests/suite/static_caching.rs); a database password is
//! never echoed, nor an e-mail address in a log line.

use crate::common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use server::config::Config;
use server_core::observability::{MetricsAccess, Ops};

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn production_will_not_start_with_metrics_open_to_loopback() {
    let secret = "s".repeat(32);
    let base = [("ENVIRONMENT", "production"), ("SECRET_KEY", secret.as_str())];
    let err = Config::from_vars(&vars(&base)).expect_err("refused");
    assert_eq!(err.var, "METRICS_TOKEN");
    assert!(!err.to_string().contains('\n'), "one line: {err}");
    for (var, value) in [("METRICS_TOKEN", "a-metrics-token-0123"), ("METRICS_ADDR", "127.0.0.1:9102")] {
        let config = Config::from_vars(&vars(&[base[0], base[1], (var, value)]));
        assert!(config.is_ok(), "{var}");
    }
}

#[test]
fn a_database_password_is_never_echoed() {
    let err = Config::from_vars(&vars(&[("DATABASE_URL", "mysql://app:s3cret@db/x")])).expect_err("refused");
    assert!(!err.to_string().contains("s3cret"), "{err}");
    let config = Config::from_vars(&vars(&[("DATABASE_URL", "postgres://app:s3cret@db/x")])).unwrap();
    assert!(!format!("{config:?}").contains("s3cret"));
}

fn cache_control(reply: &common::Reply) -> Option<&str> {
    reply.headers.get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn computed_responses_are_not_stored_by_any_cache() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    for uri in ["/api/v1/auth/me", "/api/v1/users?per_page=1", "/api/v1/nothing-here", "/login", "/"] {
        let reply = common::get(&app, uri).await;
        assert_eq!(cache_control(&reply), Some("no-store"), "{uri}: {}", reply.status);
    }
    // Answers to anonymous callers too: a 401, the redirect to the login page.
    let anonymous = common::anonymous_router(&db.db);
    for uri in ["/api/v1/auth/me", "/users"] {
        let reply = common::get(&anonymous, uri).await;
        assert!(reply.status.is_client_error() || reply.status.is_redirection(), "{uri}");
        assert_eq!(cache_control(&reply), Some("no-store"), "{uri}");
    }
    // Static files have their own rules (server/tests/suite/static_caching.rs).
}

#[tokio::test]
async fn loopback_metrics_refuse_what_a_local_proxy_forwards() {
    let db = common::TestDb::sqlite().await;
    let state = common::state(&db.db).with(|s| s.ops = Arc::new(Ops::new(false, MetricsAccess::Loopback)));
    let app = server::app(state, common::site());
    let metrics = |forwarded: Option<&str>| {
        let mut request = Request::get("/metrics");
        if let Some(value) = forwarded {
            request = request.header("x-forwarded-for", value);
        }
        let mut request = request.body(Body::empty()).unwrap();
        request.extensions_mut().insert(ConnectInfo("127.0.0.1:50000".parse::<SocketAddr>().unwrap()));
        request
    };
    assert_eq!(common::send(&app, metrics(None)).await.status, StatusCode::OK);
    common::send(&app, metrics(Some("203.0.113.9"))).await.assert_envelope(403, "FORBIDDEN");
}

/// A log line buffer for a subscriber of this test's thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn log_lines_name_a_person_by_a_masked_address() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .fmt_fields(server::telemetry::JsonSpanFields)
        .event_format(server::telemetry::JsonLine)
        .with_writer(move || writer.clone())
        .finish();
    // The test runs on one thread, so this thread's subscriber sees every line.
    let _guard = tracing::subscriber::set_default(subscriber);

    let db = common::TestDb::sqlite().await;
    server_core::services::accounts::create_unchecked(
        &db.db,
        "kim.minjun@example.com",
        "correct horse battery",
        server_core::model::Role::Viewer,
    )
    .await
    .unwrap();
    let state = common::state(&db.db);
    let mut security = (*state.security).clone();
    security.rate_limit_per_minute = 1;
    let state = state.with(|s| s.security = Arc::new(security));
    let app = server::app(state, common::site());
    let login = r#"{"email":"kim.minjun@example.com","password":"correct horse battery"}"#;
    let pair = common::post_json(&app, "/api/v1/auth/login", login, &[]).await.json();
    let bearer = format!("Bearer {}", pair["access_token"].as_str().expect("access token"));
    let me = || Request::get("/api/v1/auth/me").header(header::AUTHORIZATION, &bearer).body(Body::empty()).unwrap();
    assert_eq!(common::send(&app, me()).await.status, StatusCode::OK);
    assert_eq!(common::send(&app, me()).await.status, StatusCode::TOO_MANY_REQUESTS);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("rate limit reached") && logs.contains("k***@example.com"), "{logs}");
    assert!(!logs.contains("kim.minjun@example.com"), "{logs}");
}
