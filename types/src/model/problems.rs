//! The problem bank: problems, their stats from activities, what
//! editors send to create and change them, and how the list is asked for.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::PageMeta;

/// The difficulties a problem can have.
pub const DIFFICULTIES: [&str; 3] = ["easy", "medium", "hard"];

/// The statuses a problem can have.
pub const STATUSES: [&str; 3] = ["active", "inactive", "draft"];

/// The longest title, in characters.
pub const MAX_TITLE: usize = 200;

/// The longest content, in characters.
pub const MAX_CONTENT: usize = 20_000;

/// The longest answer, in characters.
pub const MAX_ANSWER: usize = 5_000;

/// The longest subject, in characters.
pub const MAX_SUBJECT: usize = 50;

/// The most problems one bulk status change may name.
pub const MAX_BULK: usize = 500;

/// How students used a problem, counted from its `problem_*` activities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct ProblemStats {
    /// `problem_view` activities.
    pub views: i64,
    /// `problem_attempt` activities (wrong or unfinished tries).
    pub attempts: i64,
    /// `problem_solve` activities.
    pub solves: i64,
    /// Solves over all tries (attempts + solves), 0–1; absent before the first try.
    pub solve_rate: Option<f64>,
}

impl ProblemStats {
    /// Stats from the three counts.
    pub fn new(views: i64, attempts: i64, solves: i64) -> Self {
        let tries = attempts + solves;
        let solve_rate = (tries > 0).then(|| solves as f64 / tries as f64);
        Self { views, attempts, solves, solve_rate }
    }
}

/// A problem in the bank.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct Problem {
    /// The problem's id.
    pub id: i64,
    /// Its title, 1–200 characters (plain text).
    pub title: String,
    /// The question (plain text; never rendered as HTML).
    pub content: String,
    /// The expected answer, if recorded.
    pub answer: Option<String>,
    /// Its subject (`math`, …), if set.
    pub subject: Option<String>,
    /// `easy`, `medium` or `hard`, if set.
    pub difficulty: Option<String>,
    /// `active`, `inactive` or `draft`.
    pub status: String,
    /// When it was archived; archived problems leave the default list and the
    /// dashboard's counts, and can be restored.
    pub archived_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Views, tries and solves.
    pub stats: ProblemStats,
}

/// `{ "problem": … }`: one problem (docs/API-DESIGN.md, Shapes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProblemEnvelope {
    /// The problem.
    pub problem: Problem,
}

/// A new problem, or every editable field of an existing one. Empty optional
/// fields mean "not set".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::InputObject))]
pub struct ProblemInput {
    /// 1–200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true, min_length = 1, max_length = 200))]
    pub title: String,
    /// Required, up to 20,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true, min_length = 1, max_length = 20_000))]
    pub content: String,
    /// Up to 5,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 5_000))]
    pub answer: Option<String>,
    /// Up to 50 characters.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 50))]
    pub subject: Option<String>,
    /// `easy`, `medium` or `hard`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::difficulty_or_empty))]
    pub difficulty: Option<String>,
    /// `active`, `inactive` or `draft` (new problems: `draft` when absent).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::problem_status_or_empty))]
    pub status: Option<String>,
}

/// A change to a problem: absent fields stay as they are; an empty optional
/// field (`answer`, `subject`, `difficulty`) is cleared.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::InputObject))]
pub struct ProblemPatch {
    /// 1–200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    /// Non-empty, up to 20,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 20_000))]
    pub content: Option<String>,
    /// Up to 5,000 characters; empty clears it.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 5_000))]
    pub answer: Option<String>,
    /// Up to 50 characters; empty clears it.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 50))]
    pub subject: Option<String>,
    /// `easy`, `medium` or `hard`; empty clears it.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::difficulty_or_empty))]
    pub difficulty: Option<String>,
    /// `active`, `inactive` or `draft`; empty keeps the current one.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::problem_status_or_empty))]
    pub status: Option<String>,
}

impl From<ProblemInput> for ProblemPatch {
    fn from(input: ProblemInput) -> Self {
        Self {
            title: Some(input.title),
            content: Some(input.content),
            answer: Some(input.answer.unwrap_or_default()),
            subject: Some(input.subject.unwrap_or_default()),
            difficulty: Some(input.difficulty.unwrap_or_default()),
            status: input.status,
        }
    }
}

/// One status for many problems at once (editors and above).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::InputObject))]
pub struct BulkStatus {
    /// The problems, 1–500 distinct ids.
    #[cfg_attr(feature = "ssr", schema(min_items = 1))]
    pub ids: Vec<i64>,
    /// `active`, `inactive` or `draft`.
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::problem_status))]
    pub status: String,
}

/// What a bulk change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct BulkResult {
    /// Problems whose status changed (ids not found or already so are skipped).
    pub updated: i64,
}

/// Which problems to list. Like the users query, all text; the document
/// declares the values the service accepts (an empty value is as if absent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[cfg_attr(feature = "ssr", derive(async_graphql::InputObject))]
#[cfg_attr(feature = "ssr", graphql(name = "ProblemFilter"))]
pub struct ProblemQuery {
    /// Words in the title, any case (at most 100 characters).
    #[cfg_attr(feature = "ssr", param(max_length = 100))]
    pub q: Option<String>,
    /// One subject (at most 50 characters).
    #[cfg_attr(feature = "ssr", param(max_length = 50))]
    pub subject: Option<String>,
    /// `easy`, `medium` or `hard`.
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::difficulty))]
    pub difficulty: Option<String>,
    /// `active`, `inactive` or `draft`.
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::problem_status))]
    pub status: Option<String>,
    /// `false` (default) for the bank, `true` for the archive.
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::flag))]
    pub archived: Option<String>,
    /// `updated_at` (default), `created_at`, `title` or `id`.
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::problem_sort))]
    pub sort: Option<String>,
    /// `desc` (default) or `asc`.
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::order))]
    pub order: Option<String>,
    /// `meta.next_cursor` of the previous page, for the same `sort` and `order`.
    #[cfg_attr(feature = "ssr", graphql(skip))]
    pub cursor: Option<String>,
    /// Rows per page, 1–100 (default 50).
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 100))]
    #[cfg_attr(feature = "ssr", graphql(skip))]
    pub per_page: Option<i64>,
}

/// One page of problems.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProblemPage {
    /// The problems, in the asked order.
    pub problems: Vec<Problem>,
    /// Total and the next page's cursor.
    pub meta: PageMeta,
}
