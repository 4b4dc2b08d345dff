//! GraphiQL on `GET /api/graphql` for a browser: npm's `graphiql` 4.1.2
//! bundle with React 18, vendored into the site (`scripts/vendor-assets.mjs`)
//! and served by this binary, mounted by `public/graphiql.js`. No inline
//! script, so the pages' Content-Security-Policy holds; it talks only to
//! this server (`/api/graphql`, `/api/graphql/ws`) with the browser's session.

use axum::response::{IntoResponse, Response};

/// The page.
pub fn page() -> Response {
    crate::site::vendored_page(
        "DreamSeed Admin GraphQL",
        &["/vendor/graphiql/graphiql.min.css", "/graphiql.css"],
        r#"<div id="graphiql">Loading GraphiQL…</div>"#,
        &[
            "/vendor/react/react.production.min.js",
            "/vendor/react/react-dom.production.min.js",
            "/vendor/graphiql/graphiql.min.js",
            "/graphiql.js",
        ],
    )
    .into_response()
}
