//! The users list, a user's detail and tier change: one
//! implementation behind the REST routes and the server functions.

use crate::auth::Caller;
use crate::db::select::{After, KeyValue};
use crate::db::{users, Ts};
use crate::error::{AppError, Result};
use crate::model::{PageMeta, Role, UserDetail, UserPage, UserQuery, UserSummary, UserTypeChange};
use crate::services::audit;
use crate::services::export::{self, CsvExport};
use crate::services::paging::{self, given, one_of, Problems};
use crate::state::AppState;

/// The subscription tiers.
const TYPES: [&str; 3] = ["free", "paid", "premium"];

/// The orders offered, the default first.
const SORTS: [(&str, users::Sort); 4] = [
    ("created_at", users::Sort::CreatedAt),
    ("last_activity", users::Sort::LastActivity),
    ("username", users::Sort::Username),
    ("email", users::Sort::Email),
];

/// The longest search text.
const MAX_SEARCH: usize = 100;

/// A validated users query.
struct Parsed {
    filter: users::Filter,
    sort: users::Sort,
    sort_name: &'static str,
    descending: bool,
    after: Option<After>,
}

fn parse(query: &UserQuery) -> Result<Parsed> {
    let mut problems = Problems::default();
    let prefix = given(&query.q).map(|q| q.to_lowercase());
    if prefix.as_ref().is_some_and(|q| q.chars().count() > MAX_SEARCH) {
        problems.add("q", format!("must be at most {MAX_SEARCH} characters"));
    }
    let user_type = problems.keep("user_type", one_of(&query.user_type, &TYPES)).flatten();
    let country = match given(&query.country) {
        None => None,
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => Some(c.to_ascii_uppercase()),
        Some(_) => {
            problems.add("country", "must be a two-letter ISO-3166 code");
            None
        }
    };
    let online = match given(&query.online) {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            problems.add("online", "must be true or false");
            None
        }
    };
    let zone = problems.keep("tz", paging::zone(&query.tz)).unwrap_or_default();
    let from = problems.keep("signed_up_from", paging::day(&query.signed_up_from, zone, false)).flatten();
    let to = problems.keep("signed_up_to", paging::day(&query.signed_up_to, zone, true)).flatten();
    if let (Some(from), Some(to)) = (from, to) {
        if to.secs() <= from.secs() {
            problems.add("signed_up_to", "must not be before signed_up_from");
        }
    }
    let (sort, sort_name) =
        problems.keep("sort", paging::sort(&query.sort, &SORTS)).unwrap_or((users::Sort::CreatedAt, "created_at"));
    let descending = problems.keep("order", paging::descending(&query.order)).unwrap_or(true);
    let after = problems
        .keep("cursor", paging::parse_cursor(&query.cursor, &paging::order_key(sort_name, descending)))
        .flatten();
    problems.finish()?;
    let filter = users::Filter { prefix, user_type, country, online, from, to };
    Ok(Parsed { filter, sort, sort_name, descending, after })
}

/// A user's sort key and id, for the cursor after them.
fn key(sort: users::Sort, user: &UserSummary) -> (Option<KeyValue>, i64) {
    let value = match sort {
        users::Sort::CreatedAt => Some(KeyValue::Time(user.created_at.timestamp())),
        users::Sort::LastActivity => user.last_activity.map(|t| KeyValue::Time(t.timestamp())),
        users::Sort::Username => Some(KeyValue::Text(user.username.clone())),
        users::Sort::Email => Some(KeyValue::Text(user.email.clone())),
    };
    (value, user.id)
}

/// A page of users matching `query` (viewers and above).
pub async fn list(state: &AppState, caller: &Caller, query: &UserQuery) -> Result<UserPage> {
    caller.require(Role::Viewer)?;
    let limit = paging::per_page(query.per_page)?;
    let parsed = parse(query)?;
    // One more than the page tells whether another follows.
    let (rows, total) = tokio::try_join!(
        users::page(&state.db, &parsed.filter, parsed.sort, parsed.descending, parsed.after.as_ref(), limit + 1),
        users::count(&state.db, &parsed.filter),
    )?;
    let mut users = rows;
    let order = paging::order_key(parsed.sort_name, parsed.descending);
    let next_cursor = paging::next_cursor(&mut users, limit, &order, |u| key(parsed.sort, u));
    Ok(UserPage { users, meta: PageMeta { total, next_cursor } })
}

/// The cursor after each of `users`, a page listed for `query`.
pub fn cursors(query: &UserQuery, users: &[UserSummary]) -> Result<Vec<String>> {
    let parsed = parse(query)?;
    let order = paging::order_key(parsed.sort_name, parsed.descending);
    Ok(paging::cursors_after(users, &order, |u| key(parsed.sort, u)))
}

/// The users with these ids that exist, in no particular order (viewers and
/// above): one query for every user a page of activities names.
pub async fn summaries(state: &AppState, caller: &Caller, ids: &[i64]) -> Result<Vec<UserSummary>> {
    caller.require(Role::Viewer)?;
    users::summaries(&state.db, ids).await
}

/// One user (viewers and above).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<UserDetail> {
    caller.require(Role::Viewer)?;
    users::detail(&state.db, id).await?.ok_or_else(|| AppError::NotFound { what: "user".into() })
}

/// Changes a user's tier (editors and above), audit-logged in the same
/// transaction; the dashboard's cached figures are dropped.
pub async fn change_type(state: &AppState, caller: &Caller, id: i64, change: &UserTypeChange) -> Result<UserDetail> {
    caller.require(Role::Editor)?;
    let user_type = change.user_type.trim();
    if !TYPES.contains(&user_type) {
        return Err(AppError::invalid_field("user_type", "must be free, paid or premium"));
    }
    let actor = caller.actor();
    let target = format!("user:{id}");
    let details = serde_json::json!({ "user_type": user_type });
    let entry = audit::entry(caller, &actor, "user.type_change", Some(&target), true, Some(details));
    let previous = users::set_type(&state.db, id, user_type, Ts::from(state.clock.now()), &entry)
        .await?
        .ok_or_else(|| AppError::NotFound { what: "user".into() })?;
    if previous != user_type {
        state.cache.forget(crate::cache::Change::Users).await?;
    }
    crate::observability::events::updated("user", id, &["user_type"]);
    get(state, caller, id).await
}

/// The CSV columns of a user.
const HEADER: &[&str] =
    &["id", "email", "username", "user_type", "country", "created_at", "last_activity", "is_online"];

/// Every user matching `query` as CSV, in the list's order (viewers and above).
pub async fn export(state: &AppState, caller: &Caller, query: &UserQuery) -> Result<CsvExport> {
    caller.require(Role::Viewer)?;
    let Parsed { filter, sort, descending, .. } = parse(&UserQuery { cursor: None, ..query.clone() })?;
    let db = state.db.clone();
    let page = move |after: Option<After>| {
        let (db, filter) = (db.clone(), filter.clone());
        async move { users::page(&db, &filter, sort, descending, after.as_ref(), export::CHUNK).await }
    };
    Ok(export::csv("users", HEADER, state.clock.now(), page, move |u| key(sort, u), record))
}

/// A user as a CSV record, in [`HEADER`]'s order.
fn record(u: UserSummary) -> Vec<String> {
    vec![
        u.id.to_string(),
        u.email,
        u.username,
        u.user_type,
        u.country.unwrap_or_default(),
        u.created_at.to_rfc3339(),
        u.last_activity.map(|t| t.to_rfc3339()).unwrap_or_default(),
        u.is_online.to_string(),
    ]
}
