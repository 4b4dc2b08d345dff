//! Lifecycle events: one structured log line per thing a
//! resource or job goes through, with a stable `event` field to search on. The
//! request's trace id comes with them from the request span.

use std::fmt::Display;

/// A resource was created (`problem`, `api_key`, …).
pub fn created(resource: &str, id: impl Display) {
    tracing::info!(event = "created", resource, resource.id = %id, "{resource} created");
}

/// A resource was changed; `changes` names the fields (never their values).
pub fn updated(resource: &str, id: impl Display, changes: &[&str]) {
    tracing::info!(event = "updated", resource, resource.id = %id, changes = ?changes, "{resource} updated");
}

/// A resource was deleted or archived.
pub fn deleted(resource: &str, id: impl Display) {
    tracing::info!(event = "deleted", resource, resource.id = %id, "{resource} deleted");
}

/// A background job or long operation began.
pub fn job_started(job: &str, id: impl Display) {
    tracing::info!(event = "job_started", job, job.id = %id, "{job} started");
}

/// A job's progress, in percent.
pub fn job_progress(job: &str, id: impl Display, percent: u8) {
    tracing::info!(event = "job_progress", job, job.id = %id, progress_pct = percent, "{job} at {percent}%");
}

/// A job finished.
pub fn job_completed(job: &str, id: impl Display, duration_ms: u64) {
    tracing::info!(event = "job_completed", job, job.id = %id, duration_ms, "{job} completed");
}

/// A job failed; `error` must hold no secrets.
pub fn job_failed(job: &str, id: impl Display, duration_ms: u64, error: &dyn Display) {
    tracing::warn!(event = "job_failed", job, job.id = %id, duration_ms, error = %error, "{job} failed");
}

/// A Server-Sent Events stream opened.
pub fn sse_opened(client: impl Display, endpoint: &str) {
    tracing::info!(event = "sse_opened", sse.client = %client, sse.endpoint = endpoint, "event stream opened");
}

/// A Server-Sent Events stream closed.
pub fn sse_closed(client: impl Display, duration_ms: u64, reason: &str) {
    tracing::info!(event = "sse_closed", sse.client = %client, duration_ms, reason, "event stream closed");
}
