//! The two-layer cache: an in-process `moka` cache in front of Redis when
//! `REDIS_URL` is set. Keys carry the `dreamseed:` prefix in Redis; each cached
//! [`Figure`] has its own key and time to live, and a write forgets the figures
//! its [`Change`] makes stale, on every replica (Redis pub/sub). A Redis that
//! is down or hung is skipped within one bounded wait, reported as degraded,
//! and used again once it answers.
//!
//! Keys live in namespaces. Cached data is under `data:`, the only namespace
//! that invalidation patterns reach (`stats*` means `data:stats*`, `*` all cached
//! data); the rate limiter's shared counters (`ratelimit:…`, Redis only) and the
//! entries kept in this process (`local:…`, such as checked credentials) live
//! beside it, so no pattern sent to `POST /api/cache/invalidate` can reset a
//! limit or touch who is signed in. Process-local entries have their own
//! invalidation, [`Cache::forget_local`], for internal callers.

mod figures;
mod redis_layer;

pub use self::figures::{Change, Figure};

use std::any::Any;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use self::redis_layer::RedisLayer;
use crate::error::{AppError, Result};

/// Prefix of every key this service writes to Redis.
pub const KEY_PREFIX: &str = "dreamseed:";

/// The namespace of cached data (after [`KEY_PREFIX`] in Redis): everything
/// [`Cache::figure`] stores, and all that [`Cache::invalidate`] reaches.
const DATA: &str = "data:";

/// The namespace of entries kept in this process only ([`Cache::local_put`]).
const LOCAL: &str = "local:";

/// Beginnings of patterns that name a namespace outside the cached data, or
/// the data namespace itself: refused, since a caller writing one expects to
/// reach keys that invalidation never touches.
const RESERVED: [&str; 4] = ["ratelimit:", "auth:", "local:", "data:"];

/// How long an entry may live in the process when Redis is the shared layer: it
/// bounds how stale a replica can be if it missed an invalidation message.
const MEMORY_TTL_WITH_REDIS: Duration = Duration::from_secs(30);

/// Entries the in-process layer holds at most.
const MEMORY_CAPACITY: u64 = 10_000;

/// A cached value: its JSON (what Redis holds) and the decoded value, so a hit
/// in the process costs no decoding.
#[derive(Clone)]
struct Entry {
    json: Arc<[u8]>,
    value: Arc<dyn Any + Send + Sync>,
    ttl: Duration,
}

/// Per-entry expiry: each entry lives for its figure's time to live.
struct PerEntryTtl;

impl moka::Expiry<String, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _key: &String, entry: &Entry, _created_at: std::time::Instant) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// What `GET /api/cache/status` reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CacheStatus {
    /// `memory`, or `redis` (memory in front of Redis).
    pub backend: String,
    /// Whether the shared layer answers (always true for `memory`).
    pub connected: bool,
    /// Entries in this process, plus those in Redis under our prefix when connected.
    pub keys: u64,
    /// Lookups answered from either layer since start-up.
    pub hits: u64,
    /// Lookups that had to compute the value.
    pub misses: u64,
    /// hits / (hits + misses), 0 when nothing was asked yet.
    pub hit_rate: f64,
}

/// Health of the shared layer, for `/health`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerHealth {
    /// Whether the last probe or operation succeeded.
    pub up: bool,
    /// The last round trip (ping), in milliseconds.
    pub response_ms: u64,
}

/// The cache. Cheap to clone; all clones share the layers.
#[derive(Clone)]
pub struct Cache {
    inner: Arc<Inner>,
}

/// The key of a process-local entry ([`Cache::local_get`]), namespace
/// included: made once per lookup, and moved into the cache on a miss.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalKey(String);

impl LocalKey {
    /// The key that joins `parts` (`["auth:token:", sid]`).
    pub fn new(parts: &[&str]) -> Self {
        let mut key = String::with_capacity(LOCAL.len() + parts.iter().map(|p| p.len()).sum::<usize>());
        key.push_str(LOCAL);
        parts.iter().for_each(|part| key.push_str(part));
        Self(key)
    }
}

/// The memory layer. Its keys are ours (a figure and its view, a credential
/// that checked out), so a fast hasher (foldhash, seeded per process) is safe
/// where SipHash cost a measurable part of a cached request.
type Memory = moka::future::Cache<String, Entry, foldhash::fast::RandomState>;

struct Inner {
    memory: Memory,
    redis: Option<RedisLayer>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("redis", &self.inner.redis.is_some()).finish()
    }
}

impl Cache {
    /// An in-process cache only (the embedded default).
    pub fn memory_only() -> Self {
        Self::build(None)
    }

    /// Memory in front of the Redis at `url`. Never waits for Redis: if it is down
    /// now, the cache starts degraded and uses it once it answers.
    pub fn with_redis(url: &str) -> std::result::Result<Self, redis::RedisError> {
        Ok(Self::build(Some(RedisLayer::connect(url)?)))
    }

    fn build(redis: Option<RedisLayer>) -> Self {
        let memory = moka::future::Cache::builder()
            .max_capacity(MEMORY_CAPACITY)
            .expire_after(PerEntryTtl)
            .build_with_hasher(foldhash::fast::RandomState::default());
        let cache =
            Self { inner: Arc::new(Inner { memory, redis, hits: AtomicU64::new(0), misses: AtomicU64::new(0) }) };
        if let Some(redis) = &cache.inner.redis {
            // Other replicas' invalidations reach this process's memory layer.
            let memory = cache.inner.memory.clone();
            redis.on_invalidation(move |pattern| {
                let memory = memory.clone();
                async move {
                    invalidate_memory(&memory, &pattern).await;
                }
            });
        }
        cache
    }

    /// `figure` for one view (`variant`, see [`Figure::key`]), from memory, then
    /// Redis, then `load` (whose result is stored in both, for the figure's time
    /// to live). Concurrent misses on one key run `load` once.
    pub async fn figure<T, F, Fut>(&self, figure: Figure, variant: &str, load: F) -> Result<T>
    where
        T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let entry = self.entry(figure, variant, load).await?;
        entry.value.downcast_ref::<T>().cloned().ok_or(AppError::Internal)
    }

    /// [`Cache::figure`] as the JSON it is kept as (`serde_json` of the value):
    /// what a REST answer sends, without copying the value and serialising it
    /// again on every hit.
    pub async fn figure_json<T, F, Fut>(&self, figure: Figure, variant: &str, load: F) -> Result<Arc<[u8]>>
    where
        T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        Ok(self.entry(figure, variant, load).await?.json)
    }

    /// The entry of `figure` for `variant`, holding a `T` (see [`Cache::figure`]).
    async fn entry<T, F, Fut>(&self, figure: Figure, variant: &str, load: F) -> Result<Entry>
    where
        T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        // One text for the key (`data:<figure>:<variant>`), not three.
        let key = &figure.key_in(DATA, variant);
        if let Some(entry) = self.memory_get(key).await {
            if entry.value.is::<T>() {
                self.hit("memory");
                return Ok(entry);
            }
        }
        let ttl = match self.inner.redis {
            Some(_) => figure.ttl().min(MEMORY_TTL_WITH_REDIS),
            None => figure.ttl(),
        };
        // Boxed: the miss path (Redis, then the figure's queries) is a large
        // future; inline, every hit would carry and copy its space.
        let entry = Box::pin(self.inner.memory.try_get_with(key.to_owned(), async {
            if let Some(redis) = &self.inner.redis {
                if let Some(json) = redis.get(key).await {
                    if let Ok(value) = serde_json::from_slice::<T>(&json) {
                        self.hit("redis");
                        return Ok(Entry { json: json.into(), value: Arc::new(value), ttl });
                    }
                }
            }
            self.inner.misses.fetch_add(1, Ordering::Relaxed);
            metrics::counter!("cache_misses_total").increment(1);
            let started = Instant::now();
            let value = load().await?;
            metrics::histogram!("cache_load_duration_seconds").record(started.elapsed().as_secs_f64());
            let json: Arc<[u8]> = serde_json::to_vec(&value).map_err(|_| AppError::Internal)?.into();
            if let Some(redis) = &self.inner.redis {
                redis.set(key, json.clone(), figure.ttl());
            }
            Ok::<_, AppError>(Entry { json, value: Arc::new(value), ttl })
        }))
        .await
        .map_err(|err: Arc<AppError>| (*err).clone())?;
        // Another type under this key would be a bug in the keys: never send it.
        if entry.value.is::<T>() {
            Ok(entry)
        } else {
            Err(AppError::Internal)
        }
    }

    /// A value kept in this process only (never sent to Redis), if present: for
    /// data that must not leave the process, such as who a credential belongs to.
    /// [`Cache::forget_local`] reaches it here and, through Redis, on every
    /// replica; [`Cache::invalidate`] never does.
    pub async fn local_get<T: Clone + Send + Sync + 'static>(&self, key: &LocalKey) -> Option<T> {
        self.memory_get(&key.0).await.and_then(|entry| entry.value.downcast_ref::<T>().cloned())
    }

    /// Keeps `value` under `key` in this process only, for `ttl` (see [`Cache::local_get`]).
    pub async fn local_put<T: Send + Sync + 'static>(&self, key: LocalKey, value: T, ttl: Duration) {
        let entry = Entry { json: Arc::from(&[][..]), value: Arc::new(value), ttl };
        self.inner.memory.insert(key.0, entry).await;
    }

    /// The entry under `key` in this process's memory. Boxed: moka's lookup is
    /// a future of ~800 bytes (it may run the cache's housekeeping), which
    /// every future awaiting it would otherwise carry, and a request's future
    /// is moved whole several times on its way through the middleware (issue
    /// #14, the hot path); one allocation costs less than those copies.
    async fn memory_get(&self, key: &str) -> Option<Entry> {
        Box::pin(self.inner.memory.get(key)).await
    }

    fn hit(&self, layer: &'static str) {
        self.inner.hits.fetch_add(1, Ordering::Relaxed);
        // Literal labels: the macro keeps the key (and its hash) in a static;
        // a label from a variable is a key built and hashed on every hit.
        match layer {
            "memory" => metrics::counter!("cache_hits_total", "layer" => "memory").increment(1),
            _ => metrics::counter!("cache_hits_total", "layer" => "redis").increment(1),
        }
    }

    /// Removes the cached data whose key matches the glob `pattern` (`*` and
    /// `?`; all cached data when `None`), here, in Redis, and on every other
    /// replica. Returns how many entries this process and Redis held. The
    /// pattern is confined to the data namespace, so it never reaches the rate
    /// limiter's counters or process-local entries; one that names them
    /// (`ratelimit:*`, `auth:*`) is refused.
    pub async fn invalidate(&self, pattern: Option<&str>) -> Result<u64> {
        let pattern = pattern.unwrap_or("*");
        validate_pattern(pattern)?;
        if RESERVED.iter().any(|reserved| pattern.starts_with(reserved)) {
            return Err(AppError::invalid_field(
                "pattern",
                "rate-limit counters and sign-in checks are not cached data; give a pattern such as stats*",
            ));
        }
        let full = format!("{DATA}{pattern}");
        let mut removed = invalidate_memory(&self.inner.memory, &full).await;
        if let Some(redis) = &self.inner.redis {
            removed += redis.invalidate(&full).await;
        }
        tracing::debug!(cache.pattern = pattern, cache.removed = removed, "cache invalidated");
        Ok(removed)
    }

    /// Forgets every figure `change` makes stale (see [`Change::stale`]), here,
    /// in Redis and on every other replica; returns how many entries went.
    pub async fn forget(&self, change: Change) -> Result<u64> {
        let mut removed = 0;
        for figure in change.stale() {
            removed += self.invalidate(Some(&format!("{}:*", figure.prefix()))).await?;
        }
        Ok(removed)
    }

    /// Removes the process-local entries (see [`Cache::local_put`]) whose key
    /// matches `pattern`, here and on every other replica: for internal callers
    /// such as the credential checks after a logout or a role change. Cached
    /// data and the rate limiter's counters are out of its reach.
    pub async fn forget_local(&self, pattern: &str) -> Result<u64> {
        validate_pattern(pattern)?;
        let full = format!("{LOCAL}{pattern}");
        let removed = invalidate_memory(&self.inner.memory, &full).await;
        if let Some(redis) = &self.inner.redis {
            redis.publish(&full).await;
        }
        tracing::debug!(cache.pattern = pattern, cache.removed = removed, "process-local entries forgotten");
        Ok(removed)
    }

    /// Backend, connection and counters, for `GET /api/cache/status`.
    pub async fn status(&self) -> CacheStatus {
        self.inner.memory.run_pending_tasks().await;
        let hits = self.inner.hits.load(Ordering::Relaxed);
        let misses = self.inner.misses.load(Ordering::Relaxed);
        // Cached data only: process-local entries are not what the status describes.
        let mut keys = self.inner.memory.iter().filter(|(key, _)| key.starts_with(DATA)).count() as u64;
        let (backend, connected) = match &self.inner.redis {
            None => ("memory", true),
            Some(redis) => {
                let connected = redis.health().up;
                if connected {
                    keys += redis.count_keys().await.unwrap_or(0);
                }
                ("redis", connected)
            }
        };
        let asked = hits + misses;
        CacheStatus {
            backend: backend.to_owned(),
            connected,
            keys,
            hits,
            misses,
            hit_rate: if asked == 0 { 0.0 } else { hits as f64 / asked as f64 },
        }
    }

    /// Counts one event in the shared (Redis) counter `key`, kept for `ttl`, and
    /// reads the counter `previous`; `None` without Redis or while it is down.
    /// Counters must live outside the data namespace (the rate limiter uses
    /// `ratelimit:…`), so that no invalidation pattern can reset them.
    pub async fn shared_count(&self, key: &str, previous: &str, ttl: Duration) -> Option<(i64, i64)> {
        debug_assert!(!key.starts_with(DATA) && !previous.starts_with(DATA), "counters are not cached data");
        self.inner.redis.as_ref()?.count(key, previous, ttl).await
    }

    /// Whether there is a shared layer (Redis) behind this process's memory.
    pub fn is_shared(&self) -> bool {
        self.inner.redis.is_some()
    }

    /// The shared layer's health, or `None` when there is no Redis.
    pub fn redis_health(&self) -> Option<LayerHealth> {
        self.inner.redis.as_ref().map(RedisLayer::health)
    }

    /// The JSON stored under `key` in this process, if any (for tests and diagnostics).
    pub async fn peek_json(&self, key: &str) -> Option<Vec<u8>> {
        self.memory_get(&format!("{DATA}{key}")).await.map(|e| e.json.to_vec())
    }
}

/// Removes memory entries whose full key (namespace included) matches
/// `pattern`; returns how many.
async fn invalidate_memory(memory: &Memory, pattern: &str) -> u64 {
    let keys: Vec<Arc<String>> = memory.iter().map(|(k, _)| k).filter(|k| glob_match(pattern, k)).collect();
    for key in &keys {
        memory.invalidate(key.as_str()).await;
    }
    keys.len() as u64
}

/// A pattern may hold key characters and the wildcards `*` and `?` (as Redis
/// `SCAN MATCH` reads them), nothing that could reach outside its namespace
/// (no `[…]` classes, no `\` escapes).
fn validate_pattern(pattern: &str) -> Result<()> {
    let ok = !pattern.is_empty()
        && pattern.len() <= 100
        && pattern
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.' | b'*' | b'?' | b'+'));
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid_field("pattern", "use letters, digits, : _ - . + and the wildcards * and ?"))
    }
}

/// Glob matching with `*` (any run) and `?` (one character).
fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_redis() {
        assert!(glob_match("*", "stats:kst"));
        assert!(glob_match("stats*", "stats:kst"));
        assert!(glob_match("stats:???", "stats:kst"));
        assert!(glob_match("*:kst", "countries:kst"));
        assert!(!glob_match("stats*", "countries:kst"));
        assert!(!glob_match("stats:??", "stats:kst"));
    }

    #[test]
    fn patterns_cannot_carry_anything_but_key_characters() {
        assert!(validate_pattern("stats*").is_ok());
        assert!(validate_pattern("user_growth:30:+09:00").is_ok());
        for bad in ["", "a b", "x\r\nFLUSHALL", "[abc]", &"x".repeat(101)] {
            assert!(validate_pattern(bad).is_err(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn a_second_read_comes_from_memory_without_loading() {
        let cache = Cache::memory_only();
        let loads = AtomicU64::new(0);
        for _ in 0..3 {
            let value: u32 = cache
                .figure(Figure::Stats, "k", || async {
                    loads.fetch_add(1, Ordering::Relaxed);
                    Ok(7)
                })
                .await
                .unwrap();
            assert_eq!(value, 7);
        }
        assert_eq!(loads.load(Ordering::Relaxed), 1);
        let status = cache.status().await;
        assert_eq!((status.hits, status.misses, status.keys), (2, 1, 1));
        assert_eq!(status.backend, "memory");
    }

    #[tokio::test]
    async fn invalidation_by_pattern_forces_a_reload() {
        let cache = Cache::memory_only();
        for (figure, variant) in [(Figure::Stats, "kst"), (Figure::Stats, "utc"), (Figure::Countries, "kst")] {
            let _: u8 = cache.figure(figure, variant, || async { Ok(1) }).await.unwrap();
        }
        assert_eq!(cache.invalidate(Some("stats*")).await.unwrap(), 2);
        assert!(cache.peek_json("stats:kst").await.is_none());
        assert!(cache.peek_json("countries:kst").await.is_some());
        let reloaded: u8 = cache.figure(Figure::Stats, "kst", || async { Ok(2) }).await.unwrap();
        assert_eq!(reloaded, 2);
    }

    #[tokio::test]
    async fn patterns_reach_cached_data_only() {
        let cache = Cache::memory_only();
        let _: u8 = cache.figure(Figure::Stats, "kst", || async { Ok(1) }).await.unwrap();
        cache.local_put(LocalKey::new(&["auth:session:abc"]), 7u8, Duration::from_secs(30)).await;
        // Naming another namespace is refused, naming the field.
        for reserved in ["ratelimit:*", "auth:*", "local:*", "data:*"] {
            match cache.invalidate(Some(reserved)).await {
                Err(AppError::Validation { fields, .. }) => assert_eq!(fields[0].field, "pattern", "{reserved}"),
                other => panic!("{reserved}: {other:?}"),
            }
        }
        // `*` is every cached value, and nothing else.
        assert_eq!(cache.invalidate(Some("*")).await.unwrap(), 1);
        assert!(cache.peek_json("stats:kst").await.is_none());
        assert_eq!(cache.local_get::<u8>(&LocalKey::new(&["auth:session:abc"])).await, Some(7));
        // Process-local entries have their own way out, which leaves data alone.
        let _: u8 = cache.figure(Figure::Stats, "kst", || async { Ok(1) }).await.unwrap();
        assert_eq!(cache.forget_local("auth:*").await.unwrap(), 1);
        assert_eq!(cache.local_get::<u8>(&LocalKey::new(&["auth:session:abc"])).await, None);
        assert!(cache.peek_json("stats:kst").await.is_some());
        cache.local_put(LocalKey::new(&["auth:token:", "t"]), 8u8, Duration::from_secs(30)).await;
        assert_eq!(cache.status().await.keys, 1, "the status counts cached data only");
    }

    #[tokio::test]
    async fn a_change_forgets_exactly_the_figures_it_makes_stale() {
        let cache = Cache::memory_only();
        for figure in Figure::ALL {
            let _: u8 = cache.figure(figure, "kst", || async { Ok(1) }).await.unwrap();
        }
        assert_eq!(cache.forget(Change::Problems).await.unwrap(), 2);
        for figure in Figure::ALL {
            let kept = cache.peek_json(&figure.key("kst")).await.is_some();
            assert_eq!(kept, !matches!(figure, Figure::Stats | Figure::ProblemMatrix), "{figure:?}");
        }
    }

    #[tokio::test]
    async fn a_failed_load_is_not_cached() {
        let cache = Cache::memory_only();
        let err = cache.figure::<u8, _, _>(Figure::Stats, "k", || async { Err(AppError::Internal) }).await;
        assert_eq!(err, Err(AppError::Internal));
        let ok: u8 = cache.figure(Figure::Stats, "k", || async { Ok(3) }).await.unwrap();
        assert_eq!(ok, 3);
    }
}
