//! The server's shared state, given to REST handlers as axum state and to server
//! functions through Leptos context (the server adds its rendering options
//! beside it, not in it: the core knows nothing of Leptos).

use std::sync::Arc;

use axum::extract::FromRef;
use chrono::{DateTime, Utc};

use crate::auth::password::Hasher;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::SecuritySettings;
use crate::cache::Cache;
use crate::countries::CountryIndex;
use crate::db::Db;
use crate::live::LiveHub;
use crate::observability::Ops;

/// Everything a request handler may need. Cheap to clone: pools and `Arc`s.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    /// The database pool.
    pub db: Db,
    /// The two-layer cache.
    pub cache: Cache,
    /// Country names and marker positions.
    pub countries: Arc<CountryIndex>,
    /// What "now" is: the system clock, or a fixed instant in tests.
    pub clock: Clock,
    /// Uptime, per-route statistics and what `/health` may show.
    pub ops: Arc<Ops>,
    /// Live events for the open dashboards.
    pub live: LiveHub,
    /// `MAP_TILE_URL`: a tile server for the map, when the operator has one.
    pub map_tile_url: Option<Arc<str>>,
    /// Sessions, tokens, limits.
    pub security: Arc<SecuritySettings>,
    /// Requests per minute per caller.
    pub rate_limiter: RateLimiter,
    /// Password hashing, a few at a time in reused memory.
    pub passwords: Hasher,
}

impl AppState {
    /// State over `db` with an in-process cache, the system clock and fresh
    /// statistics; adjust the public fields for anything else.
    pub fn new(db: Db, countries: CountryIndex) -> Self {
        Self {
            db,
            cache: Cache::memory_only(),
            countries: Arc::new(countries),
            clock: Clock::System,
            ops: Arc::new(Ops::default()),
            live: LiveHub::default(),
            map_tile_url: None,
            security: Arc::new(SecuritySettings::ephemeral()),
            rate_limiter: RateLimiter::new(),
            passwords: Hasher::default(),
        }
    }
}

/// The source of the current time, so "today" can be pinned in tests.
#[derive(Clone, Copy, Debug, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// Always this instant.
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The current time.
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Fixed(at) => at,
        }
    }
}
