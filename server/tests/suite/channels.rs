//! Delivery channels over REST on SQLite and Postgres: every bad field at
//! once, private targets refused (this binary runs with
//! `CHANNELS_ALLOW_PRIVATE=false`), e-mail channels answered 422 for now,
//! the signing secret shown once (and never in a GET, the audit log or the
//! database in clear), rotation, a channel in use kept (409 naming its
//! reports), a `SECRET_KEY` change reported as such, and paging.

use crate::common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use common::Reply;
use serde_json::{json, Value};
use server_core::auth::SecuritySettings;
use server_core::db::Db;

/// The state of a server that refuses private targets (the production default).
fn strict(db: &Db) -> server_core::state::AppState {
    let settings = server_core::channels::ChannelSettings { allow_private: false, ..Default::default() };
    common::state(db).with(|s| s.channels = Arc::new(settings))
}

const URL: &str = "https://hooks.example.com/services/T0SECRET/B0SECRET/tokenpart9f2";

async fn send(app: &Router, method: &str, uri: &str, body: Option<&Value>) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    if body.is_some() || method != "GET" {
        request = request.header("content-type", "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    common::send(app, request.body(body).unwrap()).await
}

fn field_names(reply: &Reply) -> Vec<String> {
    let body = reply.assert_envelope(400, "VALIDATION_FAILED");
    body["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect()
}

fn field_message(reply: &Reply, field: &str) -> String {
    let body = reply.json();
    body["error"]["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == field)
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn texts(db: &Db, sql: &str) -> Vec<String> {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    }
}

async fn bad_fields_secrets_and_rotation(db: &Db) {
    let app = common::app(strict(db));

    // Every bad field at once.
    let reply = send(&app, "POST", "/api/v1/channels", Some(&json!({ "name": "", "kind": "pager" }))).await;
    assert_eq!(field_names(&reply), ["name", "kind"]);
    let reply = send(&app, "POST", "/api/v1/channels", Some(&json!({ "name": " ", "kind": "webhook" }))).await;
    assert_eq!(field_names(&reply), ["name", "url"]);
    let body = json!({ "name": "x".repeat(101), "kind": "slack", "url": "http://hooks.example.com/x" });
    let reply = send(&app, "POST", "/api/v1/channels", Some(&body)).await;
    assert_eq!(field_names(&reply), ["name", "url"]);
    assert!(field_message(&reply, "url").contains("https://"), "{}", reply.text());

    // Private and loopback targets are refused when not allowed.
    for url in ["https://127.0.0.1:8443/hook", "https://[::1]/hook", "https://localhost/hook", "https://10.0.0.8/x"] {
        let body = json!({ "name": "inside", "kind": "webhook", "url": url });
        let reply = send(&app, "POST", "/api/v1/channels", Some(&body)).await;
        assert_eq!(field_names(&reply), ["url"], "{url}");
        assert!(field_message(&reply, "url").contains("private or loopback"), "{}", reply.text());
    }

    // An e-mail channel needs its sender (the rest: server/tests/suite/report_email.rs).
    let body = json!({ "name": "Mail", "kind": "email", "host": "smtp.example.com", "recipients": ["a@example.com"] });
    let reply = send(&app, "POST", "/api/v1/channels", Some(&body)).await;
    assert_eq!(field_names(&reply), ["from"], "{}", reply.text());

    // A webhook: its signing secret is in the creation's answer only.
    let body = json!({ "name": "Ops hook", "kind": "webhook", "url": URL });
    let reply = send(&app, "POST", "/api/v1/channels", Some(&body)).await;
    assert_eq!(reply.status.as_u16(), 201, "{}", reply.text());
    let created = reply.json();
    let secret = created["signing_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{secret}");
    let channel = &created["channel"];
    let id = channel["id"].as_i64().unwrap();
    assert_eq!(channel["kind"], "webhook");
    assert_eq!(channel["url_hint"], "hooks.example.com/…9f2");
    assert_eq!(channel["signing_secret_set"], true);
    assert_eq!(channel["secrets_error"], Value::Null);
    assert_eq!(channel["reports"], 0);

    let names = json!({ "name": "OPS HOOK", "kind": "slack", "url": "https://hooks.slack.com/services/x" });
    let reply = send(&app, "POST", "/api/v1/channels", Some(&names)).await;
    assert_eq!(field_names(&reply), ["name"], "names are unique ignoring case");

    // Edits: an absent URL keeps the stored one; no new secret is shown.
    let reply =
        send(&app, "PUT", &format!("/api/v1/channels/{id}"), Some(&json!({ "name": "Ops", "kind": "webhook" }))).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text());
    assert_eq!(reply.json()["signing_secret"], Value::Null);
    assert_eq!(reply.json()["channel"]["url_hint"], "hooks.example.com/…9f2");

    // Rotation: a new secret, once.
    let reply = send(&app, "POST", &format!("/api/v1/channels/{id}/rotate-secret"), None).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text());
    let rotated = reply.json()["signing_secret"].as_str().unwrap().to_owned();
    assert!(rotated.starts_with("whsec_") && rotated != secret);

    let body =
        json!({ "name": "Team Slack", "kind": "slack", "url": "https://hooks.slack.com/services/T1/B2/slacksecret" });
    let reply = send(&app, "POST", "/api/v1/channels", Some(&body)).await;
    assert_eq!(reply.status.as_u16(), 201, "{}", reply.text());
    assert_eq!(reply.json()["signing_secret"], Value::Null);
    let slack = reply.json()["channel"]["id"].as_i64().unwrap();
    send(&app, "POST", &format!("/api/v1/channels/{slack}/rotate-secret"), None)
        .await
        .assert_envelope(422, "BUSINESS_RULE_VIOLATION");

    // No GET shows a URL or a secret; neither does the audit log or the table.
    let secret_parts = ["T0SECRET", "tokenpart", "slacksecret", &secret[6..], &rotated[6..]];
    for uri in ["/api/v1/channels".to_owned(), format!("/api/v1/channels/{id}"), format!("/api/v1/channels/{slack}")] {
        let reply = send(&app, "GET", &uri, None).await;
        assert_eq!(reply.status.as_u16(), 200, "{}", reply.text());
        for part in secret_parts {
            assert!(!reply.text().contains(part), "{uri} shows {part}: {}", reply.text());
        }
    }
    let details = texts(db, "select coalesce(details, '') from audit_log where action like 'channel.%'").await;
    let actions = texts(db, "select action from audit_log where action like 'channel.%' order by id").await;
    assert_eq!(actions, ["channel.create", "channel.update", "channel.rotate_secret", "channel.create"]);
    let stored = texts(db, "select secrets from channels").await;
    for part in secret_parts {
        assert!(details.iter().all(|d| !d.contains(part)), "audit details show {part}: {details:?}");
        assert!(stored.iter().all(|s| !s.contains(part)), "the table shows {part} in clear");
    }
    assert!(stored.iter().all(|s| s.starts_with("v1:")), "{stored:?}");

    // Another SECRET_KEY cannot read them, and says so.
    let mut other = SecuritySettings::new(b"a different secret key, 32 bytes or more");
    other.rate_limit_per_minute = 1_000_000;
    let state = strict(db).with(|s| s.security = Arc::new(other));
    let reply = send(&common::app(state), "GET", &format!("/api/v1/channels/{id}"), None).await;
    assert_eq!(reply.json()["channel"]["secrets_error"], "sealed with another SECRET_KEY: enter it again");
}
on_both_databases!(secrets, bad_fields_secrets_and_rotation);

async fn a_channel_in_use_is_kept(db: &Db) {
    let state = strict(db);
    server_core::services::reports::ensure_builtins(&state).await.unwrap();
    let app = common::app(state);
    let body = json!({ "name": "Hook", "kind": "webhook", "url": URL });
    let id = send(&app, "POST", "/api/v1/channels", Some(&body)).await.json()["channel"]["id"].as_i64().unwrap();
    let templates = send(&app, "GET", "/api/v1/templates", None).await.json();
    let template = templates["templates"][0]["id"].as_i64().unwrap();
    for name in ["Daily to hook", "Weekly to hook"] {
        let report = json!({ "name": name, "template_id": template, "cron": "0 9 * * 1", "destinations": [id] });
        let reply = send(&app, "POST", "/api/v1/reports", Some(&report)).await;
        assert_eq!(reply.status.as_u16(), 201, "{}", reply.text());
    }
    let channel = send(&app, "GET", &format!("/api/v1/channels/{id}"), None).await.json();
    assert_eq!(channel["channel"]["reports"], 2);
    assert_eq!(channel["channel"]["used_by"][0]["name"], "Daily to hook");

    let reply = send(&app, "DELETE", &format!("/api/v1/channels/{id}"), None).await;
    let body = reply.assert_envelope(409, "CONFLICT");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("Daily to hook") && message.contains("Weekly to hook"), "{message}");

    let reports = send(&app, "GET", "/api/v1/reports", None).await.json();
    for report in reports["reports"].as_array().unwrap().iter().filter(|r| r["builtin"].is_null()) {
        let reply = send(&app, "DELETE", &format!("/api/v1/reports/{}", report["id"]), None).await;
        assert_eq!(reply.status.as_u16(), 204, "{}", reply.text());
    }
    let reply = send(&app, "DELETE", &format!("/api/v1/channels/{id}"), None).await;
    assert_eq!(reply.status.as_u16(), 204, "{}", reply.text());
    send(&app, "GET", &format!("/api/v1/channels/{id}"), None).await.assert_envelope(404, "NOT_FOUND");
    send(&app, "GET", &format!("/api/v1/channels/{id}/deliveries"), None).await.assert_envelope(404, "NOT_FOUND");
}
on_both_databases!(in_use, a_channel_in_use_is_kept);

async fn channels_page_by_name(db: &Db) {
    let app = common::app(strict(db));
    for name in ["Charlie", "alpha", "Bravo"] {
        let body = json!({ "name": name, "kind": "slack", "url": "https://hooks.slack.com/services/a/b/c" });
        assert_eq!(send(&app, "POST", "/api/v1/channels", Some(&body)).await.status.as_u16(), 201);
    }
    let first = send(&app, "GET", "/api/v1/channels?per_page=2", None).await.json();
    assert_eq!(first["meta"]["total"], 3);
    let names: Vec<&str> = first["channels"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2);
    let cursor = first["meta"]["next_cursor"].as_str().unwrap();
    let second = send(&app, "GET", &format!("/api/v1/channels?per_page=2&cursor={cursor}"), None).await.json();
    assert_eq!(second["channels"].as_array().unwrap().len(), 1);
    assert_eq!(second["meta"]["next_cursor"], Value::Null);
    send(&app, "GET", "/api/v1/channels?per_page=101", None).await.assert_envelope(400, "VALIDATION_FAILED");
    let deliveries =
        send(&app, "GET", &format!("/api/v1/channels/{}/deliveries", first["channels"][0]["id"]), None).await;
    assert_eq!(deliveries.json()["meta"]["total"], 0);
}
on_both_databases!(paging, channels_page_by_name);
