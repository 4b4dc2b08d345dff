//! The REST API: one module per resource, each exposing `router()`. Handlers
//! call the same services as the server functions. The routers are utoipa-axum
//! routers, so the OpenAPI document is made from exactly the routes served.

pub mod accounts;
pub mod activities;
pub mod alerts;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod channels;
pub mod dashboard;
pub mod download;
pub mod events;
pub mod extract;
pub mod health;
pub mod metrics;
pub mod openapi;
pub mod problems;
pub mod reports;
pub mod runs;
pub mod stream;
pub mod templates;
pub mod users;

use axum::Router;
use server_core::state::AppState;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

/// Every REST route, and the OpenAPI document describing them.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(health::router())
        .merge(dashboard::router())
        .merge(cache::router())
        .merge(metrics::router())
        .merge(stream::router())
        .merge(auth::router())
        .merge(accounts::router())
        .merge(api_keys::router())
        .merge(audit::router())
        .merge(events::router())
        .merge(users::router())
        .merge(activities::router())
        .merge(problems::router())
        .merge(templates::router())
        .merge(reports::router())
        .merge(alerts::router())
        .merge(runs::router())
        .merge(channels::router())
        .split_for_parts();
    // After the merge: the shared responses go on every route's operations.
    openapi::CommonResponses.modify(&mut document);
    (router, document)
}
