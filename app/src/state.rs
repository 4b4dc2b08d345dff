//! The server's shared state, given to REST handlers as axum state and to server
//! functions through Leptos context.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::countries::CountryIndex;
use crate::db::Db;

/// Everything a request handler may need. Cheap to clone: pools and `Arc`s.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub countries: Arc<CountryIndex>,
}
