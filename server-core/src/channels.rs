//! Delivery channels (docs/design/reports.md §4): one [`Channel`] trait that
//! reports (#15) and alerts (#16) send through, its implementations
//! (webhook, Slack, e-mail) behind one enum, how an answer is
//! classified, when to retry, and the dispatcher that sends every queued
//! delivery exactly once per (channel, subject) with at-least-once attempts.

pub mod backoff;
pub mod dispatcher;
pub mod email;
pub mod http;
pub mod signing;
pub mod slack;
pub mod webhook;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::EmailSettings;
use crate::secrets::{OpenError, Secret, SecretBox};

/// The most attempts a delivery gets before it fails.
pub const MAX_ATTEMPTS: i64 = 6;

/// The longest `Retry-After` we wait for.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(6 * 3600);

/// How channels reach the network (`CHANNELS_*`, `PUBLIC_URL`).
#[derive(Clone, Debug)]
pub struct ChannelSettings {
    /// Whether loopback, private, link-local and other internal addresses
    /// (and plain `http://`) may be targets (`CHANNELS_ALLOW_PRIVATE`: true
    /// in development, false in production).
    pub allow_private: bool,
    /// The server's public address (`PUBLIC_URL`), which makes the output
    /// links in payloads absolute.
    pub public_url: Option<String>,
    /// CA certificates trusted for SMTP TLS besides Mozilla's roots
    /// (`SMTP_CA_FILE`): a private relay's.
    pub smtp_roots: email::SmtpRoots,
}

impl Default for ChannelSettings {
    fn default() -> Self {
        Self { allow_private: true, public_url: None, smtp_roots: email::SmtpRoots::default() }
    }
}

impl ChannelSettings {
    /// `path` (`/api/v1/…`) made absolute with [`Self::public_url`] when set.
    pub fn link(&self, path: &str) -> String {
        match &self.public_url {
            Some(base) => format!("{base}{path}"),
            None => path.to_owned(),
        }
    }
}

/// What `channels.config` holds: only what may be shown.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ChannelConfig {
    /// Webhook and Slack: enough of the URL to recognise it.
    #[serde(default)]
    pub url_hint: Option<String>,
    /// Webhooks: whether a signing secret is set.
    #[serde(default)]
    pub signing_secret_set: bool,
    /// E-mail: the SMTP settings but the password.
    #[serde(default)]
    pub email: Option<EmailSettings>,
}

impl ChannelConfig {
    /// Read from the column (a damaged one reads as empty: the channel then
    /// shows no settings and cannot send, rather than failing every list).
    pub fn parse(json: &str) -> Self {
        serde_json::from_str(json).unwrap_or_default()
    }
}

/// What a channel keeps secret, as sealed in `channels.secrets`. No
/// `Serialize`: it becomes JSON only inside [`ChannelSecrets::seal`].
#[derive(Clone, Default, Deserialize)]
pub struct ChannelSecrets {
    /// Webhook and Slack: the URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Webhooks: `whsec_…`.
    #[serde(default)]
    pub signing_secret: Option<String>,
    /// E-mail: the SMTP password.
    #[serde(default)]
    pub password: Option<String>,
}

impl std::fmt::Debug for ChannelSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

impl ChannelSecrets {
    /// Sealed for channel `id`.
    pub fn seal(&self, secrets: &SecretBox, id: i64) -> String {
        let mut json = serde_json::Map::new();
        for (key, value) in [("url", &self.url), ("signing_secret", &self.signing_secret), ("password", &self.password)]
        {
            if let Some(value) = value {
                json.insert(key.to_owned(), serde_json::Value::String(value.clone()));
            }
        }
        secrets.seal(&aad(id), serde_json::Value::Object(json).to_string().as_bytes())
    }

    /// Opened from channel `id`'s column.
    pub fn open(secrets: &SecretBox, id: i64, sealed: &str) -> Result<Secret<Self>, OpenError> {
        let plain = secrets.open(&aad(id), sealed)?;
        serde_json::from_slice(plain.expose()).map(Secret::new).map_err(|_| OpenError::Damaged)
    }
}

/// The AAD that binds a sealed value to its row.
fn aad(id: i64) -> String {
    format!("channel:{id}")
}

/// One message on its way: what every attempt of a delivery sends.
#[derive(Clone, Debug)]
pub struct Outgoing<'a> {
    /// `webhook-id` (and Message-ID): the same on every attempt.
    pub message_id: &'a str,
    /// The body, fixed at the first attempt.
    pub payload: &'a str,
    /// `X-Trace-Id`.
    pub trace_id: Option<&'a str>,
    /// E-mail: the files to attach (the run's outputs).
    pub attachments: &'a [email::Attachment],
}

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver took it (2xx).
    Delivered {
        /// Its status.
        code: u16,
        /// The start of its answer.
        excerpt: Option<String>,
    },
    /// Worth trying again later: 408, 429, 5xx, a timeout, no connection.
    Retry {
        /// The status, if one came.
        code: Option<u16>,
        /// What went wrong.
        error: String,
        /// The receiver's `Retry-After` (at most [`MAX_RETRY_AFTER`]).
        after: Option<Duration>,
        /// The start of its answer.
        excerpt: Option<String>,
    },
    /// Final: another 4xx, a redirect, a refused target, a bad channel.
    Failed {
        /// The status, if one came.
        code: Option<u16>,
        /// What went wrong.
        error: String,
        /// The start of its answer.
        excerpt: Option<String>,
    },
}

impl Outcome {
    /// `delivered`, `retry` or `failed`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Delivered { .. } => "delivered",
            Self::Retry { .. } => "retry",
            Self::Failed { .. } => "failed",
        }
    }

    /// The HTTP status, if one came.
    pub fn code(&self) -> Option<u16> {
        match self {
            Self::Delivered { code, .. } => Some(*code),
            Self::Retry { code, .. } | Self::Failed { code, .. } => *code,
        }
    }

    /// What went wrong.
    pub fn error(&self) -> Option<&str> {
        match self {
            Self::Delivered { .. } => None,
            Self::Retry { error, .. } | Self::Failed { error, .. } => Some(error),
        }
    }

    /// The start of the answer.
    pub fn excerpt(&self) -> Option<&str> {
        match self {
            Self::Delivered { excerpt, .. } | Self::Retry { excerpt, .. } | Self::Failed { excerpt, .. } => {
                excerpt.as_deref()
            }
        }
    }
}

/// Classifies an HTTP answer (design §4): 2xx delivered; 408, 429 and 5xx
/// retried (429's `Retry-After` honoured up to 6 h); any other status final,
/// redirects included (they are never followed).
pub fn classify(reply: &http::Reply) -> Outcome {
    let code = reply.status;
    let excerpt = Some(reply.excerpt.clone()).filter(|e| !e.is_empty());
    match code {
        200..=299 => Outcome::Delivered { code, excerpt },
        408 | 429 | 500..=599 => Outcome::Retry {
            code: Some(code),
            error: format!("the receiver answered {code}"),
            after: reply.retry_after.map(|after| after.min(MAX_RETRY_AFTER)),
            excerpt,
        },
        300..=399 => Outcome::Failed {
            code: Some(code),
            error: format!("the receiver answered {code} (a redirect; redirects are not followed)"),
            excerpt,
        },
        _ => Outcome::Failed { code: Some(code), error: format!("the receiver answered {code}"), excerpt },
    }
}

/// A way to send a message: one implementation per kind of channel.
pub trait Channel {
    /// Makes one attempt at sending `message`.
    fn send(&self, message: &Outgoing<'_>) -> impl std::future::Future<Output = Outcome> + Send;
}

/// Every kind of channel, for dispatch without boxing.
#[derive(Debug)]
pub enum AnyChannel {
    /// A signed webhook.
    Webhook(webhook::Webhook),
    /// A Slack incoming webhook.
    Slack(slack::Slack),
    /// An SMTP server.
    Email(email::Email),
}

impl AnyChannel {
    /// The channel of `kind` with its shown `config` and opened `secrets`,
    /// or why it cannot send.
    pub fn new(
        kind: &str,
        config: &ChannelConfig,
        secrets: &Secret<ChannelSecrets>,
        settings: &ChannelSettings,
    ) -> Result<Self, String> {
        let secrets = secrets.expose();
        let policy = http::Policy { allow_private: settings.allow_private };
        let url = || secrets.url.clone().ok_or("the channel has no URL: enter it again");
        match kind {
            "webhook" => {
                let key = secrets
                    .signing_secret
                    .as_deref()
                    .and_then(signing::decode_secret)
                    .ok_or("the channel has no signing secret: rotate it")?;
                Ok(Self::Webhook(webhook::Webhook { url: Secret::new(url()?), key: Secret::new(key), policy }))
            }
            "slack" => Ok(Self::Slack(slack::Slack { url: Secret::new(url()?), policy })),
            "email" => {
                let email = config.email.clone().ok_or("the channel has no SMTP settings: save it again")?;
                if email.tls == "none" && !settings.allow_private {
                    return Err(
                        "plain-text SMTP is allowed only where private targets are (CHANNELS_ALLOW_PRIVATE)".into()
                    );
                }
                Ok(Self::Email(email::Email {
                    settings: email,
                    password: secrets.password.clone().map(Secret::new),
                    policy,
                    extra_roots: settings.smtp_roots.clone(),
                }))
            }
            other => Err(format!("unknown channel kind {other}")),
        }
    }
}

impl Channel for AnyChannel {
    async fn send(&self, message: &Outgoing<'_>) -> Outcome {
        match self {
            Self::Webhook(channel) => channel.send(message).await,
            Self::Slack(channel) => channel.send(message).await,
            Self::Email(channel) => channel.send(message).await,
        }
    }
}

/// The outcome of an attempt that could not be made (`error` from the HTTP
/// client): a refused target or a bad URL is final, anything else is retried.
pub fn from_send_error(error: &http::SendError) -> Outcome {
    match error {
        http::SendError::Refused(reason) | http::SendError::Invalid(reason) => {
            Outcome::Failed { code: None, error: reason.clone(), excerpt: None }
        }
        other => Outcome::Retry { code: None, error: other.to_string(), after: None, excerpt: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, retry_after: Option<u64>) -> http::Reply {
        http::Reply { status, retry_after: retry_after.map(Duration::from_secs), excerpt: String::new() }
    }

    #[test]
    fn answers_are_classified_as_the_design_says() {
        for (status, expected) in [
            (200, "delivered"),
            (204, "delivered"),
            (408, "retry"),
            (429, "retry"),
            (500, "retry"),
            (503, "retry"),
            (301, "failed"),
            (302, "failed"),
            (400, "failed"),
            (401, "failed"),
            (404, "failed"),
            (410, "failed"),
        ] {
            assert_eq!(classify(&reply(status, None)).name(), expected, "{status}");
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_six_hours() {
        let Outcome::Retry { after, .. } = classify(&reply(429, Some(120))) else { panic!() };
        assert_eq!(after, Some(Duration::from_secs(120)));
        let Outcome::Retry { after, .. } = classify(&reply(429, Some(86_400))) else { panic!() };
        assert_eq!(after, Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn refused_targets_are_final_and_timeouts_are_retried() {
        assert_eq!(from_send_error(&http::SendError::Refused("private".into())).name(), "failed");
        assert_eq!(from_send_error(&http::SendError::Timeout).name(), "retry");
        assert_eq!(from_send_error(&http::SendError::Connect("refused".into())).name(), "retry");
    }

    #[test]
    fn links_are_absolute_with_a_public_url() {
        let settings = ChannelSettings { public_url: Some("https://admin.example.com".into()), ..Default::default() };
        assert_eq!(
            settings.link("/api/v1/runs/1/outputs/html"),
            "https://admin.example.com/api/v1/runs/1/outputs/html"
        );
        assert_eq!(ChannelSettings::default().link("/x"), "/x");
    }
}
