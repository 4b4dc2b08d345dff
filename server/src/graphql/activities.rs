//! `activities(filter, first, after)`: the activity log as a connection, the
//! filters of `GET /api/v1/activities`; each activity resolves its `user`
//! through the request's user loader (one query for a whole page).

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{ComplexObject, Context, Object, SimpleObject};
use server_core::model::{ActivityItem, ActivityQuery, UserSummary};
use server_core::services::activities;

use super::connection::{self, Total};
use super::context::door;
use super::loaders::Loaders;

/// The `activities` query.
#[derive(Default)]
pub struct ActivitiesQuery;

#[Object]
impl ActivitiesQuery {
    /// Activities matching `filter`, newest first: `first` rows (1–100,
    /// default 50) after the cursor `after`.
    #[graphql(complexity = "connection::cost(child_complexity, first)")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActivityQuery>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Activity, Total, EmptyFields>> {
        let (state, caller) = door(ctx)?;
        let query =
            ActivityQuery { cursor: after.clone(), per_page: connection::first(first)?, ..filter.unwrap_or_default() };
        let page = activities::list(state, caller, &query).await?;
        let cursors = activities::cursors(&page.activities);
        let nodes = page.activities.into_iter().map(Activity::from).collect();
        Ok(connection::of(nodes, cursors, page.meta.total, &after, page.meta.next_cursor.is_some()))
    }
}

/// One activity, with the user who did it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Activity {
    #[graphql(flatten)]
    item: ActivityItem,
}

impl From<ActivityItem> for Activity {
    fn from(item: ActivityItem) -> Self {
        Self { item }
    }
}

#[ComplexObject]
impl Activity {
    /// The user, if they still exist (batched: one query per page).
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<UserSummary>> {
        door(ctx)?;
        let loaders = ctx.data::<Loaders>()?;
        Ok(loaders.users.load_one(self.item.user_id).await?)
    }
}
