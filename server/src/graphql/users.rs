//! `users(filter, first, after)` and `user(id)`: the users list as a
//! connection, with the filters and sorts of `GET /api/v1/users`.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, Object};
use server_core::model::{UserDetail, UserQuery, UserSummary};
use server_core::services::users;

use super::connection::{self, Total};
use super::context::{door, found};

/// The users queries.
#[derive(Default)]
pub struct UsersQuery;

#[Object]
impl UsersQuery {
    /// Users matching `filter` in its `sort` and `order`: `first` rows (1–100,
    /// default 50) after the cursor `after` (made for the same sort and order).
    #[graphql(complexity = "connection::cost(child_complexity, first)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        filter: Option<UserQuery>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, UserSummary, Total, EmptyFields>> {
        let (state, caller) = door(ctx)?;
        let query =
            UserQuery { cursor: after.clone(), per_page: connection::first(first)?, ..filter.unwrap_or_default() };
        let page = users::list(state, caller, &query).await?;
        let cursors = users::cursors(&query, &page.users)?;
        Ok(connection::of(page.users, cursors, page.meta.total, &after, page.meta.next_cursor.is_some()))
    }

    /// One user, or `null` when there is none with this id.
    async fn user(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<Option<UserDetail>> {
        let (state, caller) = door(ctx)?;
        found(users::get(state, caller, id).await)
    }
}
