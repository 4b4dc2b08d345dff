//! The authorization matrix: every REST route, every server function
//! and every page, called by an anonymous client, a person of each role (a
//! browser session) and an API key of each role (plus an ingest key), against
//! the status each must get. The routes come from the application itself (the
//! OpenAPI document, the server-function registry, the page routes), so a new
//! route without a row here fails the test.

use crate::common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use server_core::auth::Caller;
use server_core::db::Db;
use server_core::model::Role;
use server_core::services::auth::{start_session, LoginKind};
use tower::ServiceExt;

/// Who calls, in the order of each row's expectation string.
const WHO: [&str; 10] = [
    "anonymous",
    "viewer",
    "editor",
    "owner",
    "admin",
    "key:viewer",
    "key:editor",
    "key:owner",
    "key:admin",
    "key:ingest",
];

/// `A` allowed (not 401/403, below 500), `U` 401, `F` 403, `R` 303 to the
/// login page, `P` public (anything below 500 but 403), `X` any status below
/// 500 (routes with their own guard).
struct Row {
    method: &'static str,
    path: &'static str,
    body: &'static str,
    expect: &'static str,
}

const fn row(method: &'static str, path: &'static str, body: &'static str, expect: &'static str) -> Row {
    Row { method, path, body, expect }
}

const READ: &str = "UAAAAAAAAA";
const PUBLIC: &str = "PPPPPPPPPP";
const PAGE: &str = "RAAAAAAAAA";
const EDITOR: &str = "UFAAAFAAAF";
const PEOPLE: &str = "UAAAAFFFFF";
const OWNER_PEOPLE: &str = "UFFAAFFFFF";
const ADMIN_PEOPLE: &str = "UFFFAFFFFF";

/// Every route. JSON bodies for REST, form bodies for server functions; the
/// bodies are valid enough that the role check, not parsing, decides.
const ROWS: &[Row] = &[
    // Operations.
    row("GET", "/healthz", "", PUBLIC),
    row("GET", "/ready", "", PUBLIC),
    row("GET", "/health", "", PUBLIC),
    row("GET", "/metrics", "", "XXXXXXXXXX"),
    // Dashboard (REST).
    row("GET", "/api/dashboard/stats", "", READ),
    row("GET", "/api/dashboard/user-growth", "", READ),
    row("GET", "/api/dashboard/users-by-type", "", READ),
    row("GET", "/api/dashboard/activity", "", READ),
    row("GET", "/api/dashboard/activity-heatmap", "", READ),
    row("GET", "/api/dashboard/problems", "", READ),
    row("GET", "/api/dashboard/countries", "", READ),
    row("GET", "/api/dashboard/recent-activity", "", READ),
    row("GET", "/api/v1/stream", "", READ),
    row("GET", "/api/cache/status", "", READ),
    row("POST", "/api/cache/invalidate", r#"{"pattern":"nothing-matches*"}"#, EDITOR),
    row("GET", "/api/openapi.json", "", READ),
    row("GET", "/api/docs", "", READ),
    // GraphQL: what each caller may do inside is the GraphQL matrix below.
    row("GET", "/api/graphql", "", READ),
    row("POST", "/api/graphql", r#"{"query":"{ me { role } }"}"#, READ),
    row("GET", "/api/graphql/ws", "", READ),
    // Authentication.
    row("POST", "/api/v1/auth/login", r#"{"email":"nobody@example.com","password":"wrong password"}"#, PUBLIC),
    row("POST", "/api/v1/auth/refresh", r#"{"refresh_token":"not-a-token"}"#, PUBLIC),
    row("GET", "/api/v1/auth/me", "", READ),
    // Accounts, keys, audit.
    row("GET", "/api/v1/accounts", "", ADMIN_PEOPLE),
    row("POST", "/api/v1/accounts", r#"{"email":"x@example.com","password":"p","role":"bogus"}"#, ADMIN_PEOPLE),
    row("GET", "/api/v1/accounts/{id}", "", ADMIN_PEOPLE),
    row("PATCH", "/api/v1/accounts/{id}", r#"{"role":"viewer"}"#, ADMIN_PEOPLE),
    row("GET", "/api/v1/api-keys", "", OWNER_PEOPLE),
    row("POST", "/api/v1/api-keys", r#"{"name":"","role":"viewer"}"#, OWNER_PEOPLE),
    row("DELETE", "/api/v1/api-keys/{id}", "", OWNER_PEOPLE),
    row("GET", "/api/v1/audit-log", "", "UFFFAFFFAF"),
    // The matrix's ingest key is a viewer's (as keys made before the rule could
    // be): ingestion needs an editor, so it is refused too. `ingest.rs` covers
    // an editor's ingest key.
    row("POST", "/api/v1/events", r#"{"events":[]}"#, "UFFFFFFFFF"),
    // Users, activities, problems.
    row("GET", "/api/v1/users", "", READ),
    row("GET", "/api/v1/users/export.csv", "", READ),
    row("GET", "/api/v1/users/{id}", "", READ),
    row("PATCH", "/api/v1/users/{id}", r#"{"user_type":"premium"}"#, EDITOR),
    row("GET", "/api/v1/activities", "", READ),
    row("GET", "/api/v1/activities/export.csv", "", READ),
    row("GET", "/api/v1/activity-types", "", READ),
    row("GET", "/api/v1/problems", "", READ),
    row("POST", "/api/v1/problems", r#"{"title":"","content":""}"#, EDITOR),
    row("GET", "/api/v1/problems/export.csv", "", READ),
    row("POST", "/api/v1/problems/bulk-status", r#"{"ids":[999999],"status":"active"}"#, EDITOR),
    row("GET", "/api/v1/problem-subjects", "", READ),
    row("GET", "/api/v1/problems/{id}", "", READ),
    row("PATCH", "/api/v1/problems/{id}", r#"{"title":"t"}"#, EDITOR),
    row("POST", "/api/v1/problems/{id}/archive", "", EDITOR),
    row("POST", "/api/v1/problems/{id}/restore", "", EDITOR),
    // Reports.
    row("GET", "/api/v1/templates", "", READ),
    row("POST", "/api/v1/templates", r#"{"name":""}"#, EDITOR),
    row("GET", "/api/v1/templates/{id}", "", READ),
    row("PUT", "/api/v1/templates/{id}", r#"{"name":""}"#, EDITOR),
    row("DELETE", "/api/v1/templates/{id}", "", EDITOR),
    row("POST", "/api/v1/templates/{id}/clone", "", EDITOR),
    row("GET", "/api/v1/reports", "", READ),
    row("POST", "/api/v1/reports", r#"{"name":""}"#, EDITOR),
    row("GET", "/api/v1/reports/schedule-preview", "", READ),
    row("GET", "/api/v1/reports/{id}", "", READ),
    row("PUT", "/api/v1/reports/{id}", r#"{"name":""}"#, EDITOR),
    row("DELETE", "/api/v1/reports/{id}", "", EDITOR),
    row("POST", "/api/v1/reports/{id}/pause", "", EDITOR),
    row("POST", "/api/v1/reports/{id}/resume", "", EDITOR),
    row("POST", "/api/v1/reports/{id}/clone", "", EDITOR),
    row("POST", "/api/v1/reports/{id}/generate", "", EDITOR),
    row("GET", "/api/v1/reports/{id}/status", "", READ),
    row("GET", "/api/v1/reports/{id}/runs", "", READ),
    row("GET", "/api/v1/runs", "", READ),
    row("GET", "/api/v1/runs/{id}", "", READ),
    row("GET", "/api/v1/runs/{id}/outputs/{format}", "", READ),
    row("GET", "/api/v1/alert-rules", "", READ),
    row("POST", "/api/v1/alert-rules", r#"{"name":""}"#, EDITOR),
    row("POST", "/api/v1/alert-rules/test", r#"{"name":""}"#, EDITOR),
    row("GET", "/api/v1/alert-rules/{id}", "", READ),
    row("PUT", "/api/v1/alert-rules/{id}", r#"{"name":""}"#, EDITOR),
    row("DELETE", "/api/v1/alert-rules/{id}", "", EDITOR),
    row("POST", "/api/v1/alert-rules/{id}/silence", "{}", EDITOR),
    row("POST", "/api/v1/alert-rules/{id}/test", "", EDITOR),
    row("GET", "/api/v1/alerts", "", READ),
    row("GET", "/api/v1/channels", "", READ),
    row("POST", "/api/v1/channels", r#"{"name":""}"#, EDITOR),
    row("GET", "/api/v1/channels/{id}", "", READ),
    row("PUT", "/api/v1/channels/{id}", r#"{"name":""}"#, EDITOR),
    row("DELETE", "/api/v1/channels/{id}", "", EDITOR),
    row("POST", "/api/v1/channels/{id}/test", "", EDITOR),
    row("POST", "/api/v1/channels/{id}/rotate-secret", "", EDITOR),
    row("GET", "/api/v1/channels/{id}/deliveries", "", READ),
    // Pages.
    row("GET", "/", "", PAGE),
    row("GET", "/users", "", PAGE),
    row("GET", "/users/{id}", "", PAGE),
    row("GET", "/activities", "", PAGE),
    row("GET", "/problems", "", PAGE),
    row("GET", "/problems/new", "", PAGE),
    row("GET", "/problems/{id}", "", PAGE),
    row("GET", "/reports", "", PAGE),
    row("GET", "/reports/new", "", PAGE),
    row("GET", "/reports/runs", "", PAGE),
    row("GET", "/reports/{id}/runs", "", PAGE),
    row("GET", "/reports/{id}", "", PAGE),
    row("GET", "/reports/templates", "", PAGE),
    row("GET", "/reports/templates/new", "", PAGE),
    row("GET", "/reports/templates/{id}", "", PAGE),
    row("GET", "/alerts", "", PAGE),
    row("GET", "/alerts/new", "", PAGE),
    row("GET", "/alerts/{id}", "", PAGE),
    row("GET", "/system", "", PAGE),
    row("GET", "/settings", "", PAGE),
    row("GET", "/settings/channels", "", PAGE),
    row("GET", "/settings/channels/{id}", "", PAGE),
    row("GET", "/audit", "", PAGE),
    row("GET", "/login", "", PUBLIC),
    // Server functions.
    row("POST", "/api/fn/dashboard_stats", "view[tz]=kst", READ),
    row("POST", "/api/fn/dashboard_user_growth", "view[tz]=kst", READ),
    row("POST", "/api/fn/dashboard_activity", "view[tz]=kst", READ),
    row("POST", "/api/fn/dashboard_heatmap", "view[tz]=kst", READ),
    row("POST", "/api/fn/dashboard_countries", "view[tz]=kst", READ),
    row("POST", "/api/fn/dashboard_problems", "", READ),
    row("POST", "/api/fn/dashboard_recent_activity", "limit=5", READ),
    row("POST", "/api/fn/users_list", "query[per_page]=5", READ),
    row("POST", "/api/fn/user_get", "id=999999", READ),
    row("POST", "/api/fn/user_type_change", "id=999999&change[user_type]=premium", EDITOR),
    row("POST", "/api/fn/activities_list", "query[per_page]=5", READ),
    row("POST", "/api/fn/activity_types", "", READ),
    row("POST", "/api/fn/problems_list", "query[per_page]=5", READ),
    row("POST", "/api/fn/problem_subjects", "", READ),
    row("POST", "/api/fn/problem_get", "id=999999", READ),
    row("POST", "/api/fn/problem_create", r#"{"input":{"title":"","content":""}}"#, EDITOR),
    row("POST", "/api/fn/problem_update", r#"{"id":999999,"patch":{"title":"t"}}"#, EDITOR),
    row("POST", "/api/fn/problem_archive", "id=999999", EDITOR),
    row("POST", "/api/fn/problem_restore", "id=999999", EDITOR),
    row("POST", "/api/fn/problems_bulk_status", r#"{"change":{"ids":[999999],"status":"active"}}"#, EDITOR),
    row("POST", "/api/fn/reports_list", "query[per_page]=5", READ),
    row("POST", "/api/fn/report_get", "id=999999", READ),
    row("POST", "/api/fn/report_create", r#"{"input":{"name":""}}"#, EDITOR),
    row("POST", "/api/fn/report_update", r#"{"id":999999,"input":{"name":""}}"#, EDITOR),
    row("POST", "/api/fn/report_set_active", "id=999999&active=true", EDITOR),
    row("POST", "/api/fn/report_clone", "id=999999", EDITOR),
    row("POST", "/api/fn/report_delete", "id=999999", EDITOR),
    row("POST", "/api/fn/report_schedule_preview", "query[cron]=0+10+*+*+1-5", READ),
    row("POST", "/api/fn/templates_list", "", READ),
    row("POST", "/api/fn/template_get", "id=999999", READ),
    row("POST", "/api/fn/template_create", r#"{"input":{"name":""}}"#, EDITOR),
    row("POST", "/api/fn/template_update", r#"{"id":999999,"input":{"name":""}}"#, EDITOR),
    row("POST", "/api/fn/template_clone", "id=999999", EDITOR),
    row("POST", "/api/fn/template_delete", "id=999999", EDITOR),
    row("POST", "/api/fn/report_run_now", "id=999999", EDITOR),
    row("POST", "/api/fn/runs_list", "query[per_page]=5", READ),
    row("POST", "/api/fn/run_get", "id=999999", READ),
    row("POST", "/api/fn/channels_list", "query[per_page]=5", READ),
    row("POST", "/api/fn/channel_get", "id=999999", READ),
    row("POST", "/api/fn/channel_create", r#"{"input":{"name":""}}"#, EDITOR),
    row("POST", "/api/fn/channel_update", r#"{"id":999999,"input":{"name":""}}"#, EDITOR),
    row("POST", "/api/fn/channel_delete", "id=999999", EDITOR),
    row("POST", "/api/fn/channel_rotate_secret", "id=999999", EDITOR),
    row("POST", "/api/fn/channel_test", "id=999999", EDITOR),
    row("POST", "/api/fn/channel_deliveries", "id=999999&query[per_page]=5", READ),
    row("POST", "/api/fn/alert_rules_list", "", READ),
    row("POST", "/api/fn/alert_rules_firing", "", READ),
    row("POST", "/api/fn/alert_rule_get", "id=999999", READ),
    row("POST", "/api/fn/alert_rule_create", r#"{"input":{"name":""}}"#, EDITOR),
    row("POST", "/api/fn/alert_rule_update", r#"{"id":999999,"input":{"name":""}}"#, EDITOR),
    row("POST", "/api/fn/alert_rule_delete", "id=999999", EDITOR),
    row("POST", "/api/fn/alert_rule_silence", r#"{"id":999999,"input":{}}"#, EDITOR),
    row("POST", "/api/fn/alert_rule_test", r#"{"id":999999}"#, EDITOR),
    row("POST", "/api/fn/alerts_events", "query[per_page]=5", READ),
    row("POST", "/api/fn/system_status", "", READ),
    row("POST", "/api/fn/auth_login", "email=nobody%40example.com&password=wrong+password", PUBLIC),
    row("POST", "/api/fn/auth_me", "", READ),
    row("POST", "/api/fn/account_change_password", "current_password=wrong+one&new_password=another+long+one", PEOPLE),
    row("POST", "/api/fn/account_totp_begin", "", PEOPLE),
    row("POST", "/api/fn/account_totp_confirm", "code=000000", PEOPLE),
    row("POST", "/api/fn/account_totp_disable", "code=000000", PEOPLE),
    row("POST", "/api/fn/accounts_list", "", ADMIN_PEOPLE),
    row(
        "POST",
        "/api/fn/accounts_create",
        "account[email]=x%40example.com&account[password]=p&account[role]=bogus",
        ADMIN_PEOPLE,
    ),
    row("POST", "/api/fn/accounts_update", "id=999999&change[role]=viewer", ADMIN_PEOPLE),
    row("POST", "/api/fn/api_keys_list", "", OWNER_PEOPLE),
    row("POST", "/api/fn/api_keys_create", "key[name]=&key[role]=viewer", OWNER_PEOPLE),
    row("POST", "/api/fn/api_keys_revoke", "id=999999", OWNER_PEOPLE),
    row("POST", "/api/fn/audit_list", "query[per_page]=5", "UFFFAFFFAF"),
    // Last: these end the caller's session.
    row("POST", "/api/v1/auth/logout", "", PEOPLE),
    row("POST", "/api/fn/auth_logout", "", PEOPLE),
];

/// Every route the application serves, as (method, path with `{param}`s).
fn served_routes() -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    let (_, document) = server::rest::router();
    for (path, item) in &document.paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ] {
            if op.is_some() {
                routes.insert((method.to_owned(), path.clone()));
            }
        }
    }
    for extra in ["/api/openapi.json", "/api/docs", "/api/graphql", "/api/graphql/ws"] {
        routes.insert(("GET".into(), extra.into()));
    }
    routes.insert(("POST".into(), "/api/graphql".into()));
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        routes.insert((method.as_str().to_owned(), path.to_owned()));
    }
    for listing in server::page_routes() {
        routes.insert(("GET".into(), listing.path().to_owned()));
    }
    routes
}

#[test]
fn every_route_has_a_row_and_every_row_a_route() {
    let served = served_routes();
    let rows: BTreeSet<(String, String)> = ROWS.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    let missing: Vec<_> = served.difference(&rows).collect();
    assert!(missing.is_empty(), "routes without a row in the authorization matrix: {missing:?}");
    let stale: Vec<_> = rows.difference(&served).collect();
    assert!(stale.is_empty(), "rows for routes the application does not serve: {stale:?}");
    assert!(ROWS.iter().all(|r| r.expect.len() == WHO.len()), "every row names all {} callers", WHO.len());
}

/// The credential headers of each caller.
async fn credentials(
    db: &Db,
    state: &server_core::state::AppState,
    round: usize,
) -> Vec<Vec<(header::HeaderName, String)>> {
    let mut out = vec![Vec::new()];
    for role in Role::ALL {
        let email = format!("{}-{round}@matrix.test", role.as_str());
        let id = server_core::db::accounts::insert(db, &email, "unusable", role, server_core::db::Ts::now(), None)
            .await
            .unwrap();
        let session = start_session(state, &Caller::default(), id, LoginKind::Browser).await.unwrap();
        out.push(vec![(header::COOKIE, format!("ds_session={}", session.secret))]);
    }
    for (role, scopes) in
        [(Role::Viewer, ""), (Role::Editor, ""), (Role::Owner, ""), (Role::Admin, ""), (Role::Viewer, "ingest")]
    {
        let key = common::api_key(db, role, scopes).await;
        out.push(vec![(header::AUTHORIZATION, format!("Bearer {key}"))]);
    }
    out
}

/// The status of one call; streams are not read to their end.
async fn status_of(app: &Router, row: &Row, headers: &[(header::HeaderName, String)]) -> (StatusCode, String) {
    let path = row.path.replace("{id}", "999999").replace("{format}", "html");
    let mut request = Request::builder().method(row.method).uri(&path);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if !row.body.is_empty() {
        // Server functions take forms, but those declared with the JSON codec.
        let form = row.path.starts_with("/api/fn/") && !row.body.starts_with('{');
        let content_type = if form { "application/x-www-form-urlencoded" } else { "application/json" };
        request = request.header(header::CONTENT_TYPE, content_type);
    } else if row.method != "GET" && !row.path.starts_with("/api/fn/") {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let response = app.clone().oneshot(request.body(Body::from(row.body)).unwrap()).await.unwrap();
    let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (response.status(), location)
}

#[tokio::test]
async fn every_caller_gets_what_its_role_allows() {
    let db = common::TestDb::sqlite().await;
    let state = common::state(&db.db);
    let app = server::app(state.clone(), common::site());
    let mut callers = credentials(&db.db, &state, 0).await;
    let mut failures = Vec::new();
    for (n, row) in ROWS.iter().enumerate() {
        if row.path.ends_with("logout") {
            // The previous logout ended these sessions: fresh ones for this row.
            callers = credentials(&db.db, &state, n).await;
        }
        for (who, (expect, headers)) in WHO.iter().zip(row.expect.chars().zip(&callers)) {
            let (status, location) = status_of(&app, row, headers).await;
            let s = status.as_u16();
            let ok = match expect {
                'A' => s != 401 && s != 403 && s < 500,
                'U' => s == 401,
                'F' => s == 403,
                'R' => s == 303 && location.starts_with("/login?next="),
                'P' => s != 403 && s < 500,
                'X' => s < 500,
                other => panic!("unknown expectation {other}"),
            };
            if !ok {
                failures.push(format!("{} {} as {who}: expected {expect}, got {s}", row.method, row.path));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// Every GraphQL root field: an operation using it, and what each caller
/// gets (`A` an answer without FORBIDDEN or UNAUTHORIZED, `F` the FORBIDDEN
/// code from the service, `U` 401 from the middleware). Ids that do not
/// exist are fine: the role is checked first, so `A` may be NOT_FOUND.
const GRAPHQL: &[(&str, &str, &str)] = &[
    ("me", "{ me { role } }", READ),
    ("dashboard", "{ dashboard { stats { totalUsers } userGrowth { days } activitySeries { buckets } activityHeatmap { max } countries { users } problemMatrix { total } recentActivity(limit: 1) { id user { id } } } }", READ),
    ("users", "{ users(first: 1) { totalCount } }", READ),
    ("user", "{ user(id: 999999) { id } }", READ),
    ("activities", "{ activities(first: 1) { edges { node { user { id } } } } }", READ),
    ("problems", "{ problems(first: 1) { totalCount } }", READ),
    ("problem", "{ problem(id: 999999) { id } }", READ),
    ("templates", "{ templates { id } }", READ),
    ("template", "{ template(id: 999999) { id } }", READ),
    ("reports", "{ reports(first: 1) { edges { node { template { id } runs { totalCount } } } } }", READ),
    ("report", "{ report(id: 999999) { id } }", READ),
    ("run", "{ run(id: 999999) { id } }", READ),
    ("alertRules", "{ alertRules { id } }", READ),
    ("alerts", "{ alerts(first: 1) { edges { node { rule { id } } } } }", READ),
    ("createProblem", r#"mutation { createProblem(input: { title: "t", content: "c" }) { id } }"#, EDITOR),
    ("updateProblem", r#"mutation { updateProblem(id: 999999, patch: { title: "t" }) { id } }"#, EDITOR),
    ("archiveProblem", "mutation { archiveProblem(id: 999999) { id } }", EDITOR),
    ("restoreProblem", "mutation { restoreProblem(id: 999999) { id } }", EDITOR),
    ("setProblemsStatus", r#"mutation { setProblemsStatus(change: { ids: [999999], status: "active" }) { updated } }"#, EDITOR),
    ("createTemplate", r#"mutation { createTemplate(input: { name: "", sections: [] }) { id } }"#, EDITOR),
    ("updateTemplate", r#"mutation { updateTemplate(id: 999999, input: { name: "x", sections: [] }) { id } }"#, EDITOR),
    ("cloneTemplate", "mutation { cloneTemplate(id: 999999) { id } }", EDITOR),
    ("deleteTemplate", "mutation { deleteTemplate(id: 999999) }", EDITOR),
    ("createReport", r#"mutation { createReport(input: { name: "", cron: "", destinations: [] }) { id } }"#, EDITOR),
    ("updateReport", r#"mutation { updateReport(id: 999999, input: { name: "x", cron: "0 9 * * *", destinations: [] }) { id } }"#, EDITOR),
    ("setReportActive", "mutation { setReportActive(id: 999999, active: true) { id } }", EDITOR),
    ("deleteReport", "mutation { deleteReport(id: 999999) }", EDITOR),
    ("generateReport", "mutation { generateReport(reportId: 999999) { id } }", EDITOR),
    ("silenceAlert", "mutation { silenceAlert(ruleId: 999999, input: {}) { id } }", EDITOR),
    ("activityAdded", "subscription { activityAdded { id } }", READ),
    ("statsChanged", "subscription { statsChanged { totalUsers } }", READ),
    ("reportGenerated", "subscription { reportGenerated(reportId: 999999) { id } }", READ),
    ("alertChanged", "subscription { alertChanged { firing } }", READ),
];

/// The GraphQL error codes of an answer; `schema` for an error of the
/// document itself (no path: it never reached a resolver).
fn codes(answer: &serde_json::Value) -> Vec<String> {
    let code = |e: &serde_json::Value| match e["path"].is_null() {
        true => Some("schema".to_owned()),
        false => e["extensions"]["code"].as_str().map(str::to_owned),
    };
    answer["errors"].as_array().map(|errors| errors.iter().filter_map(code).collect()).unwrap_or_default()
}

/// What `who` got: `U`, `F` or `A` (or the unexpected answer itself).
fn verdict(status: StatusCode, codes: &[String]) -> String {
    match (status.as_u16(), codes.iter().any(|c| c == "FORBIDDEN"), codes.iter().any(|c| c == "UNAUTHORIZED")) {
        (401, _, _) => "U".into(),
        (200, true, _) => "F".into(),
        // An operation the schema refused proves nothing about roles.
        (200, false, false) if !codes.iter().any(|c| c == "INTERNAL_ERROR" || c == "schema") => "A".into(),
        (status, _, _) => format!("{status} {codes:?}"),
    }
}

#[tokio::test]
async fn every_graphql_field_answers_each_caller_as_its_role_allows() {
    let db = common::TestDb::sqlite().await;
    let state = common::state(&db.db);
    let app = server::app(state.clone(), common::site());
    let callers = credentials(&db.db, &state, 0).await;

    // Every root field has a row, and every row a field.
    let schema = server::graphql::schema(state.clone());
    let roots = schema
        .execute("{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }")
        .await
        .data
        .into_json()
        .unwrap();
    let mut fields = BTreeSet::new();
    for root in ["queryType", "mutationType", "subscriptionType"] {
        for field in roots["__schema"][root]["fields"].as_array().unwrap() {
            fields.insert(field["name"].as_str().unwrap().to_owned());
        }
    }
    let rows: BTreeSet<String> = GRAPHQL.iter().map(|(name, _, _)| (*name).to_owned()).collect();
    assert_eq!(fields, rows, "every GraphQL root field needs a row in the GraphQL matrix, and only they");

    let mut failures = Vec::new();
    for (name, operation, expect) in GRAPHQL {
        for (who, (expect, headers)) in WHO.iter().zip(expect.chars().zip(&callers)) {
            let got = if operation.starts_with("subscription") {
                subscription_verdict(&app, &state, &schema, operation, headers).await
            } else {
                let mut request = Request::post("/api/graphql").header(header::CONTENT_TYPE, "application/json");
                for (header_name, value) in headers {
                    request = request.header(header_name, value);
                }
                let body = serde_json::json!({ "query": operation }).to_string();
                let response = app.clone().oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
                let status = response.status();
                let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
                let answer: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
                verdict(status, &codes(&answer))
            };
            if got != expect.to_string() {
                failures.push(format!("{name} as {who}: expected {expect}, got {got}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// What a subscription gives the caller of `headers`: the socket's upgrade
/// is refused with 401 without credentials; with them, its first answer
/// (none within a moment: allowed, waiting for events).
async fn subscription_verdict(
    app: &Router,
    state: &server_core::state::AppState,
    schema: &server::graphql::DreamSeedSchema,
    operation: &str,
    headers: &[(header::HeaderName, String)],
) -> String {
    let mut upgrade = Request::get("/api/graphql/ws")
        .header(header::UPGRADE, "websocket")
        .header(header::CONNECTION, "upgrade")
        .header(header::SEC_WEBSOCKET_VERSION, "13")
        .header(header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
        .header(header::SEC_WEBSOCKET_PROTOCOL, "graphql-transport-ws");
    let mut map = axum::http::HeaderMap::new();
    for (name, value) in headers {
        upgrade = upgrade.header(name, value);
        map.insert(name.clone(), value.parse().unwrap());
    }
    let response = app.clone().oneshot(upgrade.body(Body::empty()).unwrap()).await.unwrap();
    // In-process there is no connection to upgrade (426): anything but the
    // middleware's refusals means the caller got through to the socket.
    if matches!(response.status().as_u16(), 401 | 403) {
        return verdict(response.status(), &[]);
    }
    let principal = server::middleware::auth::authenticate(state, &map).await.ok().flatten();
    let caller = Caller { principal, ..Caller::default() };
    let request = async_graphql::Request::new(operation)
        .data(server::graphql::loaders::Loaders::new(state, &caller))
        .data(server::rest::stream::Watcher::new(state, &map))
        .data(caller);
    let mut answers = futures::StreamExt::boxed(schema.execute_stream(request));
    match tokio::time::timeout(std::time::Duration::from_millis(300), futures::StreamExt::next(&mut answers)).await {
        Err(_) => "A".into(),
        Ok(None) => "ended".into(),
        Ok(Some(answer)) => {
            let answer = serde_json::to_value(&answer).unwrap();
            verdict(StatusCode::OK, &codes(&answer))
        }
    }
}
