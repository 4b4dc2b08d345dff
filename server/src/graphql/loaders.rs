//! Data loaders: a list that resolves a relation (each activity's user, each
//! report's template, each alert event's rule) asks once for all of its rows,
//! not once a row. They are made per request, for its caller: what one
//! caller loaded is never served to another, and the services check the
//! caller's role as they do for any door.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use server_core::auth::Caller;
use server_core::error::AppError;
use server_core::model::{AlertRule, Template, UserSummary};
use server_core::state::AppState;

/// Who is loading: the caller, over the server's state.
#[derive(Clone)]
pub struct Scope {
    state: AppState,
    caller: Caller,
}

/// Users by id, one query a batch (`services::users::summaries`).
pub struct Users(Scope);

/// Report templates by id: every template in one query (there are few).
pub struct Templates(Scope);

/// Alert rules by id: every rule in one query (there are few).
pub struct Rules(Scope);

/// The loaders of one request (or one WebSocket connection).
pub struct Loaders {
    /// Activities' users.
    pub users: DataLoader<Users>,
    /// Reports' templates.
    pub templates: DataLoader<Templates>,
    /// Alert events' rules.
    pub rules: DataLoader<Rules>,
}

impl Loaders {
    /// Fresh loaders for `caller`.
    pub fn new(state: &AppState, caller: &Caller) -> Self {
        let scope = Scope { state: state.clone(), caller: caller.clone() };
        Self {
            // A batch is at most a page: the query's `in (…)` stays short.
            users: DataLoader::new(Users(scope.clone()), tokio::spawn).max_batch_size(100),
            templates: DataLoader::new(Templates(scope.clone()), tokio::spawn),
            rules: DataLoader::new(Rules(scope), tokio::spawn),
        }
    }
}

impl Loader<i64> for Users {
    type Value = UserSummary;
    type Error = AppError;

    async fn load(&self, ids: &[i64]) -> Result<HashMap<i64, UserSummary>, AppError> {
        let users = server_core::services::users::summaries(&self.0.state, &self.0.caller, ids).await?;
        Ok(users.into_iter().map(|user| (user.id, user)).collect())
    }
}

impl Loader<i64> for Templates {
    type Value = Template;
    type Error = AppError;

    async fn load(&self, ids: &[i64]) -> Result<HashMap<i64, Template>, AppError> {
        let all = server_core::services::templates::list(&self.0.state, &self.0.caller).await?;
        Ok(all.templates.into_iter().filter(|t| ids.contains(&t.id)).map(|t| (t.id, t)).collect())
    }
}

impl Loader<i64> for Rules {
    type Value = AlertRule;
    type Error = AppError;

    async fn load(&self, ids: &[i64]) -> Result<HashMap<i64, AlertRule>, AppError> {
        let all = server_core::services::alerts::list(&self.0.state, &self.0.caller).await?;
        Ok(all.rules.into_iter().filter(|r| ids.contains(&r.id)).map(|r| (r.id, r)).collect())
    }
}
