//! The `dreamseed` server: configuration, logging, the HTTP application (REST
//! API, server functions, server-rendered pages, static site) with its
//! middleware, background jobs, and the commands of the binary. `main.rs` only
//! wires these together.

// The app's route tree is one nested type; rendering it needs deeper queries
// than the default 128 (the same limit as app/ and frontend/).
#![recursion_limit = "256"]

pub mod backup;
pub mod cli;
pub mod config;
pub mod graphql;
pub mod jobs;
pub mod middleware;
pub mod rest;
pub mod seed;
pub mod serve;
pub mod simulate;
pub mod site;
pub mod telemetry;

use std::sync::OnceLock;

use app::{shell, App, AssetVersion, EarlyPaint, SplitLoader};
use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use server_core::error::AppError;
use server_core::state::AppState;

pub use middleware::Limits;

/// The whole HTTP application over `state`, rendering the site `options`
/// describes, with the default limits.
pub fn app(state: AppState, options: LeptosOptions) -> Router {
    app_with_limits(state, options, Limits::default())
}

/// The whole HTTP application over `state`, rendering the site `options` describes.
pub fn app_with_limits(state: AppState, options: LeptosOptions, limits: Limits) -> Router {
    middleware::apply(routes(state.clone(), options), &state, limits)
}

/// Every route of the application (the API, the pages, the fallback) without
/// the middleware ([`middleware::apply`] adds it, once, around all of them).
pub fn routes(state: AppState, options: LeptosOptions) -> Router {
    // Installed before the first request records anything.
    telemetry::metrics();
    app::api::install_error_status();
    let (api, document) = rest::router();
    let api = Router::new()
        .merge(api)
        .merge(rest::openapi::router(&document))
        .merge(graphql::router(&state))
        .with_state(state.clone());
    let site_root = std::path::Path::new(&*options.site_root);
    let assets = AssetVersion(site::vendor_version(site_root).map(Into::into));
    let paint = site::early_paint(site_root);
    let split = site::split_loader(site_root, &options);
    let pages = Pages { state: state.clone(), options: options.clone(), assets, paint, split };
    let page_router = Router::new()
        .leptos_routes_with_context(&pages, page_routes().to_vec(), render_context(&pages), move || {
            shell(options.clone())
        })
        .fallback(fallback)
        .with_state(pages);
    api.merge(page_router)
}

/// The state of the page routes: the core's state, and the site Leptos renders
/// (which the core knows nothing of) with its vendored files' version, and its
/// early-paint module and WASM-split loader, if it has them.
#[derive(Clone, FromRef)]
struct Pages {
    state: AppState,
    options: LeptosOptions,
    assets: AssetVersion,
    paint: Option<EarlyPaint>,
    split: Option<SplitLoader>,
}

/// What every render and server function finds in its Leptos context besides
/// the request: the core's state, the vendored files' version, the early-paint
/// module and the WASM-split loader (when the site has them) and the nonce the
/// middleware chose.
fn render_context(pages: &Pages) -> impl Fn() + Clone + Send + 'static {
    let state = pages.state.clone();
    let assets = pages.assets.clone();
    let paint = pages.paint.clone();
    let split = pages.split.clone();
    move || {
        app::security_headers::provide_request_nonce();
        provide_context(state.clone());
        provide_context(assets.clone());
        if let Some(paint) = &paint {
            provide_context(paint.clone());
        }
        if let Some(split) = &split {
            provide_context(split.clone());
        }
    }
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
async fn fallback(uri: Uri, pages: State<Pages>, request: Request<Body>) -> Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        return AppError::NotFound { what: format!("route {}", uri.path()) }.into_response();
    }
    let context = render_context(&pages);
    leptos_axum::file_and_error_handler_with_context::<Pages, _>(context, shell)(uri, pages, request).await
}
