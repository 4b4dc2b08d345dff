//! GraphQL (`/api/graphql`, `/api/graphql/ws`) on SQLite and Postgres: the
//! committed schema is the code's; every query answers what the REST route
//! answers (the dashboard's figures, the keyset lists walked page by page
//! as connections, relations through the data loaders); the mutations go
//! through the services (validation, the audit log); errors carry the REST
//! codes and the trace id; the limits (depth, complexity, body size, GET
//! mutations, batches, media type, cross-site sockets) refuse; and a
//! subscription over a real WebSocket receives an ingested activity.

use crate::common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::Reply;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use server::seed::Plan;
use server_core::db::Db;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// `query` with `variables`, posted as JSON with extra `headers`.
async fn gql(app: &Router, query: &str, variables: Value, headers: &[(&str, &str)]) -> Reply {
    let body = json!({ "query": query, "variables": variables }).to_string();
    common::post_json(app, "/api/graphql", &body, headers).await
}

/// The `data` of a successful answer (no errors).
fn data(reply: &Reply) -> Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

/// The first error's code, after checking every error carries a code and a
/// trace id (the response's `X-Trace-Id`).
fn error_code(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    let errors = body["errors"].as_array().unwrap_or_else(|| panic!("errors expected: {body}"));
    let trace = reply.headers.get("x-trace-id").and_then(|v| v.to_str().ok()).expect("X-Trace-Id");
    for error in errors {
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
        assert!(error["extensions"]["code"].is_string(), "{body}");
        assert_eq!(error["extensions"]["trace_id"], trace, "{body}");
    }
    errors[0]["extensions"]["code"].as_str().unwrap().to_owned()
}

#[test]
fn the_committed_schema_is_the_codes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let sdl = server::graphql::sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &sdl).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == sdl,
        "server/schema.graphql differs from the schema the code serves: run \
         `UPDATE_SCHEMA=1 cargo test -p server --test suite graphql::the_committed_schema` and commit it"
    );
}

async fn seeded(db: &Db) {
    let plan = Plan {
        users: 40,
        activities: 300,
        problems: 12,
        seed: 7,
        days: 30,
        until: 1_790_000_000,
        rebuild_indexes: false,
    };
    server::seed::run(db, &plan, false, false).await.expect("seed");
}

/// Every page of a connection `field` of `query` (with `$after`), `first`
/// rows at a time; the nodes' ids in order and the first page's total.
async fn walk(app: &Router, field: &str, query: &str, variables: Value) -> (Vec<i64>, i64) {
    let (mut ids, mut after, mut total) = (Vec::new(), Value::Null, None);
    for _ in 0..200 {
        let mut vars = variables.clone();
        vars["after"] = after.clone();
        let page = data(&gql(app, query, vars, &[]).await)[field].clone();
        total.get_or_insert(page["totalCount"].as_i64().expect("totalCount"));
        let edges = page["edges"].as_array().unwrap();
        ids.extend(edges.iter().map(|e| e["node"]["id"].as_i64().unwrap()));
        if let Some(last) = edges.last() {
            assert_eq!(page["pageInfo"]["endCursor"], last["cursor"], "endCursor is the last edge's");
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return (ids, total.unwrap());
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    panic!("more than 200 pages");
}

async fn queries_answer_what_rest_answers(db: &Db) {
    seeded(db).await;
    let app = common::router(db);
    server_core::services::reports::ensure_builtins(&common::state(db)).await.unwrap();
    server_core::services::alerts::ensure_builtins(&common::state(db)).await.unwrap();

    // The dashboard: the same figures as the REST routes, for the same view.
    let dashboard = data(
        &gql(
            &app,
            r#"query($range: String) { dashboard(range: $range, tz: "utc") {
                stats { totalUsers onlineUsers activitiesToday usersByType { free paid premium } yesterday { totalUsers } }
                userGrowth { days points { date newUsers totalUsers } }
                activitySeries { range { preset zone bucket } series { activityType total } }
                activityHeatmap { max counts }
                countries { country users }
                problemMatrix { total subjects }
                recentActivity(limit: 5) { id userId username user { id username } }
            } }"#,
            json!({ "range": "30d" }),
            &[],
        )
        .await,
    )["dashboard"]
        .clone();
    let stats = common::get(&app, "/api/dashboard/stats?tz=utc").await.json();
    assert_eq!(dashboard["stats"]["totalUsers"], stats["total_users"]);
    assert_eq!(dashboard["stats"]["usersByType"]["premium"], stats["users_by_type"]["premium"]);
    assert_eq!(dashboard["stats"]["yesterday"]["totalUsers"], stats["yesterday"]["total_users"]);
    let growth = common::get(&app, "/api/dashboard/user-growth?range=30d&tz=utc").await.json();
    assert_eq!(dashboard["userGrowth"]["points"].as_array().unwrap().len(), growth["points"].as_array().unwrap().len());
    let series = common::get(&app, "/api/dashboard/activity?range=30d&tz=utc").await.json();
    let totals = |list: &Value, key: &str| -> Vec<(String, i64)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|s| (s[key].as_str().unwrap().to_owned(), s["total"].as_i64().unwrap()))
            .collect()
    };
    assert_eq!(
        totals(&dashboard["activitySeries"]["series"], "activityType"),
        totals(&series["series"], "activity_type")
    );
    assert_eq!(dashboard["activitySeries"]["range"], json!({ "preset": "DAYS_30", "zone": "UTC", "bucket": "DAY" }));
    let heatmap = common::get(&app, "/api/dashboard/activity-heatmap?range=30d&tz=utc").await.json();
    assert_eq!(dashboard["activityHeatmap"]["counts"], heatmap["counts"]);
    let problems = common::get(&app, "/api/dashboard/problems").await.json();
    assert_eq!(dashboard["problemMatrix"]["total"], problems["total"]);
    let recent = dashboard["recentActivity"].as_array().unwrap();
    assert_eq!(recent.len(), 5);
    for item in recent {
        assert_eq!(item["user"]["id"], item["userId"], "the loader found each activity's user");
        assert_eq!(item["user"]["username"], item["username"]);
    }

    // Users: every page as a connection, in the REST order, with REST's total.
    let users = "query($after: String, $filter: UserFilter) { users(filter: $filter, first: 7, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id } } } }";
    let (ids, total) = walk(&app, "users", users, json!({ "filter": { "sort": "username", "order": "asc" } })).await;
    assert_eq!(ids, common::walk_pages(&app, "/api/v1/users", "sort=username&order=asc&per_page=11", "users").await.0);
    assert_eq!(total, ids.len() as i64);
    let (premium, _) = walk(&app, "users", users, json!({ "filter": { "userType": "premium" } })).await;
    assert_eq!(premium, common::walk_pages(&app, "/api/v1/users", "user_type=premium&per_page=13", "users").await.0);
    // Any edge's cursor resumes right after it.
    let first = data(&gql(&app, users, json!({ "filter": { "sort": "email" } }), &[]).await)["users"].clone();
    let third = first["edges"][2]["cursor"].clone();
    let rest =
        data(&gql(&app, users, json!({ "filter": { "sort": "email" }, "after": third }), &[]).await)["users"].clone();
    assert_eq!(rest["edges"][0]["node"]["id"], first["edges"][3]["node"]["id"]);
    assert_eq!(rest["pageInfo"]["hasPreviousPage"], true);
    // The filters are checked as REST checks them.
    let reply = gql(&app, users, json!({ "filter": { "sort": "height" } }), &[]).await;
    assert_eq!(error_code(&reply), "VALIDATION_FAILED");
    assert_eq!(reply.json()["errors"][0]["extensions"]["details"]["fields"][0]["field"], "sort");
    let reply = gql(&app, users, json!({ "after": "not-a-cursor" }), &[]).await;
    assert_eq!(error_code(&reply), "VALIDATION_FAILED");
    let user = data(
        &gql(&app, "query($id: Int!) { user(id: $id) { id email activityCount } }", json!({ "id": ids[0] }), &[]).await,
    );
    let rest_user = common::get(&app, &format!("/api/v1/users/{}", ids[0])).await.json();
    assert_eq!(user["user"]["email"], rest_user["user"]["email"]);
    assert_eq!(user["user"]["activityCount"], rest_user["user"]["activity_count"]);
    assert_eq!(data(&gql(&app, "{ user(id: 999999) { id } }", json!({}), &[]).await)["user"], Value::Null);

    // Activities, each with its user (one loader batch a page).
    let activities = "query($after: String) { activities(first: 50, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id userId user { id } } } } }";
    let (ids, total) = walk(&app, "activities", activities, json!({})).await;
    assert_eq!(ids, common::walk_pages(&app, "/api/v1/activities", "per_page=100", "activities").await.0);
    assert_eq!(total, 300);
    let page = data(&gql(&app, activities, json!({}), &[]).await)["activities"]["edges"].clone();
    for edge in page.as_array().unwrap() {
        assert_eq!(edge["node"]["user"]["id"], edge["node"]["userId"]);
    }

    // Problems.
    let problems =
        "query($after: String) { problems(filter: { sort: \"title\", order: \"asc\" }, first: 5, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title stats { views solveRate } } } } }";
    let (ids, _) = walk(&app, "problems", problems, json!({})).await;
    assert_eq!(
        ids,
        common::walk_pages(&app, "/api/v1/problems", "sort=title&order=asc&per_page=4", "problems").await.0
    );
    let one =
        data(&gql(&app, "query($id: Int!) { problem(id: $id) { id title } }", json!({ "id": ids[0] }), &[]).await);
    assert_eq!(one["problem"]["id"], ids[0]);

    // Templates, reports with their template and runs, alert rules and history.
    let reports = data(
        &gql(
            &app,
            "{ templates { id name } reports(first: 10) { totalCount edges { node { id name templateId template { id name } runs(first: 5) { totalCount } } } }
               alertRules { id name state } alerts(first: 5) { totalCount edges { node { id rule { id } } } } }",
            json!({}),
            &[],
        )
        .await,
    );
    let rest_templates = common::get(&app, "/api/v1/templates").await.json();
    assert_eq!(reports["templates"].as_array().unwrap().len(), rest_templates["templates"].as_array().unwrap().len());
    let edges = reports["reports"]["edges"].as_array().unwrap();
    assert!(!edges.is_empty(), "the built-in reports");
    for edge in edges {
        assert_eq!(edge["node"]["template"]["id"], edge["node"]["templateId"]);
        assert_eq!(edge["node"]["runs"]["totalCount"], 0);
    }
    let rest_rules = common::get(&app, "/api/v1/alert-rules").await.json();
    assert_eq!(reports["alertRules"].as_array().unwrap().len(), rest_rules["rules"].as_array().unwrap().len());
    let id = edges[0]["node"]["id"].as_i64().unwrap();
    let report = data(&gql(&app, "query($id: Int!) { report(id: $id) { id name } }", json!({ "id": id }), &[]).await);
    assert_eq!(report["report"]["name"], edges[0]["node"]["name"]);
    assert_eq!(
        data(&gql(&app, "{ report(id: 999999) { id } run(id: 999999) { id } }", json!({}), &[]).await)["report"],
        Value::Null
    );

    // The same query by GET (URL-encoded), for clients and caches that prefer it.
    let reply = common::get(&app, "/api/graphql?query=%7B%20me%20%7B%20role%20kind%20%7D%20%7D").await;
    assert_eq!(data(&reply)["me"], json!({ "role": "ADMIN", "kind": "api_key" }));
}

on_both_databases!(queries, queries_answer_what_rest_answers);

async fn mutations_go_through_the_services(db: &Db) {
    let app = common::router(db);
    let state = common::state(db);
    server_core::services::reports::ensure_builtins(&state).await.unwrap();
    server_core::services::alerts::ensure_builtins(&state).await.unwrap();

    // Problems: create, update, archive, restore, bulk status; bad input names its fields.
    let created = data(
        &gql(
            &app,
            "mutation($input: ProblemInput!) { createProblem(input: $input) { id title status difficulty } }",
            json!({ "input": { "title": "Fractions", "content": "1/2 + 1/3?", "difficulty": "easy" } }),
            &[],
        )
        .await,
    )["createProblem"]
        .clone();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["difficulty"], "easy");
    let reply = gql(
        &app,
        "mutation($input: ProblemInput!) { createProblem(input: $input) { id } }",
        json!({ "input": { "title": " ", "content": "", "difficulty": "extreme" } }),
        &[],
    )
    .await;
    assert_eq!(error_code(&reply), "VALIDATION_FAILED");
    let fields = common::field_names(&reply.json()["errors"][0]["extensions"]["details"]);
    assert_eq!(fields, ["content", "difficulty", "title"]);
    assert_eq!(common::scalar(db, "select count(*) from problems").await, 1, "nothing written by the bad one");
    let updated = data(
        &gql(&app, "mutation($id: Int!) { updateProblem(id: $id, patch: { title: \"Fractions 2\", difficulty: \"\" }) { title difficulty } }", json!({ "id": id }), &[]).await,
    );
    assert_eq!(updated["updateProblem"], json!({ "title": "Fractions 2", "difficulty": null }));
    let archived = data(
        &gql(&app, "mutation($id: Int!) { archiveProblem(id: $id) { archivedAt } }", json!({ "id": id }), &[]).await,
    );
    assert!(archived["archiveProblem"]["archivedAt"].is_string());
    let restored = data(
        &gql(&app, "mutation($id: Int!) { restoreProblem(id: $id) { archivedAt } }", json!({ "id": id }), &[]).await,
    );
    assert_eq!(restored["restoreProblem"]["archivedAt"], Value::Null);
    let bulk = data(
        &gql(
            &app,
            "mutation($ids: [Int!]!) { setProblemsStatus(change: { ids: $ids, status: \"inactive\" }) { updated } }",
            json!({ "ids": [id] }),
            &[],
        )
        .await,
    );
    assert_eq!(bulk["setProblemsStatus"]["updated"], 1);
    let reply = gql(&app, "mutation { archiveProblem(id: 999999) { id } }", json!({}), &[]).await;
    assert_eq!(error_code(&reply), "NOT_FOUND");

    // Templates and reports, and a run queued by generateReport.
    let template = data(
        &gql(
            &app,
            "mutation($input: TemplateInput!) { createTemplate(input: $input) { id name sections { kind } } }",
            json!({ "input": { "name": "GraphQL weekly", "period": { "kind": "last_7_days" }, "sections": [{ "kind": "stat_summary" }] } }),
            &[],
        )
        .await,
    )["createTemplate"]
        .clone();
    let template_id = template["id"].as_i64().unwrap();
    let copy = data(
        &gql(&app, "mutation($id: Int!) { cloneTemplate(id: $id) { id } }", json!({ "id": template_id }), &[]).await,
    );
    let copy_id = copy["cloneTemplate"]["id"].as_i64().unwrap();
    assert_eq!(
        data(&gql(&app, "mutation($id: Int!) { deleteTemplate(id: $id) }", json!({ "id": copy_id }), &[]).await)
            ["deleteTemplate"],
        true
    );
    let report = data(
        &gql(
            &app,
            "mutation($input: ReportInput!) { createReport(input: $input) { id status template { id } } }",
            json!({ "input": { "name": "GraphQL report", "templateId": template_id, "cron": "0 9 * * 1" } }),
            &[],
        )
        .await,
    )["createReport"]
        .clone();
    let report_id = report["id"].as_i64().unwrap();
    assert_eq!(report["template"]["id"], template_id);
    // The service's rules hold: an active report needs somewhere to send to.
    let resume =
        "mutation($id: Int!, $active: Boolean!) { setReportActive(id: $id, active: $active) { status nextRunAt } }";
    let reply = gql(&app, resume, json!({ "id": report_id, "active": true }), &[]).await;
    assert_eq!(error_code(&reply), "VALIDATION_FAILED");
    assert_eq!(reply.json()["errors"][0]["extensions"]["details"]["fields"][0]["field"], "destinations");
    let paused = data(&gql(&app, resume, json!({ "id": report_id, "active": false }), &[]).await);
    assert_eq!(paused["setReportActive"], json!({ "status": "paused", "nextRunAt": null }));
    let run = data(
        &gql(
            &app,
            "mutation($id: Int!) { generateReport(reportId: $id) { id reportId status trigger } }",
            json!({ "id": report_id }),
            &[],
        )
        .await,
    )["generateReport"]
        .clone();
    assert_eq!(run["reportId"], report_id);
    assert_eq!(run["trigger"], "api");
    let runs = data(
        &gql(
            &app,
            "query($id: Int!) { report(id: $id) { runs { totalCount edges { node { id } } } } }",
            json!({ "id": report_id }),
            &[],
        )
        .await,
    );
    assert_eq!(runs["report"]["runs"]["edges"][0]["node"]["id"], run["id"]);

    // Silencing an alert rule.
    let rule = data(&gql(&app, "{ alertRules { id } }", json!({}), &[]).await)["alertRules"][0]["id"].as_i64().unwrap();
    let until = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let silenced = data(&gql(&app, "mutation($id: Int!, $until: DateTime) { silenceAlert(ruleId: $id, input: { until: $until }) { silencedUntil } }", json!({ "id": rule, "until": until }), &[]).await);
    assert!(silenced["silenceAlert"]["silencedUntil"].is_string());

    // The audit log has them all, as if REST had been called.
    let actions = match db {
        Db::Sqlite(pool) => {
            sqlx::query_scalar::<_, String>("select action from audit_log order by id").fetch_all(pool).await.unwrap()
        }
        Db::Postgres(pool) => {
            sqlx::query_scalar::<_, String>("select action from audit_log order by id").fetch_all(pool).await.unwrap()
        }
    };
    for action in [
        "problem.create",
        "problem.update",
        "problem.archive",
        "problem.restore",
        "template.create",
        "template.delete",
        "report.create",
        "alert_rule.silence",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} missing from {actions:?}");
    }
}

on_both_databases!(mutations, mutations_go_through_the_services);

#[tokio::test]
async fn errors_carry_the_rest_codes_and_the_trace_id() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    // A viewer may read but not write: FORBIDDEN, from the service.
    let cookie = common::sign_in_viewer(&app, &db.db, "viewer@graphql.test").await;
    let reply = gql(&app, "{ me { role account { email } } }", json!({}), &[("cookie", &cookie)]).await;
    assert_eq!(data(&reply)["me"], json!({ "role": "VIEWER", "account": { "email": "viewer@graphql.test" } }));
    let create = "mutation { createProblem(input: { title: \"t\", content: \"c\" }) { id } }";
    let reply = gql(&app, create, json!({}), &[("cookie", &cookie), ("x-trace-id", "graphql-trace-1")]).await;
    assert_eq!(error_code(&reply), "FORBIDDEN");
    assert_eq!(reply.json()["errors"][0]["extensions"]["trace_id"], "graphql-trace-1");
    assert_eq!(reply.json()["data"], Value::Null);
    // No credentials: the middleware's 401 envelope, before any GraphQL.
    let reply = gql(&app, "{ me { role } }", json!({}), &[("x-test-anonymous", "1")]).await;
    reply.assert_envelope(401, "UNAUTHORIZED");
    // A browser opening the endpoint signed out goes to the login page.
    let request = Request::get("/api/graphql")
        .header(header::ACCEPT, "text/html")
        .header("x-test-anonymous", "1")
        .body(Body::empty())
        .unwrap();
    let reply = common::send(&app, request).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers[header::LOCATION], "/login?next=%2Fapi%2Fgraphql");
    // Signed in, it gets GraphiQL, every file from this server, under our CSP.
    let request = Request::get("/api/graphql").header(header::ACCEPT, "text/html").body(Body::empty()).unwrap();
    let reply = common::send(&app, request).await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = reply.text();
    for src in ["/vendor/graphiql/graphiql.min.js", "/vendor/react/react.production.min.js", "/graphiql.js"] {
        assert!(html.contains(&format!(r#"src="{src}""#)), "{src}: {html}");
    }
    assert!(!html.contains("http"), "nothing from another host: {html}");
    let csp = reply.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains(" 'unsafe-eval'"), "{csp}");
    // A syntax error and an unknown field: refused by the schema, coded.
    assert_eq!(error_code(&gql(&app, "{ me { role ", json!({}), &[]).await), "VALIDATION_FAILED");
    assert_eq!(error_code(&gql(&app, "{ me { height } }", json!({}), &[]).await), "VALIDATION_FAILED");
    // A subscription is not served over HTTP.
    let reply = gql(&app, "subscription { activityAdded { id } }", json!({}), &[]).await;
    assert_eq!(error_code(&reply), "VALIDATION_FAILED");
}

#[tokio::test]
async fn limits_refuse_deep_costly_large_and_unsafe_requests() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    // Too deep: introspection nested past the limit.
    let deep = format!(
        "{{ __schema {{ types {{ fields {{ type {{ {} name {} }} }} }} }} }}",
        "ofType { ".repeat(14),
        "} ".repeat(14)
    );
    let reply = gql(&app, &deep, json!({}), &[]).await;
    assert_eq!(error_code(&reply), "VALIDATION_FAILED");
    assert!(reply.text().contains("nested too deep"), "{}", reply.text());
    // GraphiQL's own introspection (types nine `ofType` levels deep) is served.
    let type_ref = format!("kind name {}", "ofType { kind name ".repeat(9) + &"}".repeat(9));
    let introspection = format!(
        "query IntrospectionQuery {{ __schema {{ queryType {{ name }} mutationType {{ name }} subscriptionType {{ name }}
           types {{ ...FullType }} directives {{ name locations args {{ ...InputValue }} }} }} }}
         fragment FullType on __Type {{ kind name description
           fields(includeDeprecated: true) {{ name description args {{ ...InputValue }} type {{ ...TypeRef }} isDeprecated deprecationReason }}
           inputFields {{ ...InputValue }} interfaces {{ ...TypeRef }} enumValues(includeDeprecated: true) {{ name isDeprecated }}
           possibleTypes {{ ...TypeRef }} }}
         fragment InputValue on __InputValue {{ name description type {{ ...TypeRef }} defaultValue }}
         fragment TypeRef on __Type {{ {type_ref} }}"
    );
    let schema = data(&gql(&app, &introspection, json!({}), &[]).await);
    assert!(schema["__schema"]["types"].as_array().unwrap().iter().any(|t| t["name"] == "Dashboard"), "{schema}");
    // A kilobyte of fragments that spread each other three times over is
    // refused at once, before async-graphql expands them.
    let mut bomb = String::from("query { ...F0 }\n");
    for n in 0..29 {
        bomb.push_str(&format!("fragment F{n} on Query {{ ...F{m} ...F{m} ...F{m} }}\n", m = n + 1));
    }
    bomb.push_str("fragment F29 on Query { me { role } }\n");
    let reply = gql(&app, &bomb, json!({}), &[]).await;
    assert_eq!(error_code(&reply), "VALIDATION_FAILED");
    // So is a deep run of brackets, before the parser recurses into it.
    let brackets = format!("{{ me(x: {}1{}) {{ role }} }}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(error_code(&gql(&app, &brackets, json!({}), &[]).await), "VALIDATION_FAILED");
    // And an argument of the wrong shape is the caller's error, not ours.
    let reply =
        gql(&app, "mutation { silenceAlert(ruleId: 1, input: { until: \"tomorrow\" }) { id } }", json!({}), &[]).await;
    assert_eq!(error_code(&reply), "VALIDATION_FAILED");
    // Too costly: six full pages of users with every field.
    let page = "users(first: 100) { edges { cursor node { id email username userType country createdAt lastActivity isOnline } } }";
    let costly = format!("{{ {} }}", (0..6).map(|n| format!("u{n}: {page}")).collect::<Vec<_>>().join(" "));
    let reply = gql(&app, &costly, json!({}), &[]).await;
    assert_eq!(error_code(&reply), "VALIDATION_FAILED");
    assert!(reply.text().contains("too complex"), "{}", reply.text());
    // One such page is fine.
    data(&gql(&app, &format!("{{ {page} }}"), json!({}), &[]).await);
    // `first` out of bounds names `first`.
    let reply = gql(&app, "{ users(first: 1000) { totalCount } }", json!({}), &[]).await;
    assert_eq!(reply.json()["errors"][0]["extensions"]["details"]["fields"][0]["field"], "first");
    // Too large: the envelope, 413.
    let big = json!({ "query": "{ me { role } }", "variables": { "pad": "x".repeat(300 * 1024) } }).to_string();
    common::post_json(&app, "/api/graphql", &big, &[]).await.assert_envelope(413, "PAYLOAD_TOO_LARGE");
    // A batch, a body that is not JSON, another media type: refused with the envelope.
    common::post_json(&app, "/api/graphql", r#"[{"query":"{ me { role } }"}]"#, &[])
        .await
        .assert_envelope(400, "VALIDATION_FAILED");
    common::post_json(&app, "/api/graphql", "{\"query\":", &[]).await.assert_envelope(400, "VALIDATION_FAILED");
    let request = Request::post("/api/graphql")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(r#"{"query":"{ me { role } }"}"#))
        .unwrap();
    common::send(&app, request).await.assert_envelope(415, "UNSUPPORTED_MEDIA_TYPE");
    // A mutation by GET is refused: a link must not change anything.
    let reply = common::get(&app, "/api/graphql?query=mutation%20%7B%20deleteTemplate(id%3A%201)%20%7D").await;
    reply.assert_envelope(405, "METHOD_NOT_ALLOWED");
    assert_eq!(reply.headers[header::ALLOW], "POST");
    // A cookie-authenticated POST from another site is refused before GraphQL runs.
    let cookie = common::sign_in_viewer(&app, &db.db, "csrf@graphql.test").await;
    gql(&app, "{ me { role } }", json!({}), &[("cookie", &cookie), ("origin", "https://evil.example")])
        .await
        .assert_envelope(403, "FORBIDDEN");
    // So is a WebSocket opened from another site with the cookie.
    let request = Request::get("/api/graphql/ws")
        .header("cookie", &cookie)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::UPGRADE, "websocket")
        .header(header::CONNECTION, "upgrade")
        .header(header::SEC_WEBSOCKET_VERSION, "13")
        .header(header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
        .header(header::SEC_WEBSOCKET_PROTOCOL, "graphql-transport-ws")
        .body(Body::empty())
        .unwrap();
    common::send(&app, request).await.assert_envelope(403, "FORBIDDEN");
}

/// A connected graphql-transport-ws client of `addr`, acknowledged.
async fn socket(
    addr: std::net::SocketAddr,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("ws://{addr}/api/graphql/ws").into_client_request().unwrap();
    request.headers_mut().insert(header::SEC_WEBSOCKET_PROTOCOL, "graphql-transport-ws".parse().unwrap());
    let (mut ws, response) = tokio_tungstenite::connect_async(request).await.expect("WebSocket upgrade");
    assert_eq!(response.headers()[header::SEC_WEBSOCKET_PROTOCOL], "graphql-transport-ws");
    ws.send(Message::text(json!({ "type": "connection_init" }).to_string())).await.unwrap();
    assert_eq!(next_message(&mut ws).await["type"], "connection_ack");
    ws
}

/// The next JSON message (pings answered), within 5 s.
async fn next_message(
    ws: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("a message in time");
        match message.expect("socket open").expect("no socket error") {
            Message::Text(text) => {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["type"] == "ping" {
                    ws.send(Message::text(json!({ "type": "pong" }).to_string())).await.unwrap();
                    continue;
                }
                return value;
            }
            Message::Close(frame) => panic!("socket closed: {frame:?}"),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_receives_an_ingested_activity() {
    let db = common::TestDb::sqlite().await;
    seeded(&db.db).await;
    let state = common::state(&db.db);
    tokio::spawn(server::jobs::activity_tail::run(state.clone()));
    let app = common::app(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app.clone()).await });

    let mut ws = socket(addr).await;
    let subscribe = |id: &str, query: &str| {
        Message::text(json!({ "id": id, "type": "subscribe", "payload": { "query": query } }).to_string())
    };
    ws.send(subscribe("a", "subscription { activityAdded { id activityType username user { id username } } }"))
        .await
        .unwrap();
    ws.send(subscribe("f", "subscription { alertChanged { firing } }")).await.unwrap();
    let firing = next_message(&mut ws).await;
    assert_eq!(
        (firing["id"].as_str(), firing["payload"]["data"]["alertChanged"]["firing"].as_i64()),
        (Some("f"), Some(0))
    );
    // Queries and mutations are not served over the socket.
    ws.send(subscribe("q", "{ me { role } }")).await.unwrap();
    let refused = next_message(&mut ws).await;
    assert_eq!(refused["id"], "q");
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "VALIDATION_FAILED", "{refused}");
    let _complete = next_message(&mut ws).await;
    // Nor is a mutation beside a subscription in one document.
    let mixed = json!({ "id": "m", "type": "subscribe", "payload": {
        "query": "subscription S { alertChanged { firing } } mutation M { deleteTemplate(id: 1) }", "operationName": "M" } });
    ws.send(Message::text(mixed.to_string())).await.unwrap();
    let refused = next_message(&mut ws).await;
    assert_eq!((refused["id"].as_str(), refused["type"].as_str()), (Some("m"), Some("next")), "{refused}");
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "VALIDATION_FAILED", "{refused}");
    assert!(refused["payload"]["errors"][0]["extensions"]["trace_id"].is_string(), "{refused}");
    let _complete = next_message(&mut ws).await;
    // Let the tail job take its starting point, then ingest through the REST API.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let app = common::app(state.clone());
    let batch = json!({ "events": [{ "type": "activity", "user_id": 3, "activity_type": "problem_solve" }] });
    let sent = Instant::now();
    let reply = common::post_json(&app, "/api/v1/events", &batch.to_string(), &[]).await;
    assert!(reply.status.is_success(), "{}", reply.text());
    let next = loop {
        let message = next_message(&mut ws).await;
        if message["id"] == "a" {
            break message;
        }
    };
    let latency = sent.elapsed();
    eprintln!("an ingested activity reached the subscription {latency:?} after the request");
    assert_eq!(next["type"], "next", "{next}");
    let activity = &next["payload"]["data"]["activityAdded"];
    assert_eq!(activity["activityType"], "problem_solve", "{next}");
    assert_eq!(activity["user"]["id"], 3, "{next}");
    // The server stopping ends the socket.
    state.live.close();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await.expect("the socket ends with the server") {
            None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
            Some(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_session_ends_its_socket() {
    let db = common::TestDb::sqlite().await;
    let state = common::state(&db.db);
    let app = common::app(state.clone());
    let cookie = common::sign_in_viewer(&app, &db.db, "socket@graphql.test").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app.clone()).await });
    let mut request = format!("ws://{addr}/api/graphql/ws").into_client_request().unwrap();
    request.headers_mut().insert(header::SEC_WEBSOCKET_PROTOCOL, "graphql-transport-ws".parse().unwrap());
    request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.expect("upgrade");
    ws.send(Message::text(json!({ "type": "connection_init" }).to_string())).await.unwrap();
    assert_eq!(next_message(&mut ws).await["type"], "connection_ack");
    // The viewer signs out (on any replica): the socket closes within a recheck.
    let logout = Request::post("/api/v1/auth/logout").header("cookie", &cookie).body(Body::empty()).unwrap();
    assert!(common::send(&common::app(state.clone()), logout).await.status.is_success());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(12);
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await.expect("the socket ends after the logout") {
            None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
            Some(Ok(_)) => {}
        }
    }
    // And a new one is refused.
    let mut request = format!("ws://{addr}/api/graphql/ws").into_client_request().unwrap();
    request.headers_mut().insert(header::SEC_WEBSOCKET_PROTOCOL, "graphql-transport-ws".parse().unwrap());
    request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
    request.headers_mut().insert("x-test-anonymous", "1".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_err(), "401 for the revoked session");
}
