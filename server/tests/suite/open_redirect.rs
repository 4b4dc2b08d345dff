//! Issue #11 item 2: the page to return to after signing in (`next`) is a path
//! on this site or nothing. A plain form post with a `next` that a browser
//! would follow elsewhere (a tab or line break it drops, a backslash it reads
//! as `/`) is sent to `/`, and a `next` that cannot even be a `Location`
//! header no longer makes the handler fail after the session was written.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::Reply;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use server_core::db::Db;
use server_core::model::Role;

const PASSWORD: &str = "correct horse battery";

/// The login form as a browser without WASM posts it (it accepts HTML, so the
/// server answers with a redirect).
async fn post_login_form(app: &Router, email: &str, next: &str, accept: &str) -> Reply {
    let body = [("email", email), ("password", PASSWORD), ("next", next)]
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, NON_ALPHANUMERIC)))
        .collect::<Vec<_>>()
        .join("&");
    let request = Request::post("/api/fn/auth_login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, accept)
        .body(Body::from(body))
        .unwrap();
    common::send(app, request).await
}

async fn sessions(db: &Db) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar("select count(*) from sessions").fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar("select count(*) from sessions").fetch_one(pool).await.unwrap(),
    }
}

#[tokio::test]
async fn a_next_that_leaves_the_site_or_breaks_the_header_goes_home() {
    let db = common::TestDb::sqlite().await;
    server_core::services::accounts::create_unchecked(&db.db, "kim@example.com", PASSWORD, Role::Viewer).await.unwrap();
    let app = server::app(common::state(&db.db), common::site());
    let html = "text/html,application/xhtml+xml";

    let mut signed_in = 0;
    for next in [
        // Browsers drop the tab: `//evil.example`, another site.
        "/\t/evil.example",
        // Cannot be a header value: the handler used to panic after the
        // session row was written, a 500 with a dangling session.
        "/\n/evil.example",
        "/\r\nSet-Cookie: planted=1",
        // Read as `//evil.example` by browsers.
        "/\\evil.example",
        "/%0A/evil.example",
        "/%2F/evil.example",
        "https://evil.example/",
    ] {
        let reply = post_login_form(&app, "kim@example.com", next, html).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{next:?}: {}", reply.text());
        assert_eq!(reply.headers.get(header::LOCATION).unwrap(), "/", "{next:?}");
        assert!(reply.headers.get_all(header::SET_COOKIE).iter().any(|c| c.as_bytes().starts_with(b"ds_session=")));
        assert!(!reply.headers.get_all(header::SET_COOKIE).iter().any(|c| c.as_bytes().starts_with(b"planted")));
        signed_in += 1;
        assert_eq!(sessions(&db.db).await, signed_in, "one session per sign-in, each answered");
    }

    // A real path comes back as it was.
    let reply = post_login_form(&app, "kim@example.com", "/users?country=KR", html).await;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.text());
    assert_eq!(reply.headers.get(header::LOCATION).unwrap(), "/users?country=KR");

    // The WASM client gets the same answer as data.
    let reply = post_login_form(&app, "kim@example.com", "/\t/evil.example", "application/json").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json(), serde_json::json!("/"));
}

#[tokio::test]
async fn the_login_page_keeps_only_a_safe_next_in_its_form() {
    let db = common::TestDb::sqlite().await;
    let app = server::app(common::state(&db.db), common::site());
    let page = common::get(&app, "/login?next=%2F%09%2Fevil.example").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(!html.contains("evil.example"), "the page must not carry the address: {html}");
    let page = common::get(&app, "/login?next=%2Fusers%3Fcountry%3DKR").await;
    assert!(page.text().contains(r#"name="next" value="/users?country=KR""#), "{}", page.text());
}
