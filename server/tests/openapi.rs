//! The OpenAPI document describes exactly the routes served, and the docs page
//! is served from this server.

mod common;

use axum::body::Body;
use axum::http::{Method, Request};

#[tokio::test]
async fn every_documented_operation_is_served() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    let reply = common::get(&app, "/api/openapi.json").await;
    assert_eq!(reply.status.as_u16(), 200);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().unwrap();
    for expected in [
        "/healthz",
        "/ready",
        "/health",
        "/metrics",
        "/api/dashboard/stats",
        "/api/dashboard/user-growth",
        "/api/dashboard/countries",
        "/api/dashboard/users-by-type",
        "/api/dashboard/activity",
        "/api/dashboard/activity-heatmap",
        "/api/dashboard/problems",
        "/api/dashboard/recent-activity",
        "/api/cache/status",
        "/api/cache/invalidate",
        "/api/v1/stream",
    ] {
        assert!(paths.contains_key(expected), "{expected} is not documented");
    }
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            if path == "/api/v1/stream" {
                // An endless stream: its headers are the answer.
                let request = Request::get(path.as_str()).body(Body::empty()).unwrap();
                let reply = tower::ServiceExt::oneshot(app.clone(), request).await.unwrap();
                assert_eq!(reply.status().as_u16(), 200);
                continue;
            }
            let mut request = Request::builder().method(method.clone()).uri(path.as_str());
            if method == Method::POST {
                request = request.header("content-type", "application/json");
            }
            let reply =
                common::send(&app, request.body(Body::from(if method == Method::POST { "{}" } else { "" })).unwrap())
                    .await;
            assert!(
                ![404, 405].contains(&reply.status.as_u16()) || path == "/metrics",
                "{method} {path} is documented but answers {}",
                reply.status
            );
            let ops = &operations[method.as_str().to_lowercase()];
            assert!(ops["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path} has no responses");
        }
    }
}

#[tokio::test]
async fn the_docs_page_loads_the_reference_from_this_server() {
    let db = common::TestDb::sqlite().await;
    let reply = common::get(&common::router(&db.db), "/api/docs").await;
    assert_eq!(reply.status.as_u16(), 200);
    let html = reply.text();
    assert!(html.contains(r#"src="/vendor/scalar/standalone.js""#) && html.contains(r#"src="/api-docs.js""#));
    assert!(!html.contains("https://") && !html.contains("http://"), "no asset from elsewhere");
}
