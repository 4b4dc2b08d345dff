//! The `dreamseed` server: configuration, logging, the HTTP application (REST
//! API, server functions, server-rendered pages, static site) with its
//! middleware, background jobs, and the commands of the binary. `main.rs` only
//! wires these together.

pub mod cli;
pub mod config;
pub mod jobs;
pub mod middleware;
pub mod rest;
pub mod seed;
pub mod serve;
pub mod simulate;
pub mod site;
pub mod telemetry;

use app::error::AppError;
use app::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};

pub use middleware::Limits;

/// The whole HTTP application over `state`, with the default limits.
pub fn app(state: AppState) -> Router {
    app_with_limits(state, Limits::default())
}

/// The whole HTTP application over `state`.
pub fn app_with_limits(state: AppState, limits: Limits) -> Router {
    // Installed before the first request records anything.
    telemetry::metrics();
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let (api, document) = rest::router();
    let router = Router::new()
        .merge(api)
        .merge(rest::openapi::router(&document))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(fallback);
    middleware::apply(router, &state, limits).with_state(state)
}

/// Unknown API paths get the JSON envelope; anything else is a static file from
/// the site, or the app's own "not found" page.
async fn fallback(uri: Uri, state: State<AppState>, request: Request<Body>) -> Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        return AppError::NotFound { what: format!("route {}", uri.path()) }.into_response();
    }
    leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, state, request).await
}
