//! Event ingestion, `POST /api/v1/events`, on SQLite and Postgres:
//! a mixed batch writes its valid items in order (an activity may name a user
//! upserted earlier in the batch) and reports every refused item with its index
//! and fields, with the effects checked in the database, on the dashboard and in
//! the audit log; a batch with no valid item, an empty batch and one over 1,000
//! events are 400 and write nothing; a key without the `ingest` scope (or a
//! person) gets 403; a batch retried with the same `Idempotency-Key` is written
//! once.

use crate::common;

use axum::http::StatusCode;
use axum::Router;
use common::Reply;
use serde_json::{json, Value};
use server_core::db::Db;
use server_core::model::Role;

async fn post_events(app: &Router, key: &str, body: &Value, extra: &[(&str, &str)]) -> Reply {
    let auth = format!("Bearer {key}");
    let mut headers = vec![("authorization", auth.as_str())];
    headers.extend_from_slice(extra);
    common::post_json(app, "/api/v1/events", &body.to_string(), &headers).await
}

async fn count(db: &Db, sql: &str, bind: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).bind(bind).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).bind(bind).fetch_one(pool).await.unwrap(),
    }
}

async fn users_named(db: &Db, email: &str) -> i64 {
    count(db, "select count(*) from users where email = $1", email).await
}

async fn activities_of(db: &Db, email: &str) -> i64 {
    count(db, "select count(*) from activities a join users u on u.id = a.user_id where u.email = $1", email).await
}

async fn all_users(db: &Db) -> i64 {
    count(db, "select count(*) from users where email <> $1", "").await
}

async fn all_activities(db: &Db) -> i64 {
    count(db, "select count(*) from activities where activity_type <> $1", "").await
}

/// A user's (username, user_type, country).
async fn user_row(db: &Db, email: &str) -> (String, String, Option<String>) {
    const SQL: &str = "select username, user_type, country from users where email = $1";
    match db {
        Db::Sqlite(pool) => sqlx::query_as(SQL).bind(email).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_as(SQL).bind(email).fetch_one(pool).await.unwrap(),
    }
}

async fn total_users(app: &Router) -> i64 {
    let reply = common::get(app, "/api/dashboard/stats").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["total_users"].as_i64().expect("total_users")
}

fn user(email: &str, username: &str) -> Value {
    json!({ "type": "user_upsert", "email": email, "username": username })
}

fn activity(email: &str, activity_type: &str) -> Value {
    json!({ "type": "activity", "user_email": email, "activity_type": activity_type })
}

/// The `fields[].field` names of `error`.
fn fields(error: &Value) -> Vec<String> {
    error["fields"].as_array().expect("fields").iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect()
}

async fn a_mixed_batch_writes_the_valid_items_and_reports_the_rest(db: &Db) {
    let key = common::api_key(db, Role::Editor, "ingest").await;
    // One router for reads (as the harness admin) and writes (as the key), so
    // the dashboard's cache is the one the batch invalidates.
    let app = common::router(db);
    let reader = app.clone();
    assert_eq!(total_users(&reader).await, 0, "and now cached");

    let batch = json!({ "events": [
        // 0: a new user, with everything.
        { "type": "user_upsert", "email": "Alice@Example.com", "username": "alice", "user_type": "paid",
          "country": "kr", "created_at": "2026-01-02T03:04:05Z", "metadata": { "plan": "annual" } },
        // 1: her activity, naming the user created just before.
        { "type": "activity", "user_email": "alice@example.com", "activity_type": "problem_solve",
          "description": "solved #1", "created_at": "2026-01-02T04:00:00Z", "metadata": { "score": 10 } },
        // 2: no valid e-mail, no username.
        { "type": "user_upsert", "email": "not-an-email" },
        // 3: an activity of nobody we know.
        activity("ghost@example.com", "login"),
        // 4: a malformed activity type.
        activity("alice@example.com", "Problem-Solve"),
        // 5: another new user.
        user("bob@example.com", "bob"),
        // 6: a user id that does not exist.
        { "type": "activity", "user_id": 987_654, "activity_type": "login" },
        // 7: an unknown type.
        { "type": "click", "email": "x@example.com" },
        // 8: alice again: an update.
        { "type": "user_upsert", "email": "alice@example.com", "username": "alice kim", "user_type": "premium" },
        // 9: not an object at all.
        "user_upsert",
    ]});
    let reply = post_events(&app, &key, &batch, &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let result = reply.json();
    assert_eq!(
        [&result["received"], &result["accepted"], &result["rejected"]],
        [&json!(10), &json!(4), &json!(6)],
        "{result}"
    );
    assert_eq!(
        [&result["users_created"], &result["users_updated"], &result["activities"]],
        [&json!(2), &json!(1), &json!(1)],
        "{result}"
    );

    let errors = result["errors"].as_array().expect("errors");
    let indexes: Vec<_> = errors.iter().map(|e| e["index"].as_u64().unwrap()).collect();
    assert_eq!(indexes, [2, 3, 4, 6, 7, 9], "every refused item, in order: {result}");
    let by_index = |i: u64| errors.iter().find(|e| e["index"] == i).unwrap();
    assert_eq!(by_index(2)["type"], "user_upsert");
    assert_eq!(fields(by_index(2)), ["email", "username"]);
    assert_eq!(by_index(3)["type"], "activity");
    assert_eq!(fields(by_index(3)), ["user_email"]);
    assert_eq!(fields(by_index(4)), ["activity_type"]);
    assert_eq!(fields(by_index(6)), ["user_id"]);
    assert!(by_index(7)["type"].is_null(), "{}", by_index(7));
    assert_eq!(fields(by_index(7)), ["type"]);
    assert!(by_index(9)["type"].is_null());
    for error in errors {
        for field in error["fields"].as_array().unwrap() {
            assert!(field["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
        }
    }

    // In the database: two users (alice updated by the last item), one activity.
    assert_eq!(users_named(db, "alice@example.com").await, 1);
    assert_eq!(users_named(db, "bob@example.com").await, 1);
    assert_eq!(users_named(db, "ghost@example.com").await + users_named(db, "not-an-email").await, 0);
    assert_eq!(all_users(db).await, 2);
    assert_eq!(
        user_row(db, "alice@example.com").await,
        ("alice kim".to_owned(), "premium".to_owned(), Some("KR".to_owned())),
        "updated in batch order, country kept"
    );
    assert_eq!(user_row(db, "bob@example.com").await, ("bob".to_owned(), "free".to_owned(), None));
    assert_eq!(activities_of(db, "alice@example.com").await, 1);
    assert_eq!(all_activities(db).await, 1);

    // On the dashboard (whose cached figures the new users invalidated).
    assert_eq!(total_users(&reader).await, 2);
    let feed = common::get(&reader, "/api/dashboard/recent-activity").await.json();
    let feed = feed["activities"].as_array().expect("activities");
    assert_eq!(feed.len(), 1, "{feed:?}");
    assert_eq!(
        (feed[0]["username"].as_str(), feed[0]["activity_type"].as_str(), feed[0]["country"].as_str()),
        (Some("alice kim"), Some("problem_solve"), Some("KR"))
    );

    // One audit record for the batch, by the key.
    let audit = common::get(&reader, "/api/v1/audit-log?action=events.ingest").await.json();
    let entries = audit["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["actor"], format!("api_key:{}", &key[..11]));
    assert_eq!(entries[0]["outcome"], "success");
    assert_eq!(entries[0]["trace_id"], reply.headers["x-trace-id"].to_str().unwrap());

    // A second batch may refer to users by id.
    let alice_id = count(db, "select id from users where email = $1", "alice@example.com").await;
    let more = json!({ "events": [{ "type": "activity", "user_id": alice_id, "activity_type": "login" }] });
    let reply = post_events(&app, &key, &more, &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!((reply.json()["accepted"].as_u64(), reply.json()["rejected"].as_u64()), (Some(1), Some(0)));
    assert_eq!(reply.json()["errors"], json!([]));
    assert_eq!(activities_of(db, "alice@example.com").await, 2);
}
on_both_databases!(mixed_batch, a_mixed_batch_writes_the_valid_items_and_reports_the_rest);

async fn a_batch_without_a_valid_item_is_refused_whole(db: &Db) {
    let key = common::api_key(db, Role::Editor, "ingest").await;
    let app = server::app(common::state(db), common::site());
    let batch = json!({ "events": [
        { "type": "user_upsert", "email": "nope", "username": "x" },
        { "type": "activity", "activity_type": "login" },
        { "type": "user_upsert", "email": "fine@example.com", "username": "fine", "user_type": "gold" },
    ]});
    let reply = post_events(&app, &key, &batch, &[]).await;
    let body = reply.assert_envelope(400, "VALIDATION_FAILED");
    let reported: Vec<_> = body["error"]["details"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(reported, ["events[0].email", "events[1].user_id", "events[2].user_type"], "{body}");
    assert_eq!(all_users(db).await, 0);
    assert_eq!(all_activities(db).await, 0);
}
on_both_databases!(all_bad, a_batch_without_a_valid_item_is_refused_whole);

async fn batches_hold_one_to_a_thousand_events(db: &Db) {
    let key = common::api_key(db, Role::Editor, "ingest").await;
    let app = server::app(common::state(db), common::site());
    let many = |n: usize| json!({ "events": (0..n).map(|i| user(&format!("u{i}@example.com"), &format!("user {i}"))).collect::<Vec<_>>() });

    let body = post_events(&app, &key, &many(1001), &[]).await.assert_envelope(400, "VALIDATION_FAILED");
    assert_eq!(body["error"]["details"]["fields"][0]["field"], "events", "{body}");
    assert_eq!(all_users(db).await, 0, "nothing of an oversized batch is written");
    post_events(&app, &key, &json!({ "events": [] }), &[]).await.assert_envelope(400, "VALIDATION_FAILED");
    post_events(&app, &key, &json!({}), &[]).await.assert_envelope(400, "VALIDATION_FAILED");

    let reply = post_events(&app, &key, &many(1000), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!((reply.json()["accepted"].as_u64(), reply.json()["users_created"].as_u64()), (Some(1000), Some(1000)));
    assert_eq!(all_users(db).await, 1000);
}
on_both_databases!(batch_size, batches_hold_one_to_a_thousand_events);

async fn only_keys_with_the_ingest_scope_may_post(db: &Db) {
    let app = server::app(common::state(db), common::site());
    let batch = json!({ "events": [user("kim@example.com", "kim")] });
    for role in [Role::Viewer, Role::Admin] {
        let key = common::api_key(db, role, "").await;
        post_events(&app, &key, &batch, &[]).await.assert_envelope(403, "FORBIDDEN");
    }
    // People neither: ingestion is for the platform's backend.
    server_core::services::accounts::create_unchecked(db, "admin@example.com", "correct horse battery", Role::Admin)
        .await
        .unwrap();
    let login = common::post_json(
        &app,
        "/api/v1/auth/login",
        r#"{"email":"admin@example.com","password":"correct horse battery"}"#,
        &[],
    )
    .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    let token = login.json()["access_token"].as_str().unwrap().to_owned();
    post_events(&app, &token, &batch, &[]).await.assert_envelope(403, "FORBIDDEN");
    // Nor anonymous callers.
    common::post_json(&app, "/api/v1/events", &batch.to_string(), &[]).await.assert_envelope(401, "UNAUTHORIZED");
    assert_eq!(all_users(db).await, 0);

    let key = common::api_key(db, Role::Editor, "ingest").await;
    assert_eq!(post_events(&app, &key, &batch, &[]).await.status, StatusCode::OK);
    assert_eq!(all_users(db).await, 1);
}
on_both_databases!(scope, only_keys_with_the_ingest_scope_may_post);

async fn a_retried_batch_with_the_same_idempotency_key_is_written_once(db: &Db) {
    let key = common::api_key(db, Role::Editor, "ingest").await;
    let app = server::app(common::state(db), common::site());
    let batch = json!({ "events": [user("kim@example.com", "kim"), activity("kim@example.com", "login")] });
    let retry = [("idempotency-key", "batch-2026-11-21-001")];

    let first = post_events(&app, &key, &batch, &retry).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert!(first.headers.get("idempotent-replayed").is_none());
    assert_eq!(first.json()["users_created"], 1);
    let again = post_events(&app, &key, &batch, &retry).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json(), first.json(), "the stored answer");
    assert_eq!(activities_of(db, "kim@example.com").await, 1, "written once");
    assert_eq!(users_named(db, "kim@example.com").await, 1);

    // Without the key the same batch runs again (so the key is what saved us).
    let unkeyed = post_events(&app, &key, &batch, &[]).await;
    assert_eq!(unkeyed.json()["users_updated"], 1);
    assert_eq!(activities_of(db, "kim@example.com").await, 2);
    // The key with another batch is a client bug.
    let other = json!({ "events": [user("lee@example.com", "lee")] });
    post_events(&app, &key, &other, &retry).await.assert_envelope(422, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(users_named(db, "lee@example.com").await, 0);
}
on_both_databases!(idempotent_replay, a_retried_batch_with_the_same_idempotency_key_is_written_once);

async fn ingestion_needs_an_editor_and_keeps_what_an_event_omits(db: &Db) {
    let app = server::app(common::state(db), common::site());
    let batch = json!({ "events": [user("kim@example.com", "kim")] });
    // A viewer's key cannot ingest, whatever scope it was given (an older key
    // could have been made before the rule), and no such key can be made now.
    let viewer = common::api_key(db, Role::Viewer, "ingest").await;
    post_events(&app, &viewer, &batch, &[]).await.assert_envelope(403, "FORBIDDEN");
    assert_eq!(all_users(db).await, 0);

    let editor = common::api_key(db, Role::Editor, "ingest").await;
    let paid = json!({ "events": [{ "type": "user_upsert", "email": "kim@example.com", "username": "kim",
        "user_type": "premium", "country": "KR" }] });
    assert_eq!(post_events(&app, &editor, &paid, &[]).await.status, StatusCode::OK);
    // A later event without the type (or the country) changes the name only.
    let renamed = json!({ "events": [user("kim@example.com", "kim min")] });
    let reply = post_events(&app, &editor, &renamed, &[]).await;
    assert_eq!(reply.json()["users_updated"], 1, "{}", reply.text());
    assert_eq!(
        user_row(db, "kim@example.com").await,
        ("kim min".to_owned(), "premium".to_owned(), Some("KR".to_owned())),
        "omitted fields stay as they were"
    );
    // A new user without a type is free.
    post_events(&app, &editor, &json!({ "events": [user("lee@example.com", "lee")] }), &[]).await;
    assert_eq!(user_row(db, "lee@example.com").await.1, "free");
}
on_both_databases!(editor_only_and_partial_upserts, ingestion_needs_an_editor_and_keeps_what_an_event_omits);
