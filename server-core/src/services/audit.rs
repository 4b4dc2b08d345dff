//! The audit log: what every write records, and browsing it (admins only).

use crate::auth::Caller;
use crate::db::{audit, Ts};
use crate::error::Result;
use crate::model::{AuditPage, AuditQuery, PageMeta, Role};
use crate::services::paging::{self, given, Problems};
use crate::state::AppState;

/// The only order: newest first. Ids grow with time, so the id alone is the
/// keyset (the cursor carries no sort value).
const ORDER: &str = "id.desc";

/// Records that `caller` did `action` on `target`.
pub async fn record(
    state: &AppState,
    caller: &Caller,
    action: &str,
    target: Option<&str>,
    success: bool,
    details: Option<serde_json::Value>,
) -> Result<()> {
    let actor = caller.actor();
    let entry = entry(caller, &actor, action, target, success, details);
    audit::insert(&state.db, Ts::from(state.clock.now()), &entry).await
}

/// The record of `caller` doing `action` (for writes that add it inside their transaction).
pub fn entry<'a>(
    caller: &'a Caller,
    actor: &'a str,
    action: &'a str,
    target: Option<&'a str>,
    success: bool,
    details: Option<serde_json::Value>,
) -> audit::NewEntry<'a> {
    audit::NewEntry {
        account_id: caller.principal.as_ref().and_then(|p| p.account_id),
        actor,
        action,
        target,
        success,
        ip: caller.ip.as_deref(),
        trace_id: caller.trace_id.as_deref(),
        details: details.map(|d| d.to_string()),
        claim: caller.idempotency.as_ref(),
    }
}

/// A page of records, newest first (admins only), with the count of every
/// record the filters match.
pub async fn list(state: &AppState, caller: &Caller, query: &AuditQuery) -> Result<AuditPage> {
    caller.require(Role::Admin)?;
    let limit = paging::per_page(query.per_page)?;
    let mut problems = Problems::default();
    let outcome = given(&query.outcome);
    if outcome.is_some_and(|o| o != "success" && o != "failure") {
        problems.add("outcome", "must be success or failure");
    }
    let after = problems.keep("cursor", paging::parse_cursor(&query.cursor, ORDER)).flatten();
    problems.finish()?;
    let filter = audit::Filter {
        action: given(&query.action),
        actor: given(&query.actor),
        outcome,
        before: after.map(|a| a.id),
    };
    // One more than asked tells whether another page follows.
    let (mut entries, total) =
        tokio::try_join!(audit::page(&state.db, &filter, limit + 1), audit::count(&state.db, &filter))?;
    let next_cursor = paging::next_cursor(&mut entries, limit, ORDER, |e| (None, e.id));
    Ok(AuditPage { entries, meta: PageMeta { total, next_cursor } })
}
