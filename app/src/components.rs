//! Reusable UI pieces, one component per file.

pub mod app_header;
pub mod error_card;
pub mod health_badge;
pub mod panel;
pub mod route_stats_table;
pub mod stat_card;
pub mod stat_cards;
pub mod user_growth_chart;
pub mod user_map;
pub mod widget_status;
