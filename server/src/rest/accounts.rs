//! Accounts (admins): `GET/POST /api/v1/accounts`, `GET/PATCH /api/v1/accounts/{id}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use server_core::auth::Caller;
use server_core::error::{Envelope, Result};
use server_core::model::{Account, AccountPage, AccountUpdate, NewAccount};
use server_core::services::accounts;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Json;

/// The account routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_accounts, create_account)).routes(routes!(get_account, update_account))
}

/// Every account, oldest first, in one page (admins): `meta.next_cursor` is always null.
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    tag = "accounts",
    responses((status = 200, description = "Every account", body = AccountPage),
        (status = 403, description = "The caller is not an admin", body = Envelope)),
    security(("bearer" = []))
)]
async fn list_accounts(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<AccountPage>> {
    Ok(axum::Json(accounts::list(&state, &caller).await?))
}

/// Creates an account (admins). The password must be 8+ characters and not a common one.
#[utoipa::path(
    post,
    path = "/api/v1/accounts",
    tag = "accounts",
    request_body = NewAccount,
    responses(
        (status = 201, description = "The account created", body = Account),
        (status = 409, description = "An account with this e-mail exists (`CONFLICT`), or a request with this \
                                      `Idempotency-Key` is still being processed", body = Envelope)
    ),
    security(("bearer" = []))
)]
async fn create_account(
    caller: Caller,
    State(state): State<AppState>,
    Json(new): Json<NewAccount>,
) -> Result<(StatusCode, axum::Json<Account>)> {
    Ok((StatusCode::CREATED, axum::Json(accounts::create(&state, &caller, &new).await?)))
}

/// One account (admins; anyone for their own).
#[utoipa::path(
    get,
    path = "/api/v1/accounts/{id}",
    tag = "accounts",
    params(("id" = i64, Path, description = "The account's id")),
    responses((status = 200, description = "The account", body = Account),
        (status = 403, description = "Neither an admin nor the account itself", body = Envelope)),
    security(("bearer" = []))
)]
async fn get_account(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<Account>> {
    Ok(axum::Json(accounts::get(&state, &caller, id).await?))
}

/// Changes an account's role or status (admins); effective on its next request.
#[utoipa::path(
    patch,
    path = "/api/v1/accounts/{id}",
    tag = "accounts",
    params(("id" = i64, Path, description = "The account's id")),
    request_body = AccountUpdate,
    responses(
        (status = 200, description = "The account as changed", body = Account),
        (status = 422, description = "It would leave no active admin (`BUSINESS_RULE_VIOLATION`), or this \
                                      `Idempotency-Key` was used with a different request", body = Envelope)
    ),
    security(("bearer" = []))
)]
async fn update_account(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(change): Json<AccountUpdate>,
) -> Result<axum::Json<Account>> {
    Ok(axum::Json(accounts::update(&state, &caller, id, &change).await?))
}
