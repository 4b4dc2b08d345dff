//! Issue #14, the phone's first visit: where the site has the early-paint
//! module (`pkg/paint.json`, written by scripts/build-paint.sh), the dashboard
//! loads it first, under the page's nonce, and keeps the app's hydration
//! scripts inert in a `<template>` until it has drawn (on a wide screen their
//! hints are copied out at once and the app goes first); other pages, and a
//! site without the module, load the app at once. Its files are immutable.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

const JS: &str = "paint.Ab3_x-Ab3_x-Ab3_x-Ab3_.js";
const WASM: &str = "paint.Zz9-yZz9-yZz9-yZz9-yZz.wasm";

/// The part of `html` from `from` to the next `to` after it (`to` excluded).
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("no {from} in {html}"));
    let after = start + from.len();
    let end = html[after..].find(to).unwrap_or_else(|| panic!("no {to} after {from}"));
    &html[start..after + end]
}

#[tokio::test]
async fn the_dashboard_loads_the_early_paint_before_the_app() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join(JS), "export default async function init() {}").unwrap();
    std::fs::write(pkg.join(WASM), "\0asm").unwrap();
    std::fs::write(pkg.join("paint.json"), format!(r#"{{"js":"{JS}","wasm":"{WASM}"}}"#)).unwrap();
    let mut options = common::site();
    options.site_root = site.path().to_string_lossy().as_ref().into();

    let db = common::TestDb::sqlite().await;
    let app = server::app(common::state(&db.db), options);
    let cookie = common::sign_in_viewer(&app, &db.db, "kim@example.com").await;
    let request = Request::get("/").header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let reply = common::send(&app, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let policy = reply.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap().to_owned();
    let nonce = between(&policy, "'nonce-", "'").trim_start_matches("'nonce-").to_owned();
    let html = reply.text();

    // The module, preloaded, under the page's nonce; the app's files after it.
    let loader = between(&html, r#"<script id="ds-paint""#, "</script>");
    assert!(loader.contains(&format!(r#"nonce="{nonce}""#)), "{loader}");
    assert!(loader.contains(&format!(r#"import init from "/pkg/{JS}""#)), "{loader}");
    assert!(loader.contains(&format!(r#"module_or_path: "/pkg/{WASM}""#)), "{loader}");
    assert!(
        html.contains(&format!(r#"<link rel="preload" href="/pkg/{WASM}" as="fetch" type="application/wasm""#)),
        "{html}"
    );
    // Every one of the app's scripts and hints is inside the template, inert.
    let template = between(&html, r#"<template id="ds-hydration">"#, "</template>");
    assert!(template.contains("modulepreload") && template.contains("hydrate()"), "{template}");
    assert_eq!(html.matches("modulepreload").count(), template.matches("modulepreload").count(), "{html}");
    // After the template, under the nonce: the script that, on a wide screen,
    // copies its hints into the head as the page is parsed; then the loader,
    // which on a wide screen gives the app a head start before painting.
    let template_at = html.find(r#"<template id="ds-hydration">"#).unwrap();
    let hints = between(&html[template_at..], "<script nonce=", "</script>");
    assert!(hints.contains(&format!(r#"nonce="{nonce}""#)), "{hints}");
    assert!(hints.contains(r#"matchMedia("(min-width: 640px)")"#) && hints.contains("cloneNode"), "{hints}");
    assert!(html.find(hints).unwrap() < html.find(r#"id="ds-paint""#).unwrap());
    assert!(
        loader.contains(r#"matchMedia("(min-width: 640px)")"#) && loader.contains("window.dsHydrated.then("),
        "{loader}"
    );
    assert!(html.find("window.dsHydrated = new Promise").unwrap() < html.find(r#"id="ds-paint""#).unwrap());

    // Another page loads the app at once.
    let login = common::get(&app, "/login").await.text();
    assert!(!login.contains("ds-paint") && !login.contains("ds-hydration"), "{login}");
    assert!(login.contains("modulepreload"), "{login}");

    // Its files name their contents: kept for a year.
    for file in [JS, WASM] {
        let reply = common::get(&app, &format!("/pkg/{file}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{file}");
        let cache = reply.headers.get(header::CACHE_CONTROL).unwrap().to_str().unwrap();
        assert_eq!(cache, "public, max-age=31536000, immutable", "{file}");
    }

    // A site without the module (`cargo leptos watch`): the dashboard loads the app at once.
    let plain = server::app(common::state(&db.db), common::site());
    let cookie = common::sign_in_viewer(&plain, &db.db, "lee@example.com").await;
    let request = Request::get("/").header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let html = common::send(&plain, request).await.text();
    assert!(!html.contains("ds-paint") && !html.contains("ds-hydration"), "{html}");
    assert!(html.contains("modulepreload"), "{html}");
}
