//! Keys are not persons (issue #11, item 6): an API key carries the account id
//! of the admin who made it, yet it must never count as that admin when a rule
//! asks "is the caller this account?" — not to read the account, not to change
//! its password or two-factor sign-in, not to log it out. The people themselves,
//! signed in, keep those rights.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request};
use axum::Router;
use common::Reply;
use server_core::auth::Caller;
use server_core::db::Db;
use server_core::model::Role;
use server_core::services::auth::{start_session, LoginKind};

/// `method uri` with one credential header and, when not empty, a body
/// (form-encoded for server functions, JSON for REST).
async fn call(app: &Router, method: &str, uri: &str, credential: (header::HeaderName, &str), body: &str) -> Reply {
    let mut request = Request::builder().method(method).uri(uri).header(credential.0, credential.1);
    if !body.is_empty() || method != "GET" {
        let form = uri.starts_with("/api/fn/");
        let content_type = if form { "application/x-www-form-urlencoded" } else { "application/json" };
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    common::send(app, request.body(Body::from(body.to_owned())).unwrap()).await
}

/// The routes whose only subject is the caller's own account: a key gets 403.
const SELF_ONLY: [(&str, &str, &str); 5] = [
    ("POST", "/api/fn/account_change_password", "current_password=wrong+one&new_password=another+long+one"),
    ("POST", "/api/fn/account_totp_begin", ""),
    ("POST", "/api/fn/account_totp_confirm", "code=000000"),
    ("POST", "/api/fn/account_totp_disable", "code=000000"),
    ("POST", "/api/v1/auth/logout", ""),
];

async fn a_key_never_acts_as_the_account_that_made_it(db: &Db) {
    let state = common::state(db);
    let app = server::app(state.clone(), common::site());
    let admin_id = common::harness_admin(db).await;
    let admin_account = format!("/api/v1/accounts/{admin_id}");

    for role in [Role::Viewer, Role::Admin] {
        let key = format!("Bearer {}", common::api_key(db, role, "").await);
        let bearer = || (header::AUTHORIZATION, key.as_str());
        call(&app, "GET", &admin_account, bearer(), "").await.assert_envelope(403, "FORBIDDEN");
        for (method, uri, body) in SELF_ONLY {
            let reply = call(&app, method, uri, bearer(), body).await;
            assert_eq!(reply.status.as_u16(), 403, "{method} {uri} as a {role:?} key: {}", reply.text());
        }
        // It knows who it is: a key, with no account of its own.
        let me = call(&app, "GET", "/api/v1/auth/me", bearer(), "").await.json();
        assert_eq!((me["kind"].as_str(), me["account"].is_null()), (Some("api_key"), true), "{me}");
    }
    // The key's creator is untouched: no password change or enrolment slipped through.
    let admin = server_core::db::accounts::by_id(db, admin_id).await.unwrap().unwrap();
    assert!(admin.totp_secret.is_none() && !admin.totp_enabled);

    // The admin in person still reads their own account, and any other.
    let session = start_session(&state, &Caller::default(), admin_id, LoginKind::Browser).await.unwrap();
    let cookie = format!("ds_session={}", session.secret);
    let own = call(&app, "GET", &admin_account, (header::COOKIE, &cookie), "").await;
    assert_eq!(own.status.as_u16(), 200, "{}", own.text());
    assert_eq!(own.json()["id"], admin_id);

    // A viewer in person reads their own account but not the admin's.
    let viewer_id = server_core::db::accounts::insert(
        db,
        "viewer@keys.test",
        "unusable",
        Role::Viewer,
        server_core::db::Ts::now(),
        None,
    )
    .await
    .unwrap();
    let session = start_session(&state, &Caller::default(), viewer_id, LoginKind::Browser).await.unwrap();
    let cookie = format!("ds_session={}", session.secret);
    let own = call(&app, "GET", &format!("/api/v1/accounts/{viewer_id}"), (header::COOKIE, &cookie), "").await;
    assert_eq!(own.status.as_u16(), 200, "{}", own.text());
    call(&app, "GET", &admin_account, (header::COOKIE, &cookie), "").await.assert_envelope(403, "FORBIDDEN");
}
on_both_databases!(keys_are_not_persons, a_key_never_acts_as_the_account_that_made_it);
