//! `/healthz`, `/ready`, `/health` and `/metrics`.

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use server_core::observability::{MetricsAccess, Ops};

#[tokio::test]
async fn health_reports_each_dependency_in_the_seed_shape() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    let reply = common::get(&app, "/health").await;
    assert_eq!(reply.status.as_u16(), 200);
    let body = reply.json();
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["service"], "dreamseed-admin");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime"].is_u64() && body["timestamp"].is_string());
    let names: Vec<&str> =
        body["dependencies"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["database", "storage", "cache"]);
    for dep in body["dependencies"].as_array().unwrap() {
        assert_eq!(dep["status"], "healthy");
        assert!(dep["responseTime"].is_u64(), "{dep}");
    }
    assert_eq!(common::get(&app, "/ready").await.json(), serde_json::json!({ "status": "ready" }));
    assert_eq!(common::get(&app, "/healthz").await.json(), serde_json::json!({ "status": "healthy" }));
}

#[tokio::test]
async fn details_stay_hidden_unless_allowed() {
    let db = common::TestDb::sqlite().await;
    let state = common::state(&db.db).with(|s| s.ops = Arc::new(Ops::new(false, MetricsAccess::Loopback)));
    let app = common::app(state);
    let anonymous = axum::http::Request::get("/health").header("x-test-anonymous", "1").body(axum::body::Body::empty());
    let body = common::send(&app, anonymous.unwrap()).await.json();
    assert_eq!(body["status"], "healthy");
    assert!(body.get("dependencies").is_none(), "{body}");
    // A signed-in caller sees them regardless.
    let body = common::get(&app, "/health").await.json();
    assert!(body["dependencies"].as_array().is_some_and(|d| !d.is_empty()), "{body}");
}

#[tokio::test]
async fn a_lost_database_is_unhealthy_and_not_ready() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    db.db.close().await;
    let reply = common::get(&app, "/health").await;
    assert_eq!(reply.status.as_u16(), 503);
    assert_eq!(reply.json()["status"], "unhealthy");
    common::get(&app, "/ready").await.assert_envelope(503, "SERVICE_UNAVAILABLE");
    // Liveness does not depend on the database.
    assert_eq!(common::get(&app, "/healthz").await.status.as_u16(), 200);
}

/// Parses the Prometheus text format: `name{labels} value` per sample.
fn samples(text: &str) -> Vec<(String, HashMap<String, String>, f64)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("sample");
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => {
                    let labels = rest
                        .trim_end_matches('}')
                        .split("\",")
                        .filter(|kv| !kv.is_empty())
                        .map(|kv| {
                            let (k, v) = kv.split_once('=').expect("label");
                            (k.to_owned(), v.trim_matches('"').to_owned())
                        })
                        .collect();
                    (name.to_owned(), labels)
                }
                None => (series.to_owned(), HashMap::new()),
            };
            (name, labels, value.parse().expect("numeric value"))
        })
        .collect()
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_the_cache() {
    let db = common::TestDb::sqlite().await;
    let token = "metrics-token-for-tests";
    let state = common::state(&db.db).with(|s| s.ops = Arc::new(Ops::new(true, MetricsAccess::Token(token.into()))));
    let app = common::app(state);
    for _ in 0..3 {
        common::get(&app, "/api/dashboard/stats").await;
    }
    common::get(&app, "/api/dashboard/user-growth?days=0").await;
    let request = Request::get("/metrics").header("authorization", format!("Bearer {token}")).body(Body::empty());
    let reply = common::send(&app, request.unwrap()).await;
    assert_eq!(reply.status.as_u16(), 200);
    assert!(reply.headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    let samples = samples(&reply.text());
    let find = |name: &str, want: &[(&str, &str)]| {
        samples
            .iter()
            .filter(|(n, labels, _)| {
                n == name && want.iter().all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|(_, _, v)| *v)
            .sum::<f64>()
    };
    let ok = [("method", "GET"), ("route", "/api/dashboard/stats"), ("status", "200")];
    assert!(find("http_requests_total", &ok) >= 3.0);
    let bad = [("route", "/api/dashboard/user-growth"), ("status", "400")];
    assert!(find("http_requests_total", &bad) >= 1.0);
    assert!(find("http_request_duration_seconds_count", &[("route", "/api/dashboard/stats")]) >= 3.0);
    let bucket = [("route", "/api/dashboard/stats"), ("le", "+Inf")];
    assert!(find("http_request_duration_seconds_bucket", &bucket) >= 3.0);
    assert!(find("cache_hits_total", &[("layer", "memory")]) >= 2.0);
    assert!(find("cache_misses_total", &[]) >= 1.0);
    assert_eq!(find("dreamseed_build_info", &[]), 1.0);
}

#[tokio::test]
async fn the_online_users_gauge_follows_the_database() {
    let db = common::TestDb::sqlite().await;
    let state = common::state(&db.db);
    server::jobs::users_online::once(&state).await;
    let text = server::telemetry::metrics().render();
    assert!(samples(&text).iter().any(|(n, _, v)| n == "dreamseed_users_online" && *v == 0.0), "{text}");
}
