//! The request's context: its trace id (taken from `X-Trace-Id` when the
//! caller sent a valid one, generated otherwise), method and route, available
//! to everything that runs for the request (error envelopes, server functions,
//! every log line) through one task-local.
//!
//! Not a `tracing` span (issue #14, the hot path): a span per request cost a
//! cached request ~8k of its ~75k instructions (its creation in the registry
//! and the filter, its fields formatted and stored, an enter and an exit on
//! every poll), for three values the middleware already holds. The server's
//! log formats write this context where the request's span was.

use std::future::Future;
use std::sync::Arc;

use axum::extract::MatchedPath;

tokio::task_local! {
    static CURRENT: Arc<Context>;
}

/// One request's context.
#[derive(Debug)]
pub struct Context {
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

/// The longest trace id accepted from a caller.
const MAX_LEN: usize = 64;

/// `id` if it is acceptable as a trace id: 1 to 64 characters of letters, digits,
/// `-`, `_` and `.`, so it is safe in headers, logs and JSON without escaping.
pub fn accept(id: &str) -> Option<&str> {
    let ok = !id.is_empty()
        && id.len() <= MAX_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then_some(id)
}

/// A new trace id: a UUIDv7 as 32 hex digits (time-ordered, so ids sort by when
/// the request arrived). Its 80 random bits come from a per-thread generator
/// seeded once, not from the OS: `Uuid::now_v7` made a `getrandom(2)` call per
/// request, and a trace id needs to be unique, not secret.
pub fn generate() -> String {
    let millis = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let mut random = [0u8; 10];
    fastrand::fill(&mut random);
    uuid::Builder::from_unix_timestamp_millis(millis as u64, &random).into_uuid().simple().to_string()
}

/// Runs `future` (the rest of the request) with `context` as its context.
///
/// Not an `async fn`: one would hold `future` twice in its state (the argument,
/// and the scope it is moved into), and every request's future is copied
/// about whole (issue #14, the hot path).
pub fn scope<F: Future>(context: Arc<Context>, future: F) -> impl Future<Output = F::Output> {
    CURRENT.scope(context, future)
}

/// Runs `f` with `context` as the current context (the access log line,
/// written after the request's future has ended).
pub fn sync_scope<R>(context: Arc<Context>, f: impl FnOnce() -> R) -> R {
    CURRENT.sync_scope(context, f)
}

/// Calls `f` with the current request's context, if running inside one.
pub fn with_current<R>(f: impl FnOnce(&Context) -> R) -> Option<R> {
    CURRENT.try_with(|context| f(context)).ok()
}

/// The current request's context itself, for work that goes on in a task of
/// its own (a WebSocket after its upgrade).
pub fn current_context() -> Option<Arc<Context>> {
    CURRENT.try_with(Arc::clone).ok()
}

/// The current request's trace id, if running inside [`scope`].
pub fn current() -> Option<String> {
    with_current(|context| context.trace_id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_ids_are_kept_and_others_refused() {
        assert_eq!(accept("trace_abc123"), Some("trace_abc123"));
        assert_eq!(accept("0190a6f2-7c1e-7abc-8def-0123456789ab"), Some("0190a6f2-7c1e-7abc-8def-0123456789ab"));
        for bad in ["", "has space", "semi;colon", "new\nline", "ü", &"x".repeat(65)] {
            assert_eq!(accept(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn generated_ids_are_acceptable_and_distinct() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 32);
        assert!(accept(&a).is_some());
        assert_ne!(a, b);
        // A well-formed UUIDv7: version 7, RFC 4122 variant, ordered by time.
        assert_eq!(a.as_bytes()[12], b'7', "{a}");
        assert!(matches!(a.as_bytes()[16], b'8' | b'9' | b'a' | b'b'), "{a}");
        let other = std::thread::spawn(generate).join().unwrap();
        assert_ne!(other, a, "threads seed their own generators");
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(generate() > a, "later ids sort after earlier ones");
    }

    #[tokio::test]
    async fn the_context_is_visible_inside_its_scope_only() {
        let context = || Arc::new(Context { trace_id: "t-42".into(), method: "GET", route: Route::Fixed("unmatched") });
        assert_eq!(current(), None);
        let seen =
            scope(context(), async { (current(), with_current(|c| (c.method, c.route.as_str().to_owned()))) }).await;
        assert_eq!(seen, (Some("t-42".to_owned()), Some(("GET", "unmatched".to_owned()))));
        assert_eq!(current(), None);
        assert_eq!(sync_scope(context(), || current_context().map(|c| c.trace_id.clone())).as_deref(), Some("t-42"));
        assert!(current_context().is_none());
    }
}
