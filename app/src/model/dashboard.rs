//! The dashboard's data: stat cards, user growth, users per country.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Users per subscription tier (`users.user_type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UsersByType {
    /// Users of the free tier.
    pub free: i64,
    /// Users of the paid tier.
    pub paid: i64,
    /// Users of the premium tier.
    pub premium: i64,
}

/// The stat cards (SPEC §5.1). "Today" is the calendar day in the dashboard's
/// time zone (KST unless configured otherwise).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    /// When these figures were computed.
    pub as_of: DateTime<Utc>,
}

/// One day of the user-growth series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GrowthPoint {
    /// The calendar day in the dashboard's time zone.
    pub date: NaiveDate,
    /// Sign-ups on that day.
    pub new_users: i64,
    /// All users at the end of that day.
    pub total_users: i64,
}

/// New users per day and the running total, oldest day first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserGrowth {
    /// How many days the series covers, today included.
    pub days: u32,
    /// One point per day, oldest first.
    pub points: Vec<GrowthPoint>,
}

/// Users of one country, for the map and the country table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
