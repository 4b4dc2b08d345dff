//! Delivery channels: `GET/POST /api/v1/channels`,
//! `GET/PUT/DELETE /api/v1/channels/{id}`, `POST /api/v1/channels/{id}/test`,
//! `POST /api/v1/channels/{id}/rotate-secret`, `GET /api/v1/channels/{id}/deliveries`.
//! Answers that carry a signing secret are marked [`app::api::SECRET_RESPONSE`],
//! so the idempotency layer never keeps them for a replay.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use server_core::auth::Caller;
use server_core::error::{Envelope, Result};
use server_core::model::{
    ChannelEnvelope, ChannelInput, ChannelPage, ChannelQuery, CreatedChannel, DeliveryEnvelope, DeliveryPage,
    DeliveryQuery,
};
use server_core::services::channels;
use server_core::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Json, Query};

/// The header that keeps an answer out of the idempotency store.
type Secret = [(&'static str, &'static str); 1];

const SECRET: Secret = [(app::api::SECRET_RESPONSE, "1")];

/// The channel routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_channels, create_channel))
        .routes(routes!(get_channel, update_channel, delete_channel))
        .routes(routes!(test_channel))
        .routes(routes!(rotate_channel_secret))
        .routes(routes!(channel_deliveries))
}

/// Channels by name, masked: a `url_hint`, never the URL or the signing secret.
#[utoipa::path(
    get,
    path = "/api/v1/channels",
    tag = "channels",
    params(ChannelQuery),
    responses((status = 200, description = "A page of channels", body = ChannelPage)),
    security(("bearer" = []))
)]
async fn list_channels(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<ChannelQuery>,
) -> Result<axum::Json<ChannelPage>> {
    Ok(axum::Json(channels::list(&state, &caller, &query).await?))
}

/// Creates a channel (editors and above). A webhook's `signing_secret` is in
/// this answer only. Every invalid field is listed in `details.fields`;
/// private or loopback URLs are refused unless `CHANNELS_ALLOW_PRIVATE`;
/// e-mail channels are a 422 until the next release.
#[utoipa::path(
    post,
    path = "/api/v1/channels",
    tag = "channels",
    request_body = ChannelInput,
    responses((status = 201, description = "The channel, with its signing secret (once)", body = CreatedChannel),
        (status = 400, description = "Invalid fields", body = Envelope)),
    security(("bearer" = []))
)]
async fn create_channel(
    caller: Caller,
    State(state): State<AppState>,
    Json(input): Json<ChannelInput>,
) -> Result<(StatusCode, Secret, axum::Json<CreatedChannel>)> {
    let created = channels::create(&state, &caller, &input).await?;
    Ok((StatusCode::CREATED, SECRET, axum::Json(created)))
}

/// One channel, masked.
#[utoipa::path(
    get,
    path = "/api/v1/channels/{id}",
    tag = "channels",
    params(("id" = i64, Path, description = "The channel's id")),
    responses((status = 200, description = "The channel", body = ChannelEnvelope)),
    security(("bearer" = []))
)]
async fn get_channel(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<ChannelEnvelope>> {
    Ok(axum::Json(ChannelEnvelope { channel: channels::get(&state, &caller, id).await? }))
}

/// Replaces a channel's fields (editors and above); an absent `url` keeps the
/// stored one. `signing_secret` is set only when the channel just became a webhook.
#[utoipa::path(
    put,
    path = "/api/v1/channels/{id}",
    tag = "channels",
    params(("id" = i64, Path, description = "The channel's id")),
    request_body = ChannelInput,
    responses((status = 200, description = "The channel as changed", body = CreatedChannel)),
    security(("bearer" = []))
)]
async fn update_channel(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<ChannelInput>,
) -> Result<(Secret, axum::Json<CreatedChannel>)> {
    Ok((SECRET, axum::Json(channels::update(&state, &caller, id, &input).await?)))
}

/// Deletes a channel and its delivery log (editors and above); a channel a
/// report sends to is a 409 naming the reports.
#[utoipa::path(
    delete,
    path = "/api/v1/channels/{id}",
    tag = "channels",
    params(("id" = i64, Path, description = "The channel's id")),
    responses((status = 204, description = "The channel is deleted"),
        (status = 409, description = "Reports send to it", body = Envelope)),
    security(("bearer" = []))
)]
async fn delete_channel(caller: Caller, State(state): State<AppState>, Path(id): Path<i64>) -> Result<StatusCode> {
    channels::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a test message now (editors and above): one attempt within 20 s,
/// never retried, logged with the channel's deliveries. 200 whatever the
/// receiver answered: the delivery says how it went.
#[utoipa::path(
    post,
    path = "/api/v1/channels/{id}/test",
    tag = "channels",
    params(("id" = i64, Path, description = "The channel's id")),
    responses((status = 200, description = "The test delivery and its attempt", body = DeliveryEnvelope)),
    security(("bearer" = []))
)]
async fn test_channel(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<DeliveryEnvelope>> {
    Ok(axum::Json(DeliveryEnvelope { delivery: channels::send_test(&state, &caller, id).await? }))
}

/// Replaces a webhook's signing secret (editors and above): the new one is in
/// this answer only; the old one stops signing at once.
#[utoipa::path(
    post,
    path = "/api/v1/channels/{id}/rotate-secret",
    tag = "channels",
    params(("id" = i64, Path, description = "The channel's id")),
    responses((status = 200, description = "The channel with its new signing secret (once)", body = CreatedChannel)),
    security(("bearer" = []))
)]
async fn rotate_channel_secret(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<(Secret, axum::Json<CreatedChannel>)> {
    Ok((SECRET, axum::Json(channels::rotate_secret(&state, &caller, id).await?)))
}

/// A channel's deliveries, newest first, each with every attempt.
#[utoipa::path(
    get,
    path = "/api/v1/channels/{id}/deliveries",
    tag = "channels",
    params(("id" = i64, Path, description = "The channel's id"), DeliveryQuery),
    responses((status = 200, description = "A page of deliveries", body = DeliveryPage)),
    security(("bearer" = []))
)]
async fn channel_deliveries(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<DeliveryQuery>,
) -> Result<axum::Json<DeliveryPage>> {
    Ok(axum::Json(channels::deliveries(&state, &caller, id, &query).await?))
}
