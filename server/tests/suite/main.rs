//! The server's router, service and job tests in one test binary.
//!
//! Each module below was once a test binary of its own; one binary links the
//! whole server once instead of thirty times, which was most of the suite's
//! build time on two cores. Tests that read or install process-wide state stay
//! in binaries of their own beside this one: the global log subscriber
//! (`trace.rs`), the metrics recorder (`health_metrics.rs`,
//! `metrics_bounded.rs`) and the process's resident memory (`export_scale.rs`,
//! `login_flood.rs`).

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod alerts;
mod api_keys_not_persons;
mod audit_page;
mod auth_flows;
mod authz;
mod backup;
mod cache_namespace;
mod cache_redis;
mod channels;
mod csp_nonce;
mod dashboard_api;
mod db_faults;
mod early_paint;
mod errors;
mod graphql;
mod idempotency;
mod idempotency_atomic;
mod ingest;
mod layering;
mod leptos_config;
mod lists;
mod live_shutdown;
mod login_hardening;
mod open_redirect;
mod openapi;
mod problems;
mod production;
mod proxies;
mod render_concurrency;
mod report_delivery;
mod report_email;
mod report_scheduler;
mod reports;
mod seed;
mod static_caching;
mod ui_font;
