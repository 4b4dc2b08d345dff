//! Server functions for the users list and a user's detail page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{UserDetail, UserPage, UserQuery, UserTypeChange};

/// A page of users matching `query`.
#[server(prefix = "/api/fn", endpoint = "users_list")]
pub async fn list_users(
    /// Filters, order and paging.
    // An empty query is sent as no body at all: absent is the default.
    #[server(default)]
    query: UserQuery,
) -> Result<UserPage, AppError> {
    crate::services::users::list(&super::state()?, &super::caller(), &query).await
}

/// One user.
#[server(prefix = "/api/fn", endpoint = "user_get")]
pub async fn get_user(
    /// The user's id.
    id: i64,
) -> Result<UserDetail, AppError> {
    crate::services::users::get(&super::state()?, &super::caller(), id).await
}

/// Changes a user's subscription tier (editors and above; audit-logged).
#[server(prefix = "/api/fn", endpoint = "user_type_change")]
pub async fn change_user_type(
    /// The user's id.
    id: i64,
    /// The new tier.
    change: UserTypeChange,
) -> Result<UserDetail, AppError> {
    crate::services::users::change_type(&super::state()?, &super::caller(), id, &change).await
}
