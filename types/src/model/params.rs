//! The OpenAPI schemas of query parameters and body fields that are text on
//! the wire but take only certain values: each lists exactly what the
//! services' parsers accept, so the document refuses what the server refuses
//! (`schema_with` targets of the models' `IntoParams` and `ToSchema`).

use serde_json::Value;
use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, SchemaType, Type};

use super::{DIFFICULTIES, STATUSES};

/// A string that is one of `values`.
fn one_of(values: &[&str]) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values.iter().copied())).build()
}

/// `asc` or `desc`.
pub fn order() -> Object {
    one_of(&["asc", "desc"])
}

/// A problem's difficulty.
pub fn difficulty() -> Object {
    one_of(&DIFFICULTIES)
}

/// A problem's status.
pub fn problem_status() -> Object {
    one_of(&STATUSES)
}

/// The problems list's orders.
pub fn problem_sort() -> Object {
    one_of(&["updated_at", "created_at", "title", "id"])
}

/// The users list's orders.
pub fn user_sort() -> Object {
    one_of(&["created_at", "last_activity", "username", "email"])
}

/// A subscription tier.
pub fn user_type() -> Object {
    one_of(&["free", "paid", "premium"])
}

/// An audit record's outcome.
pub fn outcome() -> Object {
    one_of(&["success", "failure"])
}

/// `true` or `false`, the only spellings the parsers take.
pub fn flag() -> Object {
    ObjectBuilder::new().schema_type(Type::Boolean).build()
}

/// A two-letter ISO-3166 code, any case.
pub fn country() -> Object {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some("^[A-Za-z]{2}$")).build()
}

/// The roles, weakest first.
pub fn role() -> Object {
    described(one_of(&["viewer", "editor", "owner", "admin"]), "What it may do")
}

/// A role, or null to keep it.
pub fn role_or_null() -> Object {
    described(nullable_one_of(&["viewer", "editor", "owner", "admin"]), "A new role; absent or null keeps it")
}

/// An account status, or null to keep it.
pub fn account_status_or_null() -> Object {
    described(nullable_one_of(&["active", "disabled"]), "A new status; absent or null keeps it")
}

/// The scopes of an API key: each one it may have, at most once (repeats are ignored).
pub fn scopes() -> Array {
    ArrayBuilder::new()
        .items(one_of(&["ingest"]))
        .description(Some("Extra permissions: `ingest` lets it post events (editors and above)"))
        .build()
}

/// A problem's difficulty; empty or null for none.
pub fn difficulty_or_empty() -> Object {
    let values = ["", DIFFICULTIES[0], DIFFICULTIES[1], DIFFICULTIES[2]];
    described(nullable_one_of(&values), "`easy`, `medium` or `hard`; empty for none")
}

/// A problem's status; empty or null for the default (new) or the current one (changes).
pub fn problem_status_or_empty() -> Object {
    let values = ["", STATUSES[0], STATUSES[1], STATUSES[2]];
    described(
        nullable_one_of(&values),
        "`active`, `inactive` or `draft`; empty or absent: `draft` for a new problem, unchanged for a change",
    )
}

/// `schema` with a description (a field's doc comment does not reach a `schema_with` schema).
fn described(mut schema: Object, description: &str) -> Object {
    schema.description = Some(description.to_owned());
    schema
}

/// A string that is one of `values`, or null.
fn nullable_one_of(values: &[&str]) -> Object {
    let values: Vec<Value> = values.iter().map(|v| Value::from(*v)).chain([Value::Null]).collect();
    ObjectBuilder::new()
        .schema_type(SchemaType::Array(vec![Type::String, Type::Null]))
        .enum_values(Some(values))
        .build()
}
