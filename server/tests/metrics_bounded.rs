//! Metrics and route statistics stay bounded whatever clients send (issue #11,
//! item 7): invented HTTP methods answer 405 before authentication and share
//! the method label `other`; unknown paths share the route label `unmatched`.
//! One test in this binary, since `/metrics` is the process's global recorder.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use server_core::observability::{MetricsAccess, Ops};

const TOKEN: &str = "metrics-token-for-tests";

/// Paths of every kind: API routes (with and without an id), a page, an
/// unknown page and an unknown API path.
const PATHS: [&str; 5] = ["/api/v1/users", "/api/v1/users/{id}", "/users", "/nowhere", "/api/nowhere"];

async fn metrics_text(app: &Router) -> String {
    let request = Request::get("/metrics").header("authorization", format!("Bearer {TOKEN}")).body(Body::empty());
    let reply = common::send(app, request.unwrap()).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text());
    reply.text()
}

/// A method nobody routes: 3 to 12 capital letters, never one of the known seven.
fn invented_method() -> String {
    loop {
        let method: String = (0..fastrand::usize(3..=12)).map(|_| fastrand::uppercase()).collect();
        if !["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].contains(&method.as_str()) {
            return method;
        }
    }
}

/// An anonymous request (`x-test-anonymous`: the harness adds no key), so that
/// a request reaching authentication would answer 401, not 405.
async fn anonymous(app: &Router, method: &str, path: &str) -> common::Reply {
    let path = path.replace("{id}", &fastrand::u32(..).to_string());
    let request = Request::builder().method(method).uri(path).header("x-test-anonymous", "1");
    common::send(app, request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn invented_methods_and_paths_add_no_series_and_no_rows() {
    let db = common::TestDb::sqlite().await;
    let state = common::state(&db.db).with(|s| s.ops = Arc::new(Ops::new(true, MetricsAccess::Token(TOKEN.into()))));
    let app = common::app(state.clone());

    // Once per kind of request, so every label set this test can produce exists.
    for path in PATHS {
        anonymous(&app, "FOOBAR", path).await;
        anonymous(&app, "GET", path).await;
    }
    // Twice: the first call's own series only show in the second's answer.
    metrics_text(&app).await;
    let lines_before = metrics_text(&app).await.lines().count();
    let rows_before = state.ops.route_stats.snapshot().len();

    for n in 0..200 {
        let method = invented_method();
        let path = PATHS[n % PATHS.len()];
        let reply = anonymous(&app, &method, path).await;
        reply.assert_envelope(405, "METHOD_NOT_ALLOWED");
    }
    for n in 0..50 {
        // Unknown paths, raw ids: the router's patterns or `unmatched`, never the path.
        let path = format!("/random-{}/{n}", fastrand::u64(..));
        anonymous(&app, "GET", &path).await;
        anonymous(&app, "GET", &format!("/api{path}")).await;
        anonymous(&app, "GET", &format!("/api/v1/users/{}", fastrand::u32(..))).await;
    }

    let text = metrics_text(&app).await;
    let lines_after = text.lines().count();
    // Counter values change, lines do not: any new line is a new series.
    assert!(lines_after <= lines_before + 2, "/metrics grew from {lines_before} to {lines_after} lines:\n{text}");
    assert!(text.contains(r#"method="other""#), "{text}");
    assert!(!text.contains("/random-"), "raw paths became labels");
    let rows = state.ops.route_stats.snapshot();
    assert!(rows.len() <= rows_before, "route statistics grew from {rows_before} to {} rows: {rows:?}", rows.len());
    assert!(rows.iter().all(|r| ["GET", "other"].contains(&r.method.as_str())), "{rows:?}");

    // Known methods are untouched.
    assert_eq!(anonymous(&app, "GET", "/healthz").await.status.as_u16(), 200);
    assert_eq!(
        anonymous(&app, "DELETE", "/api/v1/users").await.status.as_u16(),
        401,
        "known methods still authenticate"
    );
}
