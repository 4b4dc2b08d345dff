//! The problem bank: `problems(filter, first, after)` and `problem(id)`, and
//! the mutations of `/api/v1/problems` (create, update, archive, restore,
//! bulk status), each the service the REST route calls.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, Object};
use server_core::model::{BulkResult, BulkStatus, Problem, ProblemInput, ProblemPatch, ProblemQuery};
use server_core::services::problems;

use super::connection::{self, Total};
use super::context::{door, found};

/// The problem queries.
#[derive(Default)]
pub struct ProblemsQuery;

#[Object]
impl ProblemsQuery {
    /// Problems matching `filter` in its `sort` and `order`, with their
    /// statistics: `first` rows (1–100, default 50) after the cursor `after`.
    #[graphql(complexity = "connection::cost(child_complexity, first)")]
    async fn problems(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProblemQuery>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Problem, Total, EmptyFields>> {
        let (state, caller) = door(ctx)?;
        let query =
            ProblemQuery { cursor: after.clone(), per_page: connection::first(first)?, ..filter.unwrap_or_default() };
        let page = problems::list(state, caller, &query).await?;
        let cursors = problems::cursors(&query, &page.problems)?;
        Ok(connection::of(page.problems, cursors, page.meta.total, &after, page.meta.next_cursor.is_some()))
    }

    /// One problem, or `null` when there is none with this id.
    async fn problem(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<Option<Problem>> {
        let (state, caller) = door(ctx)?;
        found(problems::get(state, caller, id).await)
    }
}

/// The problem mutations (editors and above, audit-logged).
#[derive(Default)]
pub struct ProblemsMutation;

#[Object]
impl ProblemsMutation {
    /// Adds a problem.
    async fn create_problem(&self, ctx: &Context<'_>, input: ProblemInput) -> async_graphql::Result<Problem> {
        let (state, caller) = door(ctx)?;
        Ok(problems::create(state, caller, &input).await?)
    }

    /// Changes the fields given (an empty `answer`, `subject` or `difficulty` clears it).
    async fn update_problem(&self, ctx: &Context<'_>, id: i64, patch: ProblemPatch) -> async_graphql::Result<Problem> {
        let (state, caller) = door(ctx)?;
        Ok(problems::update(state, caller, id, &patch).await?)
    }

    /// Archives a problem (kept, hidden from the default list).
    async fn archive_problem(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<Problem> {
        let (state, caller) = door(ctx)?;
        Ok(problems::set_archived(state, caller, id, true).await?)
    }

    /// Brings an archived problem back.
    async fn restore_problem(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<Problem> {
        let (state, caller) = door(ctx)?;
        Ok(problems::set_archived(state, caller, id, false).await?)
    }

    /// Sets the status of several problems at once.
    async fn set_problems_status(&self, ctx: &Context<'_>, change: BulkStatus) -> async_graphql::Result<BulkResult> {
        let (state, caller) = door(ctx)?;
        Ok(problems::bulk_status(state, caller, &change).await?)
    }
}
