//! The problem bank on SQLite and Postgres: validation edges
//! (empty, 200 vs 201 characters, bad enums, every bad field at once), an XSS
//! payload stored as text and shown inert, partial edits, archive and restore
//! (out of the bank and the dashboard's counts, recorded once), bulk status,
//! per-problem stats from activities, search and filters, roles and the audit log.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::Reply;
use serde_json::{json, Value};
use server_core::db::Db;
use server_core::model::Role;

async fn create(app: &Router, body: &Value) -> Reply {
    common::post_json(app, "/api/v1/problems", &body.to_string(), &[]).await
}

async fn patch(app: &Router, id: i64, body: &Value) -> Reply {
    let request = Request::patch(format!("/api/v1/problems/{id}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    common::send(app, request).await
}

fn field_names(reply: &Reply) -> Vec<String> {
    let body = reply.assert_envelope(400, "VALIDATION_FAILED");
    common::field_names(&body["error"]["details"])
}

async fn validation_reports_every_bad_field_and_writes_nothing(db: &Db) {
    let app = common::router(db);
    let reply =
        create(&app, &json!({ "title": "  ", "content": "", "difficulty": "extreme", "status": "published" })).await;
    assert_eq!(field_names(&reply), ["content", "difficulty", "status", "title"]);
    let reply = create(&app, &json!({ "title": "x".repeat(201), "content": "c" })).await;
    assert_eq!(field_names(&reply), ["title"]);
    let reply = create(&app, &json!({ "title": "가".repeat(201), "content": "c", "subject": "s".repeat(51) })).await;
    assert_eq!(field_names(&reply), ["subject", "title"], "characters, not bytes");
    assert_eq!(common::scalar(db, "select count(*) from problems").await, 0, "nothing written");
    // Malformed JSON is the envelope too.
    common::post_json(&app, "/api/v1/problems", "{\"title\":", &[]).await.assert_envelope(400, "VALIDATION_FAILED");

    let reply = create(&app, &json!({ "title": "가".repeat(200), "content": "c" })).await;
    assert_eq!(reply.status, StatusCode::CREATED, "200 characters is the limit: {}", reply.text());
    let problem = &reply.json()["problem"];
    assert_eq!(problem["status"], "draft", "new problems start as drafts");
    assert_eq!(problem["difficulty"], Value::Null);
    assert_eq!(problem["stats"]["views"], 0);
    assert_eq!(problem["stats"]["solve_rate"], Value::Null);
}
on_both_databases!(validation, validation_reports_every_bad_field_and_writes_nothing);

async fn markup_is_stored_as_text_and_rendered_inert(db: &Db) {
    let app = common::router(db);
    // `</textarea>` first: a form field must not be broken out of either.
    let payload = "<img src=x onerror=alert(1)></textarea><script>alert(2)</script>";
    let reply =
        create(&app, &json!({ "title": payload, "content": payload, "answer": payload, "status": "active" })).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let id = reply.json()["problem"]["id"].as_i64().unwrap();
    let body = common::get(&app, &format!("/api/v1/problems/{id}")).await.json();
    assert_eq!(body["problem"]["content"], payload, "stored exactly as sent");
    // The server-rendered page shows it escaped.
    let page = common::get(&app, &format!("/problems/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "escaped on the page");
    if let Some(at) = html.find("<img src=x") {
        panic!("as markup: …{}…", &html[at.saturating_sub(300)..(at + 200).min(html.len())]);
    }
    assert!(!html.contains("<script>alert(2)"), "never as markup");
}
on_both_databases!(xss, markup_is_stored_as_text_and_rendered_inert);

async fn edits_change_only_what_they_name_and_are_audited(db: &Db) {
    let app = common::router(db);
    let reply = create(&app, &json!({ "title": "Fractions", "content": "1/2 + 1/3 = ?", "answer": "5/6", "subject": "math", "difficulty": "easy", "status": "active" })).await;
    let id = reply.json()["problem"]["id"].as_i64().unwrap();
    let reply = patch(&app, id, &json!({ "title": "Adding fractions", "subject": "" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let problem = &reply.json()["problem"];
    assert_eq!(problem["title"], "Adding fractions");
    assert_eq!(problem["subject"], Value::Null, "an empty optional field is cleared");
    assert_eq!(problem["answer"], "5/6", "untouched");
    assert_eq!(problem["difficulty"], "easy");
    assert_eq!(
        field_names(&patch(&app, id, &json!({ "title": "", "difficulty": "x" })).await),
        ["difficulty", "title"]
    );
    patch(&app, 999_999, &json!({ "title": "t" })).await.assert_envelope(404, "NOT_FOUND");
    let audit = common::get(&app, "/api/v1/audit-log?action=problem.").await.json();
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "create and one update: {audit}");
    assert_eq!(entries[0]["action"], "problem.update");
    assert_eq!(entries[0]["target"], format!("problem:{id}"));
    assert!(entries[0]["details"].as_str().unwrap().contains("subject"));
    assert_eq!(entries[1]["target"], format!("problem:{id}"), "the create names the new id");

    // Viewers read but never write.
    let viewer = common::api_key(db, Role::Viewer, "").await;
    let auth = format!("Bearer {viewer}");
    let reply =
        common::post_json(&app, "/api/v1/problems", r#"{"title":"t","content":"c"}"#, &[("authorization", &auth)])
            .await;
    reply.assert_envelope(403, "FORBIDDEN");
    assert_eq!(common::scalar(db, "select count(*) from problems").await, 1);
}
on_both_databases!(edits, edits_change_only_what_they_name_and_are_audited);

async fn archived_problems_leave_the_bank_and_the_counts_until_restored(db: &Db) {
    let app = common::router(db);
    let mut ids = Vec::new();
    for title in ["Alpha", "Beta", "Gamma"] {
        let reply = create(&app, &json!({ "title": title, "content": "c", "status": "active" })).await;
        ids.push(reply.json()["problem"]["id"].as_i64().unwrap());
    }
    let stats = common::get(&app, "/api/dashboard/stats").await.json();
    assert_eq!(stats["problems_active"], 3);
    let reply = common::post_json(&app, &format!("/api/v1/problems/{}/archive", ids[1]), "", &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(reply.json()["problem"]["archived_at"].is_string());
    // Twice is harmless and recorded once.
    common::post_json(&app, &format!("/api/v1/problems/{}/archive", ids[1]), "", &[]).await;
    let bank = common::get(&app, "/api/v1/problems").await.json();
    let titles: Vec<&str> = bank["problems"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Gamma", "Alpha"], "newest change first, no archived");
    assert_eq!(bank["meta"]["total"], 2);
    let archive = common::get(&app, "/api/v1/problems?archived=true").await.json();
    assert_eq!(archive["problems"][0]["title"], "Beta");
    let stats = common::get(&app, "/api/dashboard/stats").await.json();
    assert_eq!(
        (stats["problems_active"].as_i64(), stats["problems_total"].as_i64()),
        (Some(2), Some(2)),
        "cache dropped"
    );
    let audit = common::get(&app, "/api/v1/audit-log?action=problem.archive").await.json();
    assert_eq!(audit["entries"].as_array().unwrap().len(), 1);

    common::post_json(&app, &format!("/api/v1/problems/{}/restore", ids[1]), "", &[]).await;
    assert_eq!(common::get(&app, "/api/v1/problems").await.json()["meta"]["total"], 3);
    common::post_json(&app, "/api/v1/problems/424242/archive", "", &[]).await.assert_envelope(404, "NOT_FOUND");
}
on_both_databases!(archive, archived_problems_leave_the_bank_and_the_counts_until_restored);

async fn bulk_status_changes_the_named_problems_in_one_audited_step(db: &Db) {
    let app = common::router(db);
    let mut ids = Vec::new();
    for i in 0..5 {
        let reply = create(&app, &json!({ "title": format!("P{i}"), "content": "c", "status": "draft" })).await;
        ids.push(reply.json()["problem"]["id"].as_i64().unwrap());
    }
    let body = json!({ "ids": [ids[0], ids[1], ids[2], 987_654], "status": "active" });
    let reply = common::post_json(&app, "/api/v1/problems/bulk-status", &body.to_string(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["updated"], 3, "the unknown id is skipped");
    assert_eq!(common::scalar(db, "select count(*) from problems where status = 'active'").await, 3);
    let again = common::post_json(&app, "/api/v1/problems/bulk-status", &body.to_string(), &[]).await;
    assert_eq!(again.json()["updated"], 0, "already so");

    let bad = json!({ "ids": [ids[3]], "status": "gone" });
    let reply = common::post_json(&app, "/api/v1/problems/bulk-status", &bad.to_string(), &[]).await;
    assert_eq!(field_names(&reply), ["status"]);
    let many: Vec<i64> = (1..=501).collect();
    let reply = common::post_json(
        &app,
        "/api/v1/problems/bulk-status",
        &json!({ "ids": many, "status": "active" }).to_string(),
        &[],
    )
    .await;
    assert_eq!(field_names(&reply), ["ids"]);
    assert_eq!(
        common::scalar(db, "select count(*) from problems where status = 'active'").await,
        3,
        "nothing else changed"
    );
    let audit = common::get(&app, "/api/v1/audit-log?action=problem.bulk_status").await.json();
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let details: Value = serde_json::from_str(entries[0]["details"].as_str().unwrap()).unwrap();
    assert_eq!(details["ids"], json!([ids[0], ids[1], ids[2]]));
}
on_both_databases!(bulk, bulk_status_changes_the_named_problems_in_one_audited_step);

async fn stats_count_views_tries_and_solves_from_activities(db: &Db) {
    let app = common::router(db);
    let id = create(&app, &json!({ "title": "Stats", "content": "c", "status": "active" })).await.json()["problem"]
        ["id"]
        .as_i64()
        .unwrap();
    let other =
        create(&app, &json!({ "title": "Other", "content": "c" })).await.json()["problem"]["id"].as_i64().unwrap();
    db.execute("insert into users (email, username) values ('s@example.com', 's')").await.unwrap();
    let user = common::scalar(db, "select id from users where email = 's@example.com'").await;
    for (kind, n, problem) in [
        ("problem_view", 3, id),
        ("problem_attempt", 1, id),
        ("problem_solve", 2, id),
        ("problem_view", 5, other),
        ("login", 4, id),
    ] {
        for _ in 0..n {
            db.execute(&format!(
                "insert into activities (user_id, activity_type, problem_id) values ({user}, '{kind}', {problem})"
            ))
            .await
            .unwrap();
        }
    }
    let body = common::get(&app, &format!("/api/v1/problems/{id}")).await.json();
    let stats = &body["problem"]["stats"];
    assert_eq!(
        (stats["views"].as_i64(), stats["attempts"].as_i64(), stats["solves"].as_i64()),
        (Some(3), Some(1), Some(2))
    );
    assert!((stats["solve_rate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    // Triggers keep them exact on delete too.
    db.execute(&format!("delete from activities where activity_type = 'problem_solve' and problem_id = {id}"))
        .await
        .unwrap();
    let list = common::get(&app, "/api/v1/problems?q=stat").await.json();
    assert_eq!(list["problems"][0]["stats"]["solves"], 0);
    assert_eq!(list["problems"][0]["stats"]["solve_rate"], 0.0);
    assert_eq!(list["meta"]["total"], 1, "title search");
}
on_both_databases!(stats, stats_count_views_tries_and_solves_from_activities);

async fn filters_and_title_order_page_through_the_bank(db: &Db) {
    let app = common::router(db);
    for i in 0..23 {
        let difficulty = ["easy", "medium", "hard"][i % 3];
        let subject = ["math", "science"][i % 2];
        create(&app, &json!({ "title": format!("Problem {i:02}"), "content": "c", "subject": subject, "difficulty": difficulty, "status": "active" })).await;
    }
    let mut titles = Vec::new();
    let mut cursor = String::new();
    loop {
        let body = common::get(&app, &format!("/api/v1/problems?sort=title&order=asc&per_page=5&subject=math{cursor}"))
            .await
            .json();
        titles.extend(body["problems"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap().to_owned()));
        match body["meta"]["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    let expected: Vec<String> = (0..23).filter(|i| i % 2 == 0).map(|i| format!("Problem {i:02}")).collect();
    assert_eq!(titles, expected);
    let hard = common::get(&app, "/api/v1/problems?difficulty=hard&subject=science").await.json();
    assert!(hard["problems"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["difficulty"] == "hard" && p["subject"] == "science"));
    assert_eq!(hard["meta"]["total"], 3, "5, 11 and 17");
    let subjects = common::get(&app, "/api/v1/problem-subjects").await.json();
    assert_eq!(subjects["subjects"], json!(["math", "science"]));
    let reply = common::get(&app, "/api/v1/problems/export.csv?difficulty=easy&sort=title&order=asc").await;
    let text = String::from_utf8(reply.body[3..].to_vec()).unwrap();
    assert_eq!(text.lines().count(), 1 + 8, "header and the easy ones");
    common::get(&app, "/api/v1/problems?status=published").await.assert_envelope(400, "VALIDATION_FAILED");
}
on_both_databases!(filters, filters_and_title_order_page_through_the_bank);
