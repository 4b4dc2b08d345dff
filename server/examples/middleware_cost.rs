//! Benchmark: what the middleware stack (trace id, timing headers, metrics,
//! access log, compression, envelope, idempotency, panic and timeout guards)
//! adds to each request. The same trivial handler is called in process, with
//! no network, through a bare router and through the application's stack; the
//! difference per request is the stack's cost.
//!
//! ```sh
//! cargo run --release -p server --example middleware_cost
//! ```

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use axum::{Json, Router};
use server_core::db::Db;
use server_core::state::AppState;
use tower::ServiceExt;

/// Requests per measurement.
const REQUESTS: u32 = 50_000;

async fn per_request(router: &Router, path: &str) -> Duration {
    // Warm up (allocations, metric registration, the route table).
    for _ in 0..1_000 {
        let _ = router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await;
    }
    let started = Instant::now();
    for _ in 0..REQUESTS {
        let reply = router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        assert!(reply.status().is_success());
        let _ = axum::body::to_bytes(reply.into_body(), usize::MAX).await;
    }
    started.elapsed() / REQUESTS
}

#[tokio::main]
async fn main() {
    // Logs off, as under load the access log goes to a file or collector; the
    // metrics recorder is installed as in production.
    let db = Db::connect("sqlite::memory:").await.expect("sqlite");
    db.migrate().await.expect("migrate");
    let site = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let options = server::site::leptos_options(std::path::Path::new(&site), "127.0.0.1:0".parse().unwrap())
        .expect("built site (make build)");
    let countries = server_core::countries::CountryIndex::load(std::path::Path::new(&site)).expect("countries.json");
    let state = AppState::new(db, countries);

    let bare: Router =
        Router::new().route("/healthz", get(|| async { Json(serde_json::json!({ "status": "healthy" })) }));
    let full = server::app(state, options);
    let bare_cost = per_request(&bare, "/healthz").await;
    let full_cost = per_request(&full, "/healthz").await;
    println!("bare router      {:>8.2} µs/request", bare_cost.as_secs_f64() * 1e6);
    println!("full stack       {:>8.2} µs/request", full_cost.as_secs_f64() * 1e6);
    println!("middleware cost  {:>8.2} µs/request", (full_cost.as_secs_f64() - bare_cost.as_secs_f64()) * 1e6);
}
