//! Test harness: a real SQLite file or a real Postgres database per test, the
//! app's router over it, and helpers to call it like a client would.

#![allow(dead_code)] // each test binary uses its own subset of the helpers

pub mod receiver;
pub mod smtp_sink;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use server_core::auth::SecuritySettings;
use server_core::db::Ts;
use server_core::model::Role;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use serde_json::Value;
use server_core::countries::CountryIndex;
use server_core::db::Db;
use server_core::state::{AppState, Clock};
use tower::ServiceExt;

/// The admin connection for creating per-test Postgres databases.
fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A migrated, empty database that disappears with the value.
pub struct TestDb {
    pub db: Db,
    /// Its URL, for more pools on the same database (other "replicas").
    pub url: String,
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
        Self { db, url, _dir: Some(dir), postgres_name: None }
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
        // Tests run many clients at once on two shared cores (64 concurrent page
        // renders, parallel test threads): a pooled connection can take longer
        // than the production default's 2 s to free up, and a 503 for that
        // would be the machine's load, not the code under test.
        let settings =
            server_core::db::PoolSettings { acquire_timeout: std::time::Duration::from_secs(10), ..Default::default() };
        let db = Db::connect_with(&url, settings).await.expect("connect to test database");
        db.migrate().await.expect("migrate postgres");
        Some(Self { db, url, _dir: None, postgres_name: Some(name) })
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

/// Test state over `db`: in-process cache, system clock, health details shown,
/// a rate limit no test reaches by accident, and client addresses taken from
/// `X-Forwarded-For` (so tests can play several clients).
pub fn state(db: &Db) -> AppState {
    let mut security = SecuritySettings::new(b"test secret key, at least 32 bytes long");
    security.rate_limit_per_minute = 1_000_000;
    security.trust_forwarded_for = true;
    AppState::new(db.clone(), test_countries()).with(|s| s.security = Arc::new(security))
}

/// The site the test routers render: the release build's, when it was built.
pub fn site() -> LeptosOptions {
    let addr = "127.0.0.1:0".parse().unwrap();
    server::site::leptos_options(std::path::Path::new("target/site"), addr).expect("leptos options")
}

/// The application over `state`, as `dreamseed serve` builds it, calling as
/// the harness's admin API key unless a request brings its own credentials.
pub fn app(state: AppState) -> Router {
    let db = state.db.clone();
    authed(from_local_proxy(server::app(state, site())), &db)
}

/// `router` as if every request came through a proxy on this machine (a
/// trusted one by default), so `X-Forwarded-For` names the client: tests play
/// several clients with it. Without a peer no forwarding header is believed.
pub fn from_local_proxy(router: Router) -> Router {
    router.layer(axum::extract::connect_info::MockConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 40000))))
}

/// The application router over `db`, as `dreamseed serve` builds it, with the
/// system clock, calling as an admin (see [`app`]).
pub fn router(db: &Db) -> Router {
    app(state(db))
}

/// The application router over `db` with `clock` as its notion of now.
pub fn router_with_clock(db: &Db, clock: Clock) -> Router {
    app(state(db).with(|s| s.clock = clock))
}

/// The application with no credentials added: what an anonymous client meets.
pub fn anonymous_router(db: &Db) -> Router {
    from_local_proxy(server::app(state(db), site()))
}

/// The harness's admin account (created once per database).
pub async fn harness_admin(db: &Db) -> i64 {
    const EMAIL: &str = "harness-admin@test.local";
    if let Some(account) = server_core::db::accounts::by_email(db, EMAIL).await.expect("look up the harness admin") {
        return account.id;
    }
    // Never used to log in: no need to pay for a real hash.
    server_core::db::accounts::insert(db, EMAIL, "unusable", Role::Admin, Ts::now(), None).await.unwrap_or_default()
}

/// A new API key of `role` (with `scopes`) made by the harness admin.
pub async fn api_key(db: &Db, role: Role, scopes: &str) -> String {
    let creator = harness_admin(db).await;
    let (key, prefix) = server_core::auth::tokens::new_api_key();
    let now = Ts::now();
    server_core::db::api_keys::insert(
        db,
        &server_core::db::api_keys::NewKey {
            name: "test",
            prefix: &prefix,
            key_hash: &server_core::auth::tokens::digest(&key),
            role,
            scopes,
            created_by: creator,
            now,
            expires_at: Ts::from_secs(now.secs() + 90 * 86_400),
        },
        None,
    )
    .await
    .expect("create an API key");
    key
}

/// The harness's own admin key: the same for every router over a database, so
/// routers made at different times (a "restart") are the same caller.
const HARNESS_KEY: &str = "ds_harness-key-harness-key-harness-key-harness";

/// Makes sure [`HARNESS_KEY`] exists in `db` (best effort: over a database that
/// is gone the key is simply presented and the lookup fails as it would).
async fn ensure_harness_key(db: &Db) {
    let digest = server_core::auth::tokens::digest(HARNESS_KEY);
    if let Ok(None) = server_core::db::api_keys::authenticate(db, &digest, Ts::now()).await {
        let creator = harness_admin(db).await;
        let now = Ts::now();
        let _ = server_core::db::api_keys::insert(
            db,
            &server_core::db::api_keys::NewKey {
                name: "harness",
                prefix: &HARNESS_KEY[..11],
                key_hash: &digest,
                role: Role::Admin,
                scopes: "ingest",
                created_by: creator,
                now,
                expires_at: Ts::from_secs(now.secs() + 3650 * 86_400),
            },
            None,
        )
        .await;
    }
}

/// Wraps `router` so requests without credentials (and without
/// `x-test-anonymous`) carry the harness's admin API key.
pub fn authed(router: Router, db: &Db) -> Router {
    let db = db.clone();
    let ready = Arc::new(tokio::sync::OnceCell::<()>::new());
    router.layer(axum::middleware::from_fn(move |mut request: Request<Body>, next: axum::middleware::Next| {
        let db = db.clone();
        let ready = ready.clone();
        async move {
            let h = request.headers();
            let session = h.get_all("cookie").iter().any(|v| v.to_str().is_ok_and(|c| c.contains("ds_session=")));
            let bare =
                !session && ["authorization", "x-api-key", "x-test-anonymous"].iter().all(|n| !h.contains_key(*n));
            if bare {
                ready.get_or_init(|| ensure_harness_key(&db)).await;
                request.headers_mut().insert("authorization", format!("Bearer {HARNESS_KEY}").parse().unwrap());
            }
            next.run(request).await
        }
    }))
}

/// Makes a viewer account `email` and signs it in through the browser's login
/// form; returns the `Cookie` header value (`ds_session=…`).
pub async fn sign_in_viewer(app: &Router, db: &Db, email: &str) -> String {
    const PASSWORD: &str = "correct horse battery";
    server_core::services::accounts::create_unchecked(db, email, PASSWORD, Role::Viewer)
        .await
        .expect("create an account");
    let form = format!("email={}&password={}", email.replace('@', "%40"), PASSWORD.replace(' ', "+"));
    let request = Request::post("/api/fn/auth_login")
        .header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "192.0.2.1")
        .body(Body::from(form))
        .unwrap();
    let reply = send(app, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let cookie = reply.headers.get(axum::http::header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("Set-Cookie");
    cookie.split(';').next().unwrap().trim().to_owned()
}

/// The one number `sql` selects from `db`.
pub async fn scalar(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// Every page of the REST list `path?query`, following `meta.next_cursor`;
/// returns the rows' ids under `key`, in order, and the first page's total.
pub async fn walk_pages(app: &Router, path: &str, query: &str, key: &str) -> (Vec<i64>, i64) {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    let mut total = None;
    for _ in 0..1_000 {
        let uri = match &cursor {
            Some(c) => format!("{path}?{query}&cursor={c}"),
            None => format!("{path}?{query}"),
        };
        let reply = get(app, &uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
        let body = reply.json();
        total.get_or_insert(body["meta"]["total"].as_i64().expect("meta.total"));
        all.extend(body[key].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()));
        match body["meta"]["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return (all, total.unwrap()),
        }
    }
    panic!("more than 1,000 pages");
}

/// The field names of an error's `details` (`{"fields": [{"field", …}]}`), sorted.
pub fn field_names(details: &Value) -> Vec<String> {
    let fields = details["fields"].as_array().unwrap_or_else(|| panic!("details.fields: {details}"));
    let mut names: Vec<String> = fields.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect();
    names.sort();
    names
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
    /// Asserts the body is the error envelope (docs/API-DESIGN.md) with `code`, whose trace id is
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

/// The harness admin as a service caller (an API key's principal), for tests
/// that call the services directly.
#[allow(dead_code)]
pub async fn admin_caller(db: &Db) -> server_core::auth::Caller {
    let id = harness_admin(db).await;
    server_core::auth::Caller {
        principal: Some(std::sync::Arc::new(server_core::auth::Principal {
            account_id: Some(id),
            name: "harness-admin@test.local".into(),
            role: Role::Admin,
            scopes: Vec::new(),
            via: server_core::auth::Via::ApiKey { id: 0 },
            must_change_password: false,
        })),
        ..Default::default()
    }
}

/// A completed run, made at `now` by `state`, of a new report named `name`
/// (the first template, `formats`) sending to `channels`; returns its id.
#[allow(dead_code)]
pub async fn completed_run(
    state: &AppState,
    name: &str,
    channels: &[i64],
    formats: &[&str],
    now: chrono::DateTime<chrono::Utc>,
) -> i64 {
    use server_core::reports::runner;
    use server_core::services::{reports, runs, templates};
    let caller = admin_caller(&state.db).await;
    let state = state.clone().with(|s| s.clock = Clock::Fixed(now));
    reports::ensure_builtins(&state).await.unwrap();
    let template = templates::list(&state, &caller).await.unwrap().templates[0].id;
    let input: server_core::model::ReportInput = serde_json::from_value(serde_json::json!({
        "name": name, "template_id": template, "cron": "0 9 * * 1", "destinations": channels, "formats": formats
    }))
    .unwrap();
    let report = reports::create(&state, &caller, &input).await.unwrap();
    let run = runs::generate(&state, &caller, report.id, runs::Trigger::Api).await.unwrap();
    assert_eq!(runner::take(&state, now, 10).await.unwrap(), [(run.id, 1)]);
    runner::execute(&state, run.id, 1).await.unwrap();
    assert_eq!(runs::get(&state, &caller, run.id).await.unwrap().status, "completed");
    run.id
}

/// The one delivery to `channel` (one per channel and run), with its attempts.
#[allow(dead_code)]
pub async fn delivery(state: &AppState, channel: i64) -> server_core::model::Delivery {
    let query = server_core::model::DeliveryQuery::default();
    let caller = admin_caller(&state.db).await;
    let page = server_core::services::channels::deliveries(state, &caller, channel, &query).await.unwrap();
    assert_eq!(page.deliveries.len(), 1, "one delivery per (channel, run): {page:?}");
    page.deliveries.into_iter().next().unwrap()
}

/// `on_both!(name, body)`: a module `name` with two tests running
/// `body(&TestDb)`, on a fresh SQLite file and on a fresh Postgres database
/// (which skips without a server, and fails under `CI=true`).
#[allow(unused_macros)]
macro_rules! on_both {
    ($name:ident, $body:path) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = common::TestDb::sqlite().await;
                $body(&db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = common::TestDb::postgres().await {
                    $body(&db).await;
                }
            }
        }
    };
}

/// A replica on `db`: its own pool and its own instance id (the lease owner
/// and claimer other replicas see), as a second server process would have.
pub async fn replica(db: &TestDb, name: &str) -> AppState {
    let pool = Db::connect(&db.url).await.expect("another pool");
    let settings = server_core::reports::runtime::ReportSettings::default();
    let runtime = server_core::reports::runtime::ReportsRuntime {
        instance: name.to_owned(),
        ..server_core::reports::runtime::ReportsRuntime::new(settings)
    };
    state(&pool).with(|s| s.reports = Arc::new(runtime))
}
