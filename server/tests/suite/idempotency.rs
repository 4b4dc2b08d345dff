//! Idempotency-Key against a handler with a countable effect, on
//! SQLite and Postgres: replays, conflicts, scoping, expiry, restarts, and a
//! burst of concurrent duplicates with exactly one effect.

use crate::common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use server::Limits;
use server_core::db::Db;
use server_core::state::{AppState, Clock};

/// A router whose `POST /api/test/things` creates a "thing" (counts it) and
/// answers 201, or 500 when asked to fail, behind the real middleware.
fn router(state: AppState, effects: Arc<AtomicU64>) -> Router {
    let things = Router::new().route(
        "/api/test/things",
        post(move |Json(body): Json<Value>| {
            let effects = effects.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                if body["fail"] == true {
                    return (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "failed": true })));
                }
                let id = effects.fetch_add(1, Ordering::SeqCst) + 1;
                (StatusCode::CREATED, Json(json!({ "id": id, "name": body["name"] })))
            }
        }),
    );
    let db = state.db.clone();
    common::authed(server::middleware::apply(things, &state, Limits::default()), &db)
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
}

async fn create(app: &Router, key: &str, body: &str, extra: &[(&str, &str)]) -> common::Reply {
    let mut headers = vec![("idempotency-key", key)];
    headers.extend_from_slice(extra);
    common::post_json(app, "/api/test/things", body, &headers).await
}

async fn a_repeat_replays_the_stored_response(db: &Db) {
    let effects = Arc::new(AtomicU64::new(0));
    let app = router(common::state(db), effects.clone());
    let first = create(&app, "key-1", r#"{"name":"a"}"#, &[]).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let again = create(&app, "key-1", r#"{"name":"a"}"#, &[]).await;
    assert_eq!(again.status, StatusCode::OK, "201 becomes 200 on a replay");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.headers["content-type"], "application/json");
    assert_eq!(again.json(), first.json());
    assert_eq!(effects.load(Ordering::SeqCst), 1);

    create(&app, "key-1", r#"{"name":"b"}"#, &[]).await.assert_envelope(422, "IDEMPOTENCY_KEY_REUSED");
    // Without a key, or with another, the request runs.
    assert_eq!(common::post_json(&app, "/api/test/things", r#"{"name":"a"}"#, &[]).await.status, StatusCode::CREATED);
    assert_eq!(create(&app, "key-2", r#"{"name":"a"}"#, &[]).await.status, StatusCode::CREATED);
    assert_eq!(effects.load(Ordering::SeqCst), 3);
}
on_both_databases!(replay, a_repeat_replays_the_stored_response);

async fn keys_belong_to_the_caller(db: &Db) {
    let effects = Arc::new(AtomicU64::new(0));
    let app = router(common::state(db), effects.clone());
    let alice = format!("Bearer {}", common::api_key(db, server_core::model::Role::Editor, "").await);
    let bob = format!("Bearer {}", common::api_key(db, server_core::model::Role::Editor, "").await);
    for token in [&alice, &bob] {
        let reply = create(&app, "shared-key", r#"{"name":"a"}"#, &[("authorization", token)]).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{token}");
    }
    assert_eq!(effects.load(Ordering::SeqCst), 2);
}
on_both_databases!(scope, keys_belong_to_the_caller);

async fn a_server_failure_lets_the_key_try_again(db: &Db) {
    let effects = Arc::new(AtomicU64::new(0));
    let app = router(common::state(db), effects.clone());
    let failed = create(&app, "retry-me", r#"{"fail":true}"#, &[]).await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    // The key was released, so the (same) request runs again rather than replaying the 500.
    let again = create(&app, "retry-me", r#"{"fail":true}"#, &[]).await;
    assert_eq!(again.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(again.headers.get("idempotent-replayed").is_none());
}
on_both_databases!(failure, a_server_failure_lets_the_key_try_again);

async fn keys_are_forgotten_after_an_hour(db: &Db) {
    let effects = Arc::new(AtomicU64::new(0));
    let t0 = at("2026-11-21T10:00:00Z");
    let first = router(common::state(db).with(|s| s.clock = Clock::Fixed(t0)), effects.clone());
    assert_eq!(create(&first, "hourly", "{}", &[]).await.status, StatusCode::CREATED);
    let later = router(common::state(db).with(|s| s.clock = Clock::Fixed(at("2026-11-21T10:59:00Z"))), effects.clone());
    assert_eq!(create(&later, "hourly", "{}", &[]).await.status, StatusCode::OK);
    let much_later =
        router(common::state(db).with(|s| s.clock = Clock::Fixed(at("2026-11-21T11:00:01Z"))), effects.clone());
    assert_eq!(create(&much_later, "hourly", "{}", &[]).await.status, StatusCode::CREATED);
    assert_eq!(effects.load(Ordering::SeqCst), 2);
}
on_both_databases!(expiry, keys_are_forgotten_after_an_hour);

async fn fifty_concurrent_duplicates_have_exactly_one_effect(db: &Db) {
    let effects = Arc::new(AtomicU64::new(0));
    let app = router(common::state(db), effects.clone());
    let replies = futures::future::join_all((0..50).map(|_| create(&app, "burst", r#"{"name":"once"}"#, &[]))).await;
    assert_eq!(effects.load(Ordering::SeqCst), 1, "exactly one effect");
    let created = replies.iter().filter(|r| r.status == StatusCode::CREATED).count();
    let waiting = replies.iter().filter(|r| r.status == StatusCode::CONFLICT).count();
    let replayed = replies.iter().filter(|r| r.status == StatusCode::OK).count();
    assert_eq!(created, 1);
    assert_eq!(created + waiting + replayed, 50, "only 201, 409 (in progress) or 200 (replay)");
    for reply in replies.iter().filter(|r| r.status == StatusCode::CONFLICT) {
        reply.assert_envelope(409, "IDEMPOTENCY_IN_PROGRESS");
    }
    // Once the first finished, everyone gets its response.
    assert_eq!(create(&app, "burst", r#"{"name":"once"}"#, &[]).await.json()["id"], 1);
}
on_both_databases!(burst, fifty_concurrent_duplicates_have_exactly_one_effect);

async fn a_replay_survives_a_restart(db: &Db) {
    let effects = Arc::new(AtomicU64::new(0));
    let before = router(common::state(db), effects.clone());
    let first = create(&before, "durable", r#"{"name":"kept"}"#, &[]).await;
    drop(before);
    // A new process (new state, new cache) on the same database.
    let after = router(common::state(db), effects.clone());
    let again = create(&after, "durable", r#"{"name":"kept"}"#, &[]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json(), first.json());
    assert_eq!(effects.load(Ordering::SeqCst), 1);
}
on_both_databases!(restart, a_replay_survives_a_restart);

#[tokio::test]
async fn expired_records_are_cleaned_up() {
    let db = common::TestDb::sqlite().await;
    let effects = Arc::new(AtomicU64::new(0));
    let t0 = at("2026-11-21T10:00:00Z");
    let app = router(common::state(&db.db).with(|s| s.clock = Clock::Fixed(t0)), effects);
    create(&app, "old", "{}", &[]).await;
    let state = common::state(&db.db).with(|s| s.clock = Clock::Fixed(at("2026-11-21T12:00:00Z")));
    assert_eq!(server::jobs::idempotency_cleanup::once(&state).await, 1);
    assert_eq!(server::jobs::idempotency_cleanup::once(&state).await, 0);
}
