//! What every operation shares, added to the document in one place rather than
//! copied into each handler's annotation: the error responses the middleware
//! and extractors produce (all as the error envelope, docs/API-DESIGN.md), the credential
//! a route needs, the `Idempotency-Key` header of writes, and query
//! parameters that are never null and may be empty (meaning absent). Each rule follows the server's own code
//! (`middleware::auth::is_public`, the extractors, the idempotency layer),
//! so the document says what the server does.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use server_core::error::Envelope;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, Required, Response, ResponseBuilder};
use utoipa::{Modify, PartialSchema};

/// The shared error responses, by status: name in `components.responses`,
/// and what it means on this server.
const ERRORS: [(u16, &str, &str); 11] = [
    (
        400,
        "BadRequest",
        "The request is malformed: a path, query or body value the route does not accept \
                         (`VALIDATION_FAILED`; `details.fields` names them), or an invalid `Idempotency-Key`.",
    ),
    (
        401,
        "Unauthorized",
        "No valid credential (`UNAUTHORIZED`): none sent, or an unknown, expired or revoked \
                           one. Comes with `WWW-Authenticate: Bearer`.",
    ),
    (
        403,
        "Forbidden",
        "The caller's role may not do this, or a browser sent a write from another origin \
                        (`FORBIDDEN`).",
    ),
    (404, "NotFound", "No record with this id (`NOT_FOUND`)."),
    (
        409,
        "Conflict",
        "A request with this `Idempotency-Key` is still being processed \
                       (`IDEMPOTENCY_IN_PROGRESS`), or the change conflicts with a record (`CONFLICT`).",
    ),
    (413, "PayloadTooLarge", "The body is larger than 2 MiB (`PAYLOAD_TOO_LARGE`)."),
    (415, "UnsupportedMediaType", "The body is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`)."),
    (
        422,
        "Unprocessable",
        "This `Idempotency-Key` was used before with a different request \
                            (`IDEMPOTENCY_KEY_REUSED`), or a business rule forbids the change \
                            (`BUSINESS_RULE_VIOLATION`).",
    ),
    (
        429,
        "TooManyRequests",
        "The caller's requests per minute are used up (`RATE_LIMITED`); retry after \
                              `Retry-After` seconds.",
    ),
    (500, "InternalError", "An unexpected failure (`INTERNAL_ERROR`), logged under the response's trace id."),
    (
        503,
        "Unavailable",
        "The database is unavailable (`SERVICE_UNAVAILABLE`) or the request took longer than \
                          30 s (`TIMEOUT`); retry after `Retry-After` seconds.",
    ),
];

/// See the module documentation.
pub struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.schemas.entry("Envelope".into()).or_insert_with(Envelope::schema);
        for (status, name, description) in ERRORS {
            components.responses.insert(name.into(), RefOr::T(error_response(status, description)));
        }
        for (path, item) in &mut openapi.paths.paths {
            for (method, operation) in operations(item) {
                complete(&method, path, operation);
            }
        }
    }
}

/// The operations of a path, with their methods.
fn operations(item: &mut PathItem) -> impl Iterator<Item = (Method, &mut Operation)> {
    [
        (Method::GET, &mut item.get),
        (Method::PUT, &mut item.put),
        (Method::POST, &mut item.post),
        (Method::DELETE, &mut item.delete),
        (Method::PATCH, &mut item.patch),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_mut().map(|operation| (method, operation)))
}

/// Adds to `operation` what the server does on every route like it.
fn complete(method: &Method, path: &str, operation: &mut Operation) {
    let write = matches!(*method, Method::POST | Method::PUT | Method::PATCH);
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    if write && !parameters.iter().any(|p| matches!(p, RefOr::T(p) if p.name == "Idempotency-Key")) {
        parameters.push(RefOr::T(
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some("Makes a retry safe: a repeat gets the first response (see the API description)"))
                .schema(Some(idempotency_key()))
                .build(),
        ));
    }
    // A CSV export streams every matching row: it has no pages to ask for.
    if path.ends_with(".csv") {
        parameters.retain(|p| !matches!(p, RefOr::T(p) if p.name == "cursor" || p.name == "per_page"));
    }
    for parameter in parameters.iter_mut() {
        if let RefOr::T(parameter) = parameter {
            if matches!(parameter.parameter_in, ParameterIn::Query) {
                // A query string cannot say null: an absent parameter is how to leave one out.
                if let Some(RefOr::T(schema)) = &mut parameter.schema {
                    drop_null(schema);
                }
                // `?name=` is as if absent (the `Query` extractor), which is what this says.
                parameter.extensions.get_or_insert_with(Default::default).insert("allowEmptyValue".into(), true.into());
            }
        }
    }
    let has = |place: ParameterIn| parameters.iter().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place));
    let (in_path, in_query) = (has(ParameterIn::Path), has(ParameterIn::Query));
    if operation.parameters.as_ref().is_some_and(Vec::is_empty) {
        operation.parameters = None;
    }
    let body = operation.request_body.is_some();
    let public = crate::middleware::auth::is_public(method, path);

    let mut statuses = vec![500];
    // Liveness touches nothing that could be unavailable.
    if path != "/healthz" {
        statuses.push(503);
    }
    if public {
        // Anonymous callers are served too (`/metrics` from loopback): the
        // credential it names is an alternative, not a requirement.
        if let Some(security) = operation.security.as_mut().filter(|s| !s.is_empty()) {
            security.push(SecurityRequirement::default());
        }
    } else {
        statuses.extend([401, 429]);
        if operation.security.as_ref().is_none_or(Vec::is_empty) {
            operation.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
        }
    }
    // Every write is checked for a cross-site origin before anything else runs.
    if *method != Method::GET {
        statuses.push(403);
    }
    if in_path || in_query || body || write {
        statuses.push(400);
    }
    if in_path {
        statuses.push(404);
    }
    if body {
        statuses.extend([413, 415]);
    }
    if write {
        statuses.extend([409, 413, 422]);
    }
    let responses = &mut operation.responses.responses;
    for status in statuses {
        if let Some((_, name, _)) = ERRORS.iter().find(|(s, ..)| *s == status) {
            responses.entry(status.to_string()).or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
        }
    }
    if write {
        add_replay(responses);
    }
    for (status, response) in responses.iter_mut() {
        if let RefOr::T(response) = response {
            if response.description.is_empty() {
                response.description = default_description(status);
            }
        }
    }
}

/// A repeated create with the same `Idempotency-Key` answers 200 with the
/// first response's body.
fn add_replay(responses: &mut BTreeMap<String, RefOr<Response>>) {
    let Some(RefOr::T(created)) = responses.get("201").cloned() else { return };
    responses.entry("200".into()).or_insert_with(|| {
        let mut replay = created;
        replay.description = "The first response to this `Idempotency-Key`, replayed \
                              (`Idempotent-Replayed: true`)"
            .into();
        replay.headers.insert(
            "Idempotent-Replayed".into(),
            RefOr::T(
                HeaderBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::Boolean)))
                    .description(Some("`true`: this is a stored response"))
                    .build(),
            ),
        );
        RefOr::T(replay)
    });
}

/// The description of a response its annotation left without one.
fn default_description(status: &str) -> String {
    if let Some((_, _, description)) = ERRORS.iter().find(|(s, ..)| s.to_string() == status) {
        return (*description).to_owned();
    }
    status
        .parse::<u16>()
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("The response")
        .to_owned()
}

/// One shared error response: the envelope, and the headers its status carries.
fn error_response(status: u16, description: &str) -> Response {
    let mut response = ResponseBuilder::new()
        .description(description)
        .content("application/json", Content::new(Some(Ref::from_schema_name("Envelope"))));
    let seconds = || ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0));
    response = match status {
        401 => response.header(
            "WWW-Authenticate",
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .description(Some("`Bearer`"))
                .build(),
        ),
        429 | 503 => response.header(
            "Retry-After",
            HeaderBuilder::new().schema(Some(seconds())).description(Some("Seconds to wait before a retry")).build(),
        ),
        _ => response,
    };
    response.build()
}

/// An `Idempotency-Key`: 1 to 255 visible ASCII characters (the middleware's rule).
fn idempotency_key() -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(255))
            .pattern(Some("^[!-~]+$"))
            .build(),
    )
}

/// `schema` without `null` among its types (or its `oneOf` choices).
fn drop_null(schema: &mut Schema) {
    match schema {
        Schema::Object(object) => {
            if let SchemaType::Array(types) = &object.schema_type {
                let kept: Vec<Type> = types.iter().filter(|t| **t != Type::Null).cloned().collect();
                object.schema_type = match kept.as_slice() {
                    [one] => SchemaType::Type(one.clone()),
                    _ => SchemaType::Array(kept),
                };
            }
        }
        Schema::OneOf(one_of) => {
            one_of.items.retain(
                |item| !matches!(item, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null)),
            );
            if let [RefOr::T(only)] = one_of.items.as_slice() {
                *schema = only.clone();
            }
        }
        _ => {}
    }
}
