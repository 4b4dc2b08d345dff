//! Pages, one per route.

pub mod audit;
pub mod dashboard;
pub mod login;
pub mod not_found;
pub mod settings;
pub mod system;
pub mod users;
