//! The page's Content-Security-Policy nonce under load (issue #11, item 11): a
//! signed-in browser loads the dashboard 1,000 times, 16 at a time, on a
//! multi-threaded runtime like `dreamseed serve`'s, and every response must
//! carry a nonce in its policy that every inline `<script>` of its body
//! carries too. A page whose policy lacks the nonce never hydrates.

use crate::common;

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::Reply;
use futures::stream::{self, StreamExt};

/// How many times the dashboard is loaded.
const LOADS: usize = 1_000;

/// How many loads are in flight at once.
const CONCURRENCY: usize = 16;

/// The nonce of `reply`'s policy; panics unless the policy has exactly one and
/// every inline `<script>` in the body carries it.
fn checked_nonce(reply: &Reply, load: usize) -> String {
    let csp = reply
        .headers
        .get_all(header::CONTENT_SECURITY_POLICY)
        .iter()
        .map(|v| v.to_str().expect("ASCII policy").to_owned())
        .collect::<Vec<_>>();
    // Browsers enforce every policy sent: a second one without the nonce would
    // block the scripts as surely as a missing nonce.
    assert_eq!(csp.len(), 1, "load {load}: one policy, got {csp:?}");
    let script_src = csp[0]
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap_or_else(|| panic!("load {load}: no script-src in {}", csp[0]));
    let nonces: Vec<&str> =
        script_src.split_whitespace().filter_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\'')).collect();
    assert_eq!(nonces.len(), 1, "load {load}: one nonce in `{script_src}`");
    let nonce = nonces[0];
    assert!(nonce.len() >= 16, "load {load}: a nonce of 96+ bits: {nonce}");

    let html = reply.text();
    let inline: Vec<&str> = html
        .match_indices("<script")
        .map(|(i, _)| &html[i..i + html[i..].find('>').expect("a closed tag")])
        .filter(|tag| !tag.contains(" src="))
        .collect();
    assert!(!inline.is_empty(), "load {load}: the page has inline scripts (hydration)");
    for tag in inline {
        assert!(tag.contains(&format!(r#"nonce="{nonce}""#)), "load {load}: {tag} lacks the policy's nonce {nonce}");
    }
    nonce.to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_dashboard_load_carries_its_nonce_in_policy_and_scripts() {
    let db = common::TestDb::sqlite().await;
    let app = server::app(common::state(&db.db), common::site());
    let cookie = common::sign_in_viewer(&app, &db.db, "kim@example.com").await;

    let nonces: Vec<String> = stream::iter(0..LOADS)
        .map(|load| {
            let (app, cookie) = (app.clone(), cookie.clone());
            // Spawned, so loads run on every worker thread at once, as a
            // server's connections do.
            tokio::spawn(async move {
                let request = Request::get("/").header(header::COOKIE, cookie).body(Body::empty()).unwrap();
                let reply = common::send(&app, request).await;
                assert_eq!(reply.status, StatusCode::OK, "load {load}: {}", reply.text());
                checked_nonce(&reply, load)
            })
        })
        .buffer_unordered(CONCURRENCY)
        .map(|joined| joined.expect("a load panicked"))
        .collect()
        .await;

    assert_eq!(nonces.len(), LOADS);
    let distinct: HashSet<&String> = nonces.iter().collect();
    assert_eq!(distinct.len(), LOADS, "a new nonce for every response");
}

#[tokio::test]
async fn the_not_found_page_carries_its_nonce_too() {
    let db = common::TestDb::sqlite().await;
    let app = server::app(common::state(&db.db), common::site());
    let cookie = common::sign_in_viewer(&app, &db.db, "kim@example.com").await;
    // Rendered by the fallback, not by a page route: the nonce must reach it too.
    let request = Request::get("/no/such/page").header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let reply = common::send(&app, request).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text());
    checked_nonce(&reply, 0);
}
