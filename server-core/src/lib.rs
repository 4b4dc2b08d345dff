//! DreamSeed Admin's server-side core, with no Leptos in it: the shared
//! state, storage (`db`, the only place SQL is written), the services that
//! own every operation and its authorization rule, accounts and security
//! (`auth`), the two-layer cache, the live event hub and observability. The
//! REST handlers and background jobs (`server`), the server functions (`app`)
//! and any later door call into the services here.
//!
//! The shared types are re-exported at the root (`server_core::model`,
//! `server_core::error`, `server_core::trace`), so the core and its callers
//! name them one way.

pub mod alerts;
pub mod auth;
pub mod cache;
pub mod channels;
pub mod countries;
pub mod db;
pub mod live;
pub mod observability;
pub mod reports;
pub mod scheduling;
pub mod secrets;
pub mod services;
pub mod state;

pub use types::{cookies, error, model, trace};
