//! The request's trace id: taken from `X-Trace-Id` when the caller
//! sent a valid one, generated otherwise, and available to everything that runs
//! for the request (error envelopes, server functions) through a task-local.

use std::future::Future;

tokio::task_local! {
    static TRACE_ID: String;
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

/// Runs `future` with `trace_id` as the current trace id.
///
/// Not an `async fn`: one would hold `future` twice in its state (the argument,
/// and the scope it is moved into), and every request's future is copied
/// about whole (issue #14, the hot path).
pub fn scope<F: Future>(trace_id: String, future: F) -> impl Future<Output = F::Output> {
    TRACE_ID.scope(trace_id, future)
}

/// The current request's trace id, if running inside [`scope`].
pub fn current() -> Option<String> {
    TRACE_ID.try_with(Clone::clone).ok()
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
    async fn the_id_is_visible_inside_its_scope_only() {
        assert_eq!(current(), None);
        let seen = scope("t-42".into(), async { current() }).await;
        assert_eq!(seen.as_deref(), Some("t-42"));
        assert_eq!(current(), None);
    }
}
