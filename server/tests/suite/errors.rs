//! Every error reaches the client as the error envelope (docs/API-DESIGN.md) with the Flask system's
//! status and a stable code, whoever produced it: a handler, an extractor's
//! rejection, the router, the body limit, a timeout, a panic, a server function.

use crate::common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use server::Limits;
use server_core::error::AppError;
use server_core::observability::{MetricsAccess, Ops};

/// The real middleware around the product routes plus two that misbehave, with
/// a short timeout and a small body limit.
fn router(db: &server_core::db::Db) -> Router {
    let state = common::state(db);
    let limits = Limits { timeout: Duration::from_millis(300), body_bytes: 1024 };
    let misbehaving = Router::new().route("/api/test/panic", get(|| async { panic!("boom") as &'static str })).route(
        "/api/test/slow",
        post(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        }),
    );
    // The middleware wraps a router once (its outer part around all of it).
    let product = server::routes(state.clone(), common::site());
    let db = state.db.clone();
    common::authed(server::middleware::apply(misbehaving.merge(product), &state, limits), &db)
}

#[tokio::test]
async fn each_status_gets_the_envelope_with_its_code() {
    let db = common::TestDb::sqlite().await;
    let app = router(&db.db);

    common::get(&app, "/api/dashboard/user-growth?days=abc").await.assert_envelope(400, "VALIDATION_FAILED");
    common::get(&app, "/api/v1/no-such-route").await.assert_envelope(404, "NOT_FOUND");
    let reply = common::send(&app, Request::post("/api/dashboard/stats").body(Body::empty()).unwrap()).await;
    reply.assert_envelope(405, "METHOD_NOT_ALLOWED");
    let big = format!(r#"{{"pattern":"{}"}}"#, "x".repeat(2000));
    common::post_json(&app, "/api/cache/invalidate", &big, &[]).await.assert_envelope(413, "PAYLOAD_TOO_LARGE");
    let text =
        Request::post("/api/cache/invalidate").header(header::CONTENT_TYPE, "text/plain").body(Body::from("stats*"));
    common::send(&app, text.unwrap()).await.assert_envelope(415, "UNSUPPORTED_MEDIA_TYPE");
    common::post_json(&app, "/api/cache/invalidate", "{not json", &[]).await.assert_envelope(400, "VALIDATION_FAILED");
    let body = common::get(&app, "/api/test/panic").await.assert_envelope(500, "INTERNAL_ERROR");
    assert!(!body.to_string().contains("boom"), "a panic's message never reaches the client");
    let reply = common::send(&app, Request::post("/api/test/slow").body(Body::empty()).unwrap()).await;
    reply.assert_envelope(503, "TIMEOUT");
    assert_eq!(reply.headers["retry-after"], "5");
}

#[tokio::test]
async fn idempotency_conflicts_get_409_and_422() {
    let db = common::TestDb::sqlite().await;
    let app = router(&db.db);
    let key = [("idempotency-key", "errors-test-1")];
    let first = common::post_json(&app, "/api/cache/invalidate", r#"{"pattern":"stats*"}"#, &key).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    common::post_json(&app, "/api/cache/invalidate", r#"{"pattern":"other*"}"#, &key)
        .await
        .assert_envelope(422, "IDEMPOTENCY_KEY_REUSED");
    // While a request with a key runs, a repeat is told to wait.
    let slow = app.clone();
    let running = tokio::spawn(async move {
        common::send(
            &slow,
            Request::post("/api/test/slow").header("idempotency-key", "k2").body(Body::empty()).unwrap(),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let repeat = Request::post("/api/test/slow").header("idempotency-key", "k2").body(Body::empty()).unwrap();
    common::send(&app, repeat).await.assert_envelope(409, "IDEMPOTENCY_IN_PROGRESS");
    running.await.unwrap();
    let bad_key = [("idempotency-key", "has space")];
    let reply = common::post_json(&app, "/api/cache/invalidate", "{}", &bad_key).await;
    assert_eq!(
        reply.assert_envelope(400, "VALIDATION_FAILED")["error"]["details"]["fields"][0]["field"],
        "Idempotency-Key"
    );
}

#[tokio::test]
async fn metrics_guards_answer_401_and_403() {
    let db = common::TestDb::sqlite().await;
    let state = |access| common::state(&db.db).with(|s| s.ops = std::sync::Arc::new(Ops::new(true, access)));
    let token = common::app(state(MetricsAccess::Token("a-long-enough-token".into())));
    common::get(&token, "/metrics").await.assert_envelope(401, "UNAUTHORIZED");
    let loopback = common::app(state(MetricsAccess::Loopback));
    // oneshot requests have no peer address: not loopback.
    common::get(&loopback, "/metrics").await.assert_envelope(403, "FORBIDDEN");
    let internal = common::app(state(MetricsAccess::InternalListener));
    common::get(&internal, "/metrics").await.assert_envelope(404, "NOT_FOUND");
}

#[tokio::test]
async fn a_database_that_is_gone_is_a_503() {
    let db = common::TestDb::sqlite().await;
    let app = router(&db.db);
    db.db.close().await;
    let body = common::get(&app, "/api/dashboard/stats").await.assert_envelope(503, "SERVICE_UNAVAILABLE");
    assert_eq!(body["error"]["details"]["dependency"], "database");
}

#[tokio::test]
async fn rate_limits_and_business_rules_have_their_status_code_and_headers() {
    // No route produces these yet (sign-in and rate limits come later); the
    // response every route would send is checked here.
    for (error, status) in [
        (AppError::RateLimited { retry_after_secs: 7 }, 429),
        (AppError::BusinessRule { message: "no".into() }, 422),
        (AppError::Unauthorized, 401),
        (AppError::Forbidden, 403),
        (AppError::Conflict { message: "taken".into() }, 409),
    ] {
        let response = error.clone().into_response();
        assert_eq!(response.status().as_u16(), status, "{error:?}");
        if status == 429 {
            assert_eq!(response.headers()["retry-after"], "7");
        }
    }
}

#[tokio::test]
async fn server_function_errors_are_envelopes_with_their_status() {
    let db = common::TestDb::sqlite().await;
    let app = router(&db.db);
    let request = Request::post("/api/fn/dashboard_user_growth")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-trace-id", "fn-trace-1")
        .body(Body::from("view[range]=3w"))
        .unwrap();
    let reply = common::send(&app, request).await;
    let body = reply.assert_envelope(400, "VALIDATION_FAILED");
    assert_eq!(body["error"]["trace_id"], "fn-trace-1");
    assert_eq!(body["error"]["details"]["fields"][0]["field"], "range");
}
