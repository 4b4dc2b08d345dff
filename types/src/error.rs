//! The one error type of DreamSeed Admin, from the database to the JSON envelope
//! to the error card in the UI. It compiles to WASM: server functions
//! carry it to the browser inside the same envelope the REST API sends.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The crate-wide result type.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// One invalid input field, reported in the envelope's `details.fields`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as the client sent it (`per_page`, `title`).
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

/// Every way a request can fail, with the HTTP status and stable code of each
/// (the table is in README.md, "Errors").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// The request is malformed or a field is invalid (400).
    #[error("{message}")]
    Validation {
        /// What is wrong, for people.
        message: String,
        /// The invalid fields, if the error is about specific ones.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fields: Vec<FieldError>,
    },
    /// No valid credentials were presented (401).
    #[error("authentication required")]
    Unauthorized,
    /// A login with a wrong e-mail, password or code (401). One message for all
    /// of them, so it never reveals which accounts exist.
    #[error("the e-mail address, password or code is incorrect")]
    InvalidCredentials,
    /// The password was right; the account also needs its TOTP code (401).
    #[error("enter the 6-digit code from your authenticator app")]
    TotpRequired,
    /// The caller is known but may not do this (403).
    #[error("you do not have permission to do this")]
    Forbidden,
    /// The resource or route does not exist (404).
    #[error("{what} not found")]
    NotFound {
        /// What was looked for (`user`, `route /x`).
        what: String,
    },
    /// The route exists but not with this method (405).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request conflicts with the current state, e.g. a duplicate (409).
    #[error("{message}")]
    Conflict {
        /// What it conflicts with.
        message: String,
    },
    /// A request with this Idempotency-Key is still being processed (409).
    #[error("a request with this Idempotency-Key is still in progress")]
    IdempotencyInProgress,
    /// The body is larger than the server accepts (413).
    #[error("the request body is larger than {limit_bytes} bytes")]
    PayloadTooLarge {
        /// The largest body accepted.
        limit_bytes: u64,
    },
    /// The body is not in a format this route reads (415).
    #[error("expected a {expected} body")]
    UnsupportedMediaType {
        /// The media type the route reads.
        expected: String,
    },
    /// Well-formed, but a business rule forbids it (422).
    #[error("{message}")]
    BusinessRule {
        /// The rule, in plain words.
        message: String,
    },
    /// The Idempotency-Key was used before with a different request (422).
    #[error("this Idempotency-Key was already used with a different request")]
    IdempotencyKeyReused,
    /// Too many requests; retry after the given number of seconds (429).
    #[error("too many requests")]
    RateLimited {
        /// When a retry may succeed (also the `Retry-After` header).
        retry_after_secs: u64,
    },
    /// Anything else (500). The cause is logged on the server, never sent.
    #[error("internal server error")]
    Internal,
    /// A dependency (database, cache, mail) is unavailable (503).
    #[error("{dependency} is unavailable")]
    Unavailable {
        /// Which dependency (`database`, `cache`, `server`).
        dependency: String,
    },
    /// The request took longer than the server allows (503).
    #[error("the request took too long")]
    Timeout,
    /// An error as the browser received it, with the trace id the server logged
    /// it under. Only the transport creates it; [`AppError::kind`] looks through.
    #[error("{error}")]
    Traced {
        /// The trace id from the envelope.
        trace_id: String,
        /// The error itself.
        error: Box<AppError>,
    },
}

impl AppError {
    /// A validation error about one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Validation {
            message: format!("invalid {field}: {message}"),
            fields: vec![FieldError { field: field.to_owned(), message }],
        }
    }

    /// The error itself, without transport wrapping.
    pub fn kind(&self) -> &AppError {
        match self {
            Self::Traced { error, .. } => error.kind(),
            other => other,
        }
    }

    /// The trace id the server logged this error under, when known.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            Self::Traced { trace_id, .. } => Some(trace_id),
            _ => None,
        }
    }

    /// The HTTP status code this error is sent with.
    pub fn status_code(&self) -> u16 {
        match self.kind() {
            Self::Validation { .. } => 400,
            Self::Unauthorized | Self::InvalidCredentials | Self::TotpRequired => 401,
            Self::Forbidden => 403,
            Self::NotFound { .. } => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict { .. } | Self::IdempotencyInProgress => 409,
            Self::PayloadTooLarge { .. } => 413,
            Self::UnsupportedMediaType { .. } => 415,
            Self::BusinessRule { .. } | Self::IdempotencyKeyReused => 422,
            Self::RateLimited { .. } => 429,
            Self::Internal | Self::Traced { .. } => 500,
            Self::Unavailable { .. } | Self::Timeout => 503,
        }
    }

    /// The stable machine-readable code clients may match on.
    pub fn code(&self) -> &'static str {
        match self.kind() {
            Self::Validation { .. } => "VALIDATION_FAILED",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::TotpRequired => "TOTP_REQUIRED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::Conflict { .. } => "CONFLICT",
            Self::IdempotencyInProgress => "IDEMPOTENCY_IN_PROGRESS",
            Self::PayloadTooLarge { .. } => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType { .. } => "UNSUPPORTED_MEDIA_TYPE",
            Self::BusinessRule { .. } => "BUSINESS_RULE_VIOLATION",
            Self::IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Internal | Self::Traced { .. } => "INTERNAL_ERROR",
            Self::Unavailable { .. } => "SERVICE_UNAVAILABLE",
            Self::Timeout => "TIMEOUT",
        }
    }

    /// Whether trying the same request again later may succeed (the UI offers a retry).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind(),
            Self::RateLimited { .. }
                | Self::Unavailable { .. }
                | Self::Internal
                | Self::Timeout
                | Self::IdempotencyInProgress
        )
    }

    /// What the envelope's `details` says about this error: the data a client
    /// needs to act on it, and what [`AppError::from_envelope`] rebuilds it from.
    fn details(&self) -> Value {
        match self.kind() {
            Self::Validation { fields, .. } if !fields.is_empty() => json!({ "fields": fields }),
            Self::NotFound { what } => json!({ "resource": what }),
            Self::PayloadTooLarge { limit_bytes } => json!({ "limit_bytes": limit_bytes }),
            Self::UnsupportedMediaType { expected } => json!({ "expected": expected }),
            Self::RateLimited { retry_after_secs } => json!({ "retry_after": retry_after_secs }),
            Self::Unavailable { dependency } => json!({ "dependency": dependency }),
            _ => Value::Null,
        }
    }

    /// The error envelope (docs/API-DESIGN.md) for this error.
    pub fn envelope(&self, trace_id: Option<&str>, timestamp: &str) -> Envelope {
        Envelope {
            success: false,
            error: ErrorBody {
                code: self.code().to_owned(),
                message: self.to_string(),
                details: self.details(),
                trace_id: trace_id.or(self.trace_id()).map(str::to_owned),
                timestamp: timestamp.to_owned(),
            },
        }
    }

    /// The error an envelope describes (what a client rebuilds from a response).
    pub fn from_envelope(envelope: &Envelope) -> Self {
        let body = &envelope.error;
        let d = &body.details;
        let text = |key: &str| d.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        let number = |key: &str| d.get(key).and_then(Value::as_u64).unwrap_or_default();
        let message = body.message.clone();
        let error = match body.code.as_str() {
            "VALIDATION_FAILED" => Self::Validation {
                message,
                fields: d.get("fields").and_then(|f| serde_json::from_value(f.clone()).ok()).unwrap_or_default(),
            },
            "UNAUTHORIZED" => Self::Unauthorized,
            "INVALID_CREDENTIALS" => Self::InvalidCredentials,
            "TOTP_REQUIRED" => Self::TotpRequired,
            "FORBIDDEN" => Self::Forbidden,
            "NOT_FOUND" => Self::NotFound { what: text("resource") },
            "METHOD_NOT_ALLOWED" => Self::MethodNotAllowed,
            "CONFLICT" => Self::Conflict { message },
            "IDEMPOTENCY_IN_PROGRESS" => Self::IdempotencyInProgress,
            "PAYLOAD_TOO_LARGE" => Self::PayloadTooLarge { limit_bytes: number("limit_bytes") },
            "UNSUPPORTED_MEDIA_TYPE" => Self::UnsupportedMediaType { expected: text("expected") },
            "BUSINESS_RULE_VIOLATION" => Self::BusinessRule { message },
            "IDEMPOTENCY_KEY_REUSED" => Self::IdempotencyKeyReused,
            "RATE_LIMITED" => Self::RateLimited { retry_after_secs: number("retry_after") },
            "SERVICE_UNAVAILABLE" => Self::Unavailable { dependency: text("dependency") },
            "TIMEOUT" => Self::Timeout,
            _ => Self::Internal,
        };
        match &body.trace_id {
            Some(trace_id) => Self::Traced { trace_id: trace_id.clone(), error: Box::new(error) },
            None => error,
        }
    }
}

impl From<crate::model::range::RangeError> for AppError {
    fn from(err: crate::model::range::RangeError) -> Self {
        AppError::invalid_field(err.field, err.message)
    }
}

/// The error response body of every API route and server function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Envelope {
    /// Always `false`.
    pub success: bool,
    /// What went wrong.
    pub error: ErrorBody,
}

/// The `error` object of the envelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable code such as `VALIDATION_FAILED`.
    pub code: String,
    /// A human-readable message (never internals).
    pub message: String,
    /// Structured data about the error (`fields`, `retry_after`, …), or null
    /// for errors that carry none.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub details: Value,
    /// The request's trace id, also in the `X-Trace-Id` header and the logs.
    pub trace_id: Option<String>,
    /// When the error happened (RFC 3339, UTC).
    pub timestamp: String,
}

impl server_fn::error::FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr as E;
        match value {
            // The browser could not reach the server: worth a retry.
            E::Request(_) => Self::Unavailable { dependency: "server".into() },
            E::Args(message) | E::MissingArg(message) => Self::Validation { message, fields: Vec::new() },
            _ => Self::Internal,
        }
    }

    /// On the server: the envelope, with this request's trace id, after the
    /// installed [`on_server_fn_error`] hook has put the error's HTTP status on
    /// the response (server functions otherwise always send 500).
    fn ser(&self) -> server_fn::Bytes {
        #[cfg(feature = "ssr")]
        let trace_id = {
            if let Some(hook) = ssr::SERVER_FN_ERROR.get() {
                hook(self);
            }
            crate::trace::current()
        };
        #[cfg(not(feature = "ssr"))]
        let trace_id: Option<String> = None;
        let timestamp = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let envelope = self.envelope(trace_id.as_deref(), &timestamp);
        serde_json::to_vec(&envelope).unwrap_or_default().into()
    }

    /// In the browser: the error the envelope describes.
    fn de(data: server_fn::Bytes) -> Self {
        match serde_json::from_slice::<Envelope>(&data) {
            Ok(envelope) => Self::from_envelope(&envelope),
            Err(_) => Self::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    //! Server-side conversions: database errors in, HTTP envelope out.

    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::OnceLock;

    use super::AppError;
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};

    /// What a server function's error does to its response (see [`on_server_fn_error`]).
    pub(super) static SERVER_FN_ERROR: OnceLock<fn(&AppError)> = OnceLock::new();

    /// Installs what a server function's error does to the response being
    /// answered before its envelope is written: the app sets the HTTP status
    /// there (it owns the Leptos response), which this crate cannot reach. The
    /// first installation wins; later ones are the same function.
    pub fn on_server_fn_error(hook: fn(&AppError)) {
        let _ = SERVER_FN_ERROR.set(hook);
    }

    /// When (Unix seconds) a write last failed for want of space; 0 for never.
    static STORAGE_FULL_AT: AtomicI64 = AtomicI64::new(0);

    /// When (Unix seconds) a database write last failed because its storage
    /// was full, if ever: the health report's `storage` reads it.
    pub fn storage_full_at() -> Option<i64> {
        Some(STORAGE_FULL_AT.load(Ordering::Relaxed)).filter(|at| *at > 0)
    }

    /// Marks a response whose body already is the envelope, so the middleware that
    /// turns bare error responses into envelopes leaves it alone.
    #[derive(Clone, Copy, Debug)]
    pub struct EnvelopeSent;

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            match err {
                sqlx::Error::RowNotFound => Self::NotFound { what: "record".into() },
                // Cannot connect, connection lost, no connection free in time,
                // or the database busy: worth a retry, so 503 + Retry-After.
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::WorkerCrashed => {
                    tracing::error!(error = %err, "database unavailable");
                    Self::Unavailable { dependency: "database".into() }
                }
                // Out of disk: nothing was written (the transaction rolled back),
                // and a retry succeeds once space returns.
                sqlx::Error::Database(ref db) if is_storage_full(db.as_ref()) => {
                    tracing::error!(error = %err, "database storage full");
                    STORAGE_FULL_AT.store(chrono::Utc::now().timestamp(), Ordering::Relaxed);
                    Self::Unavailable { dependency: "storage".into() }
                }
                sqlx::Error::Database(ref db) if is_unavailable(db.as_ref()) => {
                    tracing::error!(error = %err, "database unavailable");
                    Self::Unavailable { dependency: "database".into() }
                }
                sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                    Self::Conflict { message: "a record with the same key already exists".into() }
                }
                sqlx::Error::Database(ref db) if db.is_foreign_key_violation() => {
                    Self::BusinessRule { message: "the record refers to something that does not exist".into() }
                }
                sqlx::Error::Database(ref db) if db.is_check_violation() => {
                    Self::Validation { message: "a value is out of its allowed range".into(), fields: Vec::new() }
                }
                other => {
                    // Logged once here, at the boundary; the client only learns "internal".
                    tracing::error!(error = %other, "database error");
                    Self::Internal
                }
            }
        }
    }

    /// Whether a database error says the disk (or the database's quota) is full:
    /// SQLite's FULL (13), Postgres's disk_full (53100).
    fn is_storage_full(db: &dyn sqlx::error::DatabaseError) -> bool {
        if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
            return db.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|code| code & 0xff == 13);
        }
        db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some() && db.code().is_some_and(|c| c == "53100")
    }

    /// Whether a database error says "not now" rather than "never": the
    /// database is busy, shutting down, refusing connections or out of them.
    fn is_unavailable(db: &dyn sqlx::error::DatabaseError) -> bool {
        if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
            // Primary result code (the low byte of the extended one): 5 BUSY
            // (517 BUSY_SNAPSHOT, 261 BUSY_RECOVERY, …), 6 LOCKED (262 …).
            let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
            return matches!(code & 0xff, 5 | 6);
        }
        if db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some() {
            return db.code().is_some_and(|state| is_unavailable_sqlstate(&state));
        }
        false
    }

    /// Postgres SQLSTATEs that mean the database cannot serve right now.
    fn is_unavailable_sqlstate(state: &str) -> bool {
        // Class 08: connection exception; class 57: operator intervention
        // (57014 statement timeout / canceled, 57P01 admin shutdown, 57P02
        // crash shutdown, 57P03 cannot connect now, …).
        state.starts_with("08")
            || state.starts_with("57")
            || matches!(
                state,
                // too many connections
                "53300"
                    // "database … is not currently accepting connections" (no
                    // query here has another reason to raise the generic 55000)
                    | "55000"
                    // lock not available, serialization failure, deadlock: contention
                    | "55P03"
                    | "40001"
                    | "40P01"
            )
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status = StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let timestamp = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let envelope = self.envelope(crate::trace::current().as_deref(), &timestamp);
            let mut response = (status, axum::Json(envelope)).into_response();
            response.extensions_mut().insert(EnvelopeSent);
            let headers = response.headers_mut();
            match self.kind() {
                AppError::RateLimited { retry_after_secs } => {
                    headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
                }
                // Worth a retry soon: say when.
                AppError::Unavailable { .. } | AppError::Timeout => {
                    headers.insert(header::RETRY_AFTER, HeaderValue::from(5u32));
                }
                _ => {}
            }
            response
        }
    }

    /// The same error through the GraphQL door: the envelope's message, and
    /// its code, details and trace id in `extensions`, so a GraphQL client
    /// matches on the codes the REST API documents.
    impl From<AppError> for async_graphql::Error {
        fn from(error: AppError) -> Self {
            let mut extensions = async_graphql::ErrorExtensionValues::default();
            extensions.set("code", error.code());
            let details = error.details();
            if !details.is_null() {
                extensions.set("details", async_graphql::Value::from_json(details).unwrap_or_default());
            }
            if let Some(trace_id) = error.trace_id().map(str::to_owned).or_else(crate::trace::current) {
                extensions.set("trace_id", trace_id);
            }
            async_graphql::Error { message: error.to_string(), source: None, extensions: Some(extensions) }
        }
    }
}

#[cfg(feature = "ssr")]
pub use ssr::{on_server_fn_error, storage_full_at, EnvelopeSent};

#[cfg(test)]
mod tests {
    use super::*;

    fn every_error() -> Vec<(AppError, u16, &'static str)> {
        vec![
            (AppError::invalid_field("days", "must be 1-730"), 400, "VALIDATION_FAILED"),
            (AppError::Unauthorized, 401, "UNAUTHORIZED"),
            (AppError::InvalidCredentials, 401, "INVALID_CREDENTIALS"),
            (AppError::TotpRequired, 401, "TOTP_REQUIRED"),
            (AppError::Forbidden, 403, "FORBIDDEN"),
            (AppError::NotFound { what: "user".into() }, 404, "NOT_FOUND"),
            (AppError::MethodNotAllowed, 405, "METHOD_NOT_ALLOWED"),
            (AppError::Conflict { message: "dup".into() }, 409, "CONFLICT"),
            (AppError::IdempotencyInProgress, 409, "IDEMPOTENCY_IN_PROGRESS"),
            (AppError::PayloadTooLarge { limit_bytes: 1024 }, 413, "PAYLOAD_TOO_LARGE"),
            (AppError::UnsupportedMediaType { expected: "application/json".into() }, 415, "UNSUPPORTED_MEDIA_TYPE"),
            (AppError::BusinessRule { message: "no".into() }, 422, "BUSINESS_RULE_VIOLATION"),
            (AppError::IdempotencyKeyReused, 422, "IDEMPOTENCY_KEY_REUSED"),
            (AppError::RateLimited { retry_after_secs: 3 }, 429, "RATE_LIMITED"),
            (AppError::Internal, 500, "INTERNAL_ERROR"),
            (AppError::Unavailable { dependency: "database".into() }, 503, "SERVICE_UNAVAILABLE"),
            (AppError::Timeout, 503, "TIMEOUT"),
        ]
    }

    #[test]
    fn every_variant_has_its_seed_status_and_a_stable_code() {
        for (err, status, code) in every_error() {
            assert_eq!((err.status_code(), err.code()), (status, code), "{err:?}");
        }
    }

    #[test]
    fn only_transient_failures_are_retryable() {
        assert!(AppError::Internal.is_retryable());
        assert!(AppError::Timeout.is_retryable());
        assert!(AppError::Unavailable { dependency: "database".into() }.is_retryable());
        assert!(!AppError::invalid_field("days", "bad").is_retryable());
        assert!(!AppError::NotFound { what: "user".into() }.is_retryable());
        assert!(!AppError::IdempotencyKeyReused.is_retryable());
    }

    #[test]
    fn every_error_survives_the_envelope_round_trip_with_its_trace_id() {
        for (err, _, _) in every_error() {
            let envelope = err.envelope(Some("t-1"), "2026-11-21T00:00:00.000Z");
            let json = serde_json::to_string(&envelope).unwrap();
            let back = AppError::from_envelope(&serde_json::from_str(&json).unwrap());
            assert_eq!(back.trace_id(), Some("t-1"));
            assert_eq!(back.kind(), &err, "{json}");
            assert_eq!(back.code(), err.code());
        }
    }

    #[test]
    fn the_envelope_has_the_seed_shape() {
        let envelope =
            AppError::invalid_field("days", "must be between 1 and 730").envelope(None, "2026-11-21T00:00:00.000Z");
        assert_eq!(
            serde_json::to_value(&envelope).unwrap(),
            json!({
                "success": false,
                "error": {
                    "code": "VALIDATION_FAILED",
                    "message": "invalid days: must be between 1 and 730",
                    "details": { "fields": [{ "field": "days", "message": "must be between 1 and 730" }] },
                    "trace_id": null,
                    "timestamp": "2026-11-21T00:00:00.000Z",
                }
            })
        );
    }
}
