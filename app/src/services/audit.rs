//! The audit log (SPEC §5.7): what every write records, and browsing it (admins only).

use crate::auth::Caller;
use crate::db::{audit, Ts};
use crate::error::{AppError, Result};
use crate::model::{AuditPage, AuditQuery, Role};
use crate::state::AppState;

/// The longest page.
pub const MAX_PAGE: i64 = 200;

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

/// A page of records, newest first (admins only).
pub async fn list(state: &AppState, caller: &Caller, query: &AuditQuery) -> Result<AuditPage> {
    caller.require(Role::Admin)?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::invalid_field("limit", format!("must be between 1 and {MAX_PAGE}")));
    }
    let outcome = query.outcome.as_deref().filter(|o| !o.is_empty());
    if outcome.is_some_and(|o| o != "success" && o != "failure") {
        return Err(AppError::invalid_field("outcome", "must be success or failure"));
    }
    let filter = audit::Filter {
        action: query.action.as_deref().map(str::trim).filter(|a| !a.is_empty()),
        actor: query.actor.as_deref().map(str::trim).filter(|a| !a.is_empty()),
        outcome,
        before: query.before,
    };
    // One more than asked tells whether another page follows.
    let mut entries = audit::page(&state.db, &filter, limit + 1).await?;
    let next_before = if entries.len() as i64 > limit {
        entries.truncate(limit as usize);
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(AuditPage { entries, next_before })
}
