//! Pages, one per route.

pub mod dashboard;
pub mod not_found;
pub mod system;
pub mod users;
