//! The users and activities lists: what they are asked for and
//! what a page of them holds.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ActivityItem, PageMeta, UserSummary};

/// Which users to list, in what order, from where. Every field is optional
/// text, parsed by the service, so the REST route and the server function
/// reject bad values with the same field errors; the document declares the
/// values the service accepts (an empty value is as if absent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[cfg_attr(feature = "ssr", derive(async_graphql::InputObject))]
#[cfg_attr(feature = "ssr", graphql(name = "UserFilter"))]
pub struct UserQuery {
    /// The start of an e-mail address or username, any case (at most 100 characters).
    #[cfg_attr(feature = "ssr", param(max_length = 100))]
    pub q: Option<String>,
    /// `free`, `paid` or `premium`.
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::user_type))]
    pub user_type: Option<String>,
    /// ISO-3166 alpha-2 country (`KR`), any case.
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::country))]
    pub country: Option<String>,
    /// `true` for users online now, `false` for the others.
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::flag))]
    pub online: Option<String>,
    /// Signed up on or after this day, `YYYY-MM-DD` (in `tz`).
    #[cfg_attr(feature = "ssr", param(format = Date))]
    pub signed_up_from: Option<String>,
    /// Signed up on or before this day, `YYYY-MM-DD` (in `tz`); not before `signed_up_from`.
    #[cfg_attr(feature = "ssr", param(format = Date))]
    pub signed_up_to: Option<String>,
    /// `kst` (default) or `utc`: the zone the days are in.
    #[cfg_attr(feature = "ssr", param(value_type = Option<super::range::Zone>, inline))]
    pub tz: Option<String>,
    /// `created_at` (default), `last_activity`, `username` or `email`.
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::user_sort))]
    pub sort: Option<String>,
    /// `desc` (default) or `asc`.
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::order))]
    pub order: Option<String>,
    /// `meta.next_cursor` of the previous page, for the same `sort` and `order`.
    #[cfg_attr(feature = "ssr", graphql(skip))]
    pub cursor: Option<String>,
    /// Rows per page, 1–100 (default 50).
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 100))]
    #[cfg_attr(feature = "ssr", graphql(skip))]
    pub per_page: Option<i64>,
}

/// One page of users.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserPage {
    /// The users, in the asked order.
    pub users: Vec<UserSummary>,
    /// Total and the next page's cursor.
    pub meta: PageMeta,
}

/// One user with what the detail page shows beside the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct UserDetail {
    /// The user's id.
    pub id: i64,
    /// E-mail address.
    pub email: String,
    /// Username.
    pub username: String,
    /// `free`, `paid` or `premium`.
    pub user_type: String,
    /// ISO-3166 alpha-2 country, if known.
    pub country: Option<String>,
    /// When they signed up.
    pub created_at: DateTime<Utc>,
    /// Their last activity, if any.
    pub last_activity: Option<DateTime<Utc>>,
    /// Whether they are online.
    pub is_online: bool,
    /// The platform's extra data about them, JSON text.
    pub metadata: Option<String>,
    /// Their activities, all time.
    pub activity_count: i64,
}

/// `{ "user": … }`: one user (docs/API-DESIGN.md, Shapes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserEnvelope {
    /// The user.
    pub user: UserDetail,
}

/// A change of a user's subscription tier (editors and above; audit-logged).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserTypeChange {
    /// `free`, `paid` or `premium`.
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::user_type))]
    pub user_type: String,
}

/// Which activities to list, newest first. Like [`UserQuery`], all text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[cfg_attr(feature = "ssr", derive(async_graphql::InputObject))]
#[cfg_attr(feature = "ssr", graphql(name = "ActivityFilter"))]
pub struct ActivityQuery {
    /// One activity type (`login`, `problem_solve`, …; at most 64 characters).
    #[cfg_attr(feature = "ssr", param(max_length = 64))]
    pub activity_type: Option<String>,
    /// One user's id.
    #[cfg_attr(feature = "ssr", param(value_type = Option<i64>, minimum = 1))]
    pub user_id: Option<String>,
    /// On or after this day, `YYYY-MM-DD` (in `tz`).
    #[cfg_attr(feature = "ssr", param(format = Date))]
    pub from: Option<String>,
    /// On or before this day, `YYYY-MM-DD` (in `tz`); not before `from`.
    #[cfg_attr(feature = "ssr", param(format = Date))]
    pub to: Option<String>,
    /// `kst` (default) or `utc`.
    #[cfg_attr(feature = "ssr", param(value_type = Option<super::range::Zone>, inline))]
    pub tz: Option<String>,
    /// `meta.next_cursor` of the previous page.
    #[cfg_attr(feature = "ssr", graphql(skip))]
    pub cursor: Option<String>,
    /// Rows per page, 1–100 (default 50).
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 100))]
    #[cfg_attr(feature = "ssr", graphql(skip))]
    pub per_page: Option<i64>,
}

/// One page of activities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActivityPage {
    /// The activities, newest first.
    pub activities: Vec<ActivityItem>,
    /// Total and the next page's cursor.
    pub meta: PageMeta,
}
