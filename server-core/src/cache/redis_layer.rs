//! The shared cache layer: Redis, used only while it answers. Every operation is
//! bounded in time; a probe each second marks Redis up or down (requests skip it
//! while down, so a hung Redis costs at most one bounded wait); on recovery our
//! cached data is flushed, since invalidations made while it was away never
//! reached it (the rate limiter's counters missed nothing and stay); invalidations
//! fan out to every replica over pub/sub. Keys and patterns given here carry
//! their namespace (`data:…`, `ratelimit:…`); this layer adds `dreamseed:`.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use futures::StreamExt;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::AsyncCommands;
use tokio::sync::watch;

use super::{glob_match, LayerHealth, DATA, KEY_PREFIX};

/// The longest a request waits on Redis for one operation.
const OP_TIMEOUT: Duration = Duration::from_millis(100);
/// How often the probe pings Redis, and how long it waits for the answer.
const PROBE_INTERVAL: Duration = Duration::from_secs(1);
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);
/// The pub/sub channel that carries invalidation patterns between replicas.
const CHANNEL: &str = "dreamseed:invalidate";

/// The Redis layer. Cheap to share: the connection manager multiplexes.
pub(super) struct RedisLayer {
    shared: Arc<Shared>,
}

struct Shared {
    client: redis::Client,
    manager: ConnectionManager,
    up: AtomicBool,
    response_ms: AtomicU64,
    /// Dropping the layer stops its background tasks.
    shutdown: watch::Sender<bool>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

impl RedisLayer {
    /// Prepares a connection to `url` without waiting for it, and starts the probe.
    pub(super) fn connect(url: &str) -> redis::RedisResult<Self> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(PROBE_TIMEOUT))
            .set_response_timeout(Some(OP_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        let (shutdown, _) = watch::channel(false);
        let shared =
            Arc::new(Shared { client, manager, up: AtomicBool::new(false), response_ms: AtomicU64::new(0), shutdown });
        tokio::spawn(probe(Arc::downgrade(&shared)));
        Ok(Self { shared })
    }

    /// Up or down, and the last ping's round trip.
    pub(super) fn health(&self) -> LayerHealth {
        LayerHealth {
            up: self.shared.up.load(Ordering::Relaxed),
            response_ms: self.shared.response_ms.load(Ordering::Relaxed),
        }
    }

    /// The JSON under `key`, or `None` on a miss, an error, or while Redis is down.
    pub(super) async fn get(&self, key: &str) -> Option<Vec<u8>> {
        if !self.shared.up.load(Ordering::Relaxed) {
            return None;
        }
        let mut conn = self.shared.manager.clone();
        let result =
            tokio::time::timeout(OP_TIMEOUT, conn.get::<_, Option<Vec<u8>>>(format!("{KEY_PREFIX}{key}"))).await;
        self.settle(result).flatten()
    }

    /// Stores `json` under `key` for `ttl`, in the background: a slow Redis must
    /// not delay the response that computed the value.
    pub(super) fn set(&self, key: &str, json: Arc<[u8]>, ttl: Duration) {
        if !self.shared.up.load(Ordering::Relaxed) {
            return;
        }
        let weak = Arc::downgrade(&self.shared);
        let key = format!("{KEY_PREFIX}{key}");
        tokio::spawn(async move {
            let Some(shared) = weak.upgrade() else { return };
            let mut conn = shared.manager.clone();
            let result =
                tokio::time::timeout(OP_TIMEOUT, conn.set_ex::<_, _, ()>(key, &json[..], ttl.as_secs().max(1))).await;
            RedisLayer { shared }.settle(result);
        });
    }

    /// Adds one to the counter `key` (kept for `ttl`) and reads the counter
    /// `previous`: the rate limiter's shared windows. `None` while Redis is down
    /// or slow, so the caller falls back to its own count.
    pub(super) async fn count(&self, key: &str, previous: &str, ttl: Duration) -> Option<(i64, i64)> {
        if !self.shared.up.load(Ordering::Relaxed) {
            return None;
        }
        let key = format!("{KEY_PREFIX}{key}");
        let mut pipe = redis::pipe();
        pipe.atomic()
            .incr(&key, 1)
            .expire(&key, ttl.as_secs().max(1) as i64)
            .ignore()
            .get(format!("{KEY_PREFIX}{previous}"));
        let mut conn = self.shared.manager.clone();
        let result = tokio::time::timeout(OP_TIMEOUT, pipe.query_async::<(i64, Option<i64>)>(&mut conn)).await;
        self.settle(result).map(|(current, previous)| (current, previous.unwrap_or(0)))
    }

    /// Deletes our keys matching `pattern` and tells the other replicas; returns
    /// how many keys were deleted (0 while Redis is down: it is flushed on recovery).
    pub(super) async fn invalidate(&self, pattern: &str) -> u64 {
        if !self.shared.up.load(Ordering::Relaxed) {
            return 0;
        }
        let deleted = delete_matching(&self.shared.manager, pattern).await;
        self.publish(pattern).await;
        deleted.unwrap_or(0)
    }

    /// Tells every replica (this one included) to drop the memory entries
    /// matching `pattern`, without touching Redis's own keys.
    pub(super) async fn publish(&self, pattern: &str) {
        if !self.shared.up.load(Ordering::Relaxed) {
            return;
        }
        let mut conn = self.shared.manager.clone();
        let published = tokio::time::timeout(OP_TIMEOUT, conn.publish::<_, _, ()>(CHANNEL, pattern)).await;
        self.settle(published);
    }

    /// How many cached data keys Redis holds (bounded by the operation timeout).
    pub(super) async fn count_keys(&self) -> Option<u64> {
        let all_data = format!("{DATA}*");
        let keys = tokio::time::timeout(OP_TIMEOUT * 5, scan(&self.shared.manager, &all_data)).await.ok()?.ok()?;
        Some(keys.len() as u64)
    }

    /// Calls `on_pattern` with every invalidation pattern another replica (or this
    /// one) publishes, and with `*` after each (re)connection, since messages sent
    /// while disconnected are lost (process-local entries included: a missed
    /// message may have been a logout).
    pub(super) fn on_invalidation<F, Fut>(&self, on_pattern: F)
    where
        F: Fn(String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let client = self.shared.client.clone();
        let mut shutdown = self.shared.shutdown.subscribe();
        tokio::spawn(async move {
            loop {
                let listen = async {
                    let Ok(Ok(mut pubsub)) = tokio::time::timeout(PROBE_TIMEOUT, client.get_async_pubsub()).await
                    else {
                        return;
                    };
                    if pubsub.subscribe(CHANNEL).await.is_err() {
                        return;
                    }
                    on_pattern("*".to_owned()).await;
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        if let Ok(pattern) = message.get_payload::<String>() {
                            on_pattern(pattern).await;
                        }
                    }
                };
                tokio::select! {
                    () = listen => {}
                    _ = shutdown.changed() => return,
                }
                tokio::select! {
                    () = tokio::time::sleep(PROBE_INTERVAL) => {}
                    _ = shutdown.changed() => return,
                }
            }
        });
    }

    /// Records the outcome of a request's operation: an error or a timeout marks
    /// Redis down at once (the probe brings it back).
    fn settle<T>(&self, result: Result<redis::RedisResult<T>, tokio::time::error::Elapsed>) -> Option<T> {
        match result {
            Ok(Ok(value)) => Some(value),
            Ok(Err(err)) => {
                self.mark_down(&err.to_string());
                None
            }
            Err(_) => {
                self.mark_down("timed out");
                None
            }
        }
    }

    fn mark_down(&self, reason: &str) {
        if self.shared.up.swap(false, Ordering::Relaxed) {
            tracing::warn!(cache.reason = reason, "redis unavailable: serving from memory and the database");
        }
    }
}

/// Pings Redis each second while the layer exists, keeping `up` current. On
/// recovery it first flushes our cached data: invalidations made meanwhile
/// missed it; then it has every replica flush its memory. The rate limiter's
/// counters stay (no invalidation concerns them).
async fn probe(weak: Weak<Shared>) {
    let mut shutdown = match weak.upgrade() {
        Some(shared) => shared.shutdown.subscribe(),
        None => return,
    };
    loop {
        let Some(shared) = weak.upgrade() else { return };
        let started = Instant::now();
        let mut conn = shared.manager.clone();
        let pong = tokio::time::timeout(PROBE_TIMEOUT, redis::cmd("PING").query_async::<String>(&mut conn)).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        shared.response_ms.store(elapsed_ms, Ordering::Relaxed);
        match pong {
            Ok(Ok(_)) if !shared.up.load(Ordering::Relaxed) => {
                if delete_matching(&shared.manager, &format!("{DATA}*")).await.is_some() {
                    shared.up.store(true, Ordering::Relaxed);
                    tracing::info!(cache.response_ms = elapsed_ms, "redis available");
                    // The other replicas flush their memory when their own
                    // subscription comes back, which may be before this probe:
                    // what this replica changed in between was never published
                    // (nothing is while Redis counts as down), so they would
                    // keep the old entries, a logout's included, until their
                    // lifetime ends. Flushing everyone's memory once more bounds
                    // that to this probe's second.
                    let mut conn = shared.manager.clone();
                    let _ = tokio::time::timeout(OP_TIMEOUT, conn.publish::<_, _, ()>(CHANNEL, "*")).await;
                }
            }
            Ok(Ok(_)) => {}
            _ => {
                if shared.up.swap(false, Ordering::Relaxed) {
                    tracing::warn!("redis unavailable: serving from memory and the database");
                }
            }
        }
        drop(shared);
        tokio::select! {
            () = tokio::time::sleep(PROBE_INTERVAL) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Our keys matching `pattern` (SCAN, never KEYS: it would block Redis).
async fn scan(manager: &ConnectionManager, pattern: &str) -> redis::RedisResult<Vec<String>> {
    let mut conn = manager.clone();
    let mut cursor = 0u64;
    let mut keys = Vec::new();
    let full = format!("{KEY_PREFIX}{pattern}");
    loop {
        let (next, batch): (u64, Vec<String>) =
            redis::cmd("SCAN").arg(cursor).arg("MATCH").arg(&full).arg("COUNT").arg(500).query_async(&mut conn).await?;
        // Redis globs are richer than ours; keep only what our matcher agrees on.
        keys.extend(
            batch.into_iter().filter(|k| k.strip_prefix(KEY_PREFIX).is_some_and(|rest| glob_match(pattern, rest))),
        );
        if next == 0 {
            return Ok(keys);
        }
        cursor = next;
    }
}

/// Deletes our keys matching `pattern`; `None` if Redis did not answer in time.
async fn delete_matching(manager: &ConnectionManager, pattern: &str) -> Option<u64> {
    let work = async {
        let keys = scan(manager, pattern).await?;
        if keys.is_empty() {
            return Ok(0);
        }
        let mut conn = manager.clone();
        // UNLINK frees memory in the background, unlike DEL.
        redis::cmd("UNLINK").arg(&keys).query_async::<u64>(&mut conn).await
    };
    tokio::time::timeout(OP_TIMEOUT * 10, work).await.ok()?.ok()
}
