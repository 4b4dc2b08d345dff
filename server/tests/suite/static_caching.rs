//! Issue #14, fingerprinted files: what names its contents (a pkg file with a
//! content hash in its name, a vendored file asked for at the site's version)
//! is cached for a year, immutable; other static files are revalidated; a
//! missing file and everything the server computes are never stored; and the
//! pages link the vendored files at their version.

use crate::common;

use axum::http::header;

/// A pkg name as cargo-leptos `hash-files` makes them.
const HASHED: &str = "/pkg/dreamseed.Ab3_x-Ab3_x-Ab3_x-Ab3_.wasm";

#[tokio::test]
async fn fingerprinted_files_are_immutable_and_the_rest_revalidated() {
    let site = tempfile::tempdir().unwrap();
    let write = |path: &str, body: &str| {
        let file = site.path().join(path.trim_start_matches('/'));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, body).unwrap();
    };
    write(HASHED, "wasm");
    write("/pkg/dreamseed.js", "plain");
    write("/vendor/echarts/echarts.min.js", "echarts");
    let mut options = common::site();
    options.site_root = site.path().to_string_lossy().as_ref().into();
    let version = server::site::vendor_version(site.path()).expect("a vendor folder has a version");

    let db = common::TestDb::sqlite().await;
    let app = common::from_local_proxy(server::app(common::state(&db.db), options));
    let cache_control = |reply: &common::Reply| {
        reply.headers.get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    };
    let year = "public, max-age=31536000, immutable";
    for (uri, status, expected) in [
        (HASHED.to_owned(), 200, year),
        (format!("/vendor/echarts/echarts.min.js?v={version}"), 200, year),
        ("/vendor/echarts/echarts.min.js".to_owned(), 200, "no-cache"),
        ("/pkg/dreamseed.js".to_owned(), 200, "no-cache"),
        ("/pkg/dreamseed.zzzzzzzzzzzzzzzzzzzzzz.wasm".to_owned(), 404, "no-store"),
        ("/vendor/missing.js?v=1".to_owned(), 404, "no-store"),
    ] {
        let reply = common::get(&app, &uri).await;
        assert_eq!(reply.status.as_u16(), status, "{uri}");
        assert_eq!(cache_control(&reply), expected, "{uri}");
    }

    // The login page (anonymous) links the vendored files at that version.
    let page = common::get(&app, "/login").await;
    assert_eq!(page.status.as_u16(), 200);
    assert_eq!(cache_control(&page), "no-store");
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains(&format!("/vendor/echarts/echarts.min.js?v={version}")), "{html}");
    assert!(html.contains(&format!("data-assets=\"{version}\"")), "{html}");

    // Another file, another version: a browser holding the old one fetches anew.
    write("/vendor/echarts/echarts.min.js", "echarts, next release");
    assert_ne!(server::site::vendor_version(site.path()), Some(version));
}
