//! The GraphQL API (`/api/graphql`, subscriptions on `/api/graphql/ws`): a
//! third door onto the services, beside the REST API and the server
//! functions. Resolvers only translate: arguments into the services' own
//! query and input types, the services' answers into GraphQL objects. Roles,
//! validation, the audit log and cache invalidation stay in the services, so
//! the three doors cannot disagree. One module per resource; each
//! contributes a part of the query, mutation or subscription root.
//!
//! The schema is committed as `server/schema.graphql`; a test fails when the
//! code's schema differs from it (`UPDATE_SCHEMA=1` rewrites the file).

pub mod activities;
pub mod alerts;
pub mod connection;
pub mod context;
pub mod dashboard;
pub mod endpoint;
pub mod graphiql_page;
pub mod guard;
pub mod live;
pub mod loaders;
pub mod me;
pub mod problems;
pub mod reports;
pub mod templates;
pub mod users;

use async_graphql::{MergedObject, MergedSubscription, Schema};
use axum::routing::get;
use axum::Router;
use server_core::state::AppState;

/// Deepest nesting a query may have (`dashboard { recentActivity { user { id } } }`
/// is 4; GraphiQL's introspection query, with its nine `ofType` levels, 14).
pub const MAX_DEPTH: usize = 16;

/// The most a query may cost: each field 1, a list field times the rows it
/// may return (`first`, `limit`), so 100 users with 10 fields each is ~1,000.
pub const MAX_COMPLEXITY: usize = 5_000;

/// The largest GraphQL request body accepted (a query with its variables;
/// a problem's content is at most 20,000 characters).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Every query.
#[derive(MergedObject, Default)]
pub struct Query(
    me::MeQuery,
    dashboard::DashboardQuery,
    users::UsersQuery,
    activities::ActivitiesQuery,
    problems::ProblemsQuery,
    templates::TemplatesQuery,
    reports::ReportsQuery,
    alerts::AlertsQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    problems::ProblemsMutation,
    templates::TemplatesMutation,
    reports::ReportsMutation,
    alerts::AlertsMutation,
);

/// Every subscription.
#[derive(MergedSubscription, Default)]
pub struct Subscription(live::LiveSubscription);

/// DreamSeed Admin's GraphQL schema.
pub type DreamSeedSchema = Schema<Query, Mutation, Subscription>;

/// The schema with its limits. Per-request data (the caller, the data
/// loaders) is added by [`endpoint`]; the state is the schema's own.
pub fn schema(state: AppState) -> DreamSeedSchema {
    Schema::build(Query::default(), Mutation::default(), Subscription::default())
        .data(state)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        // Bounded before any of this runs, on every door: `guard`.
        .limit_recursive_depth(32)
        .limit_directives(8)
        .finish()
}

/// The schema as SDL: what `server/schema.graphql` holds.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), Subscription::default()).finish().sdl()
}

/// The GraphQL routes: queries and mutations over HTTP (the GraphiQL page
/// for a browser's `GET`), subscriptions over WebSocket.
pub fn router(state: &AppState) -> Router<AppState> {
    let schema = schema(state.clone());
    Router::new()
        .route("/api/graphql", get(endpoint::get).post(endpoint::post))
        .route("/api/graphql/ws", get(endpoint::websocket))
        .layer(axum::Extension(schema))
}
