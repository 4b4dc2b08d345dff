//! The server's shared state, given to REST handlers as axum state and to server
//! functions through Leptos context (the server adds its rendering options
//! beside it, not in it: the core knows nothing of Leptos).

use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::auth::password::Hasher;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::SecuritySettings;
use crate::cache::Cache;
use crate::countries::CountryIndex;
use crate::db::Db;
use crate::live::LiveHub;
use crate::observability::Ops;

/// Everything a request handler may need, behind one `Arc`: the middleware
/// and the handler each take their own copy of the state on every request,
/// and one reference count is all that copy costs (field by field it was a
/// dozen, and a profile found them). Fields read through `Deref`; set them up
/// with [`AppState::with`].
#[derive(Clone, Debug)]
pub struct AppState(Arc<Parts>);

impl Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

impl From<Parts> for AppState {
    fn from(parts: Parts) -> Self {
        Self(Arc::new(parts))
    }
}

/// What the state holds.
#[derive(Clone, Debug)]
pub struct Parts {
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
    /// Scheduled reports: this process's instance id, settings and worker signal.
    pub reports: Arc<crate::reports::runtime::ReportsRuntime>,
    /// Where report deliveries may go, and the public address their links use.
    pub channels: Arc<crate::channels::ChannelSettings>,
}

impl AppState {
    /// State over `db` with an in-process cache, the system clock and fresh
    /// statistics; [`AppState::with`] changes anything else.
    pub fn new(db: Db, countries: CountryIndex) -> Self {
        Parts::new(db, countries).into()
    }

    /// This state with `change` made to its parts: for setting it up (a state
    /// already shared is copied first, so its other holders see no change).
    pub fn with(mut self, change: impl FnOnce(&mut Parts)) -> Self {
        change(Arc::make_mut(&mut self.0));
        self
    }
}

impl Parts {
    /// The parts of [`AppState::new`].
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
            reports: Arc::default(),
            channels: Arc::default(),
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

    /// The current time in Unix milliseconds, without the calendar a
    /// `DateTime` carries (for the checks every request makes).
    pub fn now_millis(self) -> i64 {
        match self {
            Self::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or_else(|_| Utc::now().timestamp_millis(), |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            Self::Fixed(at) => at.timestamp_millis(),
        }
    }

    /// The current time in Unix seconds (see [`Clock::now_millis`]).
    pub fn now_secs(self) -> i64 {
        self.now_millis().div_euclid(1000)
    }
}
