//! Cache invalidation reaches cached data only (issue #11, item 8): patterns
//! sent to `POST /api/cache/invalidate` are confined to the data namespace, so
//! neither `ratelimit:*` nor `*` resets the rate limit the replicas share
//! through Redis. Runs against a `redis-server` of its own (skipped where none
//! is installed, failed under `CI=true`).

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use redis::AsyncCommands;
use server_core::cache::Cache;
use server_core::db::Db;
use server_core::model::Role;

/// Requests per minute per caller here: low enough to reach in a few calls.
const LIMIT: u32 = 5;

/// One replica over `db` and the Redis at `url`: its own memory layer and its
/// own in-process rate counters, sharing only Redis with the others.
async fn replica(db: &Db, url: &str) -> Router {
    let cache = Cache::with_redis(url).unwrap();
    let started = Instant::now();
    while !cache.redis_health().is_some_and(|h| h.up) {
        assert!(started.elapsed() < Duration::from_secs(5), "Redis not up after 5 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let state = common::state(db);
    let mut security = (*state.security).clone();
    security.rate_limit_per_minute = LIMIT;
    common::app(state.with(|s| {
        s.cache = cache;
        s.security = Arc::new(security);
    }))
}

async fn as_key(app: &Router, key: &str) -> u16 {
    let request = Request::get("/api/v1/auth/me").header("authorization", format!("Bearer {key}"));
    common::send(app, request.body(Body::empty()).unwrap()).await.status.as_u16()
}

#[tokio::test]
async fn invalidation_patterns_never_reset_the_shared_rate_limit() {
    let Some(redis) = common::RedisServer::start().await else { return };
    let db = common::TestDb::sqlite().await;
    let (a, b) = (replica(&db.db, &redis.url).await, replica(&db.db, &redis.url).await);
    let mut conn = redis::Client::open(redis.url.as_str()).unwrap().get_multiplexed_async_connection().await.unwrap();

    // A key spends its minute on replica A; replica B, which has seen nothing
    // of it, refuses it too through the shared count.
    let key = common::api_key(&db.db, Role::Viewer, "").await;
    let mut statuses = Vec::new();
    for _ in 0..=LIMIT {
        statuses.push(as_key(&a, &key).await);
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(as_key(&b, &key).await, 429);

    // The admin (the harness's key, counted on its own) caches some data, then
    // tries to reset the limit through the cache: refused, and the key stays out.
    assert_eq!(common::get(&a, "/api/dashboard/stats").await.status.as_u16(), 200);
    let refused = common::post_json(&a, "/api/cache/invalidate", r#"{"pattern":"ratelimit:*"}"#, &[]).await;
    assert_eq!(as_key(&b, &key).await, 429, "`ratelimit:*` reset the shared rate limit");
    let envelope = refused.assert_envelope(400, "VALIDATION_FAILED");
    assert_eq!(envelope["error"]["details"]["fields"][0]["field"], "pattern", "{envelope}");

    // `*` clears every cached value, and nothing else.
    let all = common::post_json(&a, "/api/cache/invalidate", r#"{"pattern":"*"}"#, &[]).await;
    assert_eq!(as_key(&b, &key).await, 429, "`*` reset the shared rate limit");
    assert_eq!(as_key(&a, &key).await, 429);
    assert_eq!(all.status.as_u16(), 200, "{}", all.text());
    assert!(all.json()["invalidated"].as_u64().is_some_and(|n| n >= 1), "{}", all.text());
    let data: Vec<String> = conn.keys("dreamseed:data:*").await.unwrap();
    assert!(data.is_empty(), "{data:?}");
    let counters: Vec<String> = conn.keys("dreamseed:ratelimit:*").await.unwrap();
    assert!(!counters.is_empty(), "the limiter's counters survive");
}
