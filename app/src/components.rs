//! Reusable UI pieces, one component per file.

pub mod activity_chart;
pub mod activity_heatmap;
pub mod app_header;
#[cfg(feature = "hydrate")]
pub mod echart;
pub mod error_card;
pub mod health_badge;
pub mod live_feed;
pub mod panel;
pub mod prefs_menu;
pub mod problems_chart;
pub mod range_picker;
pub mod route_stats_table;
pub mod stat_card;
pub mod stat_cards;
pub mod user_growth_chart;
pub mod user_map;
pub mod users_by_type_chart;
pub mod widget_status;
