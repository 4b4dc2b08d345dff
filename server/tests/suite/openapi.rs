//! The OpenAPI document describes exactly the routes served, in valid OpenAPI
//! 3.1, with every status and every value the server takes; the server refuses
//! what the document refuses; and the docs page is served from this server.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::Value;

#[tokio::test]
async fn every_documented_operation_is_served() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    let reply = common::get(&app, "/api/openapi.json").await;
    assert_eq!(reply.status.as_u16(), 200);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().unwrap();
    for expected in [
        "/healthz",
        "/ready",
        "/health",
        "/metrics",
        "/api/dashboard/stats",
        "/api/dashboard/user-growth",
        "/api/dashboard/countries",
        "/api/dashboard/users-by-type",
        "/api/dashboard/activity",
        "/api/dashboard/activity-heatmap",
        "/api/dashboard/problems",
        "/api/dashboard/recent-activity",
        "/api/cache/status",
        "/api/cache/invalidate",
        "/api/v1/stream",
    ] {
        assert!(paths.contains_key(expected), "{expected} is not documented");
    }
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            if path == "/api/v1/stream" {
                // An endless stream: its headers are the answer.
                let request = Request::get(path.as_str()).body(Body::empty()).unwrap();
                let reply = tower::ServiceExt::oneshot(app.clone(), request).await.unwrap();
                assert_eq!(reply.status().as_u16(), 200);
                continue;
            }
            let mut request = Request::builder().method(method.clone()).uri(path.as_str());
            if method == Method::POST {
                request = request.header("content-type", "application/json");
            }
            let reply =
                common::send(&app, request.body(Body::from(if method == Method::POST { "{}" } else { "" })).unwrap())
                    .await;
            assert!(
                ![404, 405].contains(&reply.status.as_u16()) || path == "/metrics",
                "{method} {path} is documented but answers {}",
                reply.status
            );
            let ops = &operations[method.as_str().to_lowercase()];
            assert!(ops["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path} has no responses");
        }
    }
}

#[tokio::test]
async fn the_docs_page_loads_the_reference_from_this_server() {
    let db = common::TestDb::sqlite().await;
    let reply = common::get(&common::router(&db.db), "/api/docs").await;
    assert_eq!(reply.status.as_u16(), 200);
    let html = reply.text();
    assert!(html.contains(r#"src="/vendor/scalar/standalone.js""#) && html.contains(r#"src="/api-docs.js""#));
    assert!(!html.contains("https://") && !html.contains("http://"), "no asset from elsewhere");
}

/// The document, as served.
async fn document(app: &axum::Router) -> Value {
    let reply = common::get(app, "/api/openapi.json").await;
    assert_eq!(reply.status.as_u16(), 200);
    reply.json()
}

/// Every operation of `doc`: (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                all.push((method.clone(), path.clone(), operation.clone()));
            }
        }
    }
    all
}

/// `value`, or what its `$ref` points to in `doc`.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(reference) => doc.pointer(reference.trim_start_matches('#')).unwrap_or_else(|| panic!("{reference}")),
        None => value,
    }
}

#[tokio::test]
async fn every_response_has_a_description_and_every_parameter_its_right_place() {
    let db = common::TestDb::sqlite().await;
    let doc = document(&common::router(&db.db)).await;
    assert_eq!(doc["openapi"], "3.1.0");
    for (method, path, operation) in operations(&doc) {
        for (status, response) in operation["responses"].as_object().expect("responses") {
            let description = resolve(&doc, response)["description"].as_str().unwrap_or_default();
            assert!(!description.trim().is_empty(), "{method} {path} {status} has no description");
        }
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let (name, place) = (parameter["name"].as_str().unwrap(), parameter["in"].as_str().unwrap());
            let in_template = path.contains(&format!("{{{name}}}"));
            assert_eq!(place == "path", in_template, "{method} {path}: `{name}` is declared in {place}");
            // A query string cannot carry null: the schema must not offer it.
            let schema = parameter["schema"].to_string();
            assert!(!schema.contains("\"null\""), "{method} {path}: `{name}` is nullable: {schema}");
        }
    }
}

#[tokio::test]
async fn every_operation_documents_the_errors_the_middleware_can_answer() {
    let db = common::TestDb::sqlite().await;
    let doc = document(&common::router(&db.db)).await;
    let public = ["/healthz", "/ready", "/health", "/metrics", "/api/v1/auth/login", "/api/v1/auth/refresh"];
    for (method, path, operation) in operations(&doc) {
        let has = |status: &str| operation["responses"].get(status).is_some();
        assert!(has("500"), "{method} {path} lacks 500");
        if !public.contains(&path.as_str()) {
            assert!(has("401") && has("429"), "{method} {path} lacks 401 or 429");
            assert!(operation["security"].as_array().is_some_and(|s| !s.is_empty()), "{method} {path}: no security");
        }
        if method != "get" {
            assert!(has("403"), "{method} {path} lacks 403 (cross-site writes)");
        }
        if ["post", "put", "patch"].contains(&method.as_str()) {
            assert!(has("400") && has("409") && has("413") && has("422"), "{method} {path}: Idempotency-Key errors");
        }
        if operation.get("requestBody").is_some() {
            assert!(has("415"), "{method} {path} lacks 415");
        }
    }
    let details = &doc["components"]["schemas"]["ErrorBody"]["properties"]["details"];
    assert!(details.to_string().contains("\"null\""), "error.details must be nullable: {details}");
}

#[tokio::test]
async fn a_struct_body_sent_as_an_array_is_refused() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    let created = common::post_json(&app, "/api/v1/problems", r#"{"title":"Kept","content":"c"}"#, &[]).await;
    assert_eq!(created.status.as_u16(), 201, "{}", created.text());
    let id = created.json()["problem"]["id"].as_i64().unwrap();
    for body in ["[null, null]", "[\"Changed\"]", "null", "\"title\"", "7"] {
        let request = Request::patch(format!("/api/v1/problems/{id}"))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        common::send(&app, request).await.assert_envelope(400, "VALIDATION_FAILED");
    }
    assert_eq!(common::get(&app, &format!("/api/v1/problems/{id}")).await.json()["problem"]["title"], "Kept");
    // The optional body of cache invalidation: absent or null is "everything", an array is refused.
    common::post_json(&app, "/api/cache/invalidate", "[null]", &[]).await.assert_envelope(400, "VALIDATION_FAILED");
    assert_eq!(common::post_json(&app, "/api/cache/invalidate", "null", &[]).await.status.as_u16(), 200);
}

/// Values the schema of a query parameter allows, and values it refuses.
fn samples(schema: &Value) -> (Vec<String>, Vec<String>) {
    let (mut valid, mut invalid) = (Vec::new(), Vec::new());
    if let Some(values) = schema["enum"].as_array() {
        // A custom range also needs `from` and `to`: the dashboard tests cover it.
        valid.extend(values.iter().filter_map(Value::as_str).filter(|v| *v != "custom").map(str::to_owned));
        invalid.push("not-a-value".to_owned());
    }
    match schema["type"].as_str() {
        Some("boolean") => {
            valid.extend(["true".to_owned(), "false".to_owned()]);
            invalid.push("yes".to_owned());
        }
        Some("integer") => {
            if let Some(min) = schema["minimum"].as_i64() {
                valid.push(min.to_string());
                invalid.push((min - 1).to_string());
            }
            if let Some(max) = schema["maximum"].as_i64() {
                valid.push(max.to_string());
                invalid.push((max + 1).to_string());
            }
            invalid.push("1.5".to_owned());
        }
        Some("string") if schema["format"] == "date" => {
            valid.push("2024-02-29".to_owned());
            invalid.extend(["2024-02-30".to_owned(), "yesterday".to_owned()]);
        }
        Some("string") => {
            if let Some(max) = schema["maxLength"].as_u64() {
                valid.push("a".repeat(max as usize));
                invalid.push("a".repeat(max as usize + 1));
            }
        }
        _ => {}
    }
    (valid, invalid)
}

#[tokio::test]
async fn the_server_takes_exactly_the_query_values_the_document_allows() {
    let db = common::TestDb::sqlite().await;
    let app = common::router(&db.db);
    let doc = document(&app).await;
    let mut tried = 0;
    for (method, path, operation) in operations(&doc) {
        if method != "get" || path.contains('{') || path == "/api/v1/stream" {
            continue;
        }
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] != "query" {
                continue;
            }
            let name = parameter["name"].as_str().unwrap();
            let (valid, invalid) = samples(&parameter["schema"]);
            for (values, ok) in [(valid, true), (invalid, false)] {
                for value in values {
                    let uri = format!("{path}?{name}={}", value.replace(' ', "%20"));
                    let status = common::get(&app, &uri).await.status.as_u16();
                    assert_eq!(status < 300, ok, "GET {uri} answered {status}");
                    if !ok {
                        assert_eq!(status, 400, "GET {uri}");
                    }
                    tried += 1;
                }
            }
        }
    }
    assert!(tried > 100, "only {tried} values tried");
}
