//! The dashboard through both doors (REST under `/api/dashboard/`, and the
//! server functions the UI calls) and the rendered page, on SQLite and on
//! Postgres, over a fixture whose every figure is known; the counters the
//! triggers keep, checked against plain counts after every kind of write; and
//! the live stream.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use server_core::db::bulk::{self, ActivityRow, BulkRow, ProblemRow, UserRow};
use server_core::db::{Db, Ts};
use server_core::model::range::Zone;
use server_core::services::dashboard::start_of_day;
use server_core::state::Clock;

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
    let today = start_of_day(now(), Zone::Kst).timestamp();
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
        // At 10:00 yesterday: user 1 had not signed up; user 5 had, at midnight;
        // nothing had happened yet between midnight and 10:00.
        "yesterday": {
            "total_users": 4,
            "active": 0,
            "new_users": 1,
            "users_by_type": { "free": 2, "paid": 1, "premium": 1 },
            "problems_total": 4,
            "activities": 0,
        },
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
        .body(Body::from("view[tz]=kst"))
        .unwrap();
    let reply = common::send(&app, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!(without_timestamp(body["data"].clone()), expected_stats());
    // The users-by-tier donut comes drawn: one pie, its slices the tiers' counts.
    let option: serde_json::Value = serde_json::from_str(body["option"].as_str().expect("option")).unwrap();
    let slices = option["series"][0]["data"].as_array().expect("pie data");
    let counts: Vec<i64> = slices.iter().map(|s| s["value"].as_i64().unwrap()).collect();
    let tiers = &expected_stats()["users_by_type"];
    assert_eq!(option["series"][0]["type"], "pie");
    assert_eq!(counts, ["free", "paid", "premium"].map(|t| tiers[t].as_i64().unwrap()));
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
    let today = now().with_timezone(&Zone::Kst.offset()).date_naive();
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
    assert!(html.contains(r#"lang="ko""#), "Korean by default");
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

async fn a_one_day_range_is_hourly(db: &Db) {
    load_fixture(db).await;
    let body = common::get(&router(db), "/api/dashboard/user-growth?range=today").await.json();
    let points = body["points"].as_array().unwrap();
    assert_eq!(body["range"]["bucket"], "hour");
    assert_eq!(points.len(), 10, "midnight to 10:00 KST: {body}");
    assert_eq!((points[0]["new_users"].as_i64(), points[0]["total_users"].as_i64()), (Some(1), Some(5)));
    assert_eq!(points[9]["start"], "2026-11-21T00:00:00Z");
}
on_both_databases!(hourly_growth, a_one_day_range_is_hourly);

async fn activity_is_counted_per_type_per_day_and_per_weekday_hour(db: &Db) {
    load_fixture(db).await;
    let app = router(db);
    let series = common::get(&app, "/api/dashboard/activity?range=7d").await.json();
    assert_eq!(series["buckets"].as_array().unwrap().len(), 7);
    assert_eq!(series["series"].as_array().unwrap().len(), 1, "{series}");
    assert_eq!(series["series"][0]["activity_type"], "problem_solve");
    assert_eq!(series["series"][0]["counts"], json!([0, 0, 0, 0, 0, 1, 2]));
    assert_eq!(series["series"][0]["total"], 3);

    // 2026-11-21 is a Saturday: two activities in its first KST hour, one at
    // 23:00 KST on Friday. In UTC both fall on Friday afternoon.
    let kst = common::get(&app, "/api/dashboard/activity-heatmap?range=7d").await.json();
    assert_eq!(
        (kst["counts"][5][0].as_i64(), kst["counts"][4][23].as_i64(), kst["max"].as_i64()),
        (Some(2), Some(1), Some(2))
    );
    let utc = common::get(&app, "/api/dashboard/activity-heatmap?range=7d&tz=utc").await.json();
    assert_eq!((utc["counts"][4][15].as_i64(), utc["counts"][4][14].as_i64()), (Some(2), Some(1)), "{utc}");
    let total: i64 =
        utc["counts"].as_array().unwrap().iter().flat_map(|r| r.as_array().unwrap()).map(|n| n.as_i64().unwrap()).sum();
    assert_eq!(total, 3);
}
on_both_databases!(activity_series, activity_is_counted_per_type_per_day_and_per_weekday_hour);

async fn problems_types_and_the_feed_have_their_endpoints(db: &Db) {
    load_fixture(db).await;
    let app = router(db);
    assert_eq!(
        common::get(&app, "/api/dashboard/problems").await.json(),
        json!({ "subjects": ["math"], "difficulties": ["easy", "medium", "hard"], "counts": [[4, 0, 0]], "total": 4 })
    );
    assert_eq!(
        common::get(&app, "/api/dashboard/users-by-type").await.json(),
        json!({ "free": 3, "paid": 1, "premium": 1 })
    );
    let feed = common::get(&app, "/api/dashboard/recent-activity?limit=2").await.json();
    let ids: Vec<i64> = feed["activities"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![3, 2], "newest first");
    assert_eq!(feed["activities"][0]["username"], "user2");
    assert_eq!(feed["activities"][0]["country"], "KR");
}
on_both_databases!(other_datasets, problems_types_and_the_feed_have_their_endpoints);

/// Rows of (key, count) from `sql`, on either database.
async fn grouped(db: &Db, sql: &str) -> Vec<(String, i64)> {
    match db {
        Db::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
    }
}

/// The counters equal plain counts over the tables.
async fn assert_counters_match(db: &Db) {
    for (what, counters, counted) in [
        (
            "users per type",
            "select user_type, cast(sum(n) as bigint) from user_signups_hourly group by 1 having sum(n) > 0 order by 1",
            "select user_type, count(*) from users group by 1 order by 1",
        ),
        (
            "users per country",
            "select country, n from user_country_counts where n > 0 order by 1",
            "select country, count(*) from users where country is not null group by 1 order by 1",
        ),
        (
            "activities",
            "select 'all', cast(coalesce(sum(n), 0) as bigint) from activity_hourly",
            "select 'all', count(*) from activities",
        ),
    ] {
        assert_eq!(grouped(db, counters).await, grouped(db, counted).await, "{what}");
    }
}

async fn counters_stay_exact_through_every_kind_of_write(db: &Db) {
    load_fixture(db).await;
    assert_counters_match(db).await;
    let record = |user_id| server_core::db::activities::NewActivity {
        user_id,
        activity_type: "login".into(),
        description: "로그인".into(),
        problem_id: None,
        created_at: Ts::from(now()),
    };
    server_core::db::activities::record(db, &[record(4), record(5)]).await.unwrap();
    for sql in [
        "update users set user_type = 'premium', country = 'JP' where id = 1",
        "update users set last_activity = created_at",
        "update users set country = null where id = 2",
        "delete from users where id = 3",
        "delete from activities where user_id = 4",
    ] {
        db.execute(sql).await.unwrap();
        assert_counters_match(db).await;
    }
    let stats = common::get(&router(db), "/api/dashboard/stats").await.json();
    assert_eq!(stats["users_by_type"], json!({ "free": 2, "paid": 1, "premium": 1 }));
    bulk::truncate_platform_tables(db).await.unwrap();
    assert_counters_match(db).await;
    load_fixture(db).await;
    assert_counters_match(db).await;
}
on_both_databases!(counters, counters_stay_exact_through_every_kind_of_write);

#[tokio::test]
async fn bad_range_parameters_name_the_parameter() {
    let db = common::TestDb::sqlite().await;
    let app = router(&db.db);
    for (uri, field) in [
        ("/api/dashboard/activity?range=3w", "range"),
        ("/api/dashboard/activity?range=custom", "from"),
        ("/api/dashboard/activity?range=custom&from=2026-11-10&to=2026-11-01", "from"),
        ("/api/dashboard/activity-heatmap?range=custom&from=2026-11-01&to=2026-12-01", "to"),
        ("/api/dashboard/user-growth?range=custom&from=2026-13-01&to=2026-11-01", "from"),
        ("/api/dashboard/stats?tz=mars", "tz"),
        ("/api/dashboard/recent-activity?limit=1000", "limit"),
    ] {
        let body = common::get(&app, uri).await.assert_envelope(400, "VALIDATION_FAILED");
        assert_eq!(body["error"]["details"]["fields"][0]["field"], field, "{uri}");
    }
    let custom = common::get(&app, "/api/dashboard/activity?range=custom&from=2026-11-01&to=2026-11-10").await.json();
    assert_eq!(custom["buckets"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn the_page_follows_the_preference_cookies() {
    let db = common::TestDb::sqlite().await;
    load_fixture(&db.db).await;
    let request = Request::get("/?range=7d")
        .header(header::COOKIE, "ds_lang=en; ds_theme=dark; ds_tz=utc")
        .body(Body::empty())
        .unwrap();
    let html = common::send(&router(&db.db), request).await.text();
    for expected in [r#"lang="en""#, r#"data-theme="dark""#, r#"data-tz="utc""#, "Dashboard", "Activity by type"] {
        assert!(html.contains(expected), "{expected} missing: {}", &html[..html.len().min(600)]);
    }
    let at = html.find(r#"data-testid="panel-subtitle""#).expect("a subtitle");
    assert!(html[at..at + 60].contains("7 days"), "the range from the URL: {}", &html[at..at + 60]);
}

#[tokio::test]
async fn the_stream_carries_new_activities_and_stats_changes() {
    use http_body_util::BodyExt;
    let db = common::TestDb::sqlite().await;
    load_fixture(&db.db).await;
    let state = common::state(&db.db);
    tokio::spawn(server::jobs::activity_tail::run(state.clone()));
    let reply = tower::ServiceExt::oneshot(
        common::app(state.clone()),
        Request::get("/api/v1/stream").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(reply.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut body = reply.into_body();
    let mut seen = String::new();
    let mut next_until = async |needle: &str| {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        while !seen.contains(needle) {
            let frame = tokio::time::timeout_at(deadline, body.frame()).await.expect("event in time").unwrap().unwrap();
            if let Ok(data) = frame.into_data() {
                seen.push_str(&String::from_utf8_lossy(&data));
            }
        }
    };
    next_until("event: ready").await;
    // Let the tail job take its starting point before the write.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let written = std::time::Instant::now();
    server_core::db::activities::record(
        &db.db,
        &[server_core::db::activities::NewActivity {
            user_id: 4,
            activity_type: "problem_view".into(),
            description: "문제 2 조회".into(),
            problem_id: None,
            created_at: Ts::now(),
        }],
    )
    .await
    .unwrap();
    next_until("event: activity").await;
    eprintln!("activity reached the stream {:?} after the write", written.elapsed());
    next_until("event: stats").await;
    assert!(seen.contains(r#""username":"user4""#) && seen.contains("problem_view"), "{seen}");
}

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
