//! The OpenAPI 3.1 document (`/api/openapi.json`), generated from the handlers'
//! annotations as the router is built and completed by [`CommonResponses`],
//! and the interactive docs page (`/api/docs`, Scalar from npm, served locally).

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use server_core::state::AppState;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};

mod responses;

pub use responses::CommonResponses;

/// The document's fixed part; the paths come from the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "DreamSeed Admin API",
        description = "Operations and analytics of the DreamSeed education platform. Every error is the envelope \
                       `{\"success\": false, \"error\": {\"code\", \"message\", \"details\", \"trace_id\", \"timestamp\"}}`. \
                       POST, PUT and PATCH accept an `Idempotency-Key` header. A query parameter with an empty \
                       value (`?tz=`) is as if absent; a JSON body is an object wherever the schema says so. Every \
                       route but login, refresh and the health probes needs a credential: `Authorization: Bearer` with an API key (`ds_…`) or \
                       a JWT access token, or the browser's session cookie. Limit: 100 requests a minute per \
                       account or key (429 with `Retry-After`).",
    ),
    tags(
        (name = "dashboard", description = "The dashboard's figures"),
        (name = "cache", description = "The two-layer cache"),
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "auth", description = "Login, token refresh and logout for API clients"),
        (name = "accounts", description = "The people who sign in (admins)"),
        (name = "api-keys", description = "Keys for scripts and the platform's backend (owners and admins)"),
        (name = "audit", description = "Every write and login attempt (admins)"),
        (name = "events", description = "Event ingestion from the platform's backend"),
        (name = "users", description = "The platform's users: list, detail, tier changes, CSV export"),
        (name = "activities", description = "What users did: list, CSV export"),
        (name = "problems", description = "The problem bank: CRUD, archive, bulk status, stats, CSV export"),
        (name = "reports", description = "Scheduled reports: templates, reports and their cron schedules, runs and their files"),
        (name = "channels", description = "Where reports are delivered: webhooks (signed), Slack; the delivery log"),
        (name = "alerts", description = "Alert rules over the platform's figures and the service's health; their state and history"),
    ),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an API key (ds_…) or a JWT access token from /api/v1/auth/login"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("METRICS_TOKEN")).build(),
            ),
        );
    }
}

/// `/api/openapi.json` and `/api/docs` for `document`.
pub fn router(document: &Document) -> Router<AppState> {
    let json: Arc<str> = document.to_pretty_json().unwrap_or_else(|_| "{}".to_owned()).into();
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json.to_string()) }),
        )
        .route("/api/docs", get(docs_page))
}

/// The docs page: Scalar's standalone bundle, vendored from npm, configured by
/// a script of ours (`public/api-docs.js`) to stay on this server.
async fn docs_page() -> impl IntoResponse {
    crate::site::vendored_page(
        "DreamSeed Admin API",
        &["/api-docs.css"],
        r#"<div id="api-reference"></div>"#,
        &["/vendor/scalar/standalone.js", "/api-docs.js"],
    )
}
