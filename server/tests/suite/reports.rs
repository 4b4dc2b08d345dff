//! Report templates and scheduled reports over REST on SQLite and Postgres:
//! the built-ins (added once, however often they are ensured; read-only or
//! undeletable), every bad field at once (sections and the cron pattern named
//! by field), names unique ignoring case, clone, delete rules (a template in
//! use stays), the schedule (next run in the report's zone, nothing while
//! paused, from now on resume), the preview across a DST change, paging and
//! the audit log.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Utc};
use common::Reply;
use serde_json::{json, Value};
use server_core::db::Db;
use server_core::state::Clock;
use sha2::Digest;

/// Thursday 2026-12-03 09:00 KST.
const NOW: &str = "2026-12-03T00:00:00Z";

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

async fn actions(db: &Db) -> Vec<String> {
    const SQL: &str =
        "select action from audit_log where action like 'report.%' or action like 'template.%' order by id";
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(SQL).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(SQL).fetch_all(pool).await.unwrap(),
    }
}

/// A webhook channel straight in the table (the channels API has its own tests).
async fn channel(db: &Db, name: &str) -> i64 {
    const SQL: &str = "insert into channels (name, kind, config, secrets, created_by, created_at, updated_at) \
        values ($1, 'webhook', '{}', 'v1:test', 'test', $2, $2) returning id";
    let at = server_core::db::Ts::now();
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(SQL).bind(name).bind(at).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(SQL).bind(name).bind(at).fetch_one(pool).await.unwrap(),
    }
}

async fn setup(db: &Db) -> Router {
    let state = common::state(db).with(|s| s.clock = Clock::Fixed(now()));
    server_core::services::reports::ensure_builtins(&state).await.unwrap();
    common::app(state)
}

async fn send(app: &Router, method: &str, uri: &str, body: Option<&Value>) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    if body.is_some() || method != "GET" {
        request = request.header("content-type", "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    common::send(app, request.body(body).unwrap()).await
}

fn field_errors(reply: &Reply) -> Vec<(String, String)> {
    let body = reply.assert_envelope(400, "VALIDATION_FAILED");
    body["error"]["details"]["fields"]
        .as_array()
        .expect("details.fields")
        .iter()
        .map(|f| (f["field"].as_str().unwrap().to_owned(), f["message"].as_str().unwrap().to_owned()))
        .collect()
}

fn field_names(reply: &Reply) -> Vec<String> {
    field_errors(reply).into_iter().map(|(f, _)| f).collect()
}

fn template_body(name: &str) -> Value {
    json!({ "name": name, "period": { "kind": "last_n_days", "days": 14 },
        "sections": [{ "kind": "stat_summary" }, { "kind": "chart", "chart": "activity" },
            { "kind": "text", "title": "Notes", "body": "- first\n- second" }] })
}

async fn builtins_exist_once_and_are_protected(db: &Db) {
    let app = setup(db).await;
    // A second replica starting (or a restart) adds nothing.
    let state = common::state(db).with(|s| s.clock = Clock::Fixed(now()));
    server_core::services::reports::ensure_builtins(&state).await.unwrap();
    assert_eq!(common::scalar(db, "select count(*) from report_templates").await, 2);
    assert_eq!(common::scalar(db, "select count(*) from reports").await, 2);

    let templates = send(&app, "GET", "/api/v1/templates", None).await.json();
    let builtins: Vec<&str> =
        templates["templates"].as_array().unwrap().iter().map(|t| t["builtin"].as_str().unwrap()).collect();
    assert_eq!(builtins, ["daily", "weekly"]);
    let weekly = &templates["templates"][1];
    assert_eq!(weekly["period"]["kind"], "last_week");
    assert_eq!(weekly["reports"], 1, "the weekly summary uses it");

    let reports = send(&app, "GET", "/api/v1/reports", None).await.json();
    let daily = reports["reports"].as_array().unwrap().iter().find(|r| r["builtin"] == "daily").unwrap().clone();
    assert_eq!(daily["cron"], "0 10 * * 1-5");
    assert_eq!(daily["timezone"], "Asia/Seoul");
    assert_eq!(daily["schedule_text"]["ko"], "평일 10:00 (KST)");
    assert_eq!(daily["schedule_text"]["en"], "weekdays at 10:00 (KST)");
    assert_eq!(daily["status"], "paused", "paused until it has a destination");
    assert_eq!(daily["next_run_at"], Value::Null);
    assert_eq!(daily["last_run"], Value::Null);
    let weekly = reports["reports"].as_array().unwrap().iter().find(|r| r["builtin"] == "weekly").unwrap().clone();
    assert_eq!(weekly["schedule_text"]["en"], "Mondays at 09:00 (KST)");

    let id = weekly["template_id"].as_i64().unwrap();
    let reply = send(&app, "PUT", &format!("/api/v1/templates/{id}"), Some(&template_body("Mine"))).await;
    reply.assert_envelope(422, "BUSINESS_RULE_VIOLATION");
    send(&app, "DELETE", &format!("/api/v1/templates/{id}"), None)
        .await
        .assert_envelope(422, "BUSINESS_RULE_VIOLATION");
    let report_id = daily["id"].as_i64().unwrap();
    let reply = send(&app, "DELETE", &format!("/api/v1/reports/{report_id}"), None).await;
    reply.assert_envelope(422, "BUSINESS_RULE_VIOLATION");
    let reply = send(&app, "POST", &format!("/api/v1/reports/{report_id}/resume"), None).await;
    assert_eq!(field_names(&reply), ["destinations"], "no destination yet");

    // A clone of a built-in is an ordinary, editable template.
    let reply = send(&app, "POST", &format!("/api/v1/templates/{id}/clone"), None).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let copy = reply.json()["template"].clone();
    assert_eq!(copy["name"], "Weekly summary (copy)");
    assert_eq!(copy["builtin"], Value::Null);
    assert_eq!(copy["sections"], weekly_sections(&templates));
    let copy_id = copy["id"].as_i64().unwrap();
    let reply = send(&app, "PUT", &format!("/api/v1/templates/{copy_id}"), Some(&template_body("Mine"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let again = send(&app, "POST", &format!("/api/v1/templates/{id}/clone"), None).await.json();
    assert_eq!(again["template"]["name"], "Weekly summary (copy)", "the first copy was renamed: the name is free");
}
on_both_databases!(builtins, builtins_exist_once_and_are_protected);

fn weekly_sections(templates: &Value) -> Value {
    templates["templates"][1]["sections"].clone()
}

async fn templates_name_every_bad_field_and_keep_their_rules(db: &Db) {
    let app = setup(db).await;
    let bad = json!({ "name": "x".repeat(101), "category": "yearly", "description": "d".repeat(501),
        "period": { "kind": "fixed", "from": "2026-02-30", "to": "2026-03-01" },
        "sections": [{ "kind": "chart" }, { "kind": "top_countries", "limit": 0 },
            { "kind": "anomalies", "lookback_days": 3 }, { "kind": "text", "body": "" }, { "kind": "pie" }] });
    let reply = send(&app, "POST", "/api/v1/templates", Some(&bad)).await;
    assert_eq!(
        field_names(&reply),
        [
            "name",
            "description",
            "category",
            "period.from",
            "sections[0].chart",
            "sections[1].limit",
            "sections[2].lookback_days",
            "sections[3].body",
            "sections[4].kind"
        ]
    );
    let reply = send(&app, "POST", "/api/v1/templates", Some(&json!({ "name": "Empty", "sections": [] }))).await;
    assert_eq!(field_names(&reply), ["sections"]);
    let many: Vec<Value> = (0..31).map(|_| json!({ "kind": "stat_summary" })).collect();
    let reply = send(&app, "POST", "/api/v1/templates", Some(&json!({ "name": "Many", "sections": many }))).await;
    assert_eq!(field_names(&reply), ["sections"]);
    // A wrong JSON shape is the envelope too.
    let reply = send(&app, "POST", "/api/v1/templates", Some(&json!({ "name": "x", "sections": "all" }))).await;
    reply.assert_envelope(400, "VALIDATION_FAILED");
    assert_eq!(common::scalar(db, "select count(*) from report_templates").await, 2, "only the built-ins");

    let reply = send(&app, "POST", "/api/v1/templates", Some(&template_body("Ops digest"))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let template = reply.json()["template"].clone();
    assert_eq!(template["category"], "custom");
    assert_eq!(template["sections"][2]["body"], "- first\n- second");
    assert!(template["created_by"].as_str().is_some_and(|by| !by.is_empty()), "{template}");
    let id = template["id"].as_i64().unwrap();
    let reply = send(&app, "POST", "/api/v1/templates", Some(&template_body("OPS DIGEST"))).await;
    assert_eq!(field_errors(&reply), [("name".to_owned(), "is already used by another template".to_owned())]);

    // In use: it stays (409) until its report is gone.
    let report = json!({ "name": "Uses it", "template_id": id, "cron": "0 9 * * *" });
    let reply = send(&app, "POST", "/api/v1/reports", Some(&report)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let report_id = reply.json()["report"]["id"].as_i64().unwrap();
    send(&app, "DELETE", &format!("/api/v1/templates/{id}"), None).await.assert_envelope(409, "CONFLICT");
    assert_eq!(
        send(&app, "DELETE", &format!("/api/v1/reports/{report_id}"), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(send(&app, "DELETE", &format!("/api/v1/templates/{id}"), None).await.status, StatusCode::NO_CONTENT);
    send(&app, "GET", &format!("/api/v1/templates/{id}"), None).await.assert_envelope(404, "NOT_FOUND");
    assert_eq!(
        actions(db).await,
        [
            "template.create",
            "template.create",
            "report.create",
            "report.create",
            "template.create",
            "report.create",
            "report.delete",
            "template.delete"
        ]
    );
}
on_both_databases!(templates, templates_name_every_bad_field_and_keep_their_rules);

async fn reports_name_every_bad_field(db: &Db) {
    let app = setup(db).await;
    let bad = json!({ "name": "", "cron": "0 24 * * *", "timezone": "Mars/Base", "figures_zone": "pst",
        "lang": "fr", "formats": ["html", "docx"], "destinations": [424242], "status": "active",
        "period": { "kind": "last_n_days" } });
    let reply = send(&app, "POST", "/api/v1/reports", Some(&bad)).await;
    let errors = field_errors(&reply);
    let names: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        names,
        ["name", "template_id", "period.days", "timezone", "cron", "figures_zone", "lang", "formats", "destinations"]
    );
    let message = |field: &str| errors.iter().find(|(f, _)| f == field).unwrap().1.clone();
    assert!(message("cron").starts_with("hour:"), "the message names the cron field: {}", message("cron"));
    assert!(message("timezone").contains("Mars/Base"), "{}", message("timezone"));
    assert!(message("destinations").contains("424242"), "{}", message("destinations"));

    let template = common::scalar(db, "select id from report_templates where builtin = 'daily'").await;
    let with = |extra: Value| {
        let mut body = json!({ "name": "R", "template_id": template, "cron": "0 10 * * 1-5" });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    for (extra, field, needle) in [
        (json!({ "cron": "0 10 * * 1-5 2026" }), "cron", "5 fields"),
        (json!({ "cron": "*/5 * * * *" }), "cron", "15 minutes"),
        (json!({ "cron": "0 0 30 2 *" }), "cron", "never"),
        (json!({ "cron": "" }), "cron", ""),
        (json!({ "formats": ["docx"] }), "formats", "'docx' is not one of html, markdown, csv, pdf"),
        (json!({ "formats": [] }), "formats", "at least one"),
        (json!({ "status": "active" }), "destinations", "destination"),
        (json!({ "template_id": 999999 }), "template_id", "999999"),
    ] {
        let reply = send(&app, "POST", "/api/v1/reports", Some(&with(extra.clone()))).await;
        let errors = field_errors(&reply);
        assert_eq!(errors.len(), 1, "{extra}: {errors:?}");
        assert_eq!(errors[0].0, field, "{extra}");
        assert!(errors[0].1.contains(needle), "{extra}: {}", errors[0].1);
    }
    assert_eq!(common::scalar(db, "select count(*) from reports").await, 2, "only the built-ins");
    let reply = send(&app, "POST", "/api/v1/reports", Some(&with(json!({ "name": "daily REPORT" })))).await;
    assert_eq!(field_names(&reply), ["name"], "names are unique ignoring case");
}
on_both_databases!(report_validation, reports_name_every_bad_field);

async fn a_report_runs_on_its_schedule_in_its_zone(db: &Db) {
    let app = setup(db).await;
    let template = common::scalar(db, "select id from report_templates where builtin = 'weekly'").await;
    let hooks = channel(db, "hooks").await;
    let body = json!({ "name": "Morning", "template_id": template, "cron": "0 10 * * 1-5",
        "formats": ["csv", "html", "csv"], "destinations": [hooks, hooks], "lang": "en" });
    let reply = send(&app, "POST", "/api/v1/reports", Some(&body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let report = reply.json()["report"].clone();
    let id = report["id"].as_i64().unwrap();
    assert_eq!(report["status"], "paused", "new reports start paused");
    assert_eq!(report["next_run_at"], Value::Null);
    assert_eq!(report["formats"], json!(["html", "csv"]), "canonical order, no repeats");
    assert_eq!(report["destinations"], json!([hooks]));
    assert_eq!(report["template_name"], "Weekly summary");

    // Resumed on Thursday 09:00 KST: the next run is 10:00 KST that day.
    let resumed = send(&app, "POST", &format!("/api/v1/reports/{id}/resume"), None).await.json();
    assert_eq!(resumed["report"]["status"], "active");
    assert_eq!(resumed["report"]["next_run_at"], "2026-12-03T01:00:00Z");
    let paused = send(&app, "POST", &format!("/api/v1/reports/{id}/pause"), None).await.json();
    assert_eq!(paused["report"]["next_run_at"], Value::Null);
    // Pausing twice changes nothing and records nothing.
    send(&app, "POST", &format!("/api/v1/reports/{id}/pause"), None).await;

    // Made active in another zone with another pattern.
    let mut edit = body.clone();
    edit["cron"] = json!("30 2 * * *");
    edit["timezone"] = json!("America/New_York");
    edit["status"] = json!("active");
    let reply = send(&app, "PUT", &format!("/api/v1/reports/{id}"), Some(&edit)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let report = reply.json()["report"].clone();
    // 2026-12-03 00:00Z is 19:00 on the 2nd in New York (EST, UTC−5).
    assert_eq!(report["next_run_at"], "2026-12-03T07:30:00Z");
    assert_eq!(report["schedule_text"]["en"], "daily at 02:30 (America/New_York)");
    // Without a status the report keeps its own; without destinations an
    // active report is refused.
    let mut keep = edit.clone();
    keep.as_object_mut().unwrap().remove("status");
    keep["destinations"] = json!([]);
    let reply = send(&app, "PUT", &format!("/api/v1/reports/{id}"), Some(&keep)).await;
    assert_eq!(field_names(&reply), ["destinations"]);
    send(&app, "PUT", "/api/v1/reports/999999", Some(&edit)).await.assert_envelope(404, "NOT_FOUND");

    let reply = send(&app, "POST", &format!("/api/v1/reports/{id}/clone"), None).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let copy = reply.json()["report"].clone();
    assert_eq!(copy["name"], "Morning (copy)");
    assert_eq!(copy["status"], "paused");
    assert_eq!(copy["cron"], "30 2 * * *");
    assert_eq!(copy["destinations"], json!([hooks]));

    // A channel in use by a report cannot disappear from under it.
    let deleted = match db {
        Db::Sqlite(pool) => sqlx::query("delete from channels").execute(pool).await.is_err(),
        Db::Postgres(pool) => sqlx::query("delete from channels").execute(pool).await.is_err(),
    };
    assert!(deleted, "the foreign key keeps a used channel");

    assert_eq!(send(&app, "DELETE", &format!("/api/v1/reports/{id}"), None).await.status, StatusCode::NO_CONTENT);
    send(&app, "GET", &format!("/api/v1/reports/{id}"), None).await.assert_envelope(404, "NOT_FOUND");
    assert_eq!(common::scalar(db, "select count(*) from report_destinations").await, 1, "the copy's");
    assert_eq!(
        actions(db).await[4..],
        ["report.create", "report.resume", "report.pause", "report.update", "report.create", "report.delete"]
    );
}
on_both_databases!(schedule, a_report_runs_on_its_schedule_in_its_zone);

async fn the_preview_lists_the_next_runs_and_names_bad_fields(db: &Db) {
    let app = setup(db).await;
    let reply = send(&app, "GET", "/api/v1/reports/schedule-preview?cron=0+10+*+*+1-5", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let preview = reply.json();
    let at: Vec<&str> = preview["next"].as_array().unwrap().iter().map(|r| r["at"].as_str().unwrap()).collect();
    assert_eq!(
        at,
        [
            "2026-12-03T01:00:00Z",
            "2026-12-04T01:00:00Z",
            "2026-12-07T01:00:00Z",
            "2026-12-08T01:00:00Z",
            "2026-12-09T01:00:00Z"
        ]
    );
    assert_eq!(preview["timezone"], "Asia/Seoul");
    assert_eq!(preview["text"]["ko"], "평일 10:00 (KST)");

    let reply = send(&app, "GET", "/api/v1/reports/schedule-preview?cron=0+24+*+*+*&timezone=Nowhere", None).await;
    assert_eq!(field_names(&reply), ["timezone", "cron"]);
    let reply = send(&app, "GET", "/api/v1/reports/schedule-preview", None).await;
    assert_eq!(field_names(&reply), ["cron"]);
}
on_both_databases!(preview, the_preview_lists_the_next_runs_and_names_bad_fields);

async fn the_preview_notes_a_missing_hour(db: &Db) {
    // 2026-03-08 02:30 does not exist in New York: clocks go 02:00 → 03:00.
    let state = common::state(db).with(|s| s.clock = Clock::Fixed("2026-03-07T12:00:00Z".parse().unwrap()));
    let app = common::app(state);
    let uri = "/api/v1/reports/schedule-preview?cron=30+2+*+*+*&timezone=America/New_York";
    let preview = send(&app, "GET", uri, None).await.json();
    let first = &preview["next"][0];
    assert_eq!(first["at"], "2026-03-08T07:00:00Z", "03:00 EDT: {preview}");
    assert_eq!(first["local"], "2026-03-08 03:00 (Sun)");
    assert!(first["note"].as_str().is_some_and(|n| n.contains("02:30 does not exist")), "{preview}");
    assert_eq!(preview["next"][1]["at"], "2026-03-09T06:30:00Z", "02:30 EDT the day after");
    assert_eq!(preview["next"][1]["note"], Value::Null);
}
on_both_databases!(preview_dst, the_preview_notes_a_missing_hour);

async fn reports_page_by_name(db: &Db) {
    let app = setup(db).await;
    let template = common::scalar(db, "select id from report_templates where builtin = 'daily'").await;
    // Lower-case "x …": after the built-ins in byte order and in any collation.
    for name in ["x b", "x a", "x c"] {
        let body = json!({ "name": name, "template_id": template, "cron": "0 9 * * *" });
        assert_eq!(send(&app, "POST", "/api/v1/reports", Some(&body)).await.status, StatusCode::CREATED);
    }
    let first = send(&app, "GET", "/api/v1/reports?per_page=2", None).await.json();
    let names = |page: &Value| -> Vec<String> {
        page["reports"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(names(&first), ["Daily report", "Weekly summary"], "by name");
    assert_eq!(first["meta"]["total"], 5);
    let cursor = first["meta"]["next_cursor"].as_str().unwrap();
    let second = send(&app, "GET", &format!("/api/v1/reports?per_page=2&cursor={cursor}"), None).await.json();
    assert_eq!(names(&second), ["x a", "x b"]);
    let paused = send(&app, "GET", "/api/v1/reports?status=active", None).await.json();
    assert_eq!(paused["meta"]["total"], 0);
    let reply = send(&app, "GET", "/api/v1/reports?status=gone&per_page=0", None).await;
    reply.assert_envelope(400, "VALIDATION_FAILED");
}
on_both_databases!(paging, reports_page_by_name);

async fn a_run_asked_for_over_the_api_completes_with_its_files(db: &Db) {
    let state = common::state(db).with(|s| s.clock = Clock::Fixed(now()));
    server_core::services::reports::ensure_builtins(&state).await.unwrap();
    let app = common::app(state.clone());
    let template = common::scalar(db, "select id from report_templates where builtin = 'weekly'").await;
    let body = json!({ "name": "<b>Weekly</b> & co", "template_id": template, "cron": "0 9 * * 1",
        "formats": ["html", "csv", "pdf"], "lang": "en" });
    let report = send(&app, "POST", "/api/v1/reports", Some(&body)).await.json()["report"].clone();
    let id = report["id"].as_i64().unwrap();

    // A paused report can run now; the same Idempotency-Key replays the answer.
    let generate = format!("/api/v1/reports/{id}/generate");
    let headers = [("idempotency-key", "gen-1")];
    let reply = common::post_json(&app, &generate, "", &headers).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let run = reply.json()["run"].clone();
    let run_id = run["id"].as_i64().unwrap();
    assert_eq!(reply.headers["x-job-id"], run_id.to_string().as_str());
    assert_eq!(reply.headers["location"], format!("/api/v1/runs/{run_id}").as_str());
    assert_eq!((run["status"].as_str(), run["trigger"].as_str()), (Some("pending"), Some("api")));
    let replay = common::post_json(&app, &generate, "", &headers).await;
    assert_eq!(replay.json()["run"]["id"], run_id, "replayed, not run twice");
    // Another request while it is open: 409, and no second run.
    common::post_json(&app, &generate, "", &[]).await.assert_envelope(409, "CONFLICT");
    assert_eq!(common::scalar(db, "select count(*) from report_runs").await, 1);

    let status = send(&app, "GET", &format!("/api/v1/reports/{id}/status"), None).await.json();
    assert_eq!((status["open_runs"].as_i64(), status["last_run"]["id"].as_i64()), (Some(1), Some(run_id)));

    // This replica's worker takes it and runs it to the end.
    let taken = server_core::reports::runner::take(&state, now(), 10).await.unwrap();
    assert_eq!(taken, [(run_id, 1)]);
    server_core::reports::runner::execute(&state, run_id, 1).await.unwrap();
    let run = send(&app, "GET", &format!("/api/v1/runs/{run_id}"), None).await.json()["run"].clone();
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(run["progress"], 100);
    let formats: Vec<&str> = run["outputs"].as_array().unwrap().iter().map(|o| o["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["html", "csv", "pdf"]);

    let html = send(&app, "GET", &format!("/api/v1/runs/{run_id}/outputs/html"), None).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(html.headers["content-disposition"].to_str().unwrap().starts_with("inline"));
    let csp = html.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("sandbox"), "{csp}");
    let text = html.text();
    assert!(text.contains("&lt;b&gt;Weekly&lt;/b&gt; &amp; co"), "the name is escaped");
    assert!(!text.contains("<script"));
    let sha = run["outputs"][0]["sha256"].as_str().unwrap();
    let digest: String = sha2::Sha256::digest(&html.body).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest, sha, "the listed hash is the served file's");
    let csv = send(&app, "GET", &format!("/api/v1/runs/{run_id}/outputs/csv"), None).await;
    assert!(csv.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"), "a BOM for spreadsheet programs");
    let pdf = send(&app, "GET", &format!("/api/v1/runs/{run_id}/outputs/pdf"), None).await;
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    let disposition = pdf.headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment") && disposition.contains(".pdf"), "{disposition}");
    assert!(pdf.body.starts_with(b"%PDF-"), "a PDF file");
    // A format this run did not make.
    send(&app, "GET", &format!("/api/v1/runs/{run_id}/outputs/markdown"), None).await.assert_envelope(404, "NOT_FOUND");
    send(&app, "GET", &format!("/api/v1/runs/{run_id}/outputs/exe"), None)
        .await
        .assert_envelope(400, "VALIDATION_FAILED");

    let runs = send(&app, "GET", &format!("/api/v1/reports/{id}/runs"), None).await.json();
    assert_eq!(runs["meta"]["total"], 1);
    let all = send(&app, "GET", "/api/v1/runs?status=completed", None).await.json();
    assert_eq!(all["runs"][0]["id"], run_id);
    send(&app, "GET", "/api/v1/runs?status=done", None).await.assert_envelope(400, "VALIDATION_FAILED");
    send(&app, "GET", "/api/v1/reports/999999/runs", None).await.assert_envelope(404, "NOT_FOUND");
    // Finished: another run may start.
    assert_eq!(common::post_json(&app, &generate, "", &[]).await.status, StatusCode::ACCEPTED);
    // Deleting the report takes its runs and files with it.
    assert_eq!(send(&app, "DELETE", &format!("/api/v1/reports/{id}"), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(common::scalar(db, "select count(*) from report_outputs").await, 0);
    let generate_actions = actions(db).await.into_iter().filter(|a| a == "report.generate").count();
    assert_eq!(generate_actions, 2, "each run asked for is in the audit log once");
}
on_both_databases!(generate, a_run_asked_for_over_the_api_completes_with_its_files);

#[tokio::test]
async fn the_stream_carries_a_run_from_pending_to_completed() {
    use http_body_util::BodyExt;
    let db = common::TestDb::sqlite().await;
    // The worker's clock is the real one: the tail follows real change times.
    let state = common::state(&db.db);
    server_core::services::reports::ensure_builtins(&state).await.unwrap();
    tokio::spawn(server::jobs::report_run_tail::run(state.clone()));
    let reply = tower::ServiceExt::oneshot(
        common::app(state.clone()),
        Request::get("/api/v1/stream").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    let mut body = reply.into_body();
    let mut seen = String::new();
    let mut next_until = async |needle: &str| {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while !seen.contains(needle) {
            let frame = tokio::time::timeout_at(deadline, body.frame()).await.expect("event in time").unwrap().unwrap();
            if let Ok(data) = frame.into_data() {
                seen.push_str(&String::from_utf8_lossy(&data));
            }
        }
    };
    next_until("event: ready").await;
    let report = common::scalar(&db.db, "select id from reports where builtin = 'daily'").await;
    let app = common::app(state.clone());
    let run = common::post_json(&app, &format!("/api/v1/reports/{report}/generate"), "", &[]).await.json();
    let run_id = run["run"]["id"].as_i64().unwrap();
    let expected = format!(r#""run_id":{run_id},"report_id":{report},"status":"pending""#);
    next_until(&expected).await;
    let taken = server_core::reports::runner::take(&state, state.clock.now(), 10).await.unwrap();
    assert_eq!(taken, [(run_id, 1)]);
    server_core::reports::runner::execute(&state, run_id, 1).await.unwrap();
    next_until(r#""status":"completed","progress":100"#).await;
    assert!(seen.contains("event: report_run"), "{seen}");
}
