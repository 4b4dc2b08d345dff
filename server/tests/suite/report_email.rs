//! E-mail delivery against a real SMTP server on 127.0.0.1
//! (`scripts/smtp-sink.py`: Debian's aiosmtpd, with a throwaway CA for the
//! TLS modes), on SQLite and Postgres: a completed run reaches the server
//! over STARTTLS, implicit TLS and plain text, signed in, with the HTML as
//! the body, the other files attached byte for byte and the delivery's
//! `Message-ID`; a 451 is retried and delivered once, a 550 and a wrong
//! password are final; "send a test" works; bad settings are 422s naming
//! their fields (400); the password is never shown.

use crate::common;
use crate::common::smtp_sink::Sink;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use server_core::auth::Caller;
use server_core::channels::{dispatcher, ChannelSettings};
use server_core::db::Db;
use server_core::state::AppState;

const USER: &str = "reports";
const PASSWORD: &str = "s3cret-비밀";

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

async fn admin(db: &Db) -> Caller {
    common::admin_caller(db).await
}

/// A replica whose channels trust `sink`'s CA.
async fn replica(db: &common::TestDb, sink: &Sink) -> AppState {
    common::replica(db, "a").await.with(|s| s.channels = Arc::new(sink.settings()))
}

/// An e-mail channel to `sink` over `tls`, signed in as `password`.
async fn channel(state: &AppState, sink: &Sink, name: &str, tls: &str, password: &str) -> i64 {
    let input: server_core::model::ChannelInput = serde_json::from_value(json!({
        "name": name, "kind": "email", "host": "localhost", "port": sink.port, "tls": tls,
        "username": USER, "password": password, "from": "DreamSeed <reports@dreamseed.test>",
        "recipients": ["ops@dreamseed.test", "분석팀 <team@dreamseed.test>"]
    }))
    .unwrap();
    let created = server_core::services::channels::create(state, &admin(&state.db).await, &input).await.unwrap();
    assert!(created.signing_secret.is_none());
    created.channel.id
}

/// A completed run (HTML, Markdown, CSV) of a new report sending to `channel`.
fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// One run mailed over `tls`: the message as the sink parsed it, checked
/// against the run's stored files.
async fn mailed_over(db: &common::TestDb, tls: &str) {
    let Some(sink) = Sink::start(&["--tls", tls, "--auth", &format!("{USER}:{PASSWORD}")]) else { return };
    let state = replica(db, &sink).await;
    let mail = channel(&state, &sink, &format!("mail {tls}"), tls, PASSWORD).await;
    let now = at("2026-12-07T00:00:00Z");
    let run = common::completed_run(&state, "주간 요약", &[mail], &["html", "markdown", "csv"], now).await;

    let done = dispatcher::run_due(&state, &sink.settings(), now).await.unwrap();
    assert_eq!(done.len(), 1, "{done:?}");
    let d = common::delivery(&state, mail).await;
    assert_eq!((d.status.as_str(), d.attempt_count, d.last_status_code), ("delivered", 1, Some(250)), "{d:?}");

    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert_eq!(m["tls"], tls != "none", "{m}");
    assert_eq!(m["auth_user"], USER);
    assert_eq!(m["mail_from"], "reports@dreamseed.test");
    assert_eq!(m["rcpt_tos"], json!(["ops@dreamseed.test", "team@dreamseed.test"]));
    assert!(m["subject"].as_str().unwrap().starts_with("주간 요약 — "), "{m}");
    assert_eq!(m["message_id"], format!("<{}@dreamseed-admin>", d.message_id));
    assert_eq!(Some(m["headers"]["X-Trace-Id"].as_str().unwrap().to_owned()), d.trace_id);
    // The HTML output is the body, byte for byte (line ends aside).
    let (_, _, html) = server_core::db::report_runs::output(&state.db, run, "html").await.unwrap().unwrap();
    let html = String::from_utf8(html).unwrap().replace("\r\n", "\n");
    assert_eq!(m["html"].as_str().unwrap().trim_end(), html.trim_end());
    assert!(m["text"].as_str().unwrap().contains(&format!("/api/v1/runs/{run}/outputs/csv")), "{m}");
    // The other files are attached, byte for byte.
    let mut attached: Vec<(String, String)> = m["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["filename"].as_str().unwrap().to_owned(), a["sha256"].as_str().unwrap().to_owned()))
        .collect();
    attached.sort();
    let mut stored = Vec::new();
    for format in ["csv", "markdown"] {
        let (_, filename, bytes) = server_core::db::report_runs::output(&state.db, run, format).await.unwrap().unwrap();
        stored.push((filename, sha256(&bytes)));
    }
    stored.sort();
    assert_eq!(attached, stored);
    // Never a second message for the same run.
    assert!(dispatcher::run_due(&state, &sink.settings(), now + Duration::days(1)).await.unwrap().is_empty());
    assert_eq!(sink.messages().len(), 1);
}

async fn mailed_over_starttls(db: &common::TestDb) {
    mailed_over(db, "starttls").await;
}

async fn mailed_over_implicit_tls(db: &common::TestDb) {
    mailed_over(db, "tls").await;
}

async fn mailed_in_plain_text(db: &common::TestDb) {
    mailed_over(db, "none").await;
}

/// 451 is retried (the same Message-ID) and arrives once; 550 and a wrong
/// password end the delivery at once.
async fn deferred_rejected_and_refused(db: &common::TestDb) {
    let auth = format!("{USER}:{PASSWORD}");
    let Some(deferring) = Sink::start(&["--tls", "starttls", "--auth", &auth, "--fail-first", "1"]) else { return };
    let state = replica(db, &deferring).await;
    let mail = channel(&state, &deferring, "deferring", "starttls", PASSWORD).await;
    let now = at("2026-12-07T00:00:00Z");
    common::completed_run(&state, "Deferred", &[mail], &["html", "markdown", "csv"], now).await;
    let settings = deferring.settings();
    assert_eq!(dispatcher::run_due(&state, &settings, now).await.unwrap().len(), 1);
    let d = common::delivery(&state, mail).await;
    assert_eq!((d.status.as_str(), d.last_status_code), ("pending", Some(451)), "{d:?}");
    assert!(deferring.messages().is_empty());
    let next = d.next_attempt_at.unwrap();
    assert_eq!(dispatcher::run_due(&state, &settings, next).await.unwrap().len(), 1);
    let d = common::delivery(&state, mail).await;
    assert_eq!((d.status.as_str(), d.attempt_count, d.last_status_code), ("delivered", 2, Some(250)), "{d:?}");
    let messages = deferring.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["data_attempt"], 2);
    assert_eq!(messages[0]["message_id"], format!("<{}@dreamseed-admin>", d.message_id));

    let Some(rejecting) = Sink::start(&["--tls", "none", "--reject-code", "550"]) else { return };
    let state = replica(db, &rejecting).await;
    let input: server_core::model::ChannelInput = serde_json::from_value(json!({
        "name": "rejecting", "kind": "email", "host": "127.0.0.1", "port": rejecting.port, "tls": "none",
        "from": "reports@dreamseed.test", "recipients": ["nobody@dreamseed.test"]
    }))
    .unwrap();
    let caller = admin(&state.db).await;
    let mail = server_core::services::channels::create(&state, &caller, &input).await.unwrap().channel.id;
    common::completed_run(&state, "Rejected", &[mail], &["html", "markdown", "csv"], now).await;
    assert_eq!(dispatcher::run_due(&state, &rejecting.settings(), now).await.unwrap().len(), 1);
    let d = common::delivery(&state, mail).await;
    assert_eq!((d.status.as_str(), d.attempt_count, d.last_status_code), ("failed", 1, Some(550)), "{d:?}");
    assert!(d.last_error.as_deref().unwrap().contains("refused"), "{d:?}");

    let Some(strict) = Sink::start(&["--tls", "tls", "--auth", &auth]) else { return };
    let state = replica(db, &strict).await;
    let mail = channel(&state, &strict, "wrong password", "tls", "not-the-password").await;
    common::completed_run(&state, "Refused", &[mail], &["html", "markdown", "csv"], now).await;
    assert_eq!(dispatcher::run_due(&state, &strict.settings(), now).await.unwrap().len(), 1);
    let d = common::delivery(&state, mail).await;
    assert_eq!((d.status.as_str(), d.last_status_code), ("failed", Some(535)), "{d:?}");
    assert!(strict.messages().is_empty());
}

/// "Send a test" through the REST door; the channel never shows its password.
async fn a_test_mail_and_a_hidden_password(db: &common::TestDb) {
    let Some(sink) = Sink::start(&["--tls", "starttls", "--auth", &format!("{USER}:{PASSWORD}")]) else { return };
    let state = replica(db, &sink).await;
    let mail = channel(&state, &sink, "tested", "starttls", PASSWORD).await;
    let app = common::app(state.clone());
    let request = axum::http::Request::post(format!("/api/v1/channels/{mail}/test"))
        .header("content-type", "application/json")
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = common::send(&app, request).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text());
    assert_eq!(reply.json()["delivery"]["status"], "delivered", "{}", reply.text());
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0]["subject"].as_str().unwrap().contains("tested"));
    assert!(messages[0]["html"].as_str().unwrap().contains("<strong>tested</strong>"));

    let shown = common::get(&app, &format!("/api/v1/channels/{mail}")).await;
    let text = shown.text();
    assert!(!text.contains(PASSWORD), "{text}");
    let email = &shown.json()["channel"]["email"];
    assert_eq!(email["host"], "localhost");
    assert_eq!(email["port"], sink.port);
    assert_eq!(email["tls"], "starttls");
    assert_eq!(email["username"], USER);
    assert_eq!(email["password_set"], true);
    assert_eq!(email["recipients"].as_array().unwrap().len(), 2);
    let audit = common::get(&app, "/api/v1/audit?per_page=100").await.text();
    assert!(!audit.contains(PASSWORD));

    // An edit without a password keeps it: the next test still signs in.
    let edit = json!({
        "name": "tested", "kind": "email", "host": "localhost", "port": sink.port, "tls": "starttls",
        "username": USER, "from": "reports@dreamseed.test", "recipients": ["ops@dreamseed.test"]
    });
    let reply = common::send(&app, put_json(&format!("/api/v1/channels/{mail}"), &edit)).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text());
    assert_eq!(reply.json()["channel"]["email"]["password_set"], true);
    let request = axum::http::Request::post(format!("/api/v1/channels/{mail}/test"))
        .header("content-type", "application/json")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(common::send(&app, request).await.json()["delivery"]["status"], "delivered");
    assert_eq!(sink.messages().len(), 2);
    assert_eq!(sink.messages()[1]["rcpt_tos"], json!(["ops@dreamseed.test"]));
}

fn put_json(uri: &str, body: &Value) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::put(uri)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn bad_settings_are_named_field_by_field() {
    let db = common::TestDb::sqlite().await;
    let strict = ChannelSettings { allow_private: false, ..ChannelSettings::default() };
    let state = common::state(&db.db).with(|s| s.channels = Arc::new(strict));
    let app = common::app(state);
    let cases = [
        (json!({ "name": "m", "kind": "email" }), vec!["from", "host", "recipients"]),
        (
            json!({ "name": "m", "kind": "email", "host": "localhost", "from": "a@b.example", "recipients": ["c@d.example"] }),
            vec!["host"],
        ),
        (
            json!({ "name": "m", "kind": "email", "host": "bad host!", "tls": "ssl", "from": "nope",
                    "recipients": ["x"], "username": "u" }),
            vec!["from", "host", "password", "recipients", "tls"],
        ),
        (
            json!({ "name": "m", "kind": "email", "host": "127.0.0.1", "tls": "none", "port": 0,
                    "from": "a@b.example", "recipients": ["c@d.example"] }),
            vec!["host", "port", "tls"],
        ),
        (
            json!({ "name": "m", "kind": "email", "host": "smtp.example.com", "from": "a@b.example",
                    "recipients": (0..51).map(|i| format!("r{i}@d.example")).collect::<Vec<_>>() }),
            vec!["recipients"],
        ),
    ];
    for (body, fields) in cases {
        let reply = common::post_json(&app, "/api/v1/channels", &body.to_string(), &[]).await;
        let envelope = reply.assert_envelope(400, "VALIDATION_FAILED");
        let mut named: Vec<String> = envelope["error"]["details"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_owned())
            .collect();
        named.sort();
        named.dedup();
        assert_eq!(named, fields, "{body}: {envelope}");
    }
    // A good one, on the default port of its TLS mode.
    let body = json!({ "name": "ok", "kind": "email", "host": "smtp.example.com", "tls": "tls",
                       "from": "Reports <a@b.example>", "recipients": ["c@d.example"] });
    let reply = common::post_json(&app, "/api/v1/channels", &body.to_string(), &[]).await;
    assert_eq!(reply.status.as_u16(), 201, "{}", reply.text());
    assert_eq!(reply.json()["channel"]["email"]["port"], 465);
    assert_eq!(reply.json()["channel"]["email"]["password_set"], false);
}

on_both!(starttls, mailed_over_starttls);
on_both!(implicit_tls, mailed_over_implicit_tls);
on_both!(plain, mailed_in_plain_text);
on_both!(failures, deferred_rejected_and_refused);
on_both!(send_test, a_test_mail_and_a_hidden_password);
