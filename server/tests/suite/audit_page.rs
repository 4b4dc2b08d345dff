//! The audit page as the server renders it: the filters in the URL are in the
//! HTML, so they show before the WASM loads (the inputs used to be filled
//! only by the WASM, and showed empty until then).

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use server_core::model::Role;

#[tokio::test]
async fn the_url_s_filters_are_in_the_page_before_the_wasm_loads() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    const PASSWORD: &str = "correct horse battery";
    server_core::services::accounts::create_unchecked(&db.db, "root@example.com", PASSWORD, Role::Admin).await.unwrap();
    let form = format!("email=root%40example.com&password={}", PASSWORD.replace(' ', "+"));
    let login = Request::post("/api/fn/auth_login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "192.0.2.1")
        .body(Body::from(form))
        .unwrap();
    let reply = common::send(&app, login).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();

    let page = Request::get("/audit?action=auth.&actor=root%40example.com&outcome=failure")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let reply = common::send(&app, page).await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = reply.text();
    let input = |name: &str| {
        let start = html.find(&format!(r#"name="{name}""#)).unwrap_or_else(|| panic!("no {name} input in {html}"));
        let end = start + html[start..].find('>').unwrap();
        html[start..end].to_owned()
    };
    assert!(input("action").contains(r#"value="auth.""#), "{}", input("action"));
    assert!(input("actor").contains(r#"value="root@example.com""#), "{}", input("actor"));
    assert!(html.contains(r#"value="failure" selected"#), "the outcome is chosen in the HTML");
}
