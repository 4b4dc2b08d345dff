//! Keeps the `dreamseed_users_online` gauge current for `/metrics`.

use std::time::Duration;

use server_core::db::users;
use server_core::state::AppState;
use tracing::instrument;

/// How often the gauge is refreshed.
const EVERY: Duration = Duration::from_secs(15);

/// Runs forever.
pub async fn run(state: AppState) {
    super::every(EVERY, || once(&state)).await;
}

/// One refresh (a count over a partial index: cheap at any size).
#[instrument(skip_all, fields(job = "users_online"))]
pub async fn once(state: &AppState) {
    match users::count_online(&state.db).await {
        Ok(online) => metrics::gauge!("dreamseed_users_online").set(online as f64),
        Err(err) => tracing::warn!(error = %err, "could not count users online"),
    }
}
