//! Requests per minute per account or API key, as a sliding-window
//! counter: this minute's count plus the last minute's, weighted by how much of
//! it still lies inside the sliding minute. Every replica counts in memory;
//! with Redis the replicas also share one count. A request is refused when
//! either count is over the limit, so a Redis outage never opens the gate: each
//! replica still enforces the limit on what it sees.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::cache::Cache;

const WINDOW_SECS: i64 = 60;
/// The most keys counted in memory at once. Every key an anonymous caller
/// can choose (its address, an e-mail) lands here, so the map must not grow
/// with what an attacker sends: past this, the least used keys go first.
const MAX_KEYS: u64 = 100_000;
/// The most per-e-mail login locks kept (idle ones are dropped first).
const MAX_LOGIN_LOCKS: u64 = 10_000;
/// The limiter's in-memory counters. Cheap to clone.
#[derive(Clone)]
pub struct RateLimiter {
    /// Per key, its counts for the current and the previous window: one entry
    /// per key, found by the key as given (no key is built per request).
    local: moka::sync::Cache<String, Arc<Mutex<Counts>>>,
    login_locks: moka::sync::Cache<String, Arc<tokio::sync::Mutex<()>>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter").field("keys", &self.local.entry_count()).finish()
    }
}

/// The verdict on one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead; this many requests remain in the sliding minute.
    Allow {
        /// Requests left.
        remaining: u32,
    },
    /// Refused; a retry after this many seconds may pass.
    Deny {
        /// Seconds to wait.
        retry_after_secs: u64,
    },
}

impl RateLimiter {
    /// Empty counters. A key unused for two windows is forgotten (both its
    /// counts would be outside the sliding minute by then).
    pub fn new() -> Self {
        Self {
            local: moka::sync::Cache::builder()
                .max_capacity(MAX_KEYS)
                .time_to_idle(Duration::from_secs(2 * WINDOW_SECS as u64))
                .build(),
            // Held for one login (well under a second); idle ones go after ten minutes.
            login_locks: moka::sync::Cache::builder()
                .max_capacity(MAX_LOGIN_LOCKS)
                .time_to_idle(Duration::from_secs(600))
                .build(),
        }
    }

    /// The lock that lets one login attempt for `email` run at a time.
    pub fn login_lock(&self, email: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.login_locks.get_with(email.to_owned(), || Arc::new(tokio::sync::Mutex::new(())))
    }

    /// Counts a request by `key` at Unix time `now_ms` against `limit` per minute.
    pub async fn check(&self, cache: &Cache, key: &str, limit: u32, now_ms: i64) -> Decision {
        let window = now_ms.div_euclid(WINDOW_SECS * 1000);
        let elapsed = now_ms.rem_euclid(WINDOW_SECS * 1000) as f64 / (WINDOW_SECS * 1000) as f64;
        let (current, previous) = self.count(key, window);
        let mut verdict = decide(limit, elapsed, current, previous);
        // Without Redis there is nothing to share (and no keys to format).
        if !cache.is_shared() {
            return verdict;
        }
        let shared = cache
            .shared_count(
                &format!("ratelimit:{key}:{window}"),
                &format!("ratelimit:{key}:{}", window - 1),
                Duration::from_secs(2 * WINDOW_SECS as u64),
            )
            .await;
        if let Some((current, previous)) = shared {
            verdict = stricter(verdict, decide(limit, elapsed, current, previous));
        }
        verdict
    }

    /// Counts one request by `key` in `window`; returns this window's count
    /// (this request included) and the previous window's.
    fn count(&self, key: &str, window: i64) -> (i64, i64) {
        let counts = match self.local.get(key) {
            Some(counts) => counts,
            None => self.local.get_with(key.to_owned(), || Arc::new(Mutex::new(Counts::default()))),
        };
        let mut counts = counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        counts.add(window)
    }
}

/// One key's counts: the window it last counted in, that window's count and
/// the one before it.
#[derive(Debug, Default)]
struct Counts {
    window: i64,
    current: i64,
    previous: i64,
}

impl Counts {
    fn add(&mut self, window: i64) -> (i64, i64) {
        // A new window: the count moves back one (or to nothing, if the key was
        // idle for a whole window). A window earlier than the last one (the
        // clock stepped back) counts as the last one: never a fresh start.
        if window > self.window {
            self.previous = if window == self.window + 1 { self.current } else { 0 };
            self.current = 0;
            self.window = window;
        }
        self.current += 1;
        (self.current, self.previous)
    }
}

/// The verdict for `current` requests this window (this one included) and
/// `previous` last window, `elapsed` (0–1) into this window.
fn decide(limit: u32, elapsed: f64, current: i64, previous: i64) -> Decision {
    let limit_f = f64::from(limit);
    let estimate = previous as f64 * (1.0 - elapsed) + current as f64;
    if estimate <= limit_f {
        return Decision::Allow { remaining: (limit_f - estimate).floor().max(0.0) as u32 };
    }
    // When will the estimate be back under the limit? While this window lasts
    // only the previous window's share shrinks; after it, this window's count
    // becomes the previous one and shrinks in turn.
    let window = WINDOW_SECS as f64;
    let within = if previous > 0 && (current as f64) < limit_f {
        Some(((estimate - limit_f) / previous as f64) * window)
    } else {
        None
    };
    let wait = within.unwrap_or_else(|| (1.0 - elapsed) * window + (1.0 - limit_f / current as f64).max(0.0) * window);
    Decision::Deny { retry_after_secs: wait.ceil().max(1.0) as u64 }
}

fn stricter(a: Decision, b: Decision) -> Decision {
    match (a, b) {
        (Decision::Deny { retry_after_secs: x }, Decision::Deny { retry_after_secs: y }) => {
            Decision::Deny { retry_after_secs: x.max(y) }
        }
        (deny @ Decision::Deny { .. }, _) | (_, deny @ Decision::Deny { .. }) => deny,
        (Decision::Allow { remaining: x }, Decision::Allow { remaining: y }) => Decision::Allow { remaining: x.min(y) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_limit_holds_per_key_and_lifts_as_the_window_slides() {
        let limiter = RateLimiter::new();
        let cache = Cache::memory_only();
        let start = 1_700_000_040_000; // 0 s into a window
        for i in 0..5 {
            assert!(matches!(limiter.check(&cache, "a", 5, start + i).await, Decision::Allow { .. }), "request {i}");
        }
        let Decision::Deny { retry_after_secs } = limiter.check(&cache, "a", 5, start + 10).await else {
            panic!("the sixth request passed");
        };
        assert!((1..=120).contains(&retry_after_secs), "{retry_after_secs}");
        assert!(matches!(limiter.check(&cache, "b", 5, start + 10).await, Decision::Allow { .. }), "keys are separate");
        // Two minutes on, the earlier requests no longer count.
        assert!(matches!(limiter.check(&cache, "a", 5, start + 120_000).await, Decision::Allow { .. }));
    }

    #[test]
    fn counts_move_back_one_window_and_never_restart_when_the_clock_steps_back() {
        let mut counts = Counts::default();
        assert_eq!(counts.add(100), (1, 0));
        assert_eq!(counts.add(100), (2, 0));
        assert_eq!(counts.add(101), (1, 2), "the last window becomes the previous one");
        assert_eq!(counts.add(100), (2, 2), "an earlier window counts as the current one");
        assert_eq!(counts.add(103), (1, 0), "an idle window in between leaves nothing behind");
    }

    #[test]
    fn the_previous_window_counts_by_its_share_of_the_sliding_minute() {
        assert_eq!(decide(10, 0.5, 5, 10), Decision::Allow { remaining: 0 });
        assert!(matches!(decide(10, 0.5, 6, 10), Decision::Deny { retry_after_secs: 6 }));
        assert!(matches!(decide(10, 0.9, 11, 0), Decision::Deny { .. }));
        assert_eq!(
            stricter(Decision::Allow { remaining: 3 }, Decision::Allow { remaining: 1 }),
            Decision::Allow { remaining: 1 }
        );
    }
}
