//! The two-layer cache against a real Redis that this test starts on its own
//! port and then kills, restarts, pauses (SIGSTOP) and resumes: no request
//! fails, latency stays bounded, `/health` says degraded within 5 s and healthy
//! again once Redis is back. Invalidations reach other replicas.

use crate::common;

use std::time::{Duration, Instant};

use axum::Router;
use redis::AsyncCommands;
use server_core::cache::{Cache, Figure};

/// Polls `/health` until its cache dependency has `status`, for at most 5 s;
/// returns how long that took.
async fn cache_health_becomes(app: &Router, status: &str) -> Duration {
    let started = Instant::now();
    loop {
        let body = common::get(app, "/health").await.json();
        let cache = body["dependencies"].as_array().unwrap().iter().find(|d| d["name"] == "cache").cloned().unwrap();
        if cache["status"] == status {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(5), "cache not {status} after 5 s: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Makes `rounds` requests that each need a fresh value (the cache is emptied
/// first), asserting every one succeeds; returns the slowest.
async fn requests_keep_succeeding(app: &Router, cache: &Cache, rounds: usize) -> Duration {
    let mut slowest = Duration::ZERO;
    for round in 0..rounds {
        cache.invalidate(None).await.unwrap();
        let started = Instant::now();
        let reply = common::get(app, "/api/dashboard/stats").await;
        slowest = slowest.max(started.elapsed());
        assert_eq!(reply.status.as_u16(), 200, "round {round}: {}", reply.text());
        assert_eq!(reply.json()["total_users"], 0);
        let cached = common::get(app, "/api/dashboard/countries").await;
        assert_eq!(cached.status.as_u16(), 200, "round {round}: {}", cached.text());
    }
    slowest
}

#[tokio::test]
async fn requests_survive_redis_dying_hanging_and_returning() {
    let Some(mut redis) = common::RedisServer::start().await else { return };
    let db = common::TestDb::sqlite().await;
    let cache = Cache::with_redis(&redis.url).unwrap();
    let app = common::app(common::state(&db.db).with(|s| s.cache = cache.clone()));
    cache_health_becomes(&app, "healthy").await;

    // Values land in Redis under the prefix.
    assert_eq!(common::get(&app, "/api/dashboard/stats").await.status.as_u16(), 200);
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let keys: Vec<String> = conn.keys("dreamseed:data:stats:*").await.unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let status = common::get(&app, "/api/cache/status").await.json();
    assert_eq!((status["backend"].as_str(), status["connected"].as_bool()), (Some("redis"), Some(true)));

    // Killed: requests go on from memory and the database; /health degrades.
    redis.kill();
    let slowest = requests_keep_succeeding(&app, &cache, 10).await;
    assert!(slowest < Duration::from_secs(3), "slowest request while Redis is down: {slowest:?}");
    let took = cache_health_becomes(&app, "degraded").await;
    eprintln!("killed Redis: degraded after {took:?}, slowest request {slowest:?}");
    let body = common::get(&app, "/health").await;
    assert_eq!(body.status.as_u16(), 200, "degraded still serves");
    assert_eq!(body.json()["status"], "degraded");
    assert_eq!(common::get(&app, "/api/cache/status").await.json()["connected"], false);

    // Back: healthy again by itself, and used again.
    redis.restart().await;
    let took = cache_health_becomes(&app, "healthy").await;
    eprintln!("restarted Redis: healthy after {took:?}");
    requests_keep_succeeding(&app, &cache, 3).await;

    // Hung (SIGSTOP): each request waits at most one bounded Redis timeout.
    redis.pause();
    let slowest = requests_keep_succeeding(&app, &cache, 10).await;
    assert!(slowest < Duration::from_secs(3), "slowest request while Redis hangs: {slowest:?}");
    let took = cache_health_becomes(&app, "degraded").await;
    eprintln!("paused Redis: degraded after {took:?}, slowest request {slowest:?}");
    redis.resume();
    let took = cache_health_becomes(&app, "healthy").await;
    eprintln!("resumed Redis: healthy after {took:?}");
    requests_keep_succeeding(&app, &cache, 3).await;
}

#[tokio::test]
async fn an_invalidation_reaches_every_replica() {
    let Some(redis) = common::RedisServer::start().await else { return };
    let (a, b) = (Cache::with_redis(&redis.url).unwrap(), Cache::with_redis(&redis.url).unwrap());
    let wait_up = |cache: Cache| async move {
        for _ in 0..50 {
            if cache.redis_health().is_some_and(|h| h.up) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("redis never came up");
    };
    wait_up(a.clone()).await;
    wait_up(b.clone()).await;
    // Each replica holds the value in its own memory.
    for cache in [&a, &b] {
        let v: u32 = cache.figure(Figure::Stats, "x", || async { Ok(1) }).await.unwrap();
        assert_eq!(v, 1);
        assert!(cache.peek_json("stats:x").await.is_some());
    }
    a.invalidate(Some("stats*")).await.unwrap();
    let started = Instant::now();
    while b.peek_json("stats:x").await.is_some() {
        assert!(started.elapsed() < Duration::from_secs(2), "replica b kept a stale entry");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let v: u32 = b.figure(Figure::Stats, "x", || async { Ok(2) }).await.unwrap();
    assert_eq!(v, 2, "b reloads after the invalidation");
}

#[tokio::test]
async fn a_change_made_while_redis_hung_reaches_every_replica_once_it_returns() {
    let Some(redis) = common::RedisServer::start().await else { return };
    let (a, b) = (Cache::with_redis(&redis.url).unwrap(), Cache::with_redis(&redis.url).unwrap());
    let wait = |cache: Cache, up: bool| async move {
        for _ in 0..100 {
            if cache.redis_health().is_some_and(|h| h.up == up) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis never counted {}", if up { "up" } else { "down" });
    };
    wait(a.clone(), true).await;
    wait(b.clone(), true).await;
    let _: u32 = b.figure(Figure::Stats, "x", || async { Ok(1) }).await.unwrap();
    // Hung, not gone: b's subscription stays connected, so no reconnection
    // flushes its memory afterwards.
    redis.pause();
    wait(a.clone(), false).await;
    // a changes the figure while it counts Redis down: nothing is published.
    a.invalidate(Some("stats*")).await.unwrap();
    assert!(b.peek_json("stats:x").await.is_some());
    redis.resume();
    let resumed = Instant::now();
    while b.peek_json("stats:x").await.is_some() {
        assert!(resumed.elapsed() < Duration::from_secs(5), "b kept the entry a changed while Redis hung");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("b dropped it {:?} after Redis resumed", resumed.elapsed());
}
