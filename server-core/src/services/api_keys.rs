//! API keys: created by owners and admins for scripts and the
//! platform's backend, shown once, stored as a digest, revocable at once.

use chrono::Duration;

use crate::auth::{tokens, Caller};
use crate::db::{api_keys, Ts};
use crate::error::{AppError, Result};
use crate::model::{ApiKey, ApiKeyPage, CreatedApiKey, NewApiKey, PageMeta, Role};
use crate::services::audit::record;
use crate::state::AppState;

/// Scopes a key may carry.
pub const SCOPES: [&str; 1] = ["ingest"];
/// Days until a key expires, unless asked otherwise.
pub const DEFAULT_DAYS: u32 = 90;
/// The longest life a key may have.
pub const MAX_DAYS: u32 = 365;

/// Every key, newest first, as one page (owners and admins).
pub async fn list(state: &AppState, caller: &Caller) -> Result<ApiKeyPage> {
    caller.require_person(Role::Owner)?;
    let api_keys: Vec<ApiKey> = api_keys::list(&state.db).await?.iter().map(api_keys::ApiKeyRow::to_model).collect();
    // Few enough for one page: the list is whole, so the total is its length.
    let meta = PageMeta { total: api_keys.len() as i64, next_cursor: None };
    Ok(ApiKeyPage { api_keys, meta })
}

/// Creates a key (owners and admins; never stronger than its creator).
pub async fn create(state: &AppState, caller: &Caller, new: &NewApiKey) -> Result<CreatedApiKey> {
    let creator = caller.require_person(Role::Owner)?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid_field("name", "must be 1 to 100 characters"));
    }
    let role = Role::parse(new.role.trim())
        .ok_or_else(|| AppError::invalid_field("role", "must be viewer, editor, owner or admin"))?;
    if role > caller.principal()?.role {
        return Err(AppError::invalid_field("role", "cannot be stronger than your own role"));
    }
    let mut scopes: Vec<&str> = Vec::new();
    for scope in &new.scopes {
        let scope = scope.trim();
        if !SCOPES.contains(&scope) {
            return Err(AppError::invalid_field("scopes", format!("unknown scope {scope:?}; known: ingest")));
        }
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    // Ingestion writes users and activities: an editor's work (the service
    // checks the key's role too, so an older viewer key cannot ingest either).
    if scopes.contains(&"ingest") && role < Role::Editor {
        return Err(AppError::invalid_field("scopes", "the ingest scope needs the editor role or above"));
    }
    let days = new.expires_in_days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(AppError::invalid_field("expires_in_days", format!("must be between 1 and {MAX_DAYS}")));
    }
    let now = state.clock.now();
    let (key, prefix) = tokens::new_api_key();
    let actor = caller.actor();
    let details = serde_json::json!({ "name": name, "prefix": prefix, "role": role.as_str(), "scopes": scopes });
    let entry = crate::services::audit::entry(caller, &actor, "api_key.create", None, true, Some(details));
    let row = api_keys::insert(
        &state.db,
        &api_keys::NewKey {
            name,
            prefix: &prefix,
            key_hash: &tokens::digest(&key),
            role,
            scopes: &scopes.join(" "),
            created_by: creator,
            now: Ts::from(now),
            expires_at: Ts::from(now + Duration::days(i64::from(days))),
        },
        Some(&entry),
    )
    .await?;
    crate::observability::events::created("api_key", row.id);
    Ok(CreatedApiKey { key, api_key: row.to_model() })
}

/// Revokes a key: it fails with 401 from the next request on.
pub async fn revoke(state: &AppState, caller: &Caller, id: i64) -> Result<ApiKey> {
    caller.require_person(Role::Owner)?;
    let row = api_keys::by_id(&state.db, id).await?.ok_or(AppError::NotFound { what: "API key".into() })?;
    if row.revoked_at.is_none() {
        api_keys::revoke(&state.db, id, Ts::from(state.clock.now())).await?;
        crate::services::auth::forget_principals(state).await?;
        record(
            state,
            caller,
            "api_key.revoke",
            Some(&format!("api_key:{id}")),
            true,
            Some(serde_json::json!({ "prefix": row.prefix })),
        )
        .await?;
        crate::observability::events::deleted("api_key", id);
    }
    Ok(api_keys::by_id(&state.db, id).await?.ok_or(AppError::Internal)?.to_model())
}
