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

use std::sync::OnceLock;

use app::error::AppError;
use app::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};

pub use middleware::Limits;

/// The whole HTTP application over `state`, with the default limits.
pub fn app(state: AppState) -> Router {
    app_with_limits(state, Limits::default())
}

/// The whole HTTP application over `state`.
pub fn app_with_limits(state: AppState, limits: Limits) -> Router {
    // Installed before the first request records anything.
    telemetry::metrics();
    let options = state.leptos_options.clone();
    let (api, document) = rest::router();
    let router = Router::new()
        .merge(api)
        .merge(rest::openapi::router(&document))
        .leptos_routes_with_context(
            &state,
            page_routes().to_vec(),
            app::security_headers::provide_request_nonce,
            move || shell(options.clone()),
        )
        .fallback(fallback);
    middleware::apply(router, &state, limits).with_state(state)
}

/// The app's page routes, found once per process.
///
/// Finding them renders the app with every resource load suspended, and
/// leptos suspends them with one process-wide flag
/// (`leptos_server::IS_SUPPRESSING_RESOURCE_LOAD`): a page rendered anywhere in
/// the process meanwhile waits forever on its data. Done once, before the
/// first router exists, it cannot overlap a render; done per router (each test
/// builds several, in parallel), it hung a page until the request timeout.
pub fn page_routes() -> &'static [AxumRouteListing] {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

/// Unknown API paths get the JSON envelope; anything else is a static file from
/// the site, or the app's own "not found" page.
async fn fallback(uri: Uri, state: State<AppState>, request: Request<Body>) -> Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        return AppError::NotFound { what: format!("route {}", uri.path()) }.into_response();
    }
    leptos_axum::file_and_error_handler_with_context::<AppState, _>(app::security_headers::provide_request_nonce, shell)(
        uri, state, request,
    )
    .await
}
