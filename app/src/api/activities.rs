//! Server functions for the activities list and a user's timeline.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ActivityPage, ActivityQuery};

/// A page of activities matching `query`, newest first.
#[server(prefix = "/api/fn", endpoint = "activities_list")]
pub async fn list_activities(
    /// Filters and paging.
    // An empty query is sent as no body at all: absent is the default.
    #[server(default)]
    query: ActivityQuery,
) -> Result<ActivityPage, AppError> {
    crate::services::activities::list(&super::state()?, &super::caller(), &query).await
}

/// Every activity type recorded so far, alphabetically (for the filter).
#[server(prefix = "/api/fn", endpoint = "activity_types")]
pub async fn list_activity_types() -> Result<Vec<String>, AppError> {
    crate::services::activities::types(&super::state()?, &super::caller()).await
}
