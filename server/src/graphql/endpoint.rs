//! The GraphQL transport: `POST /api/graphql` (a JSON body of at most
//! [`MAX_BODY_BYTES`](super::MAX_BODY_BYTES)), `GET /api/graphql` (a query in
//! the URL; mutations only by POST; a browser asking for HTML gets GraphiQL),
//! and `GET /api/graphql/ws` (graphql-transport-ws, subscriptions only).
//!
//! The middleware has already done what it does for every API request: the
//! caller is authenticated (cookie, bearer token or API key), a cookie
//! caller's POST came from our own origin, and the rate limit counted it.
//! What reaches here is executed with that caller and fresh data loaders;
//! every error in the answer carries `extensions.code` (the REST codes) and
//! `extensions.trace_id`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Pos};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Body;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::stream::BoxStream;
use futures::StreamExt;
use server_core::auth::Caller;
use server_core::error::AppError;
use server_core::state::AppState;

use super::loaders::Loaders;
use super::{graphiql_page, guard, DreamSeedSchema, MAX_BODY_BYTES};
use crate::rest::stream::Watcher;

/// `GET /api/graphql`: GraphiQL for a browser, else the query in the URL.
pub async fn get(
    Extension(schema): Extension<DreamSeedSchema>,
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if crate::middleware::auth::wants_page(&headers, &uri) {
        return graphiql_page::page();
    }
    let mut request = match async_graphql::http::parse_query_string(uri.query().unwrap_or_default()) {
        Ok(request) => request,
        Err(err) => {
            return AppError::Validation { message: format!("not a GraphQL request: {err}"), fields: Vec::new() }
                .into_response()
        }
    };
    if let Err(error) = guard::check(&mut request) {
        return axum::Json(refused(error)).into_response();
    }
    // A GET must not change anything: it needs no same-origin proof, and a
    // link or an <img> could send it.
    if guard::any(&mut request, OperationType::Mutation) {
        let mut response = AppError::MethodNotAllowed.into_response();
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&schema, &state, &caller, request).await
}

/// `POST /api/graphql`: one operation as JSON (`query`, `variables`,
/// `operationName`); batches and multipart uploads are not accepted.
pub async fn post(
    Extension(schema): Extension<DreamSeedSchema>,
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
    if !json {
        return AppError::UnsupportedMediaType { expected: "application/json".into() }.into_response();
    }
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return AppError::PayloadTooLarge { limit_bytes: MAX_BODY_BYTES as u64 }.into_response(),
    };
    let request: async_graphql::Request = match serde_json::from_slice(&bytes) {
        Ok(request) => request,
        Err(err) => {
            return AppError::Validation {
                message: format!("the body is not one GraphQL request (an object with `query`): {err}"),
                fields: Vec::new(),
            }
            .into_response()
        }
    };
    execute(&schema, &state, &caller, request).await
}

/// `GET /api/graphql/ws`: subscriptions over graphql-transport-ws (or the
/// older graphql-ws). The socket lives while the caller's credentials do
/// (checked every few seconds) and until the server stops.
pub async fn websocket(
    Extension(schema): Extension<DreamSeedSchema>,
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    // Refused before the upgrade, with the envelope, like the SSE stream.
    if let Err(error) = caller.principal().and_then(server_core::services::dashboard::may_watch) {
        return error.into_response();
    }
    let watcher = Watcher::new(&state, &headers);
    let mut data = Data::default();
    data.insert(Loaders::new(&state, &caller));
    data.insert(caller);
    data.insert(watcher.clone());
    let closed = state.live.closed();
    // The socket's task outlives the request: it carries the request's context on.
    let context = server_core::trace::current_context().unwrap_or_else(|| {
        let trace_id = server_core::trace::generate();
        Arc::new(server_core::trace::Context {
            trace_id,
            method: "GET",
            route: server_core::trace::Route::Fixed("unmatched"),
        })
    });
    let (initialized, init) = tokio::sync::oneshot::channel::<()>();
    let executor = SubscriptionsOnly { schema, open: Arc::new(AtomicUsize::new(0)) };
    upgrade
        .max_message_size(MAX_BODY_BYTES)
        .max_frame_size(MAX_BODY_BYTES)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let serve = GraphQLWebSocket::new(socket, executor, protocol)
                .with_data(data)
                .on_connection_init(move |_payload| {
                    let _ = initialized.send(());
                    async { Ok(Data::default()) }
                })
                .serve();
            // A socket that never says hello does not stay open.
            let unintroduced = async move {
                if tokio::time::timeout(INIT_TIMEOUT, init).await.is_ok() {
                    std::future::pending::<()>().await;
                }
            };
            server_core::trace::scope(context, async move {
                tokio::select! {
                    () = serve => {}
                    () = closed => {}
                    () = unintroduced => tracing::info!("GraphQL socket closed: no connection_init"),
                    () = watcher.revoked() => tracing::info!("GraphQL socket closed: credentials no longer valid"),
                }
            })
        })
}

/// How long a socket may take to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// The most subscriptions one socket may hold open at once.
pub const MAX_SUBSCRIPTIONS: usize = 20;

/// Runs `request` for `caller` and answers with its JSON.
async fn execute(
    schema: &DreamSeedSchema,
    state: &AppState,
    caller: &Caller,
    mut request: async_graphql::Request,
) -> Response {
    if let Err(error) = guard::check(&mut request) {
        return axum::Json(refused(error)).into_response();
    }
    let request = request.data(Loaders::new(state, caller)).data(caller.clone());
    axum::Json(coded(schema.execute(request).await)).into_response()
}

/// `response` with the extensions every error carries: a code (the
/// service's own; else `VALIDATION_FAILED` for a document the schema refused
/// or an argument that is not of its type; else `INTERNAL_ERROR`) and the
/// trace id.
fn coded(mut response: async_graphql::Response) -> async_graphql::Response {
    for error in &mut response.errors {
        // An argument value the schema's validation let through but its
        // type's parser refused (a malformed DateTime, an Int out of range).
        let bad_value = error.message.starts_with("Failed to parse") || error.message.starts_with("Invalid value");
        let code = if error.path.is_empty() || bad_value { "VALIDATION_FAILED" } else { "INTERNAL_ERROR" };
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            if code == "INTERNAL_ERROR" {
                tracing::error!(error = %error.message, "GraphQL resolver failed without an application error");
            }
            extensions.set("code", code);
        }
        if extensions.get("trace_id").is_none() {
            if let Some(trace_id) = server_core::trace::current() {
                extensions.set("trace_id", trace_id);
            }
        }
    }
    response
}

/// A document refused before it ran, as a GraphQL answer.
fn refused(error: AppError) -> async_graphql::Response {
    let error: async_graphql::Error = error.into();
    coded(async_graphql::Response::from_errors(vec![error.into_server_error(Pos::default())]))
}

/// The schema as the WebSocket serves it: subscriptions only, at most
/// [`MAX_SUBSCRIPTIONS`] at once. Queries and mutations go over HTTP, where
/// every request is authenticated, checked for its origin and counted by the
/// rate limit on its own. One per socket.
#[derive(Clone)]
struct SubscriptionsOnly {
    schema: DreamSeedSchema,
    /// Subscriptions open on this socket.
    open: Arc<AtomicUsize>,
}

/// One open subscription of a socket, counted until its stream is dropped.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl SubscriptionsOnly {
    /// Why `request` may not run on the socket, if it may not.
    fn refusal(&self, request: &mut async_graphql::Request) -> Option<async_graphql::Response> {
        if let Err(error) = guard::check(request) {
            return Some(refused(error));
        }
        // A document that does not parse goes on: the schema says why.
        if request.parsed_query().is_ok() && !guard::only(request, OperationType::Subscription) {
            return Some(refused(AppError::Validation {
                message: "only subscriptions are served over the WebSocket: send queries and mutations with POST \
                          /api/graphql"
                    .into(),
                fields: Vec::new(),
            }));
        }
        None
    }
}

impl Executor for SubscriptionsOnly {
    async fn execute(&self, mut request: async_graphql::Request) -> async_graphql::Response {
        match self.refusal(&mut request) {
            Some(refusal) => refusal,
            None => coded(self.schema.execute(request).await),
        }
    }

    fn execute_stream(
        &self,
        mut request: async_graphql::Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        if let Some(refusal) = self.refusal(&mut request) {
            return futures::stream::once(async { refusal }).boxed();
        }
        if self.open.fetch_add(1, Ordering::Relaxed) >= MAX_SUBSCRIPTIONS {
            self.open.fetch_sub(1, Ordering::Relaxed);
            let error = AppError::Validation {
                message: format!("a socket may hold at most {MAX_SUBSCRIPTIONS} subscriptions at once"),
                fields: Vec::new(),
            };
            return futures::stream::once(async { refused(error) }).boxed();
        }
        let open = Open(self.open.clone());
        self.schema
            .execute_stream_with_session_data(request, session_data.unwrap_or_default())
            .map(move |response| {
                let _counted = &open;
                coded(response)
            })
            .boxed()
    }
}
