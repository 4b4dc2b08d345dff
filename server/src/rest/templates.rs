//! Report templates: `GET/POST /api/v1/templates`,
//! `GET/PUT/DELETE /api/v1/templates/{id}`, `POST /api/v1/templates/{id}/clone`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use server_core::auth::Caller;
use server_core::error::{Envelope, Result};
use server_core::model::{TemplateEnvelope, TemplateInput, TemplateList};
use server_core::services::templates;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Json;

/// The template routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates, create_template))
        .routes(routes!(get_template, update_template, delete_template))
        .routes(routes!(clone_template))
}

/// Every template, the built-ins first, with how many reports use each.
#[utoipa::path(
    get,
    path = "/api/v1/templates",
    tag = "reports",
    responses((status = 200, description = "The templates", body = TemplateList)),
    security(("bearer" = []))
)]
async fn list_templates(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<TemplateList>> {
    Ok(axum::Json(templates::list(&state, &caller).await?))
}

/// Creates a template (editors and above). Every invalid field, sections
/// included (`sections[2].limit`), is listed in the envelope's `details.fields`.
#[utoipa::path(
    post,
    path = "/api/v1/templates",
    tag = "reports",
    request_body = TemplateInput,
    responses((status = 201, description = "The template created", body = TemplateEnvelope)),
    security(("bearer" = []))
)]
async fn create_template(
    caller: Caller,
    State(state): State<AppState>,
    Json(input): Json<TemplateInput>,
) -> Result<(StatusCode, axum::Json<TemplateEnvelope>)> {
    let template = templates::create(&state, &caller, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(TemplateEnvelope { template })))
}

/// One template.
#[utoipa::path(
    get,
    path = "/api/v1/templates/{id}",
    tag = "reports",
    params(("id" = i64, Path, description = "The template's id")),
    responses((status = 200, description = "The template", body = TemplateEnvelope)),
    security(("bearer" = []))
)]
async fn get_template(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<TemplateEnvelope>> {
    Ok(axum::Json(TemplateEnvelope { template: templates::get(&state, &caller, id).await? }))
}

/// Replaces a template's fields (editors and above). Built-ins are read-only
/// (422): clone them.
#[utoipa::path(
    put,
    path = "/api/v1/templates/{id}",
    tag = "reports",
    params(("id" = i64, Path, description = "The template's id")),
    request_body = TemplateInput,
    responses(
        (status = 200, description = "The template as changed", body = TemplateEnvelope),
        (status = 422, description = "A built-in template (`BUSINESS_RULE_VIOLATION`): clone it", body = Envelope)
    ),
    security(("bearer" = []))
)]
async fn update_template(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<TemplateInput>,
) -> Result<axum::Json<TemplateEnvelope>> {
    Ok(axum::Json(TemplateEnvelope { template: templates::update(&state, &caller, id, &input).await? }))
}

/// Deletes a template (editors and above): 409 while reports use it, 422 for
/// a built-in.
#[utoipa::path(
    delete,
    path = "/api/v1/templates/{id}",
    tag = "reports",
    params(("id" = i64, Path, description = "The template's id")),
    responses(
        (status = 204, description = "The template is deleted"),
        (status = 409, description = "Reports use it (`CONFLICT`)", body = Envelope),
        (status = 422, description = "A built-in template (`BUSINESS_RULE_VIOLATION`)", body = Envelope)
    ),
    security(("bearer" = []))
)]
async fn delete_template(caller: Caller, State(state): State<AppState>, Path(id): Path<i64>) -> Result<StatusCode> {
    templates::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Copies a template, built-ins included, as an editable one named "… (copy)"
/// (editors and above).
#[utoipa::path(
    post,
    path = "/api/v1/templates/{id}/clone",
    tag = "reports",
    params(("id" = i64, Path, description = "The template's id")),
    responses((status = 201, description = "The copy", body = TemplateEnvelope)),
    security(("bearer" = []))
)]
async fn clone_template(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<(StatusCode, axum::Json<TemplateEnvelope>)> {
    let template = templates::clone(&state, &caller, id).await?;
    Ok((StatusCode::CREATED, axum::Json(TemplateEnvelope { template })))
}
