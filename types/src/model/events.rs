//! Event ingestion: what the platform's backend posts to
//! `POST /api/v1/events`, and what it gets back.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The most events one request may carry.
pub const MAX_BATCH: usize = 1000;

/// A batch of events. Each is an object with a `type`:
///
/// - `user_upsert`: `email` (the key), `username`, `user_type`
///   (free|paid|premium, default free), `country` (ISO-3166 alpha-2),
///   `created_at` (RFC 3339, for new users), `metadata` (object);
/// - `activity`: `user_email` or `user_id`, `activity_type` (`[a-z0-9_]`, ≤ 50),
///   `description` (≤ 500), `problem_id`, `created_at` (RFC 3339, default now),
///   `metadata` (object).
///
/// Items are checked one by one; the valid ones are written in one transaction,
/// in order (a user upserted earlier in the batch can be referred to later).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventBatch {
    /// 1 to 1,000 events.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>, min_items = 1, max_items = 1000))]
    pub events: Vec<serde_json::Value>,
}

/// Why one event was not written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventError {
    /// Its position in `events` (from 0).
    pub index: usize,
    /// Its `type`, when it had a known one.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// What is wrong with which field.
    pub fields: Vec<FieldError>,
}

/// The outcome of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IngestResult {
    /// Events in the batch.
    pub received: usize,
    /// Events written.
    pub accepted: usize,
    /// Events refused (see `errors`).
    pub rejected: usize,
    /// Users created by `user_upsert` events.
    pub users_created: usize,
    /// Users updated by `user_upsert` events.
    pub users_updated: usize,
    /// Activities recorded.
    pub activities: usize,
    /// One entry per refused event.
    pub errors: Vec<EventError>,
}
