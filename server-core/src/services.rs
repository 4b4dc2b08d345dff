//! Operations, each implemented once and called by both doors: REST handlers
//! (`server/src/rest`) and server functions (`app/src/api`); later doors (jobs,
//! GraphQL) call them too.

pub mod accounts;
pub mod activities;
pub mod alerts;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod channels;
pub mod dashboard;
pub mod export;
pub mod ingest;
pub mod paging;
pub mod problems;
pub mod reports;
pub mod runs;
pub mod system;
pub mod templates;
pub mod users;
