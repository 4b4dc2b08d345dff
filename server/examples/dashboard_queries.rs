//! Benchmark: each dashboard figure computed straight from the database (no
//! cache), as every request after an invalidation would. Prints the median and
//! the fastest of a few runs per query, for SQLite or Postgres.
//!
//! ```sh
//! DATABASE_URL=sqlite://big.db cargo run --release -p server --example dashboard_queries
//! DATABASE_URL=postgres://postgres@127.0.0.1/big cargo run --release -p server --example dashboard_queries
//! ```

use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use server_core::countries::CountryIndex;
use server_core::db::Db;
use server_core::model::range::{Preset, RangeQuery, ResolvedRange, Zone};
use server_core::services::dashboard;

/// Runs per query (the first warms the caches of the database itself).
const RUNS: usize = 7;

async fn time<T, F: Future<Output = server_core::error::Result<T>>>(name: &str, mut run: impl FnMut() -> F) {
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        run().await.unwrap_or_else(|err| panic!("{name}: {err}"));
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("{name:<32} median {:>8.1} ms   min {:>8.1} ms", ms(times[RUNS / 2]), ms(times[0]));
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL names the database to measure");
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let site = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let countries = CountryIndex::load(Path::new(&site)).expect("target/site/vendor/countries.json (make assets)");
    let now = Utc::now();
    let zone = Zone::Kst;
    println!("{} at {now}", db.backend().name());
    time("stats", || dashboard::compute_stats(&db, zone, now)).await;
    time("countries", || dashboard::compute_countries(&db, &countries, zone, now)).await;
    time("problems", || dashboard::compute_problem_matrix(&db)).await;
    for preset in [Preset::Today, Preset::Days30, Preset::Months12] {
        let range = ResolvedRange::new(&RangeQuery::preset(preset), zone, now).expect("range");
        let label = preset.as_str();
        time(&format!("user-growth {label}"), || dashboard::compute_user_growth(&db, range)).await;
        time(&format!("activity {label}"), || dashboard::compute_activity_series(&db, range)).await;
        time(&format!("activity-heatmap {label}"), || dashboard::compute_activity_heatmap(&db, range)).await;
    }
    time("recent-activity 20", || server_core::db::activities::recent(&db, 20)).await;
}
