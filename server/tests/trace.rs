//! The trace id: kept from the caller when valid, generated otherwise, on every
//! response (pages and assets too), in the error envelope and on the log lines
//! of the request; `X-Processing-Time` and `X-Service` beside it.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::Request;
use tracing_subscriber::fmt::MakeWriter;

/// Everything the JSON log subscriber of this test binary wrote.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Installs (once) the same JSON format `LOG_FORMAT=json` uses, into a buffer.
fn logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        tracing_subscriber::fmt()
            .with_env_filter("info")
            .fmt_fields(server::telemetry::JsonSpanFields)
            .event_format(server::telemetry::JsonLine)
            .with_writer(captured.clone())
            .init();
        captured
    })
}

fn header<'a>(reply: &'a common::Reply, name: &str) -> &'a str {
    reply.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("{name} missing"))
}

#[tokio::test]
async fn a_valid_incoming_trace_id_is_kept_everywhere() {
    let logs = logs();
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    let request =
        Request::get("/api/dashboard/user-growth?days=0").header("x-trace-id", "trace_abc123").body(Body::empty());
    let reply = common::send(&app, request.unwrap()).await;

    assert_eq!(header(&reply, "x-trace-id"), "trace_abc123");
    assert_eq!(reply.json()["error"]["trace_id"], "trace_abc123");
    let lines = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let ours: Vec<serde_json::Value> = lines
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["span"]["trace_id"] == "trace_abc123")
        .collect();
    assert!(!ours.is_empty(), "no log line carries the trace id:\n{lines}");
    let access = ours.iter().find(|l| l["message"] == "request").expect("the access log line");
    assert_eq!(access["http.status"], 400);
    assert_eq!(access["span"]["http.route"], "/api/dashboard/user-growth");
}

#[tokio::test]
async fn an_invalid_trace_id_is_replaced_by_a_generated_one() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    for bad in ["has spaces", "semi;colon", &"x".repeat(65)] {
        let reply =
            common::send(&app, Request::get("/healthz").header("x-trace-id", bad).body(Body::empty()).unwrap()).await;
        let id = header(&reply, "x-trace-id");
        assert_ne!(id, bad);
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    }
}

#[tokio::test]
async fn every_response_has_the_three_headers() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    // An API route, a page, an asset path and a route that does not exist.
    for uri in ["/healthz", "/", "/favicon.svg", "/no/such/page", "/api/nothing"] {
        let reply = common::get(&app, uri).await;
        let ms: f64 = header(&reply, "x-processing-time").parse().expect("milliseconds");
        assert!((0.0..60_000.0).contains(&ms), "{uri}: {ms}");
        assert_eq!(header(&reply, "x-service"), "dreamseed-admin", "{uri}");
        assert_eq!(header(&reply, "x-trace-id").len(), 32, "{uri}");
    }
    let ids: std::collections::HashSet<String> =
        futures::future::join_all((0..5).map(|_| common::get(&app, "/healthz")))
            .await
            .iter()
            .map(|r| header(r, "x-trace-id").to_owned())
            .collect();
    assert_eq!(ids.len(), 5, "each request gets its own id");
}
