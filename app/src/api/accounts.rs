//! Server functions for managing accounts (admins) and API keys (owners and admins).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Account, AccountPage, AccountUpdate, ApiKey, ApiKeyPage, CreatedApiKey, NewAccount, NewApiKey};

/// Every account, as one page.
#[server(prefix = "/api/fn", endpoint = "accounts_list")]
pub async fn list_accounts() -> Result<AccountPage, AppError> {
    crate::services::accounts::list(&super::state()?, &super::caller()).await
}

/// Creates an account.
#[server(prefix = "/api/fn", endpoint = "accounts_create")]
pub async fn create_account(
    /// Its e-mail, first password and role.
    account: NewAccount,
) -> Result<Account, AppError> {
    crate::services::accounts::create(&super::state()?, &super::caller(), &account).await
}

/// Changes an account's role or status.
#[server(prefix = "/api/fn", endpoint = "accounts_update")]
pub async fn update_account(
    /// The account.
    id: i64,
    /// What changes.
    change: AccountUpdate,
) -> Result<Account, AppError> {
    crate::services::accounts::update(&super::state()?, &super::caller(), id, &change).await
}

/// Every API key, as one page.
#[server(prefix = "/api/fn", endpoint = "api_keys_list")]
pub async fn list_api_keys() -> Result<ApiKeyPage, AppError> {
    crate::services::api_keys::list(&super::state()?, &super::caller()).await
}

/// Creates an API key; the key is in the answer, once.
#[server(prefix = "/api/fn", endpoint = "api_keys_create")]
pub async fn create_api_key(
    /// Name, role, scopes, lifetime.
    key: NewApiKey,
) -> Result<CreatedApiKey, AppError> {
    super::mark_secret_response();
    crate::services::api_keys::create(&super::state()?, &super::caller(), &key).await
}

/// Revokes an API key.
#[server(prefix = "/api/fn", endpoint = "api_keys_revoke")]
pub async fn revoke_api_key(
    /// The key's id.
    id: i64,
) -> Result<ApiKey, AppError> {
    crate::services::api_keys::revoke(&super::state()?, &super::caller(), id).await
}
