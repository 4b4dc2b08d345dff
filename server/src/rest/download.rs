//! Sends a CSV export as a download whose body is produced while it is sent.

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use server_core::services::export::CsvExport;

/// The streamed response of `export`: `text/csv`, an attachment with its file
/// name, never cached (it holds personal data).
pub fn csv(export: CsvExport) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", export.filename);
    let mut response = Body::from_stream(export.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
