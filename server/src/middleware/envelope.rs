//! Turns bare error responses into the error envelope (docs/API-DESIGN.md): those axum and tower
//! produce by themselves (405 for a wrong method, rejections, a server function
//! route that does not exist). Our own errors already are envelopes; HTML pages
//! (the app's "not found" page) stay pages, and JSON stays as its handler shaped it.

use axum::body::to_bytes;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use server_core::error::{AppError, EnvelopeSent};

use super::Limits;

/// The most of a bare error body kept as the message.
const MAX_MESSAGE: usize = 300;

/// See the module documentation.
pub async fn shape(response: Response, limits: Limits) -> Response {
    let status = response.status();
    if status.as_u16() < 400 || response.extensions().get::<EnvelopeSent>().is_some() {
        return response;
    }
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    // Pages, server-function errors (which carry our envelope already) and JSON
    // that a handler shaped on purpose (`/health` answers 503 with its report).
    if content_type.starts_with("text/html")
        || content_type.starts_with("application/json")
        || response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    // Bare bodies are short texts from axum or tower: keep one as the message.
    let text = match to_bytes(response.into_body(), 4 * MAX_MESSAGE).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).chars().take(MAX_MESSAGE).collect::<String>(),
        Err(_) => String::new(),
    };
    let message = |default: &str| if text.trim().is_empty() { default.to_owned() } else { text.trim().to_owned() };
    let error = match status {
        StatusCode::NOT_FOUND => AppError::NotFound { what: "route".into() },
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::REQUEST_TIMEOUT => AppError::Timeout,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge { limit_bytes: limits.body_bytes as u64 },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType { expected: "application/json".into() },
        StatusCode::TOO_MANY_REQUESTS => AppError::RateLimited {
            retry_after_secs: retry_after.and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(1),
        },
        StatusCode::SERVICE_UNAVAILABLE => AppError::Unavailable { dependency: "server".into() },
        s if s.is_server_error() => AppError::Internal,
        _ => AppError::Validation { message: message("the request is not valid"), fields: Vec::new() },
    };
    error.into_response()
}
