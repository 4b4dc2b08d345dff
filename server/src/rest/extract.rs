//! Extractors whose rejections are the SPEC §5.9 envelope instead of axum's
//! plain-text bodies (axum `examples/error-handling`).

use app::error::AppError;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Query as AxumQuery, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// `axum::extract::Query`, rejecting a bad query string with a 400 envelope.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match AxumQuery::<T>::from_request_parts(parts, state).await {
            Ok(AxumQuery(value)) => Ok(Self(value)),
            Err(rejection) => Err(AppError::Validation { message: rejection.body_text(), fields: Vec::new() }),
        }
    }
}

/// `axum::Json`, rejecting with the envelope: 415 without a JSON content type,
/// 413 past the body limit, 400 for malformed JSON or a wrong shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// A JSON body that may be absent: an empty body gives `T::default()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalJson<T>(pub T);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let bytes = Bytes::from_request(request, state).await.map_err(|_| AppError::PayloadTooLarge {
            limit_bytes: crate::middleware::Limits::default().body_bytes as u64,
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        if !is_json {
            return Err(AppError::UnsupportedMediaType { expected: "application/json".into() });
        }
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|err| AppError::Validation { message: format!("invalid JSON body: {err}"), fields: Vec::new() })
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            AppError::UnsupportedMediaType { expected: "application/json".into() }
        }
        JsonRejection::BytesRejection(_) => {
            AppError::PayloadTooLarge { limit_bytes: crate::middleware::Limits::default().body_bytes as u64 }
        }
        other => AppError::Validation { message: other.body_text(), fields: Vec::new() },
    }
}
