//! The users and activities lists on SQLite and Postgres: every
//! filter and order against the same question asked of the database directly,
//! keyset pages that neither skip nor repeat rows while users are inserted
//! concurrently, the totals, field errors, a user's detail and tier change
//! (audit-logged, editors only), and the CSV export (BOM, escaping, filters).

use crate::common;

use std::collections::HashSet;

use axum::http::StatusCode;
use server::seed::Plan;
use server_core::db::{Db, Ts};
use server_core::model::Role;

/// The seeded history ends here.
const UNTIL: i64 = 1_790_000_000;

async fn seeded(db: &Db, users: u64, activities: u64) {
    let plan = Plan { users, activities, problems: 10, seed: 42, days: 60, until: UNTIL, rebuild_indexes: false };
    server::seed::run(db, &plan, false, false).await.expect("seed");
}

async fn ids(db: &Db, sql: &str) -> Vec<i64> {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    }
}

async fn every_order_pages_through_the_users_in_the_databases_order(db: &Db) {
    seeded(db, 240, 1_500).await;
    let app = common::router(db);
    // Ties on purpose: users with the same sign-up time and the same name.
    let mut same = String::from(
        "update users set created_at = (select created_at from users where id = 1), username = 'twin' where id in (",
    );
    same.push_str(&(2..30).map(|i| i.to_string()).collect::<Vec<_>>().join(","));
    same.push(')');
    db.execute(&same).await.unwrap();
    db.execute("update users set last_activity = null where id % 7 = 0").await.unwrap();

    for (sort, column) in
        [("created_at", "created_at"), ("last_activity", "last_activity"), ("username", "username"), ("email", "email")]
    {
        for order in ["desc", "asc"] {
            let (got, total) =
                common::walk_pages(&app, "/api/v1/users", &format!("sort={sort}&order={order}&per_page=17"), "users")
                    .await;
            let expected =
                ids(db, &format!("select id from users order by {column} {order} nulls last, id {order}")).await;
            assert_eq!(total, 240);
            // Text order differs between the databases' collations and Rust, so
            // the database itself is the reference.
            assert_eq!(got, expected, "sort={sort} order={order}");
        }
    }
}
on_both_databases!(orders, every_order_pages_through_the_users_in_the_databases_order);

async fn filters_match_the_database_and_totals_count_every_page(db: &Db) {
    seeded(db, 300, 1_000).await;
    db.execute(
        "insert into users (email, username, user_type, country) values ('Zed.Kim@Example.com', 'zed', 'paid', 'KR')",
    )
    .await
    .unwrap();
    let app = common::router(db);
    let day = |secs: i64| chrono::DateTime::from_timestamp(secs, 0).unwrap().format("%Y-%m-%d").to_string();
    let from = day(UNTIL - 20 * 86_400);
    let to = day(UNTIL - 10 * 86_400);
    let (from_ts, to_ts) = (
        Ts::from(chrono::NaiveDate::parse_from_str(&from, "%Y-%m-%d").unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc())
            .secs(),
        Ts::from(chrono::NaiveDate::parse_from_str(&to, "%Y-%m-%d").unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc())
            .secs()
            + 86_400,
    );
    let time = |secs: i64| match db {
        Db::Sqlite(_) => secs.to_string(),
        Db::Postgres(_) => format!("to_timestamp({secs})"),
    };
    let cases = [
        ("user_type=premium", "user_type = 'premium'".to_owned()),
        ("country=kr", "country = 'KR'".to_owned()),
        ("online=true", "is_online".to_owned()),
        ("online=false", "not is_online".to_owned()),
        ("q=ZED.k", "lower(email) like 'zed.k%' or lower(username) like 'zed.k%'".to_owned()),
        ("q=min", "lower(email) like 'min%' or lower(username) like 'min%'".to_owned()),
        (
            &*format!("signed_up_from={from}&signed_up_to={to}&tz=utc"),
            format!("created_at >= {} and created_at < {}", time(from_ts), time(to_ts)),
        ),
        ("user_type=free&country=US", "user_type = 'free' and country = 'US'".to_owned()),
        (
            "user_type=paid&online=false&q=s",
            "user_type = 'paid' and not is_online and (lower(email) like 's%' or lower(username) like 's%')".to_owned(),
        ),
    ];
    for (query, condition) in cases {
        let (got, total) = common::walk_pages(&app, "/api/v1/users", &format!("{query}&per_page=40"), "users").await;
        let expected =
            ids(db, &format!("select id from users where {condition} order by created_at desc, id desc")).await;
        assert!(!expected.is_empty() || query.starts_with("q=min"), "{query} should match someone");
        assert_eq!(got, expected, "{query}");
        assert_eq!(total, expected.len() as i64, "total of {query}");
    }
    let body = common::get(&app, "/api/v1/users?q=zed.kim@").await.json();
    assert_eq!(body["users"][0]["email"], "Zed.Kim@Example.com", "search ignores case");
}
on_both_databases!(filters, filters_match_the_database_and_totals_count_every_page);

async fn bad_list_parameters_are_named_in_one_answer(db: &Db) {
    let app = common::router(db);
    let reply = common::get(&app, "/api/v1/users?per_page=101").await;
    let body = reply.assert_envelope(400, "VALIDATION_FAILED");
    assert_eq!(body["error"]["details"]["fields"][0]["field"], "per_page");

    let reply = common::get(
        &app,
        "/api/v1/users?user_type=gold&country=Korea&online=yes&signed_up_from=2026-13-01&sort=age&order=up",
    )
    .await;
    let body = reply.assert_envelope(400, "VALIDATION_FAILED");
    let fields = common::field_names(&body["error"]["details"]);
    for field in ["user_type", "country", "online", "signed_up_from", "sort", "order"] {
        assert!(fields.iter().any(|f| f == field), "{field} missing from {body}");
    }
    common::get(&app, "/api/v1/users?cursor=garbage").await.assert_envelope(400, "VALIDATION_FAILED");
    // A cursor is bound to its order.
    seeded(db, 30, 0).await;
    let page = common::get(&app, "/api/v1/users?per_page=5&sort=email").await.json();
    let cursor = page["meta"]["next_cursor"].as_str().unwrap().to_owned();
    common::get(&app, &format!("/api/v1/users?sort=username&cursor={cursor}"))
        .await
        .assert_envelope(400, "VALIDATION_FAILED");
    common::get(&app, "/api/v1/activities?user_id=abc&from=yesterday").await.assert_envelope(400, "VALIDATION_FAILED");
}
on_both_databases!(bad_parameters, bad_list_parameters_are_named_in_one_answer);

async fn insert_user(db: &Db, email: &str, created_at: i64) {
    const SQL: &str = "insert into users (email, username, created_at) values ($1, $1, $2)";
    match db {
        Db::Sqlite(pool) => {
            sqlx::query(SQL).bind(email).bind(Ts::from_secs(created_at)).execute(pool).await.unwrap();
        }
        Db::Postgres(pool) => {
            sqlx::query(SQL).bind(email).bind(Ts::from_secs(created_at)).execute(pool).await.unwrap();
        }
    }
}

async fn keyset_pages_neither_skip_nor_repeat_while_users_are_inserted(db: &Db) {
    seeded(db, 400, 0).await;
    let before: HashSet<i64> = ids(db, "select id from users").await.into_iter().collect();
    let app = common::router(db);
    // A writer inserts users all over the time line while the reader pages.
    let writer = {
        let db = db.clone();
        tokio::spawn(async move {
            for i in 0..300_i64 {
                let at = UNTIL - (i * 7_919) % (60 * 86_400);
                insert_user(&db, &format!("new{i}@example.com"), at).await;
                tokio::task::yield_now().await;
            }
        })
    };
    for sort in ["created_at", "email"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let uri = match &cursor {
                Some(c) => format!("/api/v1/users?sort={sort}&per_page=13&cursor={c}"),
                None => format!("/api/v1/users?sort={sort}&per_page=13"),
            };
            let body = common::get(&app, &uri).await.json();
            seen.extend(body["users"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()));
            // Rows inserted right now, before and after the cursor.
            insert_user(
                db,
                &format!("{sort}-{}@example.com", seen.len()),
                UNTIL - (seen.len() as i64 * 977) % 5_000_000,
            )
            .await;
            match body["meta"]["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let unique: HashSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "{sort}: a row was repeated");
        assert!(
            before.is_subset(&unique),
            "{sort}: {} rows present from the start were skipped",
            before.difference(&unique).count()
        );
    }
    writer.await.unwrap();
}
on_both_databases!(keyset_under_inserts, keyset_pages_neither_skip_nor_repeat_while_users_are_inserted);

async fn a_user_detail_and_an_audited_type_change_for_editors_only(db: &Db) {
    seeded(db, 20, 300).await;
    let app = common::router(db);
    let id = common::scalar(db, "select id from users where user_type <> 'premium' order by id limit 1").await;
    let body = common::get(&app, &format!("/api/v1/users/{id}")).await.json();
    let activities = common::scalar(db, &format!("select count(*) from activities where user_id = {id}")).await;
    assert_eq!(body["user"]["id"], id);
    assert_eq!(body["user"]["activity_count"], activities);
    assert!(body["user"]["metadata"].as_str().unwrap().contains("grade"));
    common::get(&app, "/api/v1/users/999999").await.assert_envelope(404, "NOT_FOUND");

    let viewer = common::api_key(db, Role::Viewer, "").await;
    let editor = common::api_key(db, Role::Editor, "").await;
    let patch = |key: &str, body: &str| {
        let request = axum::http::Request::patch(format!("/api/v1/users/{id}"))
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {key}"))
            .body(axum::body::Body::from(body.to_owned()))
            .unwrap();
        let app = app.clone();
        async move { common::send(&app, request).await }
    };
    patch(&viewer, r#"{"user_type":"premium"}"#).await.assert_envelope(403, "FORBIDDEN");
    patch(&editor, r#"{"user_type":"gold"}"#).await.assert_envelope(400, "VALIDATION_FAILED");
    assert_eq!(
        common::scalar(db, &format!("select count(*) from users where id = {id} and user_type = 'premium'")).await,
        0
    );
    let reply = patch(&editor, r#"{"user_type":"premium"}"#).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["user"]["user_type"], "premium");
    let audit = common::get(&app, "/api/v1/audit-log?action=user.type_change").await.json();
    assert_eq!(audit["entries"][0]["target"], format!("user:{id}"));
    assert!(audit["entries"][0]["details"].as_str().unwrap().contains("premium"));
    let premium = common::get(&app, "/api/dashboard/stats").await.json();
    assert_eq!(
        premium["users_by_type"]["premium"],
        common::scalar(db, "select count(*) from users where user_type = 'premium'").await,
        "the cached stats were dropped"
    );
}
on_both_databases!(detail, a_user_detail_and_an_audited_type_change_for_editors_only);

async fn activities_filter_by_user_type_and_days_with_exact_totals(db: &Db) {
    seeded(db, 50, 3_000).await;
    let app = common::router(db);
    let user =
        common::scalar(db, "select user_id from activities group by user_id order by count(*) desc limit 1").await;
    let (got, total) =
        common::walk_pages(&app, "/api/v1/activities", &format!("user_id={user}&per_page=25"), "activities").await;
    let expected =
        ids(db, &format!("select id from activities where user_id = {user} order by created_at desc, id desc")).await;
    assert_eq!(got, expected);
    assert_eq!(total, expected.len() as i64);

    let day = chrono::DateTime::from_timestamp(UNTIL - 5 * 86_400, 0).unwrap().format("%Y-%m-%d").to_string();
    let (got, total) = common::walk_pages(
        &app,
        "/api/v1/activities",
        &format!("activity_type=problem_solve&from={day}&to={day}&per_page=100"),
        "activities",
    )
    .await;
    let start = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp()
        - 9 * 3600;
    let time = |secs: i64| match db {
        Db::Sqlite(_) => secs.to_string(),
        Db::Postgres(_) => format!("to_timestamp({secs})"),
    };
    let expected = ids(
        db,
        &format!(
            "select id from activities where activity_type = 'problem_solve' and created_at >= {} and created_at < {} \
             order by created_at desc, id desc",
            time(start),
            time(start + 86_400)
        ),
    )
    .await;
    assert!(!expected.is_empty());
    assert_eq!(got, expected, "KST day");
    assert_eq!(total, expected.len() as i64);
    let all = common::get(&app, "/api/v1/activities?per_page=1").await.json();
    assert_eq!(all["meta"]["total"], 3_000);

    // Totals over ranges that cut hours: counters for whole hours plus the edges.
    for (from, to) in
        [(UNTIL - 40 * 86_400 + 1_234, UNTIL - 3 * 86_400 - 777), (UNTIL - 86_400 + 100, UNTIL - 86_400 + 200)]
    {
        let filter = server_core::db::activities::Filter {
            from: Some(Ts::from_secs(from)),
            to: Some(Ts::from_secs(to)),
            ..Default::default()
        };
        let counted = server_core::db::activities::count(db, &filter).await.unwrap();
        let direct = common::scalar(
            db,
            &format!(
                "select count(*) from activities where created_at >= {} and created_at < {}",
                time(from),
                time(to)
            ),
        )
        .await;
        assert_eq!(counted, direct, "[{from}, {to})");
    }
    let types = common::get(&app, "/api/v1/activity-types").await.json();
    assert!(types["activity_types"].as_array().unwrap().iter().any(|t| t == "problem_solve"));
}
on_both_databases!(activities, activities_filter_by_user_type_and_days_with_exact_totals);

/// The data lines of a CSV body after checking its BOM and header.
fn csv_lines(body: &[u8], header: &str) -> Vec<String> {
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM first");
    let text = std::str::from_utf8(&body[3..]).expect("UTF-8");
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    assert_eq!(lines.pop().as_deref(), Some(""), "ends with CRLF");
    assert_eq!(lines.remove(0), header);
    lines
}

async fn filtered_lists_export_as_csv_with_formulas_defused(db: &Db) {
    seeded(db, 120, 500).await;
    db.execute(
        "insert into users (email, username, user_type, country) values \
         ('evil@example.com', '=HYPERLINK(\"http://x\",\"click\")', 'premium', 'KR'), \
         ('kim@example.com', '김철수, \"반장\"', 'premium', 'KR')",
    )
    .await
    .unwrap();
    let app = common::router(db);
    let reply = common::get(&app, "/api/v1/users/export.csv?user_type=premium&country=KR&sort=email&order=asc").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers["content-type"], "text/csv; charset=utf-8");
    assert!(reply.headers["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"users-"));
    let lines = csv_lines(&reply.body, "id,email,username,user_type,country,created_at,last_activity,is_online");
    let expected =
        common::scalar(db, "select count(*) from users where user_type = 'premium' and country = 'KR'").await;
    assert_eq!(lines.len() as i64, expected);
    assert!(lines.iter().all(|l| l.contains(",premium,KR,")), "every row matches the filter");
    let evil = lines.iter().find(|l| l.contains("evil@example.com")).unwrap();
    assert!(evil.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\","), "{evil}");
    let kim = lines.iter().find(|l| l.contains("kim@example.com")).unwrap();
    assert!(kim.contains(",\"김철수, \"\"반장\"\"\","), "{kim}");

    let reply = common::get(&app, "/api/v1/activities/export.csv?activity_type=login").await;
    let lines = csv_lines(&reply.body, "id,created_at,user_id,username,country,activity_type,description");
    assert_eq!(
        lines.len() as i64,
        common::scalar(db, "select count(*) from activities where activity_type = 'login'").await
    );
    common::get(&app, "/api/v1/users/export.csv?user_type=gold").await.assert_envelope(400, "VALIDATION_FAILED");
    let anonymous = common::anonymous_router(db);
    let request = axum::http::Request::get("/api/v1/users/export.csv")
        .header("x-test-anonymous", "1")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(common::send(&anonymous, request).await.status, StatusCode::UNAUTHORIZED);
}
on_both_databases!(export, filtered_lists_export_as_csv_with_formulas_defused);

async fn texts(db: &Db, sql: &str) -> Vec<String> {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    }
}

/// The per-country-and-type counter (migration 0010) answers the totals of
/// type and country filters and the dashboard's users by type: it must follow
/// every insert, multi-row update and delete exactly, users without a country
/// included; and country + type sorted by username (its composite index)
/// pages in the database's own order.
async fn the_country_and_type_counter_follows_every_change(db: &Db) {
    seeded(db, 200, 100).await;
    for sql in [
        "insert into users (email, username, user_type, country) values \
         ('a@x.io', 'a', 'paid', null), ('b@x.io', 'b', 'premium', 'KE'), ('c@x.io', 'c', 'free', 'KE')",
        "update users set user_type = 'premium' where id % 5 = 0",
        "update users set country = 'KE' where id % 7 = 0",
        "update users set country = null where id % 11 = 0",
        "update users set username = username || 'x' where id % 3 = 0",
        "update users set user_type = 'paid', country = 'JP' where email = 'c@x.io'",
        "delete from users where email in ('a@x.io', 'c@x.io')",
    ] {
        db.execute(sql).await.unwrap();
        let counted = texts(
            db,
            "select country || '/' || user_type || '=' || n from user_country_type_counts where n <> 0 order by 1",
        )
        .await;
        let actual = texts(
            db,
            "select coalesce(country, '') || '/' || user_type || '=' || count(*) from users \
             group by coalesce(country, ''), user_type order by 1",
        )
        .await;
        assert_eq!(counted, actual, "after {sql}");
    }

    let app = common::router(db);
    for order in ["asc", "desc"] {
        let query = format!("user_type=premium&country=KE&sort=username&order={order}&per_page=2");
        let (got, total) = common::walk_pages(&app, "/api/v1/users", &query, "users").await;
        let expected = ids(
            db,
            &format!(
                "select id from users where user_type = 'premium' and country = 'KE' order by username {order}, id {order}"
            ),
        )
        .await;
        assert!(expected.len() > 3, "the case needs several pages");
        assert_eq!(got, expected, "{query}");
        assert_eq!(total, expected.len() as i64, "{query}");
    }
    let premium = common::scalar(db, "select count(*) from users where user_type = 'premium'").await;
    let body = common::get(&app, "/api/v1/users?user_type=premium&per_page=1").await.json();
    assert_eq!(body["meta"]["total"].as_i64(), Some(premium));
}
on_both_databases!(country_type_counter, the_country_and_type_counter_follows_every_change);

/// A list asked for with no filter at all: the browser sends an empty form
/// (every field of the query is absent), which must mean "the defaults", not
/// a 400 for a missing `query`.
#[tokio::test]
async fn list_server_functions_take_an_empty_query() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    for endpoint in ["problems_list", "users_list", "activities_list", "audit_list", "reports_list", "runs_list"] {
        let request = axum::http::Request::post(format!("/api/fn/{endpoint}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::empty())
            .unwrap();
        let reply = common::send(&app, request).await;
        assert_eq!(reply.status, axum::http::StatusCode::OK, "{endpoint}: {}", reply.text());
    }
}
