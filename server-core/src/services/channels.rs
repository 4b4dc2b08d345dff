//! Delivery channels (SPEC §5.10): list and read them (viewers and above),
//! create, edit, delete, rotate a webhook's signing secret and send a test
//! (editors and above). URLs, SMTP passwords and signing secrets are sealed
//! at rest (`crate::secrets`) and never returned, logged or audited: a
//! channel shows a `url_hint` (or its SMTP settings but the password), and a
//! webhook's signing secret is shown once, when it is made.

use std::collections::BTreeMap;

use serde_json::json;

use crate::auth::Caller;
use crate::channels::{dispatcher, http, signing, ChannelConfig, ChannelSecrets, ChannelSettings};
use crate::db::channels::{self, ChannelRow, NewChannel};
use crate::db::deliveries::{self, DeliveryRow};
use crate::db::select::KeyValue;
use crate::db::Ts;
use crate::error::{AppError, FieldError, Result};
use crate::model::{
    default_smtp_port, Channel, ChannelInput, ChannelPage, ChannelQuery, ChannelUser, CreatedChannel, Delivery,
    DeliveryAttempt, DeliveryPage, DeliveryQuery, EmailSettings, PageMeta, Role, CHANNEL_KINDS, MAX_CHANNEL_NAME,
    MAX_CHANNEL_URL, MAX_RECIPIENTS, SMTP_TLS_MODES,
};
use crate::secrets::SecretBox;
use crate::services::audit;
use crate::services::paging::{self, Problems};
use crate::state::AppState;

fn not_found() -> AppError {
    AppError::NotFound { what: "channel".into() }
}

fn name_taken() -> AppError {
    AppError::Validation {
        message: "the request has invalid fields".into(),
        fields: vec![FieldError { field: "name".into(), message: "is already used by another channel".into() }],
    }
}

/// Enough of `url` to recognise it without revealing it: the host (and a
/// port other than the scheme's) and the path's last three characters.
pub fn url_hint(url: &str) -> String {
    let Ok(uri) = url.trim().parse::<::http::Uri>() else { return "…".into() };
    let host =
        uri.authority().map(|a| a.as_str().rsplit('@').next().unwrap_or_default().to_owned()).unwrap_or_default();
    let path = uri.path().trim_end_matches('/');
    if path.is_empty() {
        return host;
    }
    let tail: String = path.chars().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{host}/…{tail}")
}

fn to_model(row: ChannelRow, used_by: Vec<ChannelUser>, sealed_box: &SecretBox) -> Channel {
    let config = ChannelConfig::parse(&row.config);
    let secrets_error = ChannelSecrets::open(sealed_box, row.id, &row.secrets).err().map(|e| e.to_string());
    Channel {
        id: row.id,
        name: row.name,
        kind: row.kind,
        url_hint: config.url_hint,
        signing_secret_set: config.signing_secret_set,
        email: config.email,
        secrets_error,
        reports: used_by.len() as i64,
        used_by,
        created_by: row.created_by,
        created_at: row.created_at.0,
        updated_at: row.updated_at.0,
    }
}

async fn with_users(state: &AppState, rows: Vec<ChannelRow>) -> Result<Vec<Channel>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut by_channel: BTreeMap<i64, Vec<ChannelUser>> = BTreeMap::new();
    for (channel, id, name) in channels::used_by(&state.db, &ids).await? {
        by_channel.entry(channel).or_default().push(ChannelUser { id, name });
    }
    let sealed_box = SecretBox::for_state(state);
    Ok(rows
        .into_iter()
        .map(|row| {
            let users = by_channel.remove(&row.id).unwrap_or_default();
            to_model(row, users, &sealed_box)
        })
        .collect())
}

async fn load(state: &AppState, id: i64) -> Result<Channel> {
    let row = channels::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    Ok(with_users(state, vec![row]).await?.remove(0))
}

/// A page of channels by name (viewers and above).
pub async fn list(state: &AppState, caller: &Caller, query: &ChannelQuery) -> Result<ChannelPage> {
    caller.require(Role::Viewer)?;
    let limit = paging::per_page(query.per_page)?;
    let order = paging::order_key("name", false);
    let mut errors = Problems::default();
    let after = errors.keep("cursor", paging::parse_cursor(&query.cursor, &order)).flatten();
    errors.finish()?;
    let (mut rows, total) =
        tokio::try_join!(channels::page(&state.db, after.as_ref(), limit + 1), channels::count(&state.db))?;
    let next_cursor = paging::next_cursor(&mut rows, limit, &order, |r| (Some(KeyValue::Text(r.name.clone())), r.id));
    Ok(ChannelPage { channels: with_users(state, rows).await?, meta: PageMeta { total, next_cursor } })
}

/// One channel (viewers and above).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<Channel> {
    caller.require(Role::Viewer)?;
    load(state, id).await
}

/// What an edit does to the stored SMTP password.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Password {
    /// None given: keep what is stored.
    Keep,
    /// An empty one: remove it.
    Remove,
    /// A new one.
    Set(String),
}

/// A channel's fields, checked.
struct Checked {
    name: String,
    kind: String,
    url: Option<String>,
    /// E-mail: the settings (`password_set` not yet known).
    email: Option<EmailSettings>,
    password: Password,
}

/// The longest SMTP host name, user name, password and address.
const MAX_HOST: usize = 253;
const MAX_SMTP_USER: usize = 200;
const MAX_SMTP_PASSWORD: usize = 500;
const MAX_ADDRESS: usize = 320;

fn trimmed(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// Whether `text` is one address or `Name <address>`.
fn is_mailbox(text: &str) -> bool {
    text.chars().count() <= MAX_ADDRESS && text.parse::<lettre::message::Mailbox>().is_ok()
}

/// Checks an e-mail channel's fields into `errors`; `stored_password` says
/// whether an edit keeps one.
fn validate_email(
    input: &ChannelInput,
    stored_password: bool,
    settings: &ChannelSettings,
    errors: &mut Problems,
) -> (Option<EmailSettings>, Password) {
    let host = input.host.as_deref().unwrap_or_default().trim().trim_start_matches('[').trim_end_matches(']');
    let host_ok = !host.is_empty()
        && host.len() <= MAX_HOST
        && (host.parse::<std::net::IpAddr>().is_ok()
            || host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            }));
    if !host_ok {
        errors.add("host", "must be a host name or an IP address");
    } else if let Err(error) = http::check_host(host, http::Policy { allow_private: settings.allow_private }) {
        errors.add("host", error.to_string());
    }
    let tls = trimmed(&input.tls).unwrap_or_else(|| "starttls".to_owned()).to_ascii_lowercase();
    if !SMTP_TLS_MODES.contains(&tls.as_str()) {
        errors.add("tls", format!("must be one of {}", SMTP_TLS_MODES.join(", ")));
    } else if tls == "none" && !settings.allow_private {
        errors.add("tls", "plain text (none) is allowed only where private targets are (CHANNELS_ALLOW_PRIVATE)");
    }
    let port = input.port.unwrap_or_else(|| default_smtp_port(&tls));
    if port == 0 {
        errors.add("port", "must be 1 to 65535");
    }
    let username = trimmed(&input.username);
    if username.as_ref().is_some_and(|u| u.chars().count() > MAX_SMTP_USER) {
        errors.add("username", format!("must be at most {MAX_SMTP_USER} characters"));
    }
    let password = match input.password.as_deref() {
        None => Password::Keep,
        Some("") => Password::Remove,
        Some(p) if p.chars().count() > MAX_SMTP_PASSWORD => {
            errors.add("password", format!("must be at most {MAX_SMTP_PASSWORD} characters"));
            Password::Keep
        }
        Some(p) => Password::Set(p.to_owned()),
    };
    let has_password = match &password {
        Password::Keep => stored_password,
        Password::Remove => false,
        Password::Set(_) => true,
    };
    if username.is_some() && !has_password {
        errors.add("password", "is required with a user name");
    }
    let from = input.from.as_deref().unwrap_or_default().trim().to_owned();
    if from.is_empty() {
        errors.add("from", "is required");
    } else if !is_mailbox(&from) {
        errors.add("from", "must be an e-mail address (or Name <address>)");
    }
    let mut recipients: Vec<String> = Vec::new();
    for recipient in input.recipients.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        if !is_mailbox(recipient) {
            errors.add("recipients", format!("{recipient:?} is not an e-mail address"));
        } else if !recipients.iter().any(|r| r.eq_ignore_ascii_case(recipient)) {
            recipients.push(recipient.to_owned());
        }
    }
    if input.recipients.iter().all(|r| r.trim().is_empty()) {
        errors.add("recipients", "at least one is required");
    } else if recipients.len() > MAX_RECIPIENTS {
        errors.add("recipients", format!("at most {MAX_RECIPIENTS} are allowed"));
    }
    let email =
        EmailSettings { host: host.to_owned(), port, tls, username, password_set: has_password, from, recipients };
    (Some(email), password)
}

/// Checks every field at once; `url` is required unless `keeps_url` (an
/// edit of a channel of the same kind, whose stored URL stays);
/// `stored_password` says whether an edit keeps an SMTP password.
fn validate(
    input: &ChannelInput,
    keeps_url: impl Fn(&str) -> bool,
    stored_password: bool,
    settings: &ChannelSettings,
) -> Result<Checked> {
    let mut errors = Problems::default();
    let name = input.name.trim().to_owned();
    let length = name.chars().count();
    if length == 0 || length > MAX_CHANNEL_NAME {
        errors.add("name", format!("must be 1 to {MAX_CHANNEL_NAME} characters"));
    }
    let kind = input.kind.trim().to_owned();
    if !CHANNEL_KINDS.contains(&kind.as_str()) {
        errors.add("kind", format!("must be one of {}", CHANNEL_KINDS.join(", ")));
    }
    let url = trimmed(&input.url);
    if kind == "webhook" || kind == "slack" {
        match &url {
            None if !keeps_url(&kind) => errors.add("url", "is required"),
            None => {}
            Some(url) if url.chars().count() > MAX_CHANNEL_URL => {
                errors.add("url", format!("must be at most {MAX_CHANNEL_URL} characters"));
            }
            Some(url) => {
                if let Err(error) = http::parse(url, http::Policy { allow_private: settings.allow_private }) {
                    errors.add("url", error.to_string());
                }
            }
        }
    }
    let (email, password) = if kind == "email" {
        validate_email(input, stored_password, settings, &mut errors)
    } else {
        (None, Password::Keep)
    };
    errors.finish()?;
    let url = if kind == "email" { None } else { url };
    Ok(Checked { name, kind, url, email, password })
}

/// Creates a channel (editors and above). A webhook gets a new signing
/// secret, returned here once.
pub async fn create(state: &AppState, caller: &Caller, input: &ChannelInput) -> Result<CreatedChannel> {
    caller.require(Role::Editor)?;
    let settings = &*state.channels;
    let checked = validate(input, |_| false, false, settings)?;
    if channels::id_by_name(&state.db, &checked.name).await?.is_some() {
        return Err(name_taken());
    }
    let signing_secret = (checked.kind == "webhook").then(signing::new_secret);
    let url_hint = checked.url.as_deref().map(url_hint);
    let config = ChannelConfig {
        url_hint: url_hint.clone(),
        signing_secret_set: signing_secret.is_some(),
        email: checked.email.clone(),
    };
    let config = serde_json::to_string(&config).map_err(|_| AppError::Internal)?;
    let password = match &checked.password {
        Password::Set(p) => Some(p.clone()),
        _ => None,
    };
    let secrets = ChannelSecrets { url: checked.url.clone(), signing_secret: signing_secret.clone(), password };
    let sealed_box = SecretBox::for_state(state);
    let actor = caller.actor();
    // Never the URL, the password or the secret: only what the list shows.
    let smtp = checked.email.as_ref().map(|e| format!("{}:{}", e.host, e.port));
    let details = json!({ "name": checked.name, "kind": checked.kind, "url_hint": url_hint, "smtp": smtp });
    let entry = audit::entry(caller, &actor, "channel.create", None, true, Some(details));
    let fields = NewChannel { name: &checked.name, kind: &checked.kind, config: &config };
    let now = Ts::from(state.clock.now());
    let id = channels::insert(&state.db, &fields, |id| secrets.seal(&sealed_box, id), &actor, now, &entry)
        .await
        .map_err(|err| match err {
            AppError::Conflict { .. } => name_taken(),
            other => other,
        })?;
    crate::observability::events::created("channel", id);
    Ok(CreatedChannel { channel: load(state, id).await?, signing_secret })
}

/// Replaces a channel's fields (editors and above). An absent `url` keeps
/// the stored one (same kind only); the signing secret stays (see
/// [`rotate_secret`]), and a channel turned into a webhook gets one, shown once.
pub async fn update(state: &AppState, caller: &Caller, id: i64, input: &ChannelInput) -> Result<CreatedChannel> {
    caller.require(Role::Editor)?;
    let current = channels::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    let settings = &*state.channels;
    let old_config = ChannelConfig::parse(&current.config);
    let stored_password = current.kind == "email" && old_config.email.as_ref().is_some_and(|email| email.password_set);
    let checked = validate(input, |kind| kind == current.kind, stored_password, settings)?;
    if channels::id_by_name(&state.db, &checked.name).await?.is_some_and(|other| other != id) {
        return Err(name_taken());
    }
    let sealed_box = SecretBox::for_state(state);
    let kind_changed = checked.kind != current.kind;
    let password_changed = checked.password != Password::Keep;
    let mut signing_secret = None;
    // Secrets change only when something secret is given (or the kind changes).
    let secrets = if checked.url.is_some() || kind_changed || password_changed {
        let mut secrets = match ChannelSecrets::open(&sealed_box, id, &current.secrets) {
            Ok(open) if !kind_changed => open.expose().clone(),
            _ => ChannelSecrets::default(),
        };
        if checked.url.is_some() {
            secrets.url.clone_from(&checked.url);
        }
        match &checked.password {
            Password::Keep => {}
            Password::Remove => secrets.password = None,
            Password::Set(p) => secrets.password = Some(p.clone()),
        }
        if checked.kind == "webhook" && secrets.signing_secret.is_none() {
            let secret = signing::new_secret();
            secrets.signing_secret = Some(secret.clone());
            signing_secret = Some(secret);
        }
        if checked.kind != "webhook" {
            secrets.signing_secret = None;
        }
        if checked.kind == "email" {
            secrets.url = None;
        } else {
            secrets.password = None;
        }
        Some(secrets.seal(&sealed_box, id))
    } else {
        None
    };
    let url_hint = match checked.kind.as_str() {
        "email" => None,
        _ => checked.url.as_deref().map(url_hint).or(old_config.url_hint.clone().filter(|_| !kind_changed)),
    };
    let config = ChannelConfig {
        url_hint: url_hint.clone(),
        signing_secret_set: checked.kind == "webhook",
        email: checked.email.clone(),
    };
    let config = serde_json::to_string(&config).map_err(|_| AppError::Internal)?;
    let mut changed = Vec::new();
    if checked.name != current.name {
        changed.push("name");
    }
    if kind_changed {
        changed.push("kind");
    }
    if checked.url.is_some() {
        changed.push("url");
    }
    if checked.email != old_config.email {
        changed.push("smtp");
    }
    if password_changed {
        changed.push("password");
    }
    let actor = caller.actor();
    let target = format!("channel:{id}");
    let details = json!({ "changed": changed, "url_hint": url_hint });
    let entry = audit::entry(caller, &actor, "channel.update", Some(&target), true, Some(details));
    let fields = NewChannel { name: &checked.name, kind: &checked.kind, config: &config };
    let now = Ts::from(state.clock.now());
    let updated =
        channels::update(&state.db, id, &fields, secrets.as_deref(), now, &entry).await.map_err(|err| match err {
            AppError::Conflict { .. } => name_taken(),
            other => other,
        })?;
    if !updated {
        return Err(not_found());
    }
    crate::observability::events::updated("channel", id, &changed);
    Ok(CreatedChannel { channel: load(state, id).await?, signing_secret })
}

/// Deletes a channel and its delivery log (editors and above); a channel a
/// report or an alert rule sends to is a 409 naming them.
pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<()> {
    caller.require(Role::Editor)?;
    let current = channels::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    let actor = caller.actor();
    let target = format!("channel:{id}");
    let details = json!({ "name": current.name, "kind": current.kind });
    let entry = audit::entry(caller, &actor, "channel.delete", Some(&target), true, Some(details));
    match channels::delete(&state.db, id, Ts::from(state.clock.now()), &entry).await? {
        Err(users) => Err(AppError::Conflict {
            message: format!(
                "the channel is used by {}; remove it from {} first",
                users.join(", "),
                if users.len() == 1 { "it" } else { "them" }
            ),
        }),
        Ok(false) => Err(not_found()),
        Ok(true) => {
            crate::observability::events::deleted("channel", id);
            Ok(())
        }
    }
}

/// Replaces a webhook's signing secret (editors and above); the new one is
/// returned here once, and the old one stops signing at once.
pub async fn rotate_secret(state: &AppState, caller: &Caller, id: i64) -> Result<CreatedChannel> {
    caller.require(Role::Editor)?;
    let current = channels::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    if current.kind != "webhook" {
        return Err(AppError::BusinessRule { message: "only webhook channels have a signing secret".into() });
    }
    let sealed_box = SecretBox::for_state(state);
    let mut secrets = ChannelSecrets::open(&sealed_box, id, &current.secrets)
        .map_err(|e| AppError::BusinessRule { message: format!("{e}: save the channel with its URL first") })?
        .expose()
        .clone();
    let secret = signing::new_secret();
    secrets.signing_secret = Some(secret.clone());
    let sealed = secrets.seal(&sealed_box, id);
    let actor = caller.actor();
    let target = format!("channel:{id}");
    let entry = audit::entry(caller, &actor, "channel.rotate_secret", Some(&target), true, None);
    let fields = NewChannel { name: &current.name, kind: &current.kind, config: &current.config };
    if !channels::update(&state.db, id, &fields, Some(&sealed), Ts::from(state.clock.now()), &entry).await? {
        return Err(not_found());
    }
    crate::observability::events::updated("channel", id, &["signing_secret"]);
    Ok(CreatedChannel { channel: load(state, id).await?, signing_secret: Some(secret) })
}

/// Sends a test message now (editors and above): one attempt, at most 20 s,
/// never retried; returns the test delivery with its attempt.
pub async fn send_test(state: &AppState, caller: &Caller, id: i64) -> Result<Delivery> {
    caller.require(Role::Editor)?;
    let channel = channels::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    let settings = &*state.channels;
    let actor = caller.actor();
    let target = format!("channel:{id}");
    let entry = audit::entry(caller, &actor, "channel.test", Some(&target), true, None);
    let trace_id = caller.trace_id.clone().unwrap_or_else(crate::trace::generate);
    let now = state.clock.now();
    let delivery = dispatcher::send_test(state, settings, &channel, &trace_id, now, &entry).await?;
    let row = deliveries::by_id(&state.db, delivery).await?.ok_or(AppError::Internal)?;
    Ok(with_attempts(state, vec![row]).await?.remove(0))
}

/// A channel's deliveries, newest first, each with its attempts (viewers and above).
pub async fn deliveries(state: &AppState, caller: &Caller, id: i64, query: &DeliveryQuery) -> Result<DeliveryPage> {
    caller.require(Role::Viewer)?;
    let limit = paging::per_page(query.per_page)?;
    let order = paging::order_key("id", true);
    let mut errors = Problems::default();
    let after = errors.keep("cursor", paging::parse_cursor(&query.cursor, &order)).flatten();
    errors.finish()?;
    channels::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    let (mut rows, total) =
        tokio::try_join!(deliveries::page(&state.db, id, after.as_ref(), limit + 1), deliveries::count(&state.db, id))?;
    let next_cursor = paging::next_cursor(&mut rows, limit, &order, |r| (Some(KeyValue::Int(r.id)), r.id));
    Ok(DeliveryPage { deliveries: with_attempts(state, rows).await?, meta: PageMeta { total, next_cursor } })
}

async fn with_attempts(state: &AppState, rows: Vec<DeliveryRow>) -> Result<Vec<Delivery>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut by_delivery: BTreeMap<i64, Vec<DeliveryAttempt>> = BTreeMap::new();
    for a in deliveries::attempts(&state.db, &ids).await? {
        by_delivery.entry(a.delivery_id).or_default().push(DeliveryAttempt {
            attempt: a.attempt,
            instance: a.instance,
            started_at: a.started_at.0,
            duration_ms: a.duration_ms,
            outcome: a.outcome,
            status_code: a.status_code,
            error: a.error,
            response_excerpt: a.response_excerpt,
        });
    }
    Ok(rows
        .into_iter()
        .map(|r| Delivery {
            attempts: by_delivery.remove(&r.id).unwrap_or_default(),
            id: r.id,
            message_id: r.message_id,
            channel_id: r.channel_id,
            subject_kind: r.subject_kind,
            subject_id: r.subject_id,
            status: r.status,
            attempt_count: r.attempts,
            next_attempt_at: r.next_attempt_at.map(|t| t.0),
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            trace_id: r.trace_id,
            created_at: r.created_at.0,
            delivered_at: r.delivered_at.map(|t| t.0),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_show_the_host_and_the_last_characters_only() {
        assert_eq!(url_hint("https://hooks.slack.com/services/T000/B000/XXXXXXXX9f2"), "hooks.slack.com/…9f2");
        assert_eq!(url_hint("https://example.com:8443/hook?token=abc"), "example.com:8443/…ook");
        assert_eq!(url_hint("https://example.com"), "example.com");
    }
}
