//! Test harness: a real SQLite file or a real Postgres database per test, the
//! app's router over it, and helpers to call it like a client would.

#![allow(dead_code)] // each test binary uses its own subset of the helpers

use std::sync::atomic::{AtomicU32, Ordering};

use app::countries::CountryIndex;
use app::db::Db;
use app::state::{AppState, Clock};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The admin connection for creating per-test Postgres databases.
fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A migrated, empty database that disappears with the value.
pub struct TestDb {
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

impl TestDb {
    /// A fresh SQLite file in a temporary directory.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::connect(&url).await.expect("open sqlite");
        db.migrate().await.expect("migrate sqlite");
        Self { db, _dir: Some(dir), postgres_name: None }
    }

    /// A fresh Postgres database, or `None` (with one line saying so) when no
    /// server is reachable. Under `CI=true` an unreachable server fails the test.
    pub async fn postgres() -> Option<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin_url = postgres_admin_url();
        let admin = match Db::connect(&admin_url).await {
            Ok(db) => db,
            Err(err) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("CI=true but Postgres at {admin_url} is unreachable: {err}");
                }
                eprintln!("skipping: Postgres at {admin_url} is unreachable ({err}); set TEST_POSTGRES_URL");
                return None;
            }
        };
        let name = format!(
            "dreamseed_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            fastrand::u32(..)
        );
        let Db::Postgres(pool) = &admin else { panic!("TEST_POSTGRES_URL is not a postgres:// URL") };
        sqlx::query(&format!("create database {name}")).execute(pool).await.expect("create test database");
        admin.close().await;
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("TEST_POSTGRES_URL has no database name"),
        };
        let db = Db::connect(&url).await.expect("connect to test database");
        db.migrate().await.expect("migrate postgres");
        Some(Self { db, _dir: None, postgres_name: Some(name) })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else { return };
        // Drop may run on the test's runtime thread, so the test's pool cannot be
        // awaited here: a short-lived runtime on its own thread drops the database
        // with FORCE, which ends the test pool's sessions on the server side.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async move {
                if let Ok(Db::Postgres(admin)) = Db::connect(&postgres_admin_url()).await {
                    let _ = sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&admin).await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

/// The country index tests use: a few real entries, no build step needed.
pub fn test_countries() -> CountryIndex {
    CountryIndex::from_json(
        r#"{
            "KR": {"en": "South Korea", "ko": "대한민국", "lat": 36.4, "lng": 127.8},
            "US": {"en": "United States", "ko": "미국", "lat": 39.5, "lng": -99.1},
            "JP": {"en": "Japan", "ko": "일본", "lat": 36.0, "lng": 136.9},
            "SG": {"en": "Singapore", "ko": "싱가포르"}
        }"#,
    )
    .expect("test country index")
}

/// Test state over `db`: in-process cache, system clock, health details shown.
pub fn state(db: &Db) -> AppState {
    let addr = "127.0.0.1:0".parse().unwrap();
    let leptos_options =
        server::site::leptos_options(std::path::Path::new("target/site"), addr).expect("leptos options");
    AppState::new(leptos_options, db.clone(), test_countries())
}

/// The application router over `db`, as `dreamseed serve` builds it, with the
/// system clock.
pub fn router(db: &Db) -> Router {
    server::app(state(db))
}

/// The application router over `db` with `clock` as its notion of now.
pub fn router_with_clock(db: &Db, clock: Clock) -> Router {
    server::app(AppState { clock, ..state(db) })
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (panics with the body if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` through `app`.
pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.expect("infallible router");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.expect("body").to_bytes().to_vec();
    Reply { status, headers, body }
}

/// `GET uri`.
pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// `POST uri` with a JSON body and extra headers.
pub async fn post_json(app: &Router, uri: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::post(uri).header(axum::http::header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::from(body.to_owned())).unwrap()).await
}

impl Reply {
    /// Asserts the body is the SPEC §5.9 envelope with `code`, whose trace id is
    /// the response's `X-Trace-Id`; returns the envelope.
    pub fn assert_envelope(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        let body = self.json();
        assert_eq!(body["success"], false, "{body}");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
        let timestamp = body["error"]["timestamp"].as_str().expect("timestamp");
        assert!(chrono::DateTime::parse_from_rfc3339(timestamp).is_ok(), "{timestamp}");
        let header = self.headers.get("x-trace-id").and_then(|v| v.to_str().ok()).expect("X-Trace-Id header");
        assert_eq!(body["error"]["trace_id"], header, "{body}");
        body
    }
}

/// A `redis-server` of the test's own, on a free port, that the test may kill,
/// pause and restart. Never the shared one on 6379.
pub struct RedisServer {
    /// `redis://127.0.0.1:<port>`.
    pub url: String,
    port: u16,
    dir: tempfile::TempDir,
    child: Option<std::process::Child>,
}

impl RedisServer {
    /// Starts one, or `None` (with one line) where `redis-server` is missing;
    /// under `CI=true` a missing server fails the test.
    pub async fn start() -> Option<Self> {
        if std::process::Command::new("redis-server").arg("--version").output().is_err() {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but redis-server is not installed");
            }
            eprintln!("skipping: redis-server is not installed");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server =
            Self { url: format!("redis://127.0.0.1:{port}"), port, dir: tempfile::tempdir().unwrap(), child: None };
        server.spawn().await;
        Some(server)
    }

    async fn spawn(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start on port {}", self.port);
    }

    fn signal(&self, signal: &str) {
        if let Some(child) = &self.child {
            let status = std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
            assert!(status.success(), "kill {signal}");
        }
    }

    /// SIGKILL: Redis is gone.
    pub fn kill(&mut self) {
        self.signal("-KILL");
        if let Some(mut child) = self.child.take() {
            let _ = child.wait();
        }
    }

    /// A new process on the same port.
    pub async fn restart(&mut self) {
        self.spawn().await;
    }

    /// SIGSTOP: Redis hangs (connections stay open, nothing answers).
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// SIGCONT.
    pub fn resume(&self) {
        self.signal("-CONT");
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.resume();
        self.kill();
    }
}

/// Defines a test that runs `$body(db)` on SQLite and one that runs it on Postgres.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident, $body:path) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let db = common::TestDb::sqlite().await;
                $body(&db.db).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(db) = common::TestDb::postgres().await {
                    $body(&db.db).await;
                }
            }
        }
    };
}
