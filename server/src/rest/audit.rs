//! The audit log (admins): `GET /api/v1/audit-log`.

use axum::extract::State;
use server_core::auth::Caller;
use server_core::error::{Envelope, Result};
use server_core::model::{AuditPage, AuditQuery};
use server_core::services::audit;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;

/// The audit routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_log))
}

/// Records newest first, filtered, with their total; page with `cursor`.
#[utoipa::path(
    get,
    path = "/api/v1/audit-log",
    tag = "audit",
    params(AuditQuery),
    responses((status = 200, description = "A page of records", body = AuditPage),
        (status = 403, description = "The caller is not an admin", body = Envelope)),
    security(("bearer" = []))
)]
async fn list_audit_log(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<AuditQuery>,
) -> Result<axum::Json<AuditPage>> {
    Ok(axum::Json(audit::list(&state, &caller, &query).await?))
}
