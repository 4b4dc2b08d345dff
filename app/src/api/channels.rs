//! Server functions for delivery channels: the same services as
//! `/api/v1/channels`. Answers that carry a signing secret are marked so the
//! idempotency layer never keeps them. Also [`all_channels`], every page of
//! the list, for the pickers that offer them all.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{
    Channel, ChannelInput, ChannelPage, ChannelQuery, CreatedChannel, Delivery, DeliveryPage, DeliveryQuery,
};

/// A page of channels by name, masked.
#[server(prefix = "/api/fn", endpoint = "channels_list")]
pub async fn list_channels(
    /// Paging.
    // An empty query is sent as no body at all: absent is the default.
    #[server(default)]
    query: ChannelQuery,
) -> Result<ChannelPage, AppError> {
    crate::services::channels::list(&super::state()?, &super::caller(), &query).await
}

/// One channel, masked.
#[server(prefix = "/api/fn", endpoint = "channel_get")]
pub async fn get_channel(
    /// The channel's id.
    id: i64,
) -> Result<Channel, AppError> {
    crate::services::channels::get(&super::state()?, &super::caller(), id).await
}

/// Creates a channel (editors and above); a webhook's signing secret is in
/// this answer only.
#[server(prefix = "/api/fn", endpoint = "channel_create", input = leptos::server_fn::codec::Json)]
pub async fn create_channel(
    /// The new channel.
    input: ChannelInput,
) -> Result<CreatedChannel, AppError> {
    let created = crate::services::channels::create(&super::state()?, &super::caller(), &input).await?;
    super::mark_secret_response();
    Ok(created)
}

/// Replaces a channel's fields (editors and above); an absent URL keeps the stored one.
#[server(prefix = "/api/fn", endpoint = "channel_update", input = leptos::server_fn::codec::Json)]
pub async fn update_channel(
    /// The channel's id.
    id: i64,
    /// Every editable field.
    input: ChannelInput,
) -> Result<CreatedChannel, AppError> {
    let updated = crate::services::channels::update(&super::state()?, &super::caller(), id, &input).await?;
    super::mark_secret_response();
    Ok(updated)
}

/// Deletes a channel no report uses (editors and above).
#[server(prefix = "/api/fn", endpoint = "channel_delete")]
pub async fn delete_channel(
    /// The channel's id.
    id: i64,
) -> Result<(), AppError> {
    crate::services::channels::delete(&super::state()?, &super::caller(), id).await
}

/// Replaces a webhook's signing secret (editors and above); shown once.
#[server(prefix = "/api/fn", endpoint = "channel_rotate_secret")]
pub async fn rotate_channel_secret(
    /// The channel's id.
    id: i64,
) -> Result<CreatedChannel, AppError> {
    let rotated = crate::services::channels::rotate_secret(&super::state()?, &super::caller(), id).await?;
    super::mark_secret_response();
    Ok(rotated)
}

/// Sends a test message now (editors and above); the delivery says how it went.
#[server(prefix = "/api/fn", endpoint = "channel_test")]
pub async fn test_channel(
    /// The channel's id.
    id: i64,
) -> Result<Delivery, AppError> {
    crate::services::channels::send_test(&super::state()?, &super::caller(), id).await
}

/// A channel's deliveries, newest first, with their attempts.
#[server(prefix = "/api/fn", endpoint = "channel_deliveries")]
pub async fn list_channel_deliveries(
    /// The channel's id.
    id: i64,
    /// Paging.
    // An empty query is sent as nothing: absent is the default.
    #[server(default)]
    query: DeliveryQuery,
) -> Result<DeliveryPage, AppError> {
    crate::services::channels::deliveries(&super::state()?, &super::caller(), id, &query).await
}

/// The most channels one page holds (the server's limit).
const PAGE_SIZE: i64 = 100;

/// At most this many pages are read: 10,000 channels, far more than anyone
/// keeps; a bound in case a cursor ever came back twice.
const MAX_PAGES: usize = 100;

/// Every channel, by name: [`list_channels`] page after page, for a picker
/// that must offer them all (a report's destinations).
pub async fn all_channels() -> Result<Vec<Channel>, AppError> {
    let mut channels = Vec::new();
    let mut cursor = None;
    for _ in 0..MAX_PAGES {
        let page = list_channels(ChannelQuery { per_page: Some(PAGE_SIZE), cursor }).await?;
        channels.extend(page.channels);
        match page.meta.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(channels)
}
