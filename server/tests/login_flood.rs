//! A flood of anonymous sign-ins with distinct e-mails (each a full password
//! check, 19 MiB of argon2 memory while it runs) must not take the process's
//! memory with it: checks run a few at a time, the rest wait in a bounded
//! queue or are told 503 with Retry-After, and nothing fails with a 500.
//! Its own test binary, so no other test's memory is counted.

mod common;

use axum::http::StatusCode;
use serde_json::json;

/// Resident memory of this process, in MiB.
fn rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_anonymous_logins_keeps_memory_bounded() {
    let db = common::TestDb::sqlite().await;
    let app = common::from_local_proxy(server::app(common::state(&db.db), common::site()));
    // One real login first, so what is allocated once (pools, caches) is counted before.
    let warm = json!({ "email": "warm@example.com", "password": "correct horse battery" }).to_string();
    common::post_json(&app, "/api/v1/auth/login", &warm, &[]).await;
    let before = rss_mib();

    let tasks: Vec<_> = (0..400)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let body = json!({ "email": format!("guess{i}@example.com"), "password": "a wrong password" });
                let ip = format!("10.{}.{}.1", i / 250, i % 250);
                let reply =
                    common::post_json(&app, "/api/v1/auth/login", &body.to_string(), &[("x-forwarded-for", &ip)]).await;
                let retry_after = reply.headers.contains_key("retry-after");
                (reply.status, retry_after)
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for task in tasks {
        let (status, retry_after) = task.await.expect("no panic");
        *statuses.entry(status.as_u16()).or_insert(0) += 1;
        assert!(
            matches!(
                status,
                StatusCode::UNAUTHORIZED | StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS
            ),
            "{status} ({statuses:?} so far)"
        );
        if status != StatusCode::UNAUTHORIZED {
            assert!(retry_after, "a refusal says when to come back");
        }
    }
    let after = rss_mib();
    println!("400 concurrent logins: {statuses:?}; RSS {before} MiB -> {after} MiB");
    // Two checks at a time hold about 40 MiB; every check at once would hold gigabytes.
    assert!(after.saturating_sub(before) < 120, "RSS grew from {before} to {after} MiB");
    // The server still answers.
    assert_eq!(common::get(&app, "/healthz").await.status, StatusCode::OK);
}
