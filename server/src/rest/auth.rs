//! Authentication for API clients: `POST /api/v1/auth/login`,
//! `/refresh`, `/logout`, and `GET /api/v1/auth/me`.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use server_core::auth::{Caller, Via};
use server_core::error::{Envelope, Result};
use server_core::model::{Me, TokenPair};
use server_core::services::auth::{self as service, LoginKind};
use server_core::state::AppState;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Json;

/// The authentication routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(refresh)).routes(routes!(logout)).routes(routes!(me))
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
struct LoginRequest {
    /// The account's e-mail.
    email: String,
    /// Its password.
    password: String,
    /// The authenticator code, when the account has two-factor sign-in.
    #[serde(default)]
    totp: Option<String>,
}

/// A refresh token to trade.
#[derive(Debug, Deserialize, ToSchema)]
struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    refresh_token: String,
}

/// Signs in: an access token (15 min) and a refresh token (7 days). Failed
/// attempts are throttled per e-mail and address (429 with Retry-After).
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in: a token pair", body = TokenPair),
        (status = 401, description = "INVALID_CREDENTIALS or TOTP_REQUIRED", body = Envelope),
        (status = 429, description = "Too many failed attempts for this e-mail or address (`RATE_LIMITED`); \
                                      retry after `Retry-After` seconds", body = Envelope)
    )
)]
async fn login(
    caller: Caller,
    State(state): State<AppState>,
    Json(body): Json<LoginRequest>,
) -> Result<axum::Json<TokenPair>> {
    let success =
        service::login(&state, &caller, &body.email, &body.password, body.totp.as_deref(), LoginKind::Api).await?;
    Ok(axum::Json(success.token_pair()))
}

/// Trades a refresh token for a new pair; the old refresh token stops working,
/// and using it again revokes the whole family.
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenPair),
        (status = 401, description = "The refresh token is unknown, expired or used (`UNAUTHORIZED`)", body = Envelope)
    )
)]
async fn refresh(
    caller: Caller,
    State(state): State<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<axum::Json<TokenPair>> {
    Ok(axum::Json(service::refresh(&state, &caller, &body.refresh_token).await?))
}

/// Ends the caller's token family (or browser session): its access and
/// refresh tokens stop working at once.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    responses((status = 204, description = "Signed out"), (status = 403, description = "API keys are revoked, not logged out", body = Envelope)),
    security(("bearer" = []))
)]
async fn logout(caller: Caller, State(state): State<AppState>) -> Result<Response> {
    service::logout(&state, &caller).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    // A browser session signing out through the API loses its cookie too.
    if matches!(caller.principal()?.via, Via::Session { .. }) {
        if let Ok(clear) = HeaderValue::from_str(&state.security.clear_cookie()) {
            response.headers_mut().insert(header::SET_COOKIE, clear);
        }
    }
    Ok(response)
}

/// Who the caller is: account, role, or API key.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    tag = "auth",
    responses((status = 200, description = "The caller", body = Me)),
    security(("bearer" = []))
)]
async fn me(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<Me>> {
    Ok(axum::Json(service::describe(&state, &caller).await?))
}
