//! Issue #14, desktop hydration: the UI font's stylesheet (Pretendard, 92
//! `@font-face` rules) no longer blocks the page. Every page preloads it for
//! wide screens and applies it from a script under the page's nonce once the
//! app has hydrated; without scripts a `<noscript>` link applies it.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};

#[tokio::test]
async fn the_ui_font_is_preloaded_and_applied_after_hydration() {
    let db = common::TestDb::sqlite().await;
    let app = server::app(common::state(&db.db), common::site());
    let reply = common::send(&app, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let html = reply.text();
    let head = &html[..html.find("</head>").expect("a head")];

    // Every tag naming the font's stylesheet.
    let tags: Vec<&str> = head
        .match_indices("<link")
        .map(|(i, _)| &head[i..i + head[i..].find('>').expect("a closed tag")])
        .filter(|tag| tag.contains("/vendor/pretendard/pretendard.css"))
        .collect();
    assert_eq!(tags.len(), 2, "a preload and the <noscript> link: {tags:?}");
    assert!(tags[0].contains(r#"rel="preload""#) && tags[0].contains(r#"as="style""#), "{}", tags[0]);
    assert!(tags.iter().all(|t| t.contains(r#"media="(min-width: 640px)""#)), "wide screens only: {tags:?}");
    let noscript = head.find("<noscript>").expect("a <noscript> fallback");
    assert!(head.find(tags[1]).unwrap() > noscript, "the stylesheet link is for pages without scripts");

    // The script that applies it once the page has hydrated, at the font's URL.
    let script = &head[head.find("window.dsUiFont").expect("the font's script")..];
    let script = &script[..script.find("</script>").unwrap()];
    assert!(script.contains("window.dsHydrated.then("), "{script}");
    // That promise, the one watch of `<html data-hydrated>`, is set before it.
    let watch = head.find("window.dsHydrated = new Promise").expect("the hydration watch");
    assert!(watch < head.find("window.dsUiFont").unwrap());
    let watch = &head[head[..watch].rfind("<script").unwrap()..];
    let watch = &watch[..watch.find("</script>").unwrap()];
    assert!(watch.contains("nonce=") && watch.contains("attributeFilter: ['data-hydrated']"), "{watch}");
    let href = tags[0].split("href=\"").nth(1).and_then(|h| h.split('"').next()).unwrap().replace("&amp;", "&");
    assert!(script.contains(&format!("{href:?}")), "{script} applies {href}");
}
