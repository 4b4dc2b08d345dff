//! Accounts, roles, API keys and the audit log as the UI and the REST API see
//! them. No secret ever appears in these types, except the new
//! API key in [`CreatedApiKey`], shown once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::PageMeta;

/// What an account or API key may do, weakest first: each role may do
/// everything the ones before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(async_graphql::Enum))]
pub enum Role {
    /// Read-only.
    Viewer,
    /// Problems, reports, cache invalidation.
    Editor,
    /// Everything but accounts.
    Owner,
    /// Everything, accounts included.
    Admin,
}

impl Role {
    /// Every role, weakest first.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Editor, Role::Owner, Role::Admin];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Owner => "owner",
            Role::Admin => "admin",
        }
    }

    /// The role a name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// Whether an account may sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(async_graphql::Enum))]
pub enum AccountStatus {
    /// It may.
    Active,
    /// It may not; its sessions and tokens stop working at once.
    Disabled,
}

impl AccountStatus {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Disabled => "disabled",
        }
    }

    /// The status a name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "active" => Some(Self::Active),
            "disabled" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// A person who signs in to DreamSeed Admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct Account {
    /// Its id.
    pub id: i64,
    /// Its e-mail address (lower-case): the login name.
    pub email: String,
    /// What it may do.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "viewer"))]
    pub role: Role,
    /// Whether it may sign in.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "active"))]
    pub status: AccountStatus,
    /// Whether a TOTP second factor is required at login.
    pub totp_enabled: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its last successful login.
    pub last_login_at: Option<DateTime<Utc>>,
}

/// `{ "accounts": [..], "meta": {..} }`: every account, oldest first. There are
/// few, so it is one page: `meta.next_cursor` is always null.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountPage {
    /// The accounts.
    pub accounts: Vec<Account>,
    /// How many there are; never a next page.
    pub meta: PageMeta,
}

/// Who is making the request, as the UI needs to know it (what to show).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(async_graphql::SimpleObject))]
pub struct Me {
    /// `session` (browser), `token` (JWT) or `api_key`.
    pub kind: String,
    /// The account's e-mail, or the API key's prefix.
    pub name: String,
    /// What the caller may do.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "admin"))]
    pub role: Role,
    /// The account, when the caller is a person.
    pub account: Option<Account>,
    /// Extra permissions of an API key (`ingest`).
    pub scopes: Vec<String>,
}

/// An API key as listed (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiKey {
    /// Its id.
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// Its visible start (`ds_` and 8 characters).
    pub prefix: String,
    /// What it may do.
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "viewer"))]
    pub role: Role,
    /// Extra permissions (`ingest`: may post events).
    pub scopes: Vec<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// `{ "api_keys": [..], "meta": {..} }`: every key, newest first, revoked and
/// expired ones included. Like [`AccountPage`], always one page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiKeyPage {
    /// The keys.
    pub api_keys: Vec<ApiKey>,
    /// How many there are; never a next page.
    pub meta: PageMeta,
}

/// A key just created: the only time the secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    /// The key: `ds_` and 43 URL-safe characters. Store it now; it cannot be shown again.
    pub key: String,
    /// The key as it will be listed.
    pub api_key: ApiKey,
}

/// What a new API key should be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewApiKey {
    /// What it is for (1–100 characters).
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// `viewer`, `editor`, `owner` or `admin`; at most the creator's own role.
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::role))]
    pub role: String,
    /// Extra permissions: `ingest` lets it post events (editors and above).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::scopes))]
    pub scopes: Vec<String>,
    /// Days until it expires (1–365; default 90).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 365))]
    pub expires_in_days: Option<u32>,
}

/// What a new account should be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewAccount {
    /// Its e-mail address.
    pub email: String,
    /// Its first password (at least 8 characters, not a common one).
    pub password: String,
    /// `viewer`, `editor`, `owner` or `admin`.
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::role))]
    pub role: String,
}

/// A change to an account (only the fields given change).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountUpdate {
    /// A new role.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::role_or_null))]
    pub role: Option<String>,
    /// `active` or `disabled`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::params::account_status_or_null))]
    pub status: Option<String>,
}

/// Tokens for an API client: a JWT access token and a rotating refresh token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// Send as `Authorization: Bearer …`; valid 15 minutes.
    pub access_token: String,
    /// Trade for a new pair at `/api/v1/auth/refresh`; valid 7 days, once.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the access token is valid.
    pub expires_in: u64,
    /// Seconds the refresh token is valid.
    pub refresh_expires_in: u64,
}

/// One audit record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Its id (newer records have larger ids).
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who: an e-mail, `api_key:ds_…`, or `anonymous`.
    pub actor: String,
    /// What (`auth.login`, `account.update`, `api_key.create`, `events.ingest`, …).
    pub action: String,
    /// On what (`account:3`, an e-mail, …).
    pub target: Option<String>,
    /// `success` or `failure`.
    pub outcome: String,
    /// The caller's address.
    pub ip: Option<String>,
    /// The request's trace id.
    pub trace_id: Option<String>,
    /// More about it, as JSON text.
    pub details: Option<String>,
}

/// A page of audit records, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// The records.
    pub entries: Vec<AuditEntry>,
    /// The records matching the filters, over all pages, and the next (older) page's cursor.
    pub meta: PageMeta,
}

/// Which audit records to show, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct AuditQuery {
    /// Only this action, or actions starting with it when it ends in `.` (`auth.`).
    #[serde(default)]
    pub action: Option<String>,
    /// Only this actor (e-mail or `api_key:ds_…`).
    #[serde(default)]
    pub actor: Option<String>,
    /// `success` or `failure`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(schema_with = super::params::outcome))]
    pub outcome: Option<String>,
    /// `meta.next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Rows per page, 1–100 (default 50).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 100))]
    pub per_page: Option<i64>,
}

/// TOTP enrolment in progress: what the authenticator app needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrollment {
    /// The shared secret, base32 (for typing in by hand).
    pub secret: String,
    /// The `otpauth://` URI.
    pub uri: String,
    /// The URI as a QR code, an SVG document.
    pub qr_svg: String,
}
