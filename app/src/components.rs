//! Reusable UI pieces, one component per file.

pub mod account_menu;
pub mod accounts_panel;
pub mod activity_chart;
pub mod activity_heatmap;
pub mod api_keys_panel;
pub mod app_header;
#[cfg(feature = "hydrate")]
pub mod echart;
pub mod error_card;
pub mod health_badge;
pub mod live_feed;
pub mod panel;
pub mod password_form;
pub mod prefs_menu;
pub mod problems_chart;
pub mod range_picker;
pub mod route_stats_table;
pub mod stat_card;
pub mod stat_cards;
pub mod totp_panel;
pub mod user_growth_chart;
pub mod user_map;
pub mod users_by_type_chart;
pub mod widget_status;
