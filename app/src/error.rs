//! The one error type of DreamSeed Admin, from the database to the JSON envelope
//! (SPEC §5.9) to the error card in the UI. It compiles to WASM: server functions
//! carry it to the browser unchanged.

use serde::{Deserialize, Serialize};

/// The crate-wide result type.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// One invalid input field, reported in the envelope's `details`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name as the client sent it (`per_page`, `title`).
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

/// Every way a request can fail, with the HTTP status and stable code of each.
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
    /// The caller is known but may not do this (403).
    #[error("you do not have permission to do this")]
    Forbidden,
    /// The resource or route does not exist (404).
    #[error("{what} not found")]
    NotFound {
        /// What was looked for (`user`, `route /x`).
        what: String,
    },
    /// The request conflicts with the current state, e.g. a duplicate (409).
    #[error("{message}")]
    Conflict {
        /// What it conflicts with.
        message: String,
    },
    /// Well-formed, but a business rule forbids it (422).
    #[error("{message}")]
    BusinessRule {
        /// The rule, in plain words.
        message: String,
    },
    /// Too many requests; retry after the given number of seconds (429).
    #[error("too many requests")]
    RateLimited {
        /// When a retry may succeed (also the `Retry-After` header).
        retry_after_secs: u64,
    },
    /// A dependency (database, cache, mail) is unavailable (503).
    #[error("{dependency} is unavailable")]
    Unavailable {
        /// Which dependency (`database`, `cache`, `server`).
        dependency: String,
    },
    /// Anything else (500). The cause is logged on the server, never sent.
    #[error("internal server error")]
    Internal,
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

    /// The HTTP status code this error is sent with.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Validation { .. } => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound { .. } => 404,
            Self::Conflict { .. } => 409,
            Self::BusinessRule { .. } => 422,
            Self::RateLimited { .. } => 429,
            Self::Unavailable { .. } => 503,
            Self::Internal => 500,
        }
    }

    /// The stable machine-readable code clients may match on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "VALIDATION_FAILED",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::Conflict { .. } => "CONFLICT",
            Self::BusinessRule { .. } => "BUSINESS_RULE_VIOLATION",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Unavailable { .. } => "SERVICE_UNAVAILABLE",
            Self::Internal => "INTERNAL_ERROR",
        }
    }

    /// Whether trying the same request again later may succeed (the UI offers a retry).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Unavailable { .. } | Self::Internal)
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            // The browser could not reach the server: worth a retry.
            E::Request(_) => Self::Unavailable { dependency: "server".into() },
            E::Args(message) | E::MissingArg(message) => Self::Validation { message, fields: Vec::new() },
            _ => Self::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    //! Server-side conversions: database errors in, HTTP envelope out.

    use super::AppError;
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            match err {
                sqlx::Error::RowNotFound => Self::NotFound { what: "record".into() },
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
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

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status = StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let details = match &self {
                AppError::Validation { fields, .. } if !fields.is_empty() => serde_json::json!({ "fields": fields }),
                AppError::RateLimited { retry_after_secs } => serde_json::json!({ "retry_after": retry_after_secs }),
                _ => serde_json::Value::Null,
            };
            let body = serde_json::json!({
                "success": false,
                "error": {
                    "code": self.code(),
                    "message": self.to_string(),
                    "details": details,
                    "trace_id": serde_json::Value::Null,
                    "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                }
            });
            let mut response = (status, axum::Json(body)).into_response();
            if let AppError::RateLimited { retry_after_secs } = self {
                if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_seed_status_and_a_stable_code() {
        let cases = [
            (AppError::invalid_field("days", "must be 1-730"), 400, "VALIDATION_FAILED"),
            (AppError::Unauthorized, 401, "UNAUTHORIZED"),
            (AppError::Forbidden, 403, "FORBIDDEN"),
            (AppError::NotFound { what: "user".into() }, 404, "NOT_FOUND"),
            (AppError::Conflict { message: "dup".into() }, 409, "CONFLICT"),
            (AppError::BusinessRule { message: "no".into() }, 422, "BUSINESS_RULE_VIOLATION"),
            (AppError::RateLimited { retry_after_secs: 3 }, 429, "RATE_LIMITED"),
            (AppError::Unavailable { dependency: "database".into() }, 503, "SERVICE_UNAVAILABLE"),
            (AppError::Internal, 500, "INTERNAL_ERROR"),
        ];
        for (err, status, code) in cases {
            assert_eq!((err.status_code(), err.code()), (status, code), "{err:?}");
        }
    }

    #[test]
    fn only_transient_failures_are_retryable() {
        assert!(AppError::Internal.is_retryable());
        assert!(AppError::Unavailable { dependency: "database".into() }.is_retryable());
        assert!(!AppError::invalid_field("days", "bad").is_retryable());
        assert!(!AppError::NotFound { what: "user".into() }.is_retryable());
    }

    #[test]
    fn survives_the_trip_to_the_browser() {
        let err = AppError::invalid_field("days", "must be between 1 and 730");
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), err);
    }
}
