//! Server functions for scheduled reports and their templates: the same
//! services as `/api/v1/reports` and `/api/v1/templates`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{
    Report, ReportInput, ReportPage, ReportQuery, SchedulePreview, ScheduleQuery, Template, TemplateInput, TemplateList,
};

/// A page of reports by name.
#[server(prefix = "/api/fn", endpoint = "reports_list")]
pub async fn list_reports(
    /// Status filter and paging.
    // An empty query is sent as no body at all: absent is the default.
    #[server(default)]
    query: ReportQuery,
) -> Result<ReportPage, AppError> {
    crate::services::reports::list(&super::state()?, &super::caller(), &query).await
}

/// One report.
#[server(prefix = "/api/fn", endpoint = "report_get")]
pub async fn get_report(
    /// The report's id.
    id: i64,
) -> Result<Report, AppError> {
    crate::services::reports::get(&super::state()?, &super::caller(), id).await
}

/// Creates a report (editors and above); every invalid field is reported.
#[server(prefix = "/api/fn", endpoint = "report_create", input = leptos::server_fn::codec::Json)]
pub async fn create_report(
    /// The new report.
    input: ReportInput,
) -> Result<Report, AppError> {
    crate::services::reports::create(&super::state()?, &super::caller(), &input).await
}

/// Replaces a report's fields (editors and above).
#[server(prefix = "/api/fn", endpoint = "report_update", input = leptos::server_fn::codec::Json)]
pub async fn update_report(
    /// The report's id.
    id: i64,
    /// Every editable field.
    input: ReportInput,
) -> Result<Report, AppError> {
    crate::services::reports::update(&super::state()?, &super::caller(), id, &input).await
}

/// Pauses (`active = false`) or resumes a report (editors and above).
#[server(prefix = "/api/fn", endpoint = "report_set_active")]
pub async fn set_report_active(
    /// The report's id.
    id: i64,
    /// Resume (true) or pause (false).
    active: bool,
) -> Result<Report, AppError> {
    crate::services::reports::set_active(&super::state()?, &super::caller(), id, active).await
}

/// Copies a report, paused (editors and above).
#[server(prefix = "/api/fn", endpoint = "report_clone")]
pub async fn clone_report(
    /// The report's id.
    id: i64,
) -> Result<Report, AppError> {
    crate::services::reports::clone(&super::state()?, &super::caller(), id).await
}

/// Deletes a report with its runs (editors and above).
#[server(prefix = "/api/fn", endpoint = "report_delete")]
pub async fn delete_report(
    /// The report's id.
    id: i64,
) -> Result<(), AppError> {
    crate::services::reports::delete(&super::state()?, &super::caller(), id).await
}

/// The next runs of a cron pattern in a zone, and its words. Croner and the
/// time-zone database stay on the server: the editor calls this as you type.
#[server(prefix = "/api/fn", endpoint = "report_schedule_preview")]
pub async fn preview_schedule(
    /// The pattern and the zone.
    query: ScheduleQuery,
) -> Result<SchedulePreview, AppError> {
    crate::services::reports::preview(&super::state()?, &super::caller(), &query).await
}

/// Every template, the built-ins first.
#[server(prefix = "/api/fn", endpoint = "templates_list")]
pub async fn list_templates() -> Result<TemplateList, AppError> {
    crate::services::templates::list(&super::state()?, &super::caller()).await
}

/// One template.
#[server(prefix = "/api/fn", endpoint = "template_get")]
pub async fn get_template(
    /// The template's id.
    id: i64,
) -> Result<Template, AppError> {
    crate::services::templates::get(&super::state()?, &super::caller(), id).await
}

/// Creates a template (editors and above).
#[server(prefix = "/api/fn", endpoint = "template_create", input = leptos::server_fn::codec::Json)]
pub async fn create_template(
    /// The new template.
    input: TemplateInput,
) -> Result<Template, AppError> {
    crate::services::templates::create(&super::state()?, &super::caller(), &input).await
}

/// Replaces a template's fields (editors and above; not the built-ins).
#[server(prefix = "/api/fn", endpoint = "template_update", input = leptos::server_fn::codec::Json)]
pub async fn update_template(
    /// The template's id.
    id: i64,
    /// Every editable field.
    input: TemplateInput,
) -> Result<Template, AppError> {
    crate::services::templates::update(&super::state()?, &super::caller(), id, &input).await
}

/// Copies a template as an editable one (editors and above).
#[server(prefix = "/api/fn", endpoint = "template_clone")]
pub async fn clone_template(
    /// The template's id.
    id: i64,
) -> Result<Template, AppError> {
    crate::services::templates::clone(&super::state()?, &super::caller(), id).await
}

/// Deletes a template no report uses (editors and above).
#[server(prefix = "/api/fn", endpoint = "template_delete")]
pub async fn delete_template(
    /// The template's id.
    id: i64,
) -> Result<(), AppError> {
    crate::services::templates::delete(&super::state()?, &super::caller(), id).await
}
