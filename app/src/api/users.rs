//! Server functions for the users list.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::UserSummary;

/// The longest page of the list.
pub const MAX_USERS: i64 = 100;

/// The newest users, of one country when `country` is given.
#[server(prefix = "/api/fn", endpoint = "users_list")]
pub async fn list_users(
    /// ISO-3166 alpha-2 code (`KR`), or none for every country.
    country: Option<String>,
    /// How many (1–100).
    limit: i64,
) -> Result<Vec<UserSummary>, AppError> {
    super::require(crate::model::Role::Viewer)?;
    if !(1..=MAX_USERS).contains(&limit) {
        return Err(AppError::invalid_field("limit", format!("must be between 1 and {MAX_USERS}")));
    }
    let country = match country.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => Some(c.to_ascii_uppercase()),
        Some(_) => return Err(AppError::invalid_field("country", "must be a two-letter ISO-3166 code")),
    };
    crate::db::users::list_newest(&super::state()?.db, country.as_deref(), limit).await
}
