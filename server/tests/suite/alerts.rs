//! Alerts on SQLite and Postgres, on a hand-moved clock: rules are checked
//! field by field and kept through the REST API; a rule on activities goes
//! pending, fires after its pending period (one message), stays quiet while
//! firing, resolves (one more) once the figure is back; three evaluators on
//! one database evaluate each slot once and notify once; and a real fault (a
//! table gone, so a route answers 500) fires the built-in HighErrorRate end
//! to end: the minute statistics as the replica's job writes them, the
//! evaluator, the dispatcher, a real webhook receiver (signatures checked)
//! and the real SMTP server. A rule's messages reach a channel in order, even
//! when the first waits out an outage.

use crate::common;
use crate::common::receiver::Receiver;
use crate::common::smtp_sink::Sink;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use server_core::alerts::evaluator;
use server_core::auth::Caller;
use server_core::channels::dispatcher;
use server_core::db::{activities, request_minutes, Db, Ts};
use server_core::model::{AlertRuleInput, ChannelInput};
use server_core::services::{alerts, channels};
use server_core::state::{AppState, Clock};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// A webhook channel aimed at `path` of `receiver`, its secret registered there.
async fn webhook(state: &AppState, receiver: &Receiver, name: &str, path: &str) -> i64 {
    let input: ChannelInput =
        serde_json::from_value(json!({ "name": name, "kind": "webhook", "url": receiver.url(path) })).unwrap();
    let created = channels::create(state, &common::admin_caller(&state.db).await, &input).await.unwrap();
    receiver.secrets.lock().unwrap().insert(path.to_owned(), created.signing_secret.unwrap());
    created.channel.id
}

fn rule(value: Value) -> AlertRuleInput {
    serde_json::from_value(value).unwrap()
}

/// `n` activities of user 1 at `when`.
async fn activity(db: &Db, n: usize, when: DateTime<Utc>) {
    let one = activities::NewActivity {
        user_id: 1,
        activity_type: "problem_solve".into(),
        description: "풀이".into(),
        problem_id: None,
        created_at: Ts::from(when),
    };
    activities::record(db, &vec![one; n]).await.unwrap();
}

async fn user(db: &Db) {
    db.execute("insert into users (id, email, username) values (1, 'a@example.com', 'a')").await.unwrap();
}

on_both!(rules_are_checked_and_kept, rules_are_checked_and_kept_on);
async fn rules_are_checked_and_kept_on(db: &common::TestDb) {
    let app = common::router(&db.db);
    let bad = json!({ "name": "", "metric": "weather", "condition": "above", "window_minutes": 0,
        "interval_seconds": 5, "severity": "loud", "channels": [999] });
    let reply = common::post_json(&app, "/api/v1/alert-rules", &bad.to_string(), &[]).await;
    let envelope = reply.assert_envelope(400, "VALIDATION_FAILED");
    let mut fields = common::field_names(&envelope["error"]["details"]);
    fields.dedup();
    assert_eq!(
        fields,
        ["channels", "interval_seconds", "metric", "name", "severity", "threshold", "window_minutes"],
        "{envelope}"
    );
    // A recovery on the wrong side of the threshold, a band without its high end.
    let wrong = json!({ "name": "x", "metric": "activities", "condition": "above", "threshold": 5, "recovery": 9 });
    let reply = common::post_json(&app, "/api/v1/alert-rules", &wrong.to_string(), &[]).await;
    assert_eq!(reply.assert_envelope(400, "VALIDATION_FAILED")["error"]["details"]["fields"][0]["field"], "recovery");
    let band = json!({ "name": "x", "metric": "users_online", "condition": "outside", "threshold": 5 });
    let reply = common::post_json(&app, "/api/v1/alert-rules", &band.to_string(), &[]).await;
    assert_eq!(
        reply.assert_envelope(400, "VALIDATION_FAILED")["error"]["details"]["fields"][0]["field"],
        "threshold_high"
    );

    let good = json!({ "name": "Quiet hour", "metric": "activities", "condition": "change_down", "threshold": 50,
        "recovery": 20, "pending_seconds": 600, "severity": "critical", "message": "{name}: {value}" });
    let reply = common::post_json(&app, "/api/v1/alert-rules", &good.to_string(), &[]).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let created = reply.json()["rule"].clone();
    assert_eq!(created["window_minutes"], 60, "the metric's default window");
    assert_eq!((created["state"].as_str(), created["status"].as_str()), (Some("normal"), Some("active")));
    let id = created["id"].as_i64().unwrap();
    let again = common::post_json(&app, "/api/v1/alert-rules", &good.to_string(), &[]).await;
    assert_eq!(again.assert_envelope(400, "VALIDATION_FAILED")["error"]["details"]["fields"][0]["field"], "name");

    let until = (Utc::now() + Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let body = json!({ "until": until }).to_string();
    let reply = common::post_json(&app, &format!("/api/v1/alert-rules/{id}/silence"), &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let far = json!({ "until": "2099-01-01T00:00:00Z" }).to_string();
    let reply = common::post_json(&app, &format!("/api/v1/alert-rules/{id}/silence"), &far, &[]).await;
    reply.assert_envelope(400, "VALIDATION_FAILED");
    let list = common::get(&app, "/api/v1/alert-rules").await.json();
    let listed = list["rules"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(listed["silenced_until"], until);
    let deleted = common::send(
        &app,
        axum::http::Request::delete(format!("/api/v1/alert-rules/{id}")).body(axum::body::Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(deleted.status, 204);
    common::get(&app, &format!("/api/v1/alert-rules/{id}")).await.assert_envelope(404, "NOT_FOUND");
}

/// One replica on a clock fixed at `t0`, with user 1, an admin and a
/// webhook channel `hook` to `/ops` of `receiver`.
struct Ops {
    receiver: Receiver,
    state: AppState,
    hook: i64,
    caller: Caller,
    t0: DateTime<Utc>,
}

async fn ops(db: &common::TestDb) -> Ops {
    let receiver = Receiver::start().await;
    let state = common::replica(db, "a").await;
    user(&state.db).await;
    let hook = webhook(&state, &receiver, "ops", "/ops").await;
    let caller = common::admin_caller(&state.db).await;
    let t0 = at("2026-12-07T00:00:00Z");
    let state = state.with(|s| s.clock = Clock::Fixed(t0));
    Ops { receiver, state, hook, caller, t0 }
}

on_both!(pending_firing_resolved, pending_firing_resolved_on);
async fn pending_firing_resolved_on(db: &common::TestDb) {
    let Ops { receiver, state, hook, caller, t0 } = ops(db).await;
    let input = rule(json!({ "name": "Busy", "metric": "activities", "window_minutes": 10, "condition": "above",
        "threshold": 2, "recovery": 1, "interval_seconds": 60, "pending_seconds": 120, "repeat_seconds": 0,
        "channels": [hook] }));
    let id = alerts::create(&state, &caller, &input).await.unwrap().id;
    activity(&state.db, 3, t0 - Duration::minutes(1)).await;

    let step = |minutes: i64| {
        let state = state.clone();
        async move { evaluator::tick(&state, t0 + Duration::minutes(minutes)).await.unwrap() }
    };
    let first = step(0).await;
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].state.as_str(), first[0].event, first[0].sent), ("pending", Some("pending"), false));
    assert_eq!(first[0].value, Some(3.0));
    assert_eq!(step(0).await, [], "the slot is taken: not again within the interval");
    assert_eq!(step(1).await[0].event, None, "still pending");
    let fired = step(2).await;
    assert_eq!((fired[0].state.as_str(), fired[0].event, fired[0].sent), ("firing", Some("firing"), true));
    let sent = dispatcher::run_due(&state, &state.channels, t0 + Duration::minutes(2)).await.unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(step(3).await[0].event, None, "repeat 0: one message per incident");
    // The activities leave the 10-minute window: 0 ≤ recovery 1.
    let resolved = step(12).await;
    assert_eq!((resolved[0].state.as_str(), resolved[0].event, resolved[0].sent), ("normal", Some("resolved"), true));

    let sent = dispatcher::run_due(&state, &state.channels, t0 + Duration::minutes(12)).await.unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let hits = receiver.hits("/ops");
    assert_eq!(hits.len(), 2);
    assert!(hits.iter().all(|h| h.verified == Some(true)), "signed");
    let bodies: Vec<Value> = hits.iter().map(|h| serde_json::from_str(&h.body).unwrap()).collect();
    let kinds: Vec<&str> = bodies.iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["alert.firing", "alert.resolved"]);
    assert_eq!(bodies[0]["rule"]["name"], "Busy");
    assert_eq!(bodies[0]["value"], "3");
    assert_eq!(bodies[0]["since"], "2026-12-07T00:00:00Z", "the incident began at the first breach");
    assert!(bodies[0]["url"].as_str().unwrap().ends_with(&format!("/alerts?rule={id}")), "{}", bodies[0]);

    let history = alerts::events(&state, &caller, &Default::default()).await.unwrap();
    let kinds: Vec<&str> = history.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["resolved", "firing", "pending"], "newest first");
    let rules = alerts::list(&state, &caller).await.unwrap();
    let busy = rules.rules.iter().find(|r| r.id == id).unwrap();
    assert_eq!(busy.sparkline.len(), 5, "one point per evaluated slot");
    assert_eq!(busy.sparkline.last(), Some(&Some(0.0)));
    // The channel a rule sends to stays.
    let refused = channels::delete(&state, &caller, hook).await.unwrap_err();
    assert!(refused.to_string().contains("alert rule \"Busy\""), "{refused}");
}

on_both!(notices_keep_their_order_after_an_outage, notices_keep_their_order_after_an_outage_on);
/// A receiver down when a rule fires (503, "come back in an hour") must not
/// hear the rule resolve before it hears it fire: the resolve waits for the
/// firing message's retry, then follows it.
async fn notices_keep_their_order_after_an_outage_on(db: &common::TestDb) {
    let Ops { receiver, state, hook, caller, t0 } = ops(db).await;
    let input = rule(json!({ "name": "Busy", "metric": "activities", "window_minutes": 10, "condition": "above",
        "threshold": 2, "interval_seconds": 60, "pending_seconds": 0, "repeat_seconds": 0, "channels": [hook] }));
    alerts::create(&state, &caller, &input).await.unwrap();
    activity(&state.db, 3, t0 - Duration::minutes(1)).await;
    let step = |minutes: i64| {
        let state = state.clone();
        async move { evaluator::tick(&state, t0 + Duration::minutes(minutes)).await.unwrap() }
    };
    let dispatch = |minutes: i64| {
        let state = state.clone();
        async move { dispatcher::run_due(&state, &state.channels, t0 + Duration::minutes(minutes)).await.unwrap() }
    };

    receiver.script("/ops", &[(503, Some("3600"))]);
    assert_eq!(step(0).await[0].event, Some("firing"));
    assert_eq!(dispatch(0).await.len(), 1, "the firing message's first attempt");
    assert_eq!(step(12).await[0].event, Some("resolved"), "the activities left the window");
    assert_eq!(dispatch(12).await, [], "the resolve waits for the firing message");
    assert_eq!(receiver.hits("/ops").len(), 1);
    // The receiver's hour is over: the firing message, then the resolve.
    assert_eq!(dispatch(61).await.len(), 1);
    assert_eq!(dispatch(61).await.len(), 1);
    let kinds: Vec<String> = receiver
        .hits("/ops")
        .iter()
        .map(|h| serde_json::from_str::<Value>(&h.body).unwrap()["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["alert.firing", "alert.firing", "alert.resolved"]);
}

on_both!(three_evaluators_notify_once, three_evaluators_notify_once_on);
async fn three_evaluators_notify_once_on(db: &common::TestDb) {
    let receiver = Receiver::start().await;
    let first = common::replica(db, "a").await;
    user(&first.db).await;
    let hook = webhook(&first, &receiver, "ops", "/ops").await;
    let caller = common::admin_caller(&first.db).await;
    let input = rule(json!({ "name": "Any", "metric": "activities", "condition": "above", "threshold": 0,
        "interval_seconds": 60, "channels": [hook] }));
    alerts::create(&first, &caller, &input).await.unwrap();
    let t0 = at("2026-12-07T00:00:30Z");
    activity(&first.db, 1, t0 - Duration::minutes(5)).await;
    let replicas = [first, common::replica(db, "b").await, common::replica(db, "c").await];
    for minute in 0..3 {
        let now = t0 + Duration::minutes(minute);
        let ticks = replicas.iter().map(|r| evaluator::tick(r, now));
        let results = futures::future::join_all(ticks).await;
        let evaluated: usize = results.into_iter().map(|r| r.unwrap().len()).sum();
        assert_eq!(evaluated, 1, "minute {minute}: one replica evaluates the slot");
    }
    assert_eq!(common::scalar(&replicas[0].db, "select count(*) from alert_evaluations").await, 3);
    assert_eq!(common::scalar(&replicas[0].db, "select count(*) from alert_events").await, 1, "fired once");
    assert_eq!(
        common::scalar(&replicas[0].db, "select count(*) from deliveries where subject_kind = 'alert'").await,
        1
    );
}

on_both!(a_real_fault_fires_high_error_rate, a_real_fault_fires_high_error_rate_on);
async fn a_real_fault_fires_high_error_rate_on(db: &common::TestDb) {
    let Some(sink) = Sink::start(&["--tls", "none"]) else { return };
    let receiver = Receiver::start().await;
    let t0 = at("2026-12-07T03:00:10Z");
    let state = common::replica(db, "a").await.with(|s| {
        s.channels = Arc::new(sink.settings());
        s.clock = Clock::Fixed(t0);
    });
    let caller = common::admin_caller(&state.db).await;
    alerts::ensure_builtins(&state).await.unwrap();
    let hook = webhook(&state, &receiver, "ops", "/ops").await;
    let mail: ChannelInput = serde_json::from_value(json!({ "name": "mail", "kind": "email", "host": "localhost",
        "port": sink.port, "tls": "none", "from": "alerts@dreamseed.test", "recipients": ["ops@dreamseed.test"] }))
    .unwrap();
    let mail = channels::create(&state, &caller, &mail).await.unwrap().channel.id;
    let builtin = alerts::list(&state, &caller).await.unwrap().rules.into_iter().find(|r| r.name == "HighErrorRate");
    let builtin = builtin.expect("the built-in HighErrorRate");
    assert_eq!(builtin.status, "paused", "built-ins wait for a channel");
    let mut input: AlertRuleInput = serde_json::from_value(serde_json::to_value(&builtin).unwrap()).unwrap();
    input.channels = vec![hook, mail];
    input.status = Some("active".into());
    alerts::update(&state, &caller, builtin.id, &input).await.unwrap();

    // The replica's minute statistics start (what happened before belongs to no minute).
    let minute = |t: DateTime<Utc>| t.timestamp().div_euclid(60) * 60;
    let write = |t: DateTime<Utc>| {
        let state = state.clone();
        async move {
            let rows = state.ops.minutes.rows(&state.ops.route_stats, minute(t));
            request_minutes::upsert(&state.db, &state.reports.instance, &rows).await.unwrap();
        }
    };
    write(t0).await;
    // The fault: the problem bank's table is gone, so listing problems answers 500.
    state.db.execute("alter table problems rename to problems_gone").await.unwrap();
    let app = common::app(state.clone());
    for _ in 0..20 {
        assert_eq!(common::get(&app, "/api/v1/problems").await.status, 500);
    }
    for _ in 0..5 {
        assert_eq!(common::get(&app, "/healthz").await.status, 200);
    }
    write(t0).await;

    let first = evaluator::tick(&state, t0).await.unwrap();
    let high = first.iter().find(|e| e.rule_id == builtin.id).expect("evaluated");
    assert_eq!((high.state.as_str(), high.event), ("pending", Some("pending")), "{first:?}");
    assert!(high.value.unwrap() > 50.0, "{high:?}");
    // Five minutes on (the pending period), the minute's share still in the window.
    let later = t0 + Duration::minutes(5);
    let fired = evaluator::tick(&state, later).await.unwrap();
    let high = fired.iter().find(|e| e.rule_id == builtin.id).expect("evaluated");
    assert_eq!((high.state.as_str(), high.event, high.sent), ("firing", Some("firing"), true), "{fired:?}");

    let sent = dispatcher::run_due(&state, &state.channels, later).await.unwrap();
    assert_eq!(sent.iter().filter(|(_, s)| *s == "delivered").count(), 2, "{sent:?}");
    let hits = receiver.hits("/ops");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].verified, Some(true));
    let body: Value = serde_json::from_str(&hits[0].body).unwrap();
    assert_eq!((body["type"].as_str(), body["rule"]["name"].as_str()), (Some("alert.firing"), Some("HighErrorRate")));
    assert!(body["message"].as_str().unwrap().starts_with("HighErrorRate: 5xx rate is 80 %"), "{body}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["subject"], "[FIRING] HighErrorRate");
    assert!(messages[0]["text"].as_str().unwrap().contains("5xx rate is 80 %"), "{}", messages[0]);
}
