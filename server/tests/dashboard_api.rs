//! The dashboard through both doors (REST at the seed's paths, and the server
//! functions the UI calls) and the rendered page, on SQLite and on Postgres,
//! over a fixture whose every figure is known.

mod common;

use app::db::bulk::{self, ActivityRow, BulkRow, ProblemRow, UserRow};
use app::db::{Db, Ts};
use app::services::dashboard::{start_of_day, KST};
use app::state::Clock;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

/// The instant the fixture and every request agree is "now": 10:00 KST.
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-21T10:00:00+09:00").unwrap().with_timezone(&Utc)
}

/// The router, with the fixture's notion of now.
fn router(db: &Db) -> axum::Router {
    common::router_with_clock(db, Clock::Fixed(now()))
}

/// Five users, four problems, three activities, placed around the start of
/// today (KST) so that exactly these figures hold:
/// total 5, online 1, active today 2, new today 1, free/paid/premium 3/1/1,
/// problems 3 active of 4, activities today 2; KR 2 users (1 active today),
/// JP 1 (0), US 1 (1), one user without a country.
async fn load_fixture(db: &Db) {
    let today = start_of_day(now(), KST).timestamp();
    let at = |offset: i64| Ts::from_secs(today + offset);
    let user = |id: i64,
                user_type: &'static str,
                country: Option<&'static str>,
                created: i64,
                last: Option<i64>,
                online: bool| UserRow {
        id,
        email: format!("user{id}@example.com"),
        username: format!("user{id}"),
        user_type,
        created_at: at(created),
        last_activity: last.map(at),
        is_online: online,
        country,
        metadata: json!({ "grade": 3 }),
    };
    let users = [
        user(1, "free", Some("KR"), 1, Some(2), true),
        user(2, "paid", Some("KR"), -2 * 86_400, Some(-3_600), false),
        user(3, "premium", Some("US"), -10 * 86_400, Some(5), false),
        user(4, "free", Some("JP"), -40 * 86_400, None, false),
        user(5, "free", None, -86_400, None, false),
    ];
    UserRow::insert(db, &users).await.unwrap();

    let problem = |id: i64, status: &'static str| ProblemRow {
        id,
        title: format!("문제 {id}"),
        content: "1 + 1 = ?".into(),
        answer: "2".into(),
        subject: "math",
        difficulty: "easy",
        status,
        created_at: at(-86_400),
        updated_at: at(-86_400),
    };
    let problems = [problem(1, "active"), problem(2, "active"), problem(3, "active"), problem(4, "draft")];
    ProblemRow::insert(db, &problems).await.unwrap();

    let activity = |user_id: i64, offset: i64| ActivityRow {
        user_id,
        activity_type: "problem_solve",
        description: "문제 1 정답".into(),
        metadata: json!({ "device": "web" }),
        problem_id: Some(1),
        created_at: at(offset),
    };
    ActivityRow::insert(db, &[activity(1, 2), activity(3, 5), activity(2, -3_600)]).await.unwrap();
    bulk::sync_id_sequences(db).await.unwrap();
}

/// The stat figures of the fixture, as the API spells them.
fn expected_stats() -> Value {
    json!({
        "total_users": 5,
        "online_users": 1,
        "active_today": 2,
        "new_today": 1,
        "users_by_type": { "free": 3, "paid": 1, "premium": 1 },
        "problems_active": 3,
        "problems_total": 4,
        "activities_today": 2,
    })
}

fn without_timestamp(mut stats: Value) -> Value {
    stats.as_object_mut().unwrap().remove("as_of").expect("as_of present");
    stats
}

async fn rest_stats_report_the_fixture(db: &Db) {
    load_fixture(db).await;
    let reply = common::get(&router(db), "/api/dashboard/stats").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(without_timestamp(reply.json()), expected_stats());
}
on_both_databases!(rest_stats, rest_stats_report_the_fixture);

async fn server_function_returns_what_rest_returns(db: &Db) {
    load_fixture(db).await;
    let app = router(db);
    let request = Request::post("/api/fn/dashboard_stats")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    let reply = common::send(&app, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(without_timestamp(reply.json()), expected_stats());
}
on_both_databases!(server_function_stats, server_function_returns_what_rest_returns);

async fn user_growth_counts_sign_ups_per_korean_day(db: &Db) {
    load_fixture(db).await;
    let reply = common::get(&router(db), "/api/dashboard/user-growth?days=30").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    let points = body["points"].as_array().unwrap();
    assert_eq!(body["days"], 30);
    assert_eq!(points.len(), 30);
    let today = now().with_timezone(&KST).date_naive();
    assert_eq!(points[29]["date"], today.to_string());
    assert_eq!(points[29]["new_users"], 1);
    assert_eq!(points[29]["total_users"], 5);
    assert_eq!(points[28]["new_users"], 1, "user 5 signed up yesterday");
    assert_eq!(points[27]["new_users"], 1, "user 2 signed up two days ago");
    // User 4 (40 days ago) is in the running total from the first day on.
    assert_eq!(points[0]["total_users"], 1);
    let new_in_range: i64 = points.iter().map(|p| p["new_users"].as_i64().unwrap()).sum();
    assert_eq!(new_in_range, 4);
    let totals: Vec<i64> = points.iter().map(|p| p["total_users"].as_i64().unwrap()).collect();
    assert!(totals.windows(2).all(|w| w[0] <= w[1]), "running total never falls: {totals:?}");
    assert_eq!(today - Duration::days(29), points[0]["date"].as_str().unwrap().parse().unwrap());
}
on_both_databases!(user_growth, user_growth_counts_sign_ups_per_korean_day);

async fn countries_have_names_positions_and_today_active(db: &Db) {
    load_fixture(db).await;
    let reply = common::get(&router(db), "/api/dashboard/countries").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({ "countries": [
            { "country": "KR", "name": "South Korea", "name_ko": "대한민국", "users": 2, "today_active": 1, "lat": 36.4, "lng": 127.8 },
            { "country": "JP", "name": "Japan", "name_ko": "일본", "users": 1, "today_active": 0, "lat": 36.0, "lng": 136.9 },
            { "country": "US", "name": "United States", "name_ko": "미국", "users": 1, "today_active": 1, "lat": 39.5, "lng": -99.1 },
        ]})
    );
}
on_both_databases!(countries, countries_have_names_positions_and_today_active);

async fn empty_database_gives_zeros_not_errors(db: &Db) {
    let app = router(db);
    let stats = common::get(&app, "/api/dashboard/stats").await;
    assert_eq!(stats.status, StatusCode::OK);
    assert_eq!(stats.json()["total_users"], 0);
    let growth = common::get(&app, "/api/dashboard/user-growth").await.json();
    assert_eq!(growth["points"].as_array().unwrap().len(), 30, "30 days by default");
    assert!(growth["points"].as_array().unwrap().iter().all(|p| p["total_users"] == 0));
    assert_eq!(common::get(&app, "/api/dashboard/countries").await.json(), json!({ "countries": [] }));
}
on_both_databases!(empty_database, empty_database_gives_zeros_not_errors);

async fn dashboard_page_is_rendered_with_the_figures(db: &Db) {
    load_fixture(db).await;
    let reply = common::get(&router(db), "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = reply.text();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains(r#"<html lang="ko""#));
    // The cards are rendered on the server with the fixture's figures.
    assert!(html.contains(r#"data-testid="total_users""#));
    for figure in [r#"class="stat-value">5<"#, r#"class="stat-value">1<"#, r#"class="stat-value">2<"#, "3 / 4"] {
        assert!(html.contains(figure), "{figure} missing from the page");
    }
    assert!(html.contains(r#"data-testid="users_by_type.free">3<"#));
    assert!(html.contains(r#"id="user-growth-chart""#) && html.contains(r#"id="user-map""#));
    assert!(html.contains("/vendor/echarts/echarts.min.js") && html.contains("/vendor/leaflet/leaflet.js"));
    assert!(!html.contains("http://") && !html.contains("https://"), "no asset from another origin");
}
on_both_databases!(dashboard_page, dashboard_page_is_rendered_with_the_figures);

#[tokio::test]
async fn bad_days_get_the_validation_envelope() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    for uri in [
        "/api/dashboard/user-growth?days=0",
        "/api/dashboard/user-growth?days=731",
        "/api/dashboard/user-growth?days=abc",
    ] {
        let reply = common::get(&app, uri).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        let body = reply.json();
        assert_eq!(body["success"], false, "{uri}");
        assert_eq!(body["error"]["code"], "VALIDATION_FAILED", "{uri}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(body["error"]["timestamp"].is_string());
    }
    let reply = common::get(&app, "/api/dashboard/user-growth?days=0").await;
    assert_eq!(reply.json()["error"]["details"]["fields"][0]["field"], "days");
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_404_and_pages_an_html_404() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    let api = common::get(&app, "/api/v1/nothing-here").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.json()["error"]["code"], "NOT_FOUND");
    let page = common::get(&app, "/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("페이지를 찾을 수 없습니다"));
}

#[tokio::test]
async fn healthz_is_the_seeds_shape() {
    let db = common::TestDb::sqlite().await;
    let reply = common::get(&common::router(&db.db), "/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({ "status": "healthy" }));
}
