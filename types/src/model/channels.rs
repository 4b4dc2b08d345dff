//! Delivery channels (SPEC §5.10, issue #15): where report runs are sent
//! (a webhook, a Slack incoming webhook, SMTP e-mail), as the API shows them
//! (masked: a channel's URL and signing secret never leave the server, but
//! once, the secret, when it is made), and the log of each delivery with its
//! attempts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::PageMeta;

/// The kinds of channel.
pub const CHANNEL_KINDS: [&str; 3] = ["webhook", "slack", "email"];

/// The longest channel name, in characters.
pub const MAX_CHANNEL_NAME: usize = 100;

/// The longest channel URL, in characters.
pub const MAX_CHANNEL_URL: usize = 2_000;

/// How an e-mail channel talks to its SMTP server: `starttls` (upgrade on
/// the submission port, 587), `tls` (TLS from the first byte, 465) or `none`
/// (plain text; only where private targets are allowed).
pub const SMTP_TLS_MODES: [&str; 3] = ["starttls", "tls", "none"];

/// The most recipients an e-mail channel has.
pub const MAX_RECIPIENTS: usize = 50;

/// The SMTP port a TLS mode uses when none is given.
pub fn default_smtp_port(tls: &str) -> u16 {
    match tls {
        "tls" => 465,
        "none" => 25,
        _ => 587,
    }
}

/// An e-mail channel's settings as shown: everything but the password.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EmailSettings {
    /// The SMTP server's host name (or address).
    pub host: String,
    /// Its port.
    pub port: u16,
    /// `starttls`, `tls` or `none`.
    pub tls: String,
    /// The SMTP user, if the server wants one.
    pub username: Option<String>,
    /// Whether a password is stored (it is never shown).
    pub password_set: bool,
    /// The sender (`Name <address>` or an address).
    pub from: String,
    /// Who receives each message.
    pub recipients: Vec<String>,
}

/// A report that sends to a channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChannelUser {
    /// The report's id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// A delivery channel, masked: what it is and where it points, never its
/// URL nor its signing secret. (`Default`: an empty one, for tests and forms.)
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Channel {
    /// The channel's id.
    pub id: i64,
    /// Its name, unique ignoring case.
    pub name: String,
    /// `webhook`, `slack` or `email`.
    pub kind: String,
    /// Enough of the URL to recognise it (`hooks.slack.com/…9f2`): the host
    /// and the path's last characters.
    pub url_hint: Option<String>,
    /// Whether deliveries are signed (webhooks: always).
    pub signing_secret_set: bool,
    /// E-mail channels: the SMTP settings (never the password).
    #[serde(default)]
    pub email: Option<EmailSettings>,
    /// Set when the stored secrets cannot be read, e.g. "sealed with another
    /// SECRET_KEY: enter it again": the channel needs its URL again.
    pub secrets_error: Option<String>,
    /// The reports that send to it (a channel in use cannot be deleted).
    pub used_by: Vec<ChannelUser>,
    /// How many reports send to it.
    pub reports: i64,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// `{ "channel": … }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChannelEnvelope {
    /// The channel.
    pub channel: Channel,
}

/// A channel just made, or whose signing secret was just replaced: the
/// secret is in this answer only, never again.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedChannel {
    /// The channel.
    pub channel: Channel,
    /// Webhooks: `whsec_…`, the Standard Webhooks key receivers check
    /// `webhook-signature` with. Shown once.
    pub signing_secret: Option<String>,
}

impl std::fmt::Debug for CreatedChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedChannel")
            .field("channel", &self.channel)
            .field("signing_secret", &self.signing_secret.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

/// A page of channels, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChannelPage {
    /// The channels on this page.
    pub channels: Vec<Channel>,
    /// Total and cursor.
    pub meta: PageMeta,
}

/// A new channel, or every editable field of an existing one. On an edit an
/// absent `url` keeps the stored one.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChannelInput {
    /// 1–100 characters, unique ignoring case.
    #[serde(default)]
    pub name: String,
    /// `webhook`, `slack` or `email`.
    #[serde(default)]
    pub kind: String,
    /// Webhook and Slack: where to POST (`https://…`; `http://` only where
    /// private targets are allowed). Kept secret once saved.
    #[serde(default)]
    pub url: Option<String>,
    /// E-mail: the SMTP host.
    #[serde(default)]
    pub host: Option<String>,
    /// E-mail: the SMTP port (default: 587 for `starttls`, 465 for `tls`, 25 for `none`).
    #[serde(default)]
    pub port: Option<u16>,
    /// E-mail: `starttls`, `tls` or `none`.
    #[serde(default)]
    pub tls: Option<String>,
    /// E-mail: the SMTP user.
    #[serde(default)]
    pub username: Option<String>,
    /// E-mail: the SMTP password (kept secret once saved; on an edit an
    /// absent one keeps the stored one, an empty one removes it).
    #[serde(default)]
    pub password: Option<String>,
    /// E-mail: the sender address.
    #[serde(default)]
    pub from: Option<String>,
    /// E-mail: 1–50 recipients.
    #[serde(default)]
    pub recipients: Vec<String>,
}

impl std::fmt::Debug for ChannelInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL of a webhook or Slack channel is its credential.
        f.debug_struct("ChannelInput")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("url", &self.url.as_ref().map(|_| "<hidden>"))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("from", &self.from)
            .field("recipients", &self.recipients.len())
            .finish()
    }
}

/// Which channels to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ChannelQuery {
    /// Rows per page (1–100, default 50).
    #[serde(default)]
    pub per_page: Option<i64>,
    /// From the previous page's `meta.next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One try at sending a delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryAttempt {
    /// 1, 2, …
    pub attempt: i64,
    /// The replica that made it.
    pub instance: String,
    /// When it began.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub duration_ms: Option<i64>,
    /// `delivered`, `retry`, `failed`, `lost` (its worker stopped before it
    /// knew), or absent while in flight.
    pub outcome: Option<String>,
    /// The receiver's HTTP status.
    pub status_code: Option<i64>,
    /// What went wrong.
    pub error: Option<String>,
    /// The start of the receiver's answer (at most 500 characters).
    pub response_excerpt: Option<String>,
}

/// One message to one channel: a report run, a test, or (later) an alert,
/// sent once, retried with the same `webhook-id` until delivered or failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// The delivery's id.
    pub id: i64,
    /// What every attempt sends as `webhook-id`: receivers drop repeats by it.
    pub message_id: String,
    /// The channel.
    pub channel_id: i64,
    /// `report_run`, `test` or `alert`.
    pub subject_kind: String,
    /// The run (for `report_run`).
    pub subject_id: Option<i64>,
    /// `pending`, `sending`, `delivered` or `failed`.
    pub status: String,
    /// How many attempts were made.
    pub attempt_count: i64,
    /// When the next attempt is due (pending ones).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The latest HTTP status.
    pub last_status_code: Option<i64>,
    /// The latest error.
    pub last_error: Option<String>,
    /// The trace id of the run (or request) it belongs to.
    pub trace_id: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it arrived.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
}

/// `{ "delivery": … }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryEnvelope {
    /// The delivery.
    pub delivery: Delivery,
}

/// A page of a channel's deliveries, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryPage {
    /// The deliveries on this page, each with its attempts.
    pub deliveries: Vec<Delivery>,
    /// Total and cursor.
    pub meta: PageMeta,
}

/// Which deliveries to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct DeliveryQuery {
    /// Rows per page (1–100, default 50).
    #[serde(default)]
    pub per_page: Option<i64>,
    /// From the previous page's `meta.next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
}
