//! Operations, each implemented once and called by both doors: REST handlers
//! (`server/src/rest`) and server functions (`api`).

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod ingest;
