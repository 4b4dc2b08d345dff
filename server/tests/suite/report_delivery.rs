//! Report delivery end to end on SQLite and Postgres, on a hand-moved clock:
//! a real run (taken, rendered, completed) queues one delivery per channel,
//! and the dispatcher sends each to a real receiver on 127.0.0.1 that checks
//! every Standard Webhooks signature with the `standardwebhooks` crate.
//! 500 then 200 → two attempts of one delivery with the same `webhook-id`
//! and bytes; 400 → failed after one; 429 with `Retry-After` → retried then,
//! not earlier; a Slack-shaped receiver gets `text` and `blocks`; two
//! dispatchers racing send once; a dead dispatcher's attempt is marked lost
//! and the next one sent; private targets refused when not allowed; and
//! "send a test" answers with its one attempt; six failures end a delivery;
//! after `REPORT_RETENTION_DAYS` runs, files and ended deliveries go, but
//! never a run a delivery still waits on.

use crate::common;
use crate::common::receiver::{Hit, Receiver};

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use server_core::auth::Caller;
use server_core::channels::{dispatcher, ChannelSettings};
use server_core::db::{deliveries, Db, Ts};
use server_core::services::runs;
use server_core::state::{AppState, Clock};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

async fn admin(db: &Db) -> Caller {
    common::admin_caller(db).await
}

/// A channel aimed at `path` of `receiver`; its signing secret is registered there.
async fn channel(state: &AppState, receiver: &Receiver, name: &str, kind: &str, path: &str) -> i64 {
    let input: server_core::model::ChannelInput =
        serde_json::from_value(json!({ "name": name, "kind": kind, "url": receiver.url(path) })).unwrap();
    let created = server_core::services::channels::create(state, &admin(&state.db).await, &input).await.unwrap();
    if let Some(secret) = created.signing_secret {
        receiver.secrets.lock().unwrap().insert(path.to_owned(), secret);
    }
    created.channel.id
}

fn outcomes(delivery: &server_core::model::Delivery) -> Vec<(String, Option<i64>)> {
    delivery.attempts.iter().map(|a| (a.outcome.clone().unwrap_or_default(), a.status_code)).collect()
}

fn header(hit: &Hit, name: &str) -> String {
    hit.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

async fn retries_finals_and_slack(db: &common::TestDb) {
    let receiver = Receiver::start().await;
    let state = common::replica(db, "a").await;
    let settings = ChannelSettings::default();
    receiver.script("/flaky", &[(500, None)]);
    receiver.script("/broken", &[(400, None)]);
    receiver.script("/busy", &[(429, Some("120"))]);
    let flaky = channel(&state, &receiver, "flaky", "webhook", "/flaky").await;
    let broken = channel(&state, &receiver, "broken", "webhook", "/broken").await;
    let busy = channel(&state, &receiver, "busy", "webhook", "/busy").await;
    let slack = channel(&state, &receiver, "slack", "slack", "/slack").await;
    let now = at("2026-12-07T00:00:00Z");
    let run =
        common::completed_run(&state, "Weekly numbers", &[flaky, broken, busy, slack], &["html", "csv"], now).await;

    let first = dispatcher::run_due(&state, &settings, now).await.unwrap();
    let mut statuses: Vec<&str> = first.iter().map(|(_, s)| *s).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["delivered", "failed", "retry", "retry"], "{first:?}");

    // 400: final after one attempt.
    let d = common::delivery(&state, broken).await;
    assert_eq!((d.status.as_str(), d.attempt_count, d.last_status_code), ("failed", 1, Some(400)));
    assert_eq!(outcomes(&d), [("failed".to_owned(), Some(400))]);
    // 429: next attempt exactly when Retry-After says.
    let d = common::delivery(&state, busy).await;
    assert_eq!(d.status, "pending");
    assert_eq!(d.next_attempt_at, Some(now + Duration::seconds(120)), "{d:?}");
    // 500: the backoff's first step, 30 s ± 20 %.
    let d = common::delivery(&state, flaky).await;
    let wait = (d.next_attempt_at.unwrap() - now).num_seconds();
    assert!((24..=36).contains(&wait), "{wait}");
    // Slack: text and blocks.
    let hits = receiver.hits("/slack");
    assert_eq!(hits.len(), 1);
    let message: Value = serde_json::from_str(&hits[0].body).unwrap();
    assert!(message["text"].as_str().unwrap().starts_with("Weekly numbers — "), "{message}");
    assert_eq!(message["blocks"][0]["type"], "header");
    assert!(message["blocks"].as_array().unwrap().len() >= 4, "{message}");
    assert!(message["blocks"][1]["fields"][0]["text"].as_str().unwrap().starts_with('*'), "figures first: {message}");
    assert_eq!(common::delivery(&state, slack).await.status, "delivered");

    // Nothing is due 10 s later; at +40 s the 500 is retried and succeeds.
    assert!(dispatcher::run_due(&state, &settings, now + Duration::seconds(10)).await.unwrap().is_empty());
    let second = dispatcher::run_due(&state, &settings, now + Duration::seconds(40)).await.unwrap();
    assert_eq!(second.len(), 1, "{second:?}");
    let d = common::delivery(&state, flaky).await;
    assert_eq!((d.status.as_str(), d.attempt_count), ("delivered", 2));
    assert_eq!(outcomes(&d), [("retry".to_owned(), Some(500)), ("delivered".to_owned(), Some(200))]);
    let hits = receiver.hits("/flaky");
    assert_eq!(hits.len(), 2);
    assert!(hits.iter().all(|h| h.verified == Some(true)), "every signature checks out");
    assert_eq!(header(&hits[0], "webhook-id"), header(&hits[1], "webhook-id"), "the same webhook-id");
    assert_eq!(header(&hits[0], "webhook-id"), d.message_id);
    assert_eq!(hits[0].body, hits[1].body, "the same bytes on every attempt");
    assert!(header(&hits[0], "user-agent").starts_with("DreamSeed-Admin/"));
    assert_eq!(Some(header(&hits[0], "x-trace-id")), d.trace_id);
    let payload: Value = serde_json::from_str(&hits[0].body).unwrap();
    assert_eq!(payload["type"], "report.completed");
    assert_eq!(payload["report"]["name"], "Weekly numbers");
    assert_eq!(payload["run"]["id"], run);
    // The headline figures travel with the message, compared with the previous period.
    let figures = payload["figures"].as_array().unwrap();
    assert!(!figures.is_empty() && figures.len() <= 8, "{payload}");
    assert!(figures.iter().all(|f| f["key"].is_string() && f["value"].is_i64() && f["change"].is_string()));
    let formats: Vec<&str> =
        payload["outputs"].as_array().unwrap().iter().map(|o| o["format"].as_str().unwrap()).collect();
    assert_eq!(formats.len(), 2, "{payload}");
    assert_eq!(payload["outputs"][0]["url"], format!("/api/v1/runs/{run}/outputs/{}", formats[0]));

    // The 429 comes back only at its time, then is delivered.
    assert!(dispatcher::run_due(&state, &settings, now + Duration::seconds(119)).await.unwrap().is_empty());
    assert_eq!(dispatcher::run_due(&state, &settings, now + Duration::seconds(120)).await.unwrap().len(), 1);
    assert_eq!(common::delivery(&state, busy).await.status, "delivered");
    // The final one is never tried again.
    assert!(dispatcher::run_due(&state, &settings, now + Duration::days(1)).await.unwrap().is_empty());
    assert_eq!(receiver.hits("/broken").len(), 1);
}

async fn racing_dispatchers_send_once(db: &common::TestDb) {
    let receiver = Receiver::start().await;
    let (a, b) = (common::replica(db, "a").await, common::replica(db, "b").await);
    let settings = ChannelSettings::default();
    let hook = channel(&a, &receiver, "hook", "webhook", "/race").await;
    let now = at("2026-12-07T00:00:00Z");
    common::completed_run(&a, "Raced", &[hook], &["html", "csv"], now).await;
    let (x, y) = tokio::join!(dispatcher::run_due(&a, &settings, now), dispatcher::run_due(&b, &settings, now));
    assert_eq!(x.unwrap().len() + y.unwrap().len(), 1, "one dispatcher sent it");
    assert_eq!(receiver.hits("/race").len(), 1, "sent once");
    let d = common::delivery(&a, hook).await;
    assert_eq!((d.status.as_str(), d.attempt_count), ("delivered", 1));
    let (x, y) = tokio::join!(
        dispatcher::run_due(&a, &settings, now + Duration::hours(1)),
        dispatcher::run_due(&b, &settings, now + Duration::hours(1))
    );
    assert!(x.unwrap().is_empty() && y.unwrap().is_empty());
    assert_eq!(receiver.hits("/race").len(), 1);
}

async fn a_dead_dispatchers_attempt_is_lost_and_the_next_sent(db: &common::TestDb) {
    let receiver = Receiver::start().await;
    let state = common::replica(db, "b").await;
    let settings = ChannelSettings::default();
    let hook = channel(&state, &receiver, "hook", "webhook", "/takeover").await;
    let now = at("2026-12-07T00:00:00Z");
    common::completed_run(&state, "Taken over", &[hook], &["html", "csv"], now).await;
    let id = common::delivery(&state, hook).await.id;
    // "dead" takes it and claims attempt 1, then stops.
    let until = Ts::from(now + Duration::seconds(60));
    let taken = deliveries::take(&state.db, id, "dead", Ts::from(now), until, 6).await.unwrap();
    assert!(matches!(taken, Some(deliveries::Take::Taken(ref t)) if t.attempt == 1), "{taken:?}");
    assert!(
        dispatcher::run_due(&state, &settings, now + Duration::seconds(59)).await.unwrap().is_empty(),
        "its lease holds"
    );
    let done = dispatcher::run_due(&state, &settings, now + Duration::seconds(61)).await.unwrap();
    assert_eq!(done, [(id, "delivered")]);
    let d = common::delivery(&state, hook).await;
    assert_eq!(outcomes(&d), [("lost".to_owned(), None), ("delivered".to_owned(), Some(200))]);
    assert_eq!(d.attempts[0].instance, "dead");
    assert_eq!(d.attempts[1].instance, "b");
    assert_eq!(d.attempt_count, 2);
}

async fn private_targets_are_refused_when_not_allowed(db: &common::TestDb) {
    let receiver = Receiver::start().await;
    let state = common::replica(db, "a").await;
    let hook = channel(&state, &receiver, "hook", "webhook", "/private").await;
    let now = at("2026-12-07T00:00:00Z");
    common::completed_run(&state, "Kept inside", &[hook], &["html", "csv"], now).await;
    let strict = ChannelSettings { allow_private: false, ..ChannelSettings::default() };
    assert_eq!(dispatcher::run_due(&state, &strict, now).await.unwrap().len(), 1);
    let d = common::delivery(&state, hook).await;
    assert_eq!(d.status, "failed", "a refused target is final: {d:?}");
    assert!(d.last_error.as_deref().is_some_and(|e| e.contains("https://") || e.contains("private")), "{d:?}");
    assert!(receiver.hits("/private").is_empty(), "nothing left the machine's policy");
}

async fn a_test_is_sent_inline_with_its_attempt(db: &common::TestDb) {
    let receiver = Receiver::start().await;
    let state = common::replica(db, "a").await;
    let hook = channel(&state, &receiver, "hook", "webhook", "/test").await;
    let app = common::app(state.clone());
    let request = axum::http::Request::post(format!("/api/v1/channels/{hook}/test"))
        .header("content-type", "application/json")
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = common::send(&app, request).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text());
    let delivery = &reply.json()["delivery"];
    assert_eq!(delivery["subject_kind"], "test");
    assert_eq!(delivery["status"], "delivered");
    assert_eq!(delivery["attempts"][0]["outcome"], "delivered");
    assert_eq!(delivery["attempts"][0]["status_code"], 200);
    let hits = receiver.hits("/test");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].verified, Some(true));
    assert_eq!(serde_json::from_str::<Value>(&hits[0].body).unwrap()["type"], "report.test");
    // A receiver that fails: still 200, the delivery says so, and no retry is queued.
    receiver.script("/test", &[(503, None)]);
    let request = axum::http::Request::post(format!("/api/v1/channels/{hook}/test"))
        .header("content-type", "application/json")
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = common::send(&app, request).await;
    assert_eq!(reply.json()["delivery"]["status"], "failed", "{}", reply.text());
    assert_eq!(reply.json()["delivery"]["last_status_code"], 503);
    let log = common::get(&app, &format!("/api/v1/channels/{hook}/deliveries")).await.json();
    assert_eq!(log["meta"]["total"], 2);
}

async fn six_failed_attempts_end_the_delivery(db: &common::TestDb) {
    let receiver = Receiver::start().await;
    let state = common::replica(db, "a").await;
    let settings = ChannelSettings::default();
    receiver
        .script("/down", &[(500, None), (502, None), (503, None), (504, None), (500, None), (500, None), (200, None)]);
    let hook = channel(&state, &receiver, "down", "webhook", "/down").await;
    let mut now = at("2026-12-07T00:00:00Z");
    common::completed_run(&state, "Never arrives", &[hook], &["html", "csv"], now).await;
    let mut waits = Vec::new();
    for attempt in 1..=6 {
        assert_eq!(dispatcher::run_due(&state, &settings, now).await.unwrap().len(), 1, "attempt {attempt}");
        let d = common::delivery(&state, hook).await;
        match d.next_attempt_at {
            Some(next) => {
                waits.push((next - now).num_seconds());
                now = next;
            }
            None => assert_eq!(attempt, 6, "{d:?}"),
        }
    }
    // 30 s, 2 min, 10 min, 1 h, 6 h, each ± 20 %.
    for (wait, base) in waits.iter().zip([30, 120, 600, 3_600, 21_600]) {
        assert!((base * 8 / 10..=base * 12 / 10).contains(wait), "{waits:?}");
    }
    let d = common::delivery(&state, hook).await;
    assert_eq!((d.status.as_str(), d.attempt_count, d.next_attempt_at), ("failed", 6, None));
    assert_eq!(d.attempts.len(), 6);
    assert!(dispatcher::run_due(&state, &settings, now + Duration::days(2)).await.unwrap().is_empty());
    assert_eq!(receiver.hits("/down").len(), 6, "never a seventh");
}

async fn old_runs_and_deliveries_age_out(db: &common::TestDb) {
    let receiver = Receiver::start().await;
    let state = common::replica(db, "a").await;
    let settings = ChannelSettings::default();
    receiver.script("/waiting", &[(503, None)]);
    let hook = channel(&state, &receiver, "hook", "webhook", "/old").await;
    let waiting = channel(&state, &receiver, "waiting", "webhook", "/waiting").await;
    let now = at("2026-12-07T00:00:00Z");
    let old = common::completed_run(&state, "Old", &[hook], &["html", "csv"], now).await;
    let stuck = common::completed_run(&state, "Stuck", &[waiting], &["html", "csv"], now).await;
    assert_eq!(dispatcher::run_due(&state, &settings, now).await.unwrap().len(), 2);
    let recent = common::completed_run(&state, "Recent", &[hook], &["html", "csv"], now + Duration::days(60)).await;
    let caller = admin(&state.db).await;
    let exists = |id: i64| {
        let (state, caller) = (state.clone(), caller.clone());
        async move { runs::get(&state, &caller, id).await.is_ok() }
    };
    // 89 days on: nothing has aged out.
    let day89 = state.clone().with(|s| s.clock = Clock::Fixed(now + Duration::days(89)));
    assert_eq!(server::jobs::report_retention::once(&day89).await, 0);
    // 91 days on: the old run, its files and its delivered delivery go; the
    // run whose delivery still waits for a retry stays, and so does the recent one.
    let day91 = state.clone().with(|s| s.clock = Clock::Fixed(now + Duration::days(91)));
    assert_eq!(server::jobs::report_retention::once(&day91).await, 2, "one delivery, one run");
    assert!(!exists(old).await);
    assert!(server_core::db::report_runs::output(&state.db, old, "html").await.unwrap().is_none());
    assert!(exists(stuck).await, "a delivery still waits on it");
    assert!(exists(recent).await);
    let query = server_core::model::DeliveryQuery::default();
    let log = server_core::services::channels::deliveries(&state, &caller, hook, &query).await.unwrap();
    assert_eq!(log.meta.total, 1, "only the recent run's delivery is left: {log:?}");
}

on_both!(retries, retries_finals_and_slack);
on_both!(race, racing_dispatchers_send_once);
on_both!(takeover, a_dead_dispatchers_attempt_is_lost_and_the_next_sent);
on_both!(ssrf, private_targets_are_refused_when_not_allowed);
on_both!(send_test, a_test_is_sent_inline_with_its_attempt);
on_both!(give_up, six_failed_attempts_end_the_delivery);
on_both!(retention, old_runs_and_deliveries_age_out);
