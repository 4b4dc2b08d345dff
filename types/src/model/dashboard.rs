//! The dashboard's data: stat cards, the charts' series, users per country, and
//! the live feed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::range::ResolvedRange;

/// Users per subscription tier (`users.user_type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct UsersByType {
    /// Users of the free tier.
    pub free: i64,
    /// Users of the paid tier.
    pub paid: i64,
    /// Users of the premium tier.
    pub premium: i64,
}

/// The stat cards. "Today" is the calendar day in the dashboard's
/// time zone (KST unless configured otherwise).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct DashboardStats {
    /// All platform users.
    pub total_users: i64,
    /// Users flagged online right now.
    pub online_users: i64,
    /// Users with any activity since the start of today.
    pub active_today: i64,
    /// Users who signed up today.
    pub new_today: i64,
    /// All users, per subscription tier.
    pub users_by_type: UsersByType,
    /// Problems with status `active`.
    pub problems_active: i64,
    /// All problems, whatever their status.
    pub problems_total: i64,
    /// Activities recorded since the start of today.
    pub activities_today: i64,
    /// The same figures at this time yesterday, for each card's change.
    pub yesterday: StatsBaseline,
    /// When these figures were computed.
    pub as_of: DateTime<Utc>,
}

/// The stat cards' figures one day earlier: totals as they stood 24 hours ago,
/// and yesterday's counts from its midnight to the same time of day (so a
/// morning is compared with a morning, not with a whole day).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct StatsBaseline {
    /// All users 24 hours ago.
    pub total_users: i64,
    /// Users with an activity yesterday up to this time of day.
    pub active: i64,
    /// Sign-ups yesterday up to this time of day.
    pub new_users: i64,
    /// Users per tier 24 hours ago.
    pub users_by_type: UsersByType,
    /// Problems 24 hours ago.
    pub problems_total: i64,
    /// Activities yesterday up to this time of day.
    pub activities: i64,
}

/// One bucket (a day, or an hour for a one-day range) of the user-growth series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct GrowthPoint {
    /// The calendar day in the range's time zone.
    pub date: NaiveDate,
    /// The bucket's first instant.
    pub start: DateTime<Utc>,
    /// Sign-ups in that bucket.
    pub new_users: i64,
    /// All users at the end of that bucket.
    pub total_users: i64,
}

/// New users per bucket and the running total, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct UserGrowth {
    /// How many days the series covers.
    pub days: u32,
    /// The range the series covers.
    pub range: ResolvedRange,
    /// One point per bucket, oldest first.
    pub points: Vec<GrowthPoint>,
}

/// Activities per type over time, for a stacked chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct ActivitySeries {
    /// The range the series covers.
    pub range: ResolvedRange,
    /// Each bucket's first instant, oldest first.
    pub buckets: Vec<DateTime<Utc>>,
    /// One series per activity type, busiest first; `counts` line up with `buckets`.
    pub series: Vec<TypeSeries>,
}

/// One activity type's counts per bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct TypeSeries {
    /// The activity type (`problem_solved`).
    pub activity_type: String,
    /// Activities per bucket.
    pub counts: Vec<i64>,
    /// Their sum.
    pub total: i64,
}

/// Activities by weekday and hour of day, in the range's time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct ActivityHeatmap {
    /// The range the counts cover.
    pub range: ResolvedRange,
    /// `counts[weekday][hour]`, Monday = 0, hour 0–23.
    pub counts: Vec<Vec<i64>>,
    /// The largest cell (the colour scale's top).
    pub max: i64,
}

/// Problems by subject and difficulty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct ProblemMatrix {
    /// Subjects, alphabetically; problems without one are under `(none)`.
    pub subjects: Vec<String>,
    /// `easy`, `medium`, `hard`, and `(none)` if any problem has no difficulty.
    pub difficulties: Vec<String>,
    /// `counts[subject][difficulty]`.
    pub counts: Vec<Vec<i64>>,
    /// All problems.
    pub total: i64,
}

/// One activity, as the recent-activity feed and the live stream show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct ActivityItem {
    /// The activity's id (ascending with time).
    pub id: i64,
    /// Who did it.
    pub user_id: i64,
    /// Their username.
    pub username: String,
    /// Their country (ISO-3166 alpha-2), if known.
    pub country: Option<String>,
    /// What kind of activity.
    pub activity_type: String,
    /// Its description.
    pub description: String,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

/// Users of one country, for the map and the country table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct CountryStat {
    /// ISO-3166 alpha-2 code (`KR`).
    pub country: String,
    /// English name.
    pub name: String,
    /// Korean name.
    pub name_ko: String,
    /// Users of this country.
    pub users: i64,
    /// Users of this country active since the start of today.
    pub today_active: i64,
    /// Where the map puts the marker; absent for countries too small for the
    /// bundled outlines (they are still counted and listed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// The marker's longitude (see `lat`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lng: Option<f64>,
}

/// One row of the users list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct UserSummary {
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
}
