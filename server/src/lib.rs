//! The `dreamseed` server: configuration, logging, the HTTP application (REST
//! API, server functions, server-rendered pages, static site) and the commands
//! of the binary. `main.rs` only wires these together.

pub mod cli;
pub mod config;
pub mod rest;
pub mod seed;
pub mod serve;
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
use tower_http::compression::CompressionLayer;

/// The whole HTTP application over `state`.
pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .merge(rest::router())
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(fallback)
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Unknown API paths get the JSON envelope; anything else is a static file from
/// the site, or the app's own "not found" page.
async fn fallback(uri: Uri, state: State<AppState>, request: Request<Body>) -> Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        return AppError::NotFound { what: format!("route {}", uri.path()) }.into_response();
    }
    leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, state, request).await
}
