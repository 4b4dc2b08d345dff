//! Scheduled reports: `reports(status, first, after)`, `report(id)` with its
//! `template` (batched) and `runs`, `run(id)`, and the mutations of
//! `/api/v1/reports` (create, update, pause/resume, delete) with
//! `generateReport`, which queues a run as `POST …/generate` does.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{ComplexObject, Context, Object, SimpleObject};
use server_core::model::{Report, ReportInput, ReportQuery, Run, RunQuery, Template};
use server_core::services::runs::Trigger;
use server_core::services::{reports, runs};

use super::connection::{self, Total};
use super::context::{door, found};
use super::loaders::Loaders;

/// The report queries.
#[derive(Default)]
pub struct ReportsQuery;

#[Object]
impl ReportsQuery {
    /// Reports by name, `status` `active` or `paused` (both when absent):
    /// `first` rows (1–100, default 50) after the cursor `after`.
    #[graphql(complexity = "connection::cost(child_complexity, first)")]
    async fn reports(
        &self,
        ctx: &Context<'_>,
        status: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, ReportNode, Total, EmptyFields>> {
        let (state, caller) = door(ctx)?;
        let query = ReportQuery { status, per_page: connection::first(first)?, cursor: after.clone() };
        let page = reports::list(state, caller, &query).await?;
        let cursors = reports::cursors(&page.reports);
        let nodes = page.reports.into_iter().map(ReportNode::from).collect();
        Ok(connection::of(nodes, cursors, page.meta.total, &after, page.meta.next_cursor.is_some()))
    }

    /// One report, or `null` when there is none with this id.
    async fn report(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<Option<ReportNode>> {
        let (state, caller) = door(ctx)?;
        Ok(found(reports::get(state, caller, id).await)?.map(ReportNode::from))
    }

    /// One run, with its files, or `null` when there is none with this id.
    async fn run(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<Option<Run>> {
        let (state, caller) = door(ctx)?;
        found(runs::get(state, caller, id).await)
    }
}

/// A scheduled report.
#[derive(SimpleObject)]
#[graphql(complex, name = "Report")]
pub struct ReportNode {
    #[graphql(flatten)]
    report: Report,
}

impl From<Report> for ReportNode {
    fn from(report: Report) -> Self {
        Self { report }
    }
}

#[ComplexObject]
impl ReportNode {
    /// The template it is made from (batched: one query for a page of reports).
    async fn template(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Template>> {
        door(ctx)?;
        Ok(ctx.data::<Loaders>()?.templates.load_one(self.report.template_id).await?)
    }

    /// Its runs, newest first, `status` one of the run statuses (all when
    /// absent): `first` rows (1–100, default 50) after the cursor `after`.
    /// One query per report (a list of reports pays it per row).
    #[graphql(complexity = "connection::cost(child_complexity, first) + connection::QUERY")]
    async fn runs(
        &self,
        ctx: &Context<'_>,
        status: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Run, Total, EmptyFields>> {
        let (state, caller) = door(ctx)?;
        let query = RunQuery { status, per_page: connection::first(first)?, cursor: after.clone() };
        let page = runs::list(state, caller, Some(self.report.id), &query).await?;
        let cursors = runs::cursors(&page.runs);
        Ok(connection::of(page.runs, cursors, page.meta.total, &after, page.meta.next_cursor.is_some()))
    }
}

/// The report mutations (editors and above, audit-logged).
#[derive(Default)]
pub struct ReportsMutation;

#[Object]
impl ReportsMutation {
    /// Adds a report.
    async fn create_report(&self, ctx: &Context<'_>, input: ReportInput) -> async_graphql::Result<ReportNode> {
        let (state, caller) = door(ctx)?;
        Ok(reports::create(state, caller, &input).await?.into())
    }

    /// Replaces a report's settings.
    async fn update_report(&self, ctx: &Context<'_>, id: i64, input: ReportInput) -> async_graphql::Result<ReportNode> {
        let (state, caller) = door(ctx)?;
        Ok(reports::update(state, caller, id, &input).await?.into())
    }

    /// Resumes (`true`) or pauses (`false`) a report's schedule.
    async fn set_report_active(&self, ctx: &Context<'_>, id: i64, active: bool) -> async_graphql::Result<ReportNode> {
        let (state, caller) = door(ctx)?;
        Ok(reports::set_active(state, caller, id, active).await?.into())
    }

    /// Deletes a report and its runs; `true` once it is gone.
    async fn delete_report(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<bool> {
        let (state, caller) = door(ctx)?;
        reports::delete(state, caller, id).await?;
        Ok(true)
    }

    /// Queues a run of the report now and returns it (`queued`); follow it
    /// with `run(id)` or the `reportGenerated` subscription.
    async fn generate_report(&self, ctx: &Context<'_>, report_id: i64) -> async_graphql::Result<Run> {
        let (state, caller) = door(ctx)?;
        Ok(runs::generate(state, caller, report_id, Trigger::Api).await?)
    }
}
