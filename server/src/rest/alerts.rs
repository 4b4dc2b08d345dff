//! Alerts: `GET/POST /api/v1/alert-rules`, `GET/PUT/DELETE
//! /api/v1/alert-rules/{id}`, `POST /api/v1/alert-rules/{id}/silence`,
//! `POST /api/v1/alert-rules/{id}/test`, `POST /api/v1/alert-rules/test` (a
//! draft), `GET /api/v1/alerts` (firing now and the history).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use server_core::auth::Caller;
use server_core::error::{Envelope, Result};
use server_core::model::{
    AlertPage, AlertQuery, AlertRuleEnvelope, AlertRuleInput, AlertRuleList, AlertTest, SilenceInput,
};
use server_core::services::alerts;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Json, Query};

/// The alert routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(test_draft))
        .routes(routes!(get_rule, update_rule, delete_rule))
        .routes(routes!(silence_rule))
        .routes(routes!(test_rule))
        .routes(routes!(list_alerts))
}

/// Every rule with its state, latest value and sparkline: firing first, then
/// pending, then by name; `firing` counts those firing and not silenced.
#[utoipa::path(
    get,
    path = "/api/v1/alert-rules",
    tag = "alerts",
    responses((status = 200, description = "The rules", body = AlertRuleList)),
    security(("bearer" = []))
)]
async fn list_rules(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<AlertRuleList>> {
    Ok(axum::Json(alerts::list(&state, &caller).await?))
}

/// Creates a rule (editors and above). Every invalid field is listed in the
/// envelope's `details.fields`.
#[utoipa::path(
    post,
    path = "/api/v1/alert-rules",
    tag = "alerts",
    request_body = AlertRuleInput,
    responses((status = 201, description = "The rule created", body = AlertRuleEnvelope)),
    security(("bearer" = []))
)]
async fn create_rule(
    caller: Caller,
    State(state): State<AppState>,
    Json(input): Json<AlertRuleInput>,
) -> Result<(StatusCode, axum::Json<AlertRuleEnvelope>)> {
    let rule = alerts::create(&state, &caller, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(AlertRuleEnvelope { rule })))
}

/// Evaluates a draft rule now (editors and above): its value, whether it
/// breaches and the message it would send. Nothing is stored or sent.
#[utoipa::path(
    post,
    path = "/api/v1/alert-rules/test",
    tag = "alerts",
    request_body = AlertRuleInput,
    responses((status = 200, description = "What the draft would do now", body = AlertTest)),
    security(("bearer" = []))
)]
async fn test_draft(
    caller: Caller,
    State(state): State<AppState>,
    Json(input): Json<AlertRuleInput>,
) -> Result<axum::Json<AlertTest>> {
    Ok(axum::Json(alerts::test(&state, &caller, None, Some(&input)).await?))
}

/// One rule.
#[utoipa::path(
    get,
    path = "/api/v1/alert-rules/{id}",
    tag = "alerts",
    params(("id" = i64, Path, description = "The rule's id")),
    responses((status = 200, description = "The rule", body = AlertRuleEnvelope)),
    security(("bearer" = []))
)]
async fn get_rule(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<AlertRuleEnvelope>> {
    Ok(axum::Json(AlertRuleEnvelope { rule: alerts::get(&state, &caller, id).await? }))
}

/// Replaces every editable field of a rule (editors and above). Its state
/// is kept and judged by the new condition at the next evaluation, due at
/// once; pausing ends an incident without a message.
#[utoipa::path(
    put,
    path = "/api/v1/alert-rules/{id}",
    tag = "alerts",
    params(("id" = i64, Path, description = "The rule's id")),
    request_body = AlertRuleInput,
    responses((status = 200, description = "The rule as changed", body = AlertRuleEnvelope)),
    security(("bearer" = []))
)]
async fn update_rule(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<AlertRuleInput>,
) -> Result<axum::Json<AlertRuleEnvelope>> {
    Ok(axum::Json(AlertRuleEnvelope { rule: alerts::update(&state, &caller, id, &input).await? }))
}

/// Deletes a rule and its history (editors and above).
#[utoipa::path(
    delete,
    path = "/api/v1/alert-rules/{id}",
    tag = "alerts",
    params(("id" = i64, Path, description = "The rule's id")),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such rule", body = Envelope)),
    security(("bearer" = []))
)]
async fn delete_rule(caller: Caller, State(state): State<AppState>, Path(id): Path<i64>) -> Result<StatusCode> {
    alerts::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Holds a rule's notifications back until `until` (at most 30 days ahead),
/// or lifts the silence (`until` absent or past). Editors and above. The
/// rule keeps being evaluated; a firing incident is sent when the silence ends.
#[utoipa::path(
    post,
    path = "/api/v1/alert-rules/{id}/silence",
    tag = "alerts",
    params(("id" = i64, Path, description = "The rule's id")),
    request_body = SilenceInput,
    responses((status = 200, description = "The rule, silenced or not", body = AlertRuleEnvelope)),
    security(("bearer" = []))
)]
async fn silence_rule(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<SilenceInput>,
) -> Result<axum::Json<AlertRuleEnvelope>> {
    Ok(axum::Json(AlertRuleEnvelope { rule: alerts::silence(&state, &caller, id, &input).await? }))
}

/// Evaluates a saved rule now (editors and above): its value, whether it
/// breaches, the state it would move to and the message it would send.
/// Nothing is stored or sent.
#[utoipa::path(
    post,
    path = "/api/v1/alert-rules/{id}/test",
    tag = "alerts",
    params(("id" = i64, Path, description = "The rule's id")),
    responses((status = 200, description = "What the rule would do now", body = AlertTest)),
    security(("bearer" = []))
)]
async fn test_rule(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<AlertTest>> {
    Ok(axum::Json(alerts::test(&state, &caller, Some(id), None).await?))
}

/// The rules firing now and the history of state changes, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/alerts",
    tag = "alerts",
    params(AlertQuery),
    responses(
        (status = 200, description = "Firing rules and a page of history", body = AlertPage),
        (status = 404, description = "No rule with this `rule_id` (`NOT_FOUND`)", body = Envelope)
    ),
    security(("bearer" = []))
)]
async fn list_alerts(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<AlertQuery>,
) -> Result<axum::Json<AlertPage>> {
    Ok(axum::Json(alerts::events(&state, &caller, &query).await?))
}
