//! Server functions for the problem bank.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{BulkResult, BulkStatus, Problem, ProblemInput, ProblemPage, ProblemPatch, ProblemQuery};

/// A page of problems matching `query`, with their stats.
#[server(prefix = "/api/fn", endpoint = "problems_list")]
pub async fn list_problems(
    /// Filters, order and paging.
    // An empty query is sent as no body at all: absent is the default.
    #[server(default)]
    query: ProblemQuery,
) -> Result<ProblemPage, AppError> {
    crate::services::problems::list(&super::state()?, &super::caller(), &query).await
}

/// Every subject in use, alphabetically (for the filter and the form).
#[server(prefix = "/api/fn", endpoint = "problem_subjects")]
pub async fn list_problem_subjects() -> Result<Vec<String>, AppError> {
    crate::services::problems::subjects(&super::state()?, &super::caller()).await
}

/// One problem, with its stats.
#[server(prefix = "/api/fn", endpoint = "problem_get")]
pub async fn get_problem(
    /// The problem's id.
    id: i64,
) -> Result<Problem, AppError> {
    crate::services::problems::get(&super::state()?, &super::caller(), id).await
}

/// Creates a problem (editors and above); every invalid field is reported.
// JSON, not a form: a form body cannot tell an empty field from an absent one.
#[server(prefix = "/api/fn", endpoint = "problem_create", input = leptos::server_fn::codec::Json)]
pub async fn create_problem(
    /// The new problem.
    input: ProblemInput,
) -> Result<Problem, AppError> {
    crate::services::problems::create(&super::state()?, &super::caller(), &input).await
}

/// Changes a problem (editors and above).
// JSON: an empty optional field clears it, an absent one leaves it.
#[server(prefix = "/api/fn", endpoint = "problem_update", input = leptos::server_fn::codec::Json)]
pub async fn update_problem(
    /// The problem's id.
    id: i64,
    /// The fields to change.
    patch: ProblemPatch,
) -> Result<Problem, AppError> {
    crate::services::problems::update(&super::state()?, &super::caller(), id, &patch).await
}

/// Archives a problem (editors and above): it leaves the bank and the
/// dashboard's counts until restored.
#[server(prefix = "/api/fn", endpoint = "problem_archive")]
pub async fn archive_problem(
    /// The problem's id.
    id: i64,
) -> Result<Problem, AppError> {
    crate::services::problems::set_archived(&super::state()?, &super::caller(), id, true).await
}

/// Restores an archived problem (editors and above).
#[server(prefix = "/api/fn", endpoint = "problem_restore")]
pub async fn restore_problem(
    /// The problem's id.
    id: i64,
) -> Result<Problem, AppError> {
    crate::services::problems::set_archived(&super::state()?, &super::caller(), id, false).await
}

/// Sets one status on many problems (editors and above).
#[server(prefix = "/api/fn", endpoint = "problems_bulk_status", input = leptos::server_fn::codec::Json)]
pub async fn bulk_problem_status(
    /// The problems and the status.
    change: BulkStatus,
) -> Result<BulkResult, AppError> {
    crate::services::problems::bulk_status(&super::state()?, &super::caller(), &change).await
}
