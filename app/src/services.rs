//! Operations, each implemented once and called by both doors: REST handlers
//! (`server/src/rest`) and server functions (`api`).

pub mod dashboard;
