//! The activities list and a user's timeline: one implementation
//! behind the REST routes and the server functions.

use crate::auth::Caller;
use crate::db::activities;
use crate::db::select::{After, KeyValue};
use crate::error::Result;
use crate::model::{ActivityItem, ActivityPage, ActivityQuery, PageMeta, Role};
use crate::services::export::{self, CsvExport};
use crate::services::paging::{self, given, Problems};
use crate::state::AppState;

/// The only order: newest first.
const ORDER: &str = "created_at.desc";

/// The longest activity type.
const MAX_TYPE: usize = 64;

struct Parsed {
    filter: activities::Filter,
    after: Option<After>,
}

fn parse(query: &ActivityQuery) -> Result<Parsed> {
    let mut problems = Problems::default();
    let activity_type = given(&query.activity_type).map(str::to_owned);
    if activity_type.as_ref().is_some_and(|t| t.chars().count() > MAX_TYPE) {
        problems.add("activity_type", format!("must be at most {MAX_TYPE} characters"));
    }
    let user_id = match given(&query.user_id) {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                problems.add("user_id", "must be a positive whole number");
                None
            }
        },
    };
    let zone = problems.keep("tz", paging::zone(&query.tz)).unwrap_or_default();
    let from = problems.keep("from", paging::day(&query.from, zone, false)).flatten();
    let to = problems.keep("to", paging::day(&query.to, zone, true)).flatten();
    if let (Some(from), Some(to)) = (from, to) {
        if to.secs() <= from.secs() {
            problems.add("to", "must not be before from");
        }
    }
    let after = problems.keep("cursor", paging::parse_cursor(&query.cursor, ORDER)).flatten();
    problems.finish()?;
    Ok(Parsed { filter: activities::Filter { activity_type, user_id, from, to }, after })
}

fn key(item: &ActivityItem) -> (Option<KeyValue>, i64) {
    (Some(KeyValue::Time(item.created_at.timestamp())), item.id)
}

/// A page of activities matching `query`, newest first (viewers and above).
pub async fn list(state: &AppState, caller: &Caller, query: &ActivityQuery) -> Result<ActivityPage> {
    caller.require(Role::Viewer)?;
    let limit = paging::per_page(query.per_page)?;
    let parsed = parse(query)?;
    let (mut activities, total) = tokio::try_join!(
        activities::page(&state.db, &parsed.filter, parsed.after.as_ref(), limit + 1),
        activities::count(&state.db, &parsed.filter),
    )?;
    let next_cursor = paging::next_cursor(&mut activities, limit, ORDER, key);
    Ok(ActivityPage { activities, meta: PageMeta { total, next_cursor } })
}

/// The cursor after each of `activities` (the one order: newest first).
pub fn cursors(activities: &[ActivityItem]) -> Vec<String> {
    paging::cursors_after(activities, ORDER, key)
}

/// Every activity type recorded (viewers and above).
pub async fn types(state: &AppState, caller: &Caller) -> Result<Vec<String>> {
    caller.require(Role::Viewer)?;
    activities::types(&state.db).await
}

const HEADER: &[&str] = &["id", "created_at", "user_id", "username", "country", "activity_type", "description"];

/// Every activity matching `query` as CSV, newest first (viewers and above).
pub async fn export(state: &AppState, caller: &Caller, query: &ActivityQuery) -> Result<CsvExport> {
    caller.require(Role::Viewer)?;
    let Parsed { filter, .. } = parse(&ActivityQuery { cursor: None, ..query.clone() })?;
    let db = state.db.clone();
    let page = move |after: Option<After>| {
        let (db, filter) = (db.clone(), filter.clone());
        async move { activities::page(&db, &filter, after.as_ref(), export::CHUNK).await }
    };
    Ok(export::csv("activities", HEADER, state.clock.now(), page, key, record))
}

/// An activity as a CSV record, in [`HEADER`]'s order.
fn record(a: ActivityItem) -> Vec<String> {
    vec![
        a.id.to_string(),
        a.created_at.to_rfc3339(),
        a.user_id.to_string(),
        a.username,
        a.country.unwrap_or_default(),
        a.activity_type,
        a.description,
    ]
}
