//! `me`: who the caller is (`GET /api/v1/auth/me`).

use async_graphql::{Context, Object};
use server_core::model::Me;

use super::context::door;

/// The `me` query.
#[derive(Default)]
pub struct MeQuery;

#[Object]
impl MeQuery {
    /// The caller: a person (session or access token) with their account, or
    /// an API key with its scopes.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Me> {
        let (state, caller) = door(ctx)?;
        Ok(server_core::services::auth::describe(state, caller).await?)
    }
}
