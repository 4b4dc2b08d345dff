//! What every log line of a request carries: its trace id, method and route
//! (in the JSON line, `span`: `{"trace_id", "http.method", "http.route",
//! "name": "request"}`), held in a task-local while the request runs.
//!
//! Not a `tracing` span, which it replaces (issue #14, the hot path): a span
//! per request cost a cached request ~8k of its ~75k instructions (its
//! creation in the registry and the filter, its fields formatted and stored,
//! an enter and an exit on every poll), for three values the middleware
//! already holds. Spans of our own (the jobs') still work as before, and the
//! innermost one wins over the request's.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use axum::extract::MatchedPath;
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

tokio::task_local! {
    static REQUEST: Arc<RequestScope>;
}

/// One request's log context.
#[derive(Debug)]
pub struct RequestScope {
    /// The request's trace id (checked: letters, digits, `-`, `_`, `.`).
    pub trace_id: String,
    /// The method's metric label (one of the known seven, or `other`).
    pub method: &'static str,
    /// The route's label: the router's pattern, an asset folder or `unmatched`.
    pub route: Route,
}

/// The route pattern for labels: the router's match (`/api/dashboard/stats`,
/// never a raw path with ids in it), or a fixed label (an asset folder,
/// `unmatched`), so metric labels and log fields stay as few as the routes.
#[derive(Debug)]
pub enum Route {
    /// The router's pattern (shared with the router: cloning copies no text).
    Matched(MatchedPath),
    /// A fixed label.
    Fixed(&'static str),
}

impl Route {
    /// The label's text.
    pub fn as_str(&self) -> &str {
        match self {
            Route::Matched(matched) => matched.as_str(),
            Route::Fixed(label) => label,
        }
    }
}

/// Runs `future` (the rest of the request) with `request` as its log context.
pub fn scope<F: Future>(request: Arc<RequestScope>, future: F) -> impl Future<Output = F::Output> {
    REQUEST.scope(request, future)
}

/// Runs `f` with `request` as its log context (the access log line, written
/// after the request's future has ended).
pub fn sync_scope<R>(request: Arc<RequestScope>, f: impl FnOnce() -> R) -> R {
    REQUEST.sync_scope(request, f)
}

/// Calls `f` with the current request's context, if running inside one.
pub(super) fn with_current<R>(f: impl FnOnce(&RequestScope) -> R) -> Option<R> {
    REQUEST.try_with(|request| f(request)).ok()
}

/// The pretty (development) format with the request's context before each
/// line logged inside a request (`request{trace_id=… GET /api/…}: `), as the
/// compact format showed the request's span.
#[derive(Debug)]
pub struct WithRequest<F>(pub F);

impl<S, N, F> FormatEvent<S, N> for WithRequest<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        // Inside a span of our own that span says where the line comes from.
        if ctx.lookup_current().is_none() {
            with_current(|r| write!(writer, "request{{trace_id={} {} {}}}: ", r.trace_id, r.method, r.route.as_str()))
                .transpose()?;
        }
        self.0.format_event(ctx, writer, event)
    }
}
