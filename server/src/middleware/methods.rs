//! The HTTP methods this service speaks. Any other (`FOOBAR`, `QUERY`, `TRACE`,
//! `CONNECT`) answers 405 before authentication runs, and is counted under the
//! one label `other`: a client inventing methods must not grow the metrics, the
//! route statistics or the log's vocabulary, nor be told 401 for a request no
//! credential could make valid.

use axum::http::Method;

/// Every method some route answers (HEAD and OPTIONS come with GET and CORS).
const KNOWN: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The label of methods outside [`KNOWN`].
pub const OTHER: &str = "other";

/// `method` as a metric label: itself when known, else [`OTHER`], so the label
/// takes at most eight values whatever clients send.
pub fn label(method: &Method) -> &'static str {
    KNOWN.iter().copied().find(|known| *known == method.as_str()).unwrap_or(OTHER)
}

/// Whether `method` is one of the seven the API knows (the edge layer
/// refuses anything else with the 405 envelope before authentication, rate
/// limiting or a handler looks at the request; issue #11 item 7).
pub fn is_known(method: &Method) -> bool {
    label(method) != OTHER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(label(&Method::GET), "GET");
        assert_eq!(label(&Method::OPTIONS), "OPTIONS");
        for raw in ["FOOBAR", "QUERY", "get", "TRACE", "CONNECT"] {
            assert_eq!(label(&Method::from_bytes(raw.as_bytes()).unwrap()), OTHER, "{raw}");
        }
    }
}
