//! E-mail channels: one SMTP conversation per attempt (lettre, rustls),
//! STARTTLS, implicit TLS or plain text (only where private targets are
//! allowed), with the report's HTML as the body and its other files
//! attached. The host is resolved here and vetted like a webhook's (the SSRF
//! guard), and lettre connects to the vetted address while TLS still checks
//! the certificate against the host name. The `Message-ID` is the delivery's
//! id on every attempt, so a mail system can drop repeats.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::http::{self, Policy};
use super::{Channel, ChannelSettings, Outcome, Outgoing};
use crate::db::report_runs::{OutputRow, RunRow};
use crate::model::EmailSettings;
use crate::secrets::Secret;

/// CA certificates trusted for SMTP TLS besides Mozilla's roots
/// (`SMTP_CA_FILE`): read and parsed once, when the server starts, so a bad
/// file stops the start rather than every delivery.
#[derive(Clone, Default)]
pub struct SmtpRoots(std::sync::Arc<[Certificate]>);

impl SmtpRoots {
    /// The certificates of a PEM file (one or more `CERTIFICATE` blocks),
    /// each checked as a trust anchor (rustls reads it as TLS will).
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        use rustls::pki_types::pem::PemObject as _;
        use rustls::pki_types::CertificateDer;
        let mut check = rustls::RootCertStore::empty();
        let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
            .map(|der| {
                let der = der.map_err(|e| format!("not a PEM certificate: {e}"))?;
                check.add(der.clone()).map_err(|e| format!("not a CA certificate: {e}"))?;
                Certificate::from_der(der.to_vec()).map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, String>>()?;
        if certs.is_empty() {
            return Err("no CERTIFICATE block".into());
        }
        Ok(Self(certs.into()))
    }

    /// How many certificates there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for SmtpRoots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SmtpRoots({} certificates)", self.0.len())
    }
}

/// How long one SMTP command may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);

/// How long a whole attempt (connect, TLS, auth, the message) may take.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(45);

/// The most bytes of files attached to one message: mail systems commonly
/// refuse more than 25 MB once encoded (base64 adds a third). Files over it
/// are linked instead.
pub const MAX_ATTACHED_BYTES: usize = 15 * 1024 * 1024;

/// A file to attach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The file's name.
    pub filename: String,
    /// Its media type.
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What an e-mail delivery stores as its payload: the parts fixed at its
/// first attempt. The files are the run's stored outputs, read at each
/// attempt (they never change).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    /// The subject.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part when the run has no HTML output (tests, runs without HTML).
    #[serde(default)]
    pub html: Option<String>,
}

/// An SMTP server and who to write to.
#[derive(Debug)]
pub struct Email {
    /// The shown settings.
    pub settings: EmailSettings,
    /// The SMTP password, if one is stored.
    pub password: Option<Secret<String>>,
    /// Which hosts it may reach.
    pub policy: Policy,
    /// Extra trusted CA certificates (`SMTP_CA_FILE`).
    pub extra_roots: SmtpRoots,
}

/// Why a channel's settings cannot send.
fn invalid(message: impl Into<String>) -> Outcome {
    Outcome::Failed { code: None, error: message.into(), excerpt: None }
}

impl Email {
    /// The message for `outgoing`, or why it cannot be made (final).
    pub fn message(&self, outgoing: &Outgoing<'_>) -> Result<lettre::Message, String> {
        let letter: Letter =
            serde_json::from_str(outgoing.payload).map_err(|_| "the stored message is damaged".to_owned())?;
        let from: Mailbox =
            self.settings.from.parse().map_err(|_| format!("the sender {:?} is not an address", self.settings.from))?;
        let mut builder = lettre::Message::builder()
            .from(from)
            .subject(letter.subject)
            .message_id(Some(format!("<{}@dreamseed-admin>", outgoing.message_id)))
            .user_agent(super::webhook::user_agent());
        for recipient in &self.settings.recipients {
            let to: Mailbox =
                recipient.parse().map_err(|_| format!("the recipient {recipient:?} is not an address"))?;
            builder = builder.to(to);
        }
        if let Some(trace_id) = outgoing.trace_id {
            builder =
                builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("X-Trace-Id"), trace_id.into()));
        }
        let html = outgoing
            .attachments
            .iter()
            .find(|a| a.content_type.starts_with("text/html"))
            .map(|a| String::from_utf8_lossy(&a.bytes).into_owned())
            .or(letter.html);
        let body = match html {
            Some(html) => MultiPart::alternative_plain_html(letter.text, html),
            None => MultiPart::mixed().singlepart(SinglePart::plain(letter.text)),
        };
        let files: Vec<&Attachment> =
            outgoing.attachments.iter().filter(|a| !a.content_type.starts_with("text/html")).collect();
        let message = if files.is_empty() {
            builder.multipart(body)
        } else {
            let mut mixed = MultiPart::mixed().multipart(body);
            for file in files {
                let content_type = ContentType::parse(&file.content_type)
                    .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("a valid media type"));
                mixed =
                    mixed.singlepart(MimeAttachment::new(file.filename.clone()).body(file.bytes.clone(), content_type));
            }
            builder.multipart(mixed)
        };
        message.map_err(|e| format!("the message cannot be built: {e}"))
    }

    /// The TLS settings for `host`: Mozilla's roots plus `SMTP_CA_FILE`'s.
    fn tls_parameters(&self) -> Result<TlsParameters, String> {
        let mut builder = TlsParameters::builder(self.settings.host.clone());
        for cert in self.extra_roots.0.iter() {
            builder = builder.add_root_certificate(cert.clone());
        }
        builder.build_rustls().map_err(|e| format!("TLS: {e}"))
    }

    async fn exchange(&self, message: lettre::Message) -> Outcome {
        let addrs = match http::resolve(&self.settings.host, self.settings.port, self.policy).await {
            Ok(addrs) => addrs,
            Err(error) => return super::from_send_error(&error),
        };
        let tls = match self.settings.tls.as_str() {
            "none" => Tls::None,
            mode => match self.tls_parameters() {
                Ok(params) if mode == "tls" => Tls::Wrapper(params),
                Ok(params) => Tls::Required(params),
                Err(error) => return invalid(error),
            },
        };
        let mut last = Outcome::Retry { code: None, error: "no address".into(), after: None, excerpt: None };
        for addr in addrs {
            // The vetted address, never the name again (DNS rebinding); TLS
            // still checks the certificate against the name.
            let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(addr.ip().to_string())
                .port(addr.port())
                .tls(tls.clone())
                .timeout(Some(COMMAND_TIMEOUT));
            if let Some(user) = &self.settings.username {
                let password = self.password.as_ref().map(|p| p.expose().clone()).unwrap_or_default();
                builder = builder.credentials(Credentials::new(user.clone(), password));
            }
            let transport = builder.build();
            match transport.send(message.clone()).await {
                Ok(response) => {
                    let code = u16::from(response.code());
                    return Outcome::Delivered { code, excerpt: response.first_line().map(str::to_owned) };
                }
                Err(error) => {
                    last = classify(&error);
                    // Another address only helps when this one could not be reached.
                    if error.status().is_some() {
                        return last;
                    }
                }
            }
        }
        last
    }
}

/// An SMTP failure as an outcome: 5xx answers are final, 4xx and lost
/// connections are retried.
fn classify(error: &lettre::transport::smtp::Error) -> Outcome {
    let code = error.status().map(u16::from);
    let text = error.to_string();
    if error.is_permanent() {
        Outcome::Failed { code, error: format!("the mail server refused: {text}"), excerpt: None }
    } else if error.is_transient() {
        Outcome::Retry { code, error: format!("the mail server deferred: {text}"), after: None, excerpt: None }
    } else if error.is_client() {
        Outcome::Failed { code, error: text, excerpt: None }
    } else {
        Outcome::Retry { code, error: format!("cannot talk to the mail server: {text}"), after: None, excerpt: None }
    }
}

impl Channel for Email {
    async fn send(&self, message: &Outgoing<'_>) -> Outcome {
        let built = match self.message(message) {
            Ok(built) => built,
            Err(error) => return invalid(error),
        };
        match tokio::time::timeout(TOTAL_TIMEOUT, self.exchange(built)).await {
            Ok(outcome) => outcome,
            Err(_) => Outcome::Retry {
                code: None,
                error: format!("no answer within {} s", TOTAL_TIMEOUT.as_secs()),
                after: None,
                excerpt: None,
            },
        }
    }
}

fn when(ts: Option<crate::db::Ts>) -> String {
    ts.map_or_else(|| "—".to_owned(), |t| t.0.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// The letter for run `run`: its subject and a plain-text summary with links
/// to every output (the HTML output, if any, becomes the body when sent).
pub fn report_completed(run: &RunRow, outputs: &[OutputRow], settings: &ChannelSettings) -> Value {
    let slot = when(run.slot_at.or(Some(run.created_at)));
    let mut text =
        format!("{}\n\nRun #{} ({}) finished {}.\n", run.report_name, run.id, run.trigger, when(run.finished_at));
    if let Some(note) = &run.note {
        text.push_str(&format!("{note}\n"));
    }
    text.push('\n');
    let summary = crate::reports::data::RunSummary::parse(run.summary.as_deref());
    for figure in &summary.figures {
        text.push_str(&format!(
            "{}: {} ({})\n",
            figure.label,
            crate::reports::text::count(figure.value),
            figure.change
        ));
    }
    if !summary.figures.is_empty() {
        text.push('\n');
    }
    for (_, format, ..) in outputs {
        let url = settings.link(&format!("/api/v1/runs/{}/outputs/{format}", run.id));
        text.push_str(&format!("{}: {url}\n", format.to_uppercase()));
    }
    text.push_str(&format!("\ntrace {}\n", run.trace_id));
    json!(Letter { subject: format!("{} — {slot}", run.report_name), text, html: None })
}

/// The letter "send a test" sends.
pub fn report_test(channel_name: &str, trace_id: &str) -> Value {
    let text = format!("DreamSeed Admin: a test message for the channel {channel_name}.\n\ntrace {trace_id}\n");
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\"><h1 style=\"font-size:18px\">DreamSeed Admin \
         test</h1><p>A test message for the channel <strong>{}</strong>.</p><p style=\"color:#666\">trace {}</p>\
         </body></html>",
        escape_html(channel_name),
        escape_html(trace_id)
    );
    json!(Letter { subject: format!("DreamSeed Admin test: {channel_name}"), text, html: Some(html) })
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The outputs to attach, within [`MAX_ATTACHED_BYTES`] (the HTML first,
/// as it becomes the body), and the formats left out for size.
pub fn within_limit(files: Vec<Attachment>) -> (Vec<Attachment>, Vec<String>) {
    let mut total = 0usize;
    let mut kept = Vec::new();
    let mut left = Vec::new();
    let (html, other): (Vec<Attachment>, Vec<Attachment>) =
        files.into_iter().partition(|f| f.content_type.starts_with("text/html"));
    for file in html.into_iter().chain(other) {
        if total + file.bytes.len() <= MAX_ATTACHED_BYTES {
            total += file.bytes.len();
            kept.push(file);
        } else {
            left.push(file.filename);
        }
    }
    (kept, left)
}

/// The letter of an alert notice.
pub fn alert(notice: &crate::alerts::notice::Notice) -> Value {
    let text = format!(
        "{}\n\n{}\n\nValue: {}\nCondition: {}\nSeverity: {}\nSince: {}\n\n{}\n",
        notice.headline(),
        notice.message,
        notice.value,
        notice.condition,
        notice.severity,
        notice.since.format("%Y-%m-%d %H:%M UTC"),
        notice.url
    );
    json!(Letter { subject: notice.headline(), text, html: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel() -> Email {
        Email {
            settings: EmailSettings {
                host: "smtp.example.com".into(),
                port: 587,
                tls: "starttls".into(),
                username: Some("reports".into()),
                password_set: true,
                from: "DreamSeed <reports@example.com>".into(),
                recipients: vec!["a@example.com".into(), "b@example.com".into()],
            },
            password: Some(Secret::new("hunter2".into())),
            policy: Policy { allow_private: false },
            extra_roots: SmtpRoots::default(),
        }
    }

    #[test]
    fn a_run_mail_has_the_html_body_the_files_and_a_stable_message_id() {
        let letter = json!(Letter { subject: "주간 요약 — 2026-12-07".into(), text: "hello".into(), html: None });
        let payload = letter.to_string();
        let attachments = vec![
            Attachment {
                filename: "r.html".into(),
                content_type: "text/html; charset=utf-8".into(),
                bytes: b"<p>hi</p>".to_vec(),
            },
            Attachment {
                filename: "주간 요약.csv".into(),
                content_type: "text/csv; charset=utf-8".into(),
                bytes: b"a,b\n".to_vec(),
            },
        ];
        let outgoing =
            Outgoing { message_id: "msg1", payload: &payload, trace_id: Some("t-9"), attachments: &attachments };
        let raw = String::from_utf8(channel().message(&outgoing).unwrap().formatted()).unwrap();
        assert!(raw.contains("Message-ID: <msg1@dreamseed-admin>"), "{raw}");
        assert!(raw.contains("X-Trace-Id: t-9"));
        assert!(raw.contains("multipart/alternative") && raw.contains("multipart/mixed"));
        assert!(raw.contains("text/csv"));
        assert!(!raw.contains("hunter2"));
        assert!(!format!("{:?}", channel()).contains("hunter2"), "the password is a secret");
    }

    #[test]
    fn bad_addresses_are_final() {
        let mut bad = channel();
        bad.settings.recipients = vec!["not an address".into()];
        let payload = json!(Letter::default()).to_string();
        let outgoing = Outgoing { message_id: "m", payload: &payload, trace_id: None, attachments: &[] };
        assert!(bad.message(&outgoing).unwrap_err().contains("not an address"));
    }

    #[test]
    fn files_over_the_limit_are_linked_not_attached() {
        let big = |name: &str, ct: &str, n: usize| Attachment {
            filename: name.into(),
            content_type: ct.into(),
            bytes: vec![b'x'; n],
        };
        let (kept, left) = within_limit(vec![
            big("r.csv", "text/csv", MAX_ATTACHED_BYTES - 10),
            big("r.html", "text/html", 100),
            big("r.md", "text/markdown", 5),
        ]);
        assert_eq!(kept.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), ["r.html", "r.md"]);
        assert_eq!(left, ["r.csv"]);
    }

    #[test]
    fn a_ca_file_is_read_once_and_refused_when_it_holds_no_certificate() {
        assert!(SmtpRoots::from_pem("").unwrap_err().contains("no CERTIFICATE"));
        let garbage = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(SmtpRoots::from_pem(garbage).unwrap_err().contains("not a CA certificate"), "three zero bytes");
    }
}
