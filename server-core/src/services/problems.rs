//! The problem bank: list, create, edit, archive, restore, bulk
//! status, per-problem stats and export. Every write is validated field by
//! field, audit-logged in its own transaction, and drops the dashboard's
//! cached problem figures.

use std::collections::BTreeSet;

use crate::auth::Caller;
use crate::db::select::{After, KeyValue};
use crate::db::{problems, Ts};
use crate::error::{AppError, Result};
use crate::model::{
    BulkResult, BulkStatus, PageMeta, Problem, ProblemInput, ProblemPage, ProblemPatch, ProblemQuery, Role,
    DIFFICULTIES, MAX_ANSWER, MAX_BULK, MAX_CONTENT, MAX_SUBJECT, MAX_TITLE, STATUSES,
};
use crate::services::audit;
use crate::services::export::{self, CsvExport};
use crate::services::paging::{self, given, one_of, Problems};
use crate::state::AppState;

/// The orders offered, the default first.
const SORTS: [(&str, problems::Sort); 4] = [
    ("updated_at", problems::Sort::UpdatedAt),
    ("created_at", problems::Sort::CreatedAt),
    ("title", problems::Sort::Title),
    ("id", problems::Sort::Id),
];

/// The longest search text.
const MAX_SEARCH: usize = 100;

/// Checks every field of a problem; all the invalid ones are reported together.
pub fn validate(input: &ProblemInput) -> Result<problems::Fields> {
    let mut errors = Problems::default();
    let title = input.title.trim();
    match title.chars().count() {
        0 => errors.add("title", "is required"),
        n if n > MAX_TITLE => errors.add("title", format!("must be at most {MAX_TITLE} characters (it has {n})")),
        _ => {}
    }
    let content = input.content.trim();
    match content.chars().count() {
        0 => errors.add("content", "is required"),
        n if n > MAX_CONTENT => errors.add("content", format!("must be at most {MAX_CONTENT} characters (it has {n})")),
        _ => {}
    }
    let answer = given(&input.answer);
    if answer.is_some_and(|a| a.chars().count() > MAX_ANSWER) {
        errors.add("answer", format!("must be at most {MAX_ANSWER} characters"));
    }
    let subject = given(&input.subject);
    if subject.is_some_and(|s| s.chars().count() > MAX_SUBJECT) {
        errors.add("subject", format!("must be at most {MAX_SUBJECT} characters"));
    }
    let difficulty = errors.keep("difficulty", one_of(&input.difficulty, &DIFFICULTIES)).flatten();
    let status = errors.keep("status", one_of(&input.status, &STATUSES)).flatten();
    errors.finish()?;
    Ok(problems::Fields {
        title: title.to_owned(),
        content: content.to_owned(),
        answer: answer.map(str::to_owned),
        subject: subject.map(str::to_owned),
        difficulty,
        status: status.unwrap_or_else(|| "draft".to_owned()),
    })
}

struct Parsed {
    filter: problems::Filter,
    sort: problems::Sort,
    descending: bool,
    order: String,
    after: Option<After>,
}

fn parse(query: &ProblemQuery) -> Result<Parsed> {
    let mut errors = Problems::default();
    let title = given(&query.q).map(str::to_lowercase);
    if title.as_ref().is_some_and(|q| q.chars().count() > MAX_SEARCH) {
        errors.add("q", format!("must be at most {MAX_SEARCH} characters"));
    }
    let subject = given(&query.subject).map(str::to_owned);
    if subject.as_ref().is_some_and(|s| s.chars().count() > MAX_SUBJECT) {
        errors.add("subject", format!("must be at most {MAX_SUBJECT} characters"));
    }
    let difficulty = errors.keep("difficulty", one_of(&query.difficulty, &DIFFICULTIES)).flatten();
    let status = errors.keep("status", one_of(&query.status, &STATUSES)).flatten();
    let archived = match given(&query.archived) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            errors.add("archived", "must be true or false");
            false
        }
    };
    let (sort, sort_name) =
        errors.keep("sort", paging::sort(&query.sort, &SORTS)).unwrap_or((problems::Sort::UpdatedAt, "updated_at"));
    let descending = errors.keep("order", paging::descending(&query.order)).unwrap_or(true);
    let order = paging::order_key(sort_name, descending);
    let after = errors.keep("cursor", paging::parse_cursor(&query.cursor, &order)).flatten();
    errors.finish()?;
    Ok(Parsed {
        filter: problems::Filter { title, subject, difficulty, status, archived },
        sort,
        descending,
        order,
        after,
    })
}

fn key(sort: problems::Sort, problem: &Problem) -> (Option<KeyValue>, i64) {
    let value = match sort {
        problems::Sort::UpdatedAt => KeyValue::Time(problem.updated_at.timestamp()),
        problems::Sort::CreatedAt => KeyValue::Time(problem.created_at.timestamp()),
        problems::Sort::Title => KeyValue::Text(problem.title.clone()),
        problems::Sort::Id => KeyValue::Int(problem.id),
    };
    (Some(value), problem.id)
}

/// The cursor after each of `problems`, a page listed for `query`.
pub fn cursors(query: &ProblemQuery, problems: &[Problem]) -> Result<Vec<String>> {
    let parsed = parse(query)?;
    Ok(paging::cursors_after(problems, &parsed.order, |p| key(parsed.sort, p)))
}

/// A page of problems matching `query`, with stats (viewers and above).
pub async fn list(state: &AppState, caller: &Caller, query: &ProblemQuery) -> Result<ProblemPage> {
    caller.require(Role::Viewer)?;
    let limit = paging::per_page(query.per_page)?;
    let parsed = parse(query)?;
    let (mut rows, total) = tokio::try_join!(
        problems::page(&state.db, &parsed.filter, parsed.sort, parsed.descending, parsed.after.as_ref(), limit + 1),
        problems::count(&state.db, &parsed.filter),
    )?;
    let next_cursor = paging::next_cursor(&mut rows, limit, &parsed.order, |p| key(parsed.sort, p));
    Ok(ProblemPage { problems: rows, meta: PageMeta { total, next_cursor } })
}

/// Every subject in use (viewers and above).
pub async fn subjects(state: &AppState, caller: &Caller) -> Result<Vec<String>> {
    caller.require(Role::Viewer)?;
    problems::subjects(&state.db).await
}

/// One problem with its stats (viewers and above).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<Problem> {
    caller.require(Role::Viewer)?;
    problems::by_id(&state.db, id).await?.ok_or_else(not_found)
}

fn not_found() -> AppError {
    AppError::NotFound { what: "problem".into() }
}

/// Drops the dashboard's figures that count problems.
async fn forget_figures(state: &AppState) -> Result<()> {
    state.cache.forget(crate::cache::Change::Problems).await.map(|_| ())
}

/// Creates a problem (editors and above).
pub async fn create(state: &AppState, caller: &Caller, input: &ProblemInput) -> Result<Problem> {
    caller.require(Role::Editor)?;
    let fields = validate(input)?;
    let actor = caller.actor();
    let details = serde_json::json!({ "title": fields.title, "status": fields.status });
    let entry = audit::entry(caller, &actor, "problem.create", None, true, Some(details));
    let id = problems::insert(&state.db, &fields, Ts::from(state.clock.now()), &entry).await?;
    forget_figures(state).await?;
    crate::observability::events::created("problem", id);
    get(state, caller, id).await
}

/// Changes a problem (editors and above); the fields `patch` leaves out stay.
pub async fn update(state: &AppState, caller: &Caller, id: i64, patch: &ProblemPatch) -> Result<Problem> {
    caller.require(Role::Editor)?;
    let current = problems::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    let merged = ProblemInput {
        title: patch.title.clone().unwrap_or_else(|| current.title.clone()),
        content: patch.content.clone().unwrap_or_else(|| current.content.clone()),
        answer: patch.answer.clone().or_else(|| current.answer.clone()),
        subject: patch.subject.clone().or_else(|| current.subject.clone()),
        difficulty: patch.difficulty.clone().or_else(|| current.difficulty.clone()),
        // A blank status leaves it as it is (only the optional fields can be cleared).
        status: given(&patch.status).map(str::to_owned).or_else(|| Some(current.status.clone())),
    };
    let fields = validate(&merged)?;
    let changed: Vec<&str> = [
        ("title", fields.title != current.title),
        ("content", fields.content != current.content),
        ("answer", fields.answer != current.answer),
        ("subject", fields.subject != current.subject),
        ("difficulty", fields.difficulty != current.difficulty),
        ("status", fields.status != current.status),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect();
    if changed.is_empty() {
        return Ok(current);
    }
    let actor = caller.actor();
    let target = format!("problem:{id}");
    let details = serde_json::json!({ "changed": changed });
    let entry = audit::entry(caller, &actor, "problem.update", Some(&target), true, Some(details));
    if !problems::update(&state.db, id, &fields, Ts::from(state.clock.now()), &entry).await? {
        return Err(not_found());
    }
    forget_figures(state).await?;
    crate::observability::events::updated("problem", id, &changed);
    get(state, caller, id).await
}

/// Archives (`archived`) or restores a problem (editors and above). Doing it
/// twice is harmless: the second call changes and records nothing.
pub async fn set_archived(state: &AppState, caller: &Caller, id: i64, archived: bool) -> Result<Problem> {
    caller.require(Role::Editor)?;
    let actor = caller.actor();
    let target = format!("problem:{id}");
    let action = if archived { "problem.archive" } else { "problem.restore" };
    let entry = audit::entry(caller, &actor, action, Some(&target), true, None);
    if problems::set_archived(&state.db, id, archived, Ts::from(state.clock.now()), &entry).await? {
        forget_figures(state).await?;
        crate::observability::events::updated("problem", id, &["archived_at"]);
    }
    get(state, caller, id).await
}

/// Sets one status on many problems (editors and above), in one transaction
/// with one audit record naming the changed ids.
pub async fn bulk_status(state: &AppState, caller: &Caller, change: &BulkStatus) -> Result<BulkResult> {
    caller.require(Role::Editor)?;
    let mut errors = Problems::default();
    let ids: BTreeSet<i64> = change.ids.iter().copied().collect();
    if ids.is_empty() || ids.len() > MAX_BULK {
        errors.add("ids", format!("must name 1 to {MAX_BULK} problems"));
    }
    if ids.iter().any(|id| *id <= 0) {
        errors.add("ids", "must be positive ids");
    }
    let status = Some(change.status.clone());
    let status = match given(&status) {
        None => {
            errors.add("status", "is required");
            None
        }
        Some(_) => errors.keep("status", one_of(&status, &STATUSES)).flatten(),
    };
    errors.finish()?;
    let status = status.unwrap_or_default();
    let ids: Vec<i64> = ids.into_iter().collect();
    let actor = caller.actor();
    let entry = audit::entry(caller, &actor, "problem.bulk_status", Some("problems"), true, None);
    let changed = problems::set_status(&state.db, &ids, &status, Ts::from(state.clock.now()), &entry).await?;
    if !changed.is_empty() {
        forget_figures(state).await?;
        tracing::info!(problems = changed.len(), status = %status, "problems status changed");
    }
    Ok(BulkResult { updated: changed.len() as i64 })
}

const HEADER: &[&str] = &[
    "id",
    "title",
    "subject",
    "difficulty",
    "status",
    "archived_at",
    "views",
    "attempts",
    "solves",
    "solve_rate",
    "created_at",
    "updated_at",
    "content",
    "answer",
];

/// Every problem matching `query` as CSV, in the list's order (viewers and above).
pub async fn export(state: &AppState, caller: &Caller, query: &ProblemQuery) -> Result<CsvExport> {
    caller.require(Role::Viewer)?;
    let Parsed { filter, sort, descending, .. } = parse(&ProblemQuery { cursor: None, ..query.clone() })?;
    let db = state.db.clone();
    let page = move |after: Option<After>| {
        let (db, filter) = (db.clone(), filter.clone());
        async move { problems::page(&db, &filter, sort, descending, after.as_ref(), export::CHUNK).await }
    };
    Ok(export::csv("problems", HEADER, state.clock.now(), page, move |p| key(sort, p), record))
}

/// A problem as a CSV record, in [`HEADER`]'s order.
fn record(p: Problem) -> Vec<String> {
    vec![
        p.id.to_string(),
        p.title,
        p.subject.unwrap_or_default(),
        p.difficulty.unwrap_or_default(),
        p.status,
        p.archived_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        p.stats.views.to_string(),
        p.stats.attempts.to_string(),
        p.stats.solves.to_string(),
        p.stats.solve_rate.map(|r| format!("{r:.4}")).unwrap_or_default(),
        p.created_at.to_rfc3339(),
        p.updated_at.to_rfc3339(),
        p.content,
        p.answer.unwrap_or_default(),
    ]
}
