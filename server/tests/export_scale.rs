//! Exporting a million users as CSV streams them: the body arrives in chunks
//! while the server's memory stays flat (1M rows never held in
//! memory). SQLite only: the point is the streaming, which is the
//! same code on both databases, and a million-row Postgres load would double
//! the suite's time.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use server::seed::Plan;
use tower::ServiceExt;

const USERS: u64 = 1_000_000;

/// This process's resident memory, in KiB (Linux).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_users_export_in_bounded_memory() {
    let db = common::TestDb::sqlite().await;
    let plan = Plan {
        users: USERS,
        activities: 0,
        problems: 0,
        seed: 7,
        days: 730,
        until: 1_790_000_000,
        rebuild_indexes: true,
    };
    server::seed::run(&db.db, &plan, false, false).await.expect("seed a million users");
    let app = common::router(&db.db);
    // Warm the connection pool and the harness key, so they are not counted.
    let warm =
        app.clone().oneshot(Request::get("/api/v1/users?per_page=1").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(warm.status(), StatusCode::OK);

    let before = rss_kib();
    let response = app.oneshot(Request::get("/api/v1/users/export.csv").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let (mut bytes, mut lines, mut frames, mut peak) = (0_u64, 0_u64, 0_u64, before);
    while let Some(frame) = body.frame().await {
        let frame = frame.expect("body frame");
        if let Some(data) = frame.data_ref() {
            bytes += data.len() as u64;
            lines += data.iter().filter(|b| **b == b'\n').count() as u64;
            frames += 1;
            if frames % 25 == 0 {
                peak = peak.max(rss_kib());
            }
        }
    }
    peak = peak.max(rss_kib());
    let grown_mib = peak.saturating_sub(before) / 1024;
    eprintln!("exported {lines} lines, {} MiB in {frames} chunks; memory grew {grown_mib} MiB", bytes / (1 << 20));
    assert_eq!(lines, USERS + 1, "a header and every user");
    assert!(frames > 100, "streamed in many chunks, not built whole ({frames})");
    // The whole file is ~100 MiB; holding it would grow memory by that much.
    assert!(grown_mib < 48, "memory grew {grown_mib} MiB while exporting {} MiB", bytes / (1 << 20));
}
