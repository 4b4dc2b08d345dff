//! Benchmark for accounts and ingestion (issue #5), printing figures:
//!
//! - the cost of a password hash and of a whole login (argon2id, 19 MiB, t=2);
//! - what authentication adds to a request: `/healthz` through the whole stack
//!   without credentials, then with an API key, a session cookie and a JWT
//!   (each is looked up, checked and rate-limited);
//! - event ingestion in 1,000-event batches (100 user upserts, 900 activities)
//!   on SQLite and, when `BENCH_POSTGRES_URL` names an empty database, Postgres.
//!
//! ```sh
//! cargo run --release -p server --example auth_ingest
//! BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1/bench cargo run --release -p server --example auth_ingest
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use serde_json::json;
use server_core::auth::{password, Caller, Principal, SecuritySettings, Via};
use server_core::db::Db;
use server_core::model::{EventBatch, Role};
use server_core::services::auth::{login, start_session, LoginKind};
use server_core::state::AppState;
use tower::ServiceExt;

const REQUESTS: u32 = 20_000;

async fn per_request(router: &Router, header: Option<(&str, String)>) -> Duration {
    let request = || {
        let mut r = Request::get("/healthz");
        if let Some((name, value)) = &header {
            r = r.header(*name, value);
        }
        r.body(Body::empty()).unwrap()
    };
    for _ in 0..1_000 {
        let _ = router.clone().oneshot(request()).await;
    }
    let started = Instant::now();
    for _ in 0..REQUESTS {
        let reply = router.clone().oneshot(request()).await.unwrap();
        assert!(reply.status().is_success(), "{}", reply.status());
        let _ = axum::body::to_bytes(reply.into_body(), usize::MAX).await;
    }
    started.elapsed() / REQUESTS
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn state_over(db: Db) -> AppState {
    let site = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let countries = server_core::countries::CountryIndex::load(std::path::Path::new(&site)).expect("countries.json");
    let mut security = SecuritySettings::new(b"benchmark secret key of 32+ bytes!!");
    security.rate_limit_per_minute = u32::MAX;
    AppState::new(db, countries).with(|s| s.security = Arc::new(security))
}

async fn ingest_rate(label: &str, db: Db) {
    let state = state_over(db).await;
    let caller = Caller {
        principal: Some(std::sync::Arc::new(Principal {
            account_id: None,
            name: "api_key:bench".into(),
            role: Role::Editor,
            scopes: vec!["ingest".into()],
            via: Via::ApiKey { id: 0 },
            must_change_password: false,
        })),
        ..Caller::default()
    };
    let batches = 30;
    let mut elapsed = Duration::ZERO;
    for b in 0..batches {
        let mut events = Vec::with_capacity(1000);
        for u in 0..100 {
            events.push(json!({"type": "user_upsert", "email": format!("u{b}-{u}@bench.test"), "username": format!("u{b}{u}"), "country": "KR"}));
        }
        for a in 0..900 {
            events.push(json!({"type": "activity", "user_email": format!("u{b}-{}@bench.test", a % 100), "activity_type": "problem_solved"}));
        }
        let batch = EventBatch { events };
        let started = Instant::now();
        let result = server_core::services::ingest::ingest(&state, &caller, &batch).await.expect("ingest");
        elapsed += started.elapsed();
        assert_eq!(result.accepted, 1000, "{:?}", result.errors.first());
    }
    let per_batch = elapsed / batches;
    println!(
        "ingest {label:<8} {:>8.1} ms per 1,000-event batch  {:>9.0} events/s",
        per_batch.as_secs_f64() * 1e3,
        1000.0 / per_batch.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let hashes: Vec<Duration> = (0..10)
        .map(|_| {
            let started = Instant::now();
            password::hash("correct horse battery staple").unwrap();
            started.elapsed()
        })
        .collect();
    println!("password hash     {:>8.1} ms (median of 10)", median(hashes).as_secs_f64() * 1e3);

    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("bench.db").display())).await.unwrap();
    db.migrate().await.unwrap();
    let state = state_over(db.clone()).await;
    let id = server_core::services::accounts::create_unchecked(
        &db,
        "bench@example.com",
        "correct horse battery staple",
        Role::Admin,
    )
    .await
    .unwrap();
    let mut logins = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        login(&state, &Caller::default(), "bench@example.com", "correct horse battery staple", None, LoginKind::Api)
            .await
            .unwrap();
        logins.push(started.elapsed());
    }
    println!("whole login       {:>8.1} ms (median of 10, SQLite)", median(logins).as_secs_f64() * 1e3);

    let site = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let options = server::site::leptos_options(std::path::Path::new(&site), "127.0.0.1:0".parse().unwrap())
        .expect("built site (make build)");
    let router = server::app(state.clone(), options);
    let (key, prefix) = server_core::auth::tokens::new_api_key();
    let now = server_core::db::Ts::now();
    server_core::db::api_keys::insert(
        &db,
        &server_core::db::api_keys::NewKey {
            name: "bench",
            prefix: &prefix,
            key_hash: &server_core::auth::tokens::digest(&key),
            role: Role::Viewer,
            scopes: "",
            created_by: id,
            now,
            expires_at: server_core::db::Ts::from_secs(now.secs() + 86_400),
        },
        None,
    )
    .await
    .unwrap();
    let session = start_session(&state, &Caller::default(), id, LoginKind::Browser).await.unwrap();
    let api = start_session(&state, &Caller::default(), id, LoginKind::Api).await.unwrap();
    let none = per_request(&router, None).await;
    println!("no credentials    {:>8.2} µs/request (whole stack)", none.as_secs_f64() * 1e6);
    for (label, header) in [
        ("API key", ("authorization", format!("Bearer {key}"))),
        ("session cookie", ("cookie", format!("ds_session={}", session.secret))),
        ("JWT", ("authorization", format!("Bearer {}", api.access_token.unwrap()))),
    ] {
        let with = per_request(&router, Some(header)).await;
        println!(
            "{label:<17} {:>8.2} µs/request, authentication {:>7.2} µs",
            with.as_secs_f64() * 1e6,
            (with.as_secs_f64() - none.as_secs_f64()) * 1e6
        );
    }

    ingest_rate("SQLite", db).await;
    if let Ok(url) = std::env::var("BENCH_POSTGRES_URL") {
        let pg = Db::connect(&url).await.expect("BENCH_POSTGRES_URL");
        pg.migrate().await.expect("migrate");
        ingest_rate("Postgres", pg).await;
    }
}
