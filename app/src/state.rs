//! The server's shared state, given to REST handlers as axum state and to server
//! functions through Leptos context.

use std::sync::Arc;

use axum::extract::FromRef;
use chrono::{DateTime, Utc};
use leptos::config::LeptosOptions;

use crate::countries::CountryIndex;
use crate::db::Db;

/// Everything a request handler may need. Cheap to clone: pools and `Arc`s.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    /// Where the site is and how Leptos renders it.
    pub leptos_options: LeptosOptions,
    /// The database pool.
    pub db: Db,
    /// Country names and marker positions.
    pub countries: Arc<CountryIndex>,
    /// What "now" is: the system clock, or a fixed instant in tests.
    pub clock: Clock,
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
