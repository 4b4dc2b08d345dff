//! An idempotent write whose process dies between its commit and keeping its
//! response (issue #12, item 1), on SQLite and Postgres, for every kind of
//! write a client retries: ingestion, problem create/edit/archive, user tier,
//! account and API key creation. The crash is reproduced by putting the key's
//! record back into the state a dead process leaves (in progress, no
//! response, lease run out); the retry must not run the write again (409,
//! marked replayed), where the old code took the lapsed claim over and wrote
//! everything a second time.
//!
//! The drill `scripts/drills/kill-restart.py` does the same with real SIGKILLs.

use crate::common;

use axum::http::StatusCode;
use axum::Router;
use serde_json::json;
use server_core::db::Db;

async fn count(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// What a process killed after committing leaves: the claim still in progress,
/// no response kept, its lease run out.
async fn crash_after_commit(db: &Db, key: &str) {
    let expired = match db {
        Db::Sqlite(_) => "0",
        Db::Postgres(_) => "'epoch'",
    };
    let sql = format!(
        "update idempotency_keys set status = 'in_progress', response_status = null, response_headers = null, \
         response_body = null, locked_until = {expired} where idempotency_key = '{key}'"
    );
    assert_eq!(db.execute(&sql).await.unwrap(), 1, "the key's record");
}

/// Sends `body` to `path` with `key`; crashes; sends it again: the second
/// answer is a 409 replay and `effect` (a count) moved once.
async fn retried_after_a_crash(app: &Router, db: &Db, method: &str, path: &str, body: &str, key: &str, effect: &str) {
    retried_as(app, db, None, method, path, body, key, effect).await;
}

/// [`retried_after_a_crash`] with `bearer` as the caller (else the harness's key).
#[expect(clippy::too_many_arguments)]
async fn retried_as(
    app: &Router,
    db: &Db,
    bearer: Option<&str>,
    method: &str,
    path: &str,
    body: &str,
    key: &str,
    effect: &str,
) {
    let send = || async {
        let mut request = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .header("idempotency-key", key);
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request.body(axum::body::Body::from(body.to_owned())).unwrap();
        common::send(app, request).await
    };
    let before = count(db, effect).await;
    let first = send().await;
    assert!(first.status.is_success(), "{path}: {} {}", first.status, first.text());
    let after = count(db, effect).await;
    assert_eq!(after, before + 1, "{path}: the first request's effect");

    crash_after_commit(db, key).await;
    let again = send().await;
    let envelope = again.assert_envelope(409, "CONFLICT");
    assert!(envelope["error"]["message"].as_str().unwrap().contains("applied"), "{envelope}");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(count(db, effect).await, after, "{path}: run twice after a crash");
    // And it stays so: a third try is told the same.
    assert_eq!(send().await.status, StatusCode::CONFLICT);
}

async fn every_write_survives_a_crash_after_commit(db: &Db) {
    let app = common::router(db);
    let events = json!({ "events": [
        { "type": "user_upsert", "email": "crash@example.com", "username": "crash", "user_type": "free" },
        { "type": "activity", "user_email": "crash@example.com", "activity_type": "login" },
    ]});
    retried_after_a_crash(
        &app,
        db,
        "POST",
        "/api/v1/events",
        &events.to_string(),
        "ingest-1",
        "select count(*) from activities",
    )
    .await;

    let problem = json!({ "title": "Crash", "content": "x", "status": "draft" }).to_string();
    retried_after_a_crash(&app, db, "POST", "/api/v1/problems", &problem, "problem-1", "select count(*) from problems")
        .await;
    let id = count(db, "select max(id) from problems").await;
    let audited = |action: &str| format!("select count(*) from audit_log where action = '{action}'");
    let edit = json!({ "title": "Crash, edited" }).to_string();
    let path = format!("/api/v1/problems/{id}");
    retried_after_a_crash(&app, db, "PATCH", &path, &edit, "problem-2", &audited("problem.update")).await;
    let path = format!("/api/v1/problems/{id}/archive");
    retried_after_a_crash(&app, db, "POST", &path, "{}", "problem-3", &audited("problem.archive")).await;

    let user = count(db, "select id from users where email = 'crash@example.com'").await;
    let path = format!("/api/v1/users/{user}");
    let tier = json!({ "user_type": "premium" }).to_string();
    retried_after_a_crash(&app, db, "PATCH", &path, &tier, "user-1", &audited("user.type_change")).await;

    // Accounts and API keys are a person's work: an admin signed in.
    let admin = "admin@crash.test";
    server_core::services::accounts::create_unchecked(
        db,
        admin,
        "correct horse battery",
        server_core::model::Role::Admin,
    )
    .await
    .unwrap();
    let login = json!({ "email": admin, "password": "correct horse battery" }).to_string();
    let reply = common::post_json(&app, "/api/v1/auth/login", &login, &[("x-test-anonymous", "1")]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let token = reply.json()["access_token"].as_str().unwrap().to_owned();
    let account = json!({ "email": "crash@example.com", "password": "correct horse battery", "role": "viewer" });
    retried_as(
        &app,
        db,
        Some(&token),
        "POST",
        "/api/v1/accounts",
        &account.to_string(),
        "account-1",
        "select count(*) from accounts",
    )
    .await;
    let key = json!({ "name": "crash", "role": "editor", "scopes": ["ingest"] }).to_string();
    retried_as(&app, db, Some(&token), "POST", "/api/v1/api-keys", &key, "key-1", "select count(*) from api_keys")
        .await;
}
on_both_databases!(crash_after_commit_never_runs_twice, every_write_survives_a_crash_after_commit);

/// A retry while the first request still holds its lease, after its commit,
/// waits (409 in progress) rather than being told the response is lost; and
/// a request whose writes never committed lets its key be claimed again.
async fn the_mark_rides_with_the_commit_only(db: &Db) {
    let app = common::router(db);
    let problem = json!({ "title": "", "content": "x" }).to_string();
    // A refused write (400) commits nothing: the key is not applied; its
    // answer is kept and replayed like any other.
    let reply = common::post_json(&app, "/api/v1/problems", &problem, &[("idempotency-key", "bad-1")]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert_eq!(count(db, "select count(*) from idempotency_keys where applied_at is not null").await, 0);
    let again = common::post_json(&app, "/api/v1/problems", &problem, &[("idempotency-key", "bad-1")]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.headers["idempotent-replayed"], "true");

    // A good one marks its key in the same transaction as the problem.
    let good = json!({ "title": "Fine", "content": "x" }).to_string();
    let reply = common::post_json(&app, "/api/v1/problems", &good, &[("idempotency-key", "good-1")]).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(count(db, "select count(*) from idempotency_keys where applied_at is not null").await, 1);

    // Applied, lease still running: "in progress" (the first may yet keep its response).
    let sql = "update idempotency_keys set status = 'in_progress', response_body = null \
               where idempotency_key = 'good-1'";
    db.execute(sql).await.unwrap();
    let reply = common::post_json(&app, "/api/v1/problems", &good, &[("idempotency-key", "good-1")]).await;
    reply.assert_envelope(409, "IDEMPOTENCY_IN_PROGRESS");
    assert_eq!(count(db, "select count(*) from problems").await, 1);
}
on_both_databases!(mark_only_with_the_commit, the_mark_rides_with_the_commit_only);
