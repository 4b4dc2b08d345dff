//! GraphiQL on `GET /api/graphql` for a browser: npm's `graphiql` 4.1.2
//! bundle with React 18, vendored into the site (`scripts/vendor-assets.mjs`)
//! and served by this binary, mounted by `public/graphiql.js`. No inline
//! script, so the pages' Content-Security-Policy holds; it talks only to
//! this server (`/api/graphql`, `/api/graphql/ws`) with the browser's session.

use axum::response::{Html, IntoResponse, Response};

/// The page.
pub fn page() -> Response {
    Html(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DreamSeed Admin GraphQL</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/vendor/pretendard/pretendard.css">
<link rel="stylesheet" href="/vendor/graphiql/graphiql.min.css">
<link rel="stylesheet" href="/graphiql.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/vendor/react/react.production.min.js"></script>
<script src="/vendor/react/react-dom.production.min.js"></script>
<script src="/vendor/graphiql/graphiql.min.js"></script>
<script src="/graphiql.js"></script>
</body>
</html>
"#,
    )
    .into_response()
}
