//! The dashboard page rendered many times at once (issue #11, item 13): a
//! signed-in browser's `GET /` must never wait on something that only another
//! request, thread or timer could release. 64 renders start together over a
//! cold cache, on SQLite and Postgres, on a current-thread runtime (what
//! `#[tokio::test]` gives) and a multi-threaded one (what `dreamseed serve`
//! runs), while routers are built alongside; each must answer the full page
//! within a short limit.

use crate::common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use futures::future::join_all;
use server::Limits;
use server_core::db::Db;

/// Renders started at once.
const RENDERS: usize = 64;

/// What one render may take. A render takes milliseconds; the request limit
/// (30 s in production) is set to this too, so a hang shows as a 503 quickly.
const LIMIT: Duration = Duration::from_secs(10);

/// Starts [`RENDERS`] renders of `/` at once, each its own task, while another
/// thread keeps building routers (as the other tests of a binary do, in
/// parallel), and checks that every render answers the whole page within
/// [`LIMIT`].
async fn many_renders_at_once_all_finish(db: &Db) {
    let state = common::state(db);
    let app = server::app_with_limits(state.clone(), common::site(), Limits { timeout: LIMIT, ..Limits::default() });
    let cookie = common::sign_in_viewer(&app, db, "kim@example.com").await;

    // Building a router once rendered the app with every resource load in the
    // process suspended; a page rendered meanwhile never got its data.
    let stop = Arc::new(AtomicBool::new(false));
    let builder = std::thread::spawn({
        let (stop, runtime) = (stop.clone(), tokio::runtime::Handle::current());
        move || {
            let _entered = runtime.enter();
            let mut built = 0_u32;
            while !stop.load(Ordering::Relaxed) {
                drop(server::app(state.clone(), common::site()));
                built += 1;
            }
            built
        }
    });

    let started = Instant::now();
    let renders = (0..RENDERS).map(|i| {
        let (app, cookie) = (app.clone(), cookie.clone());
        tokio::spawn(async move {
            let request = Request::get("/").header(header::COOKIE, cookie).body(Body::empty()).unwrap();
            let began = Instant::now();
            let reply = tokio::time::timeout(LIMIT, common::send(&app, request))
                .await
                .unwrap_or_else(|_| panic!("render {i} still waiting after {LIMIT:?}"));
            (i, began.elapsed(), reply)
        })
    });
    let results = join_all(renders).await;
    stop.store(true, Ordering::Relaxed);
    let built = builder.join().expect("the router builder panicked");
    for joined in results {
        let (i, took, reply) = joined.expect("a render panicked");
        assert_eq!(reply.status, StatusCode::OK, "render {i} after {took:?}: {}", reply.text());
        let html = reply.text();
        // The stat cards, not their skeleton or an error card: every widget's
        // data was there when the page went out.
        assert!(html.contains(r#"data-testid="total_users""#), "render {i}: no stat cards: {html}");
        assert!(!html.contains("error-card"), "render {i}: a widget failed: {html}");
    }
    eprintln!("{RENDERS} renders in {:?}, {built} routers built meanwhile", started.elapsed());
}

mod current_thread {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        let db = common::TestDb::sqlite().await;
        many_renders_at_once_all_finish(&db.db).await;
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(db) = common::TestDb::postgres().await {
            many_renders_at_once_all_finish(&db.db).await;
        }
    }
}

mod multi_thread {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        let db = common::TestDb::sqlite().await;
        many_renders_at_once_all_finish(&db.db).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        if let Some(db) = common::TestDb::postgres().await {
            many_renders_at_once_all_finish(&db.db).await;
        }
    }
}
