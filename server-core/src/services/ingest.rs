//! Event ingestion: the platform's backend posts batches of user
//! upserts and activities with an API key that has the `ingest` scope. Each
//! event is validated on its own; the valid ones are written in one
//! transaction; the refused ones come back with their index and field errors.
//! New activities reach live dashboards through the activity tail.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::db::events::{self, ActivityEvent, Event, Outcome, UserRef, UserUpsert};
use crate::db::Ts;
use crate::error::{AppError, FieldError, Result};
use crate::model::{EventBatch, EventError, IngestResult, Role, MAX_BATCH};
use crate::services::accounts::check_email;
use crate::services::audit::entry;
use crate::state::AppState;

/// Clocks of other machines may run this far ahead of ours.
const FUTURE_SKEW_MINUTES: i64 = 5;
/// The largest `metadata` object, serialised.
const MAX_METADATA_BYTES: usize = 4096;

/// Validates and writes `batch` for `caller` (an API key with the `ingest` scope).
pub async fn ingest(state: &AppState, caller: &Caller, batch: &EventBatch) -> Result<IngestResult> {
    let principal = caller.principal()?;
    if !principal.has_scope("ingest") {
        return Err(AppError::Forbidden);
    }
    // Ingestion changes users (their type, country, metadata): an editor's
    // right, whatever scope a viewer's key was given.
    caller.require(Role::Editor)?;
    if batch.events.is_empty() || batch.events.len() > MAX_BATCH {
        return Err(AppError::invalid_field("events", format!("must hold 1 to {MAX_BATCH} events")));
    }
    let now = state.clock.now();
    let mut valid = Vec::with_capacity(batch.events.len());
    let mut positions = Vec::with_capacity(batch.events.len());
    let mut errors = Vec::new();
    for (index, raw) in batch.events.iter().enumerate() {
        match parse(raw, now) {
            Ok(event) => {
                valid.push(event);
                positions.push(index);
            }
            Err((kind, fields)) => errors.push(EventError { index, kind, fields }),
        }
    }
    if valid.is_empty() {
        return Err(none_valid(&errors));
    }

    let actor = caller.actor();
    let details = serde_json::json!({ "received": batch.events.len(), "valid": valid.len() });
    let audit_entry = entry(caller, &actor, "events.ingest", None, true, Some(details));
    let outcomes = events::write_batch(&state.db, &valid, Ts::from(now), &audit_entry).await?;
    // The alerts' "ingestion lag": how long after they happened the batch's
    // activities arrived (the oldest of them).
    let oldest =
        valid.iter().filter_map(|e| if let Event::Activity(a) = e { Some(a.created_at.0) } else { None }).min();
    if let Some(oldest) = oldest {
        state.ops.minutes.saw_ingest_lag((now - oldest).num_milliseconds());
    }

    let mut result = IngestResult {
        received: batch.events.len(),
        accepted: 0,
        rejected: 0,
        users_created: 0,
        users_updated: 0,
        activities: 0,
        errors,
    };
    for (outcome, index) in outcomes.into_iter().zip(positions) {
        match outcome {
            Outcome::UserCreated(_) => result.users_created += 1,
            Outcome::UserUpdated(_) => result.users_updated += 1,
            Outcome::ActivityRecorded => result.activities += 1,
            Outcome::Refused(field, message) => {
                result.errors.push(EventError {
                    index,
                    kind: Some("activity".into()),
                    fields: vec![FieldError { field: field.into(), message }],
                });
                continue;
            }
        }
        result.accepted += 1;
    }
    result.errors.sort_by_key(|e| e.index);
    result.rejected = result.errors.len();
    if result.accepted == 0 {
        return Err(none_valid(&result.errors));
    }
    if result.users_created + result.users_updated > 0 {
        // Activities are noticed by the activity tail, which forgets their
        // figures on its own (at most every few seconds, however many come).
        state.cache.forget(crate::cache::Change::Users).await?;
    }
    tracing::info!(
        received = result.received,
        accepted = result.accepted,
        rejected = result.rejected,
        "events ingested"
    );
    Ok(result)
}

type ItemError = (Option<String>, Vec<FieldError>);

/// The 400 for a batch with no valid event, naming each field as `events[i].field`.
fn none_valid(errors: &[EventError]) -> AppError {
    AppError::Validation {
        message: "no event in the batch is valid".into(),
        fields: errors
            .iter()
            .flat_map(|e| {
                e.fields.iter().map(move |f| FieldError {
                    field: format!("events[{}].{}", e.index, f.field),
                    message: f.message.clone(),
                })
            })
            .collect(),
    }
}

/// Reads one event, collecting every field error.
fn parse(raw: &Value, now: DateTime<Utc>) -> std::result::Result<Event, ItemError> {
    let Some(object) = raw.as_object() else {
        return Err((None, vec![field("", "each event must be a JSON object")]));
    };
    let kind = object.get("type").and_then(Value::as_str).unwrap_or_default();
    let mut errors = Vec::new();
    let event = match kind {
        "user_upsert" => parse_user(object, now, &mut errors).map(Event::UserUpsert),
        "activity" => parse_activity(object, now, &mut errors).map(Event::Activity),
        _ => {
            errors.push(field("type", "must be user_upsert or activity"));
            None
        }
    };
    match event {
        Some(event) if errors.is_empty() => Ok(event),
        _ => Err((matches!(kind, "user_upsert" | "activity").then(|| kind.to_owned()), errors)),
    }
}

fn field(name: &str, message: &str) -> FieldError {
    FieldError { field: name.to_owned(), message: message.to_owned() }
}

/// An optional string field (`None` when absent or null; an error when not a string).
fn text<'a>(o: &'a Map<String, Value>, name: &str, errors: &mut Vec<FieldError>) -> Option<&'a str> {
    match o.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            errors.push(field(name, "must be a string"));
            None
        }
    }
}

fn timestamp(o: &Map<String, Value>, name: &str, now: DateTime<Utc>, errors: &mut Vec<FieldError>) -> Ts {
    match text(o, name, errors) {
        None => Ts::from(now),
        Some(s) => match DateTime::parse_from_rfc3339(s) {
            Ok(t) if t.with_timezone(&Utc) <= now + Duration::minutes(FUTURE_SKEW_MINUTES) => {
                Ts::from(t.with_timezone(&Utc))
            }
            Ok(_) => {
                errors.push(field(name, "is in the future"));
                Ts::from(now)
            }
            Err(_) => {
                errors.push(field(name, "must be an RFC 3339 time such as 2026-11-22T09:30:00Z"));
                Ts::from(now)
            }
        },
    }
}

fn metadata(o: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<String> {
    match o.get("metadata") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => {
            let text = v.to_string();
            if text.len() > MAX_METADATA_BYTES {
                errors.push(field("metadata", "must be at most 4 KiB of JSON"));
            }
            Some(text)
        }
        Some(_) => {
            errors.push(field("metadata", "must be a JSON object"));
            None
        }
    }
}

fn parse_user(o: &Map<String, Value>, now: DateTime<Utc>, errors: &mut Vec<FieldError>) -> Option<UserUpsert> {
    let email = text(o, "email", errors).map(|e| e.trim().to_lowercase());
    match email.as_deref() {
        None => errors.push(field("email", "is required")),
        Some(e) if check_email(e).is_err() => errors.push(field("email", "must be an e-mail address")),
        Some(_) => {}
    }
    let username = text(o, "username", errors).map(str::trim);
    match username {
        None | Some("") => errors.push(field("username", "is required")),
        Some(u) if u.chars().count() > 100 => errors.push(field("username", "must be at most 100 characters")),
        Some(_) => {}
    }
    // Omitted: a new user is `free`, an existing one keeps their type.
    let user_type = text(o, "user_type", errors);
    if user_type.is_some_and(|t| !matches!(t, "free" | "paid" | "premium")) {
        errors.push(field("user_type", "must be free, paid or premium"));
    }
    let country = text(o, "country", errors).map(|c| c.trim().to_ascii_uppercase());
    if country.as_deref().is_some_and(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase())) {
        errors.push(field("country", "must be an ISO-3166 alpha-2 code such as KR"));
    }
    let created_at = timestamp(o, "created_at", now, errors);
    let metadata = metadata(o, errors);
    Some(UserUpsert {
        email: email?,
        username: username?.to_owned(),
        user_type: user_type.map(str::to_owned),
        country,
        created_at,
        metadata,
    })
}

fn parse_activity(o: &Map<String, Value>, now: DateTime<Utc>, errors: &mut Vec<FieldError>) -> Option<ActivityEvent> {
    let user = match (o.get("user_id").filter(|v| !v.is_null()), text(o, "user_email", errors)) {
        (Some(id), None) => match id.as_i64().filter(|id| *id > 0) {
            Some(id) => Some(UserRef::Id(id)),
            None => {
                errors.push(field("user_id", "must be a positive integer"));
                None
            }
        },
        (None, Some(email)) => Some(UserRef::Email(email.trim().to_lowercase())),
        (Some(_), Some(_)) => {
            errors.push(field("user_id", "give user_id or user_email, not both"));
            None
        }
        (None, None) => {
            errors.push(field("user_id", "user_id or user_email is required"));
            None
        }
    };
    let activity_type = text(o, "activity_type", errors).map(str::trim);
    match activity_type {
        None | Some("") => errors.push(field("activity_type", "is required")),
        Some(t) if t.len() > 50 || !t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') => {
            errors.push(field("activity_type", "must be 1 to 50 of a-z, 0-9 and _"))
        }
        Some(_) => {}
    }
    let description = text(o, "description", errors).map(str::to_owned);
    if description.as_ref().is_some_and(|d| d.chars().count() > 500) {
        errors.push(field("description", "must be at most 500 characters"));
    }
    let problem_id = match o.get("problem_id") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64().filter(|id| *id > 0) {
            Some(id) => Some(id),
            None => {
                errors.push(field("problem_id", "must be a positive integer"));
                None
            }
        },
    };
    let created_at = timestamp(o, "created_at", now, errors);
    let metadata = metadata(o, errors);
    Some(ActivityEvent {
        user: user?,
        activity_type: activity_type?.to_owned(),
        description,
        problem_id,
        created_at,
        metadata,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-22T09:00:00Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn valid_events_parse_and_every_bad_field_is_reported() {
        let user = json!({"type": "user_upsert", "email": " Kim@Example.com ", "username": "kim", "country": "kr"});
        let Ok(Event::UserUpsert(u)) = parse(&user, now()) else { panic!("user_upsert refused") };
        assert_eq!(
            (u.email.as_str(), u.country.as_deref(), u.user_type.as_deref()),
            ("kim@example.com", Some("KR"), None),
            "an omitted type is left to the database: free when new, unchanged otherwise"
        );

        let bad = json!({"type": "user_upsert", "email": "nope", "user_type": "gold", "country": "KOR", "metadata": 3});
        let Err((kind, fields)) = parse(&bad, now()) else { panic!("bad user accepted") };
        assert_eq!(kind.as_deref(), Some("user_upsert"));
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["email", "username", "user_type", "country", "metadata"]);

        let future =
            json!({"type": "activity", "user_id": 1, "activity_type": "login", "created_at": "2026-11-23T00:00:00Z"});
        assert!(matches!(parse(&future, now()), Err((_, f)) if f[0].field == "created_at"));
        assert!(matches!(parse(&json!({"type": "click"}), now()), Err((None, f)) if f[0].field == "type"));
        assert!(matches!(parse(&json!([1]), now()), Err((None, _))));
    }
}
