//! The channel editor (editors): name and kind, then what the kind needs — a
//! webhook's or Slack's URL, or an e-mail channel's SMTP server, port,
//! security, user, password, sender and recipients. Secrets are never shown:
//! on an edit an empty URL or password keeps the stored one, and the field
//! says so. The server checks every field; each message is shown beside its
//! field, all at once. What the server answers (with a webhook's new signing
//! secret, once) goes to `on_saved`.

use leptos::prelude::*;

use crate::api::channels::{CreateChannel, UpdateChannel};
use crate::components::channels_table::refusal;
use crate::components::field_errors::message_of;
use crate::components::form_field::FormField;
use crate::components::form_save::FormSave;
use crate::components::section_options::textarea_text;
use crate::error::AppError;
use crate::i18n::{keep_url_hint, recipients_hint, t, tls_label, value_name, Msg};
use crate::model::{
    default_smtp_port, Channel, ChannelInput, CreatedChannel, CHANNEL_KINDS, MAX_CHANNEL_NAME, MAX_CHANNEL_URL,
    MAX_RECIPIENTS, SMTP_TLS_MODES,
};
use crate::use_lang;

/// The fields whose messages are shown beside them (and `recipients[i]`).
const INLINE: [&str; 10] = ["name", "kind", "url", "host", "port", "tls", "username", "password", "from", "recipients"];

/// Whether the server's message about `field` is shown beside a field.
fn shown_inline(field: &str) -> bool {
    INLINE.contains(&field) || field.starts_with("recipients[")
}

/// A channel as the form holds it: every field as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelDraft {
    /// The name.
    pub name: String,
    /// `webhook`, `slack` or `email`.
    pub kind: String,
    /// Webhook and Slack: a new URL (empty: keep the stored one).
    pub url: String,
    /// E-mail: the SMTP host.
    pub host: String,
    /// E-mail: the port as typed (empty: the security mode's default).
    pub port: String,
    /// E-mail: `starttls`, `tls` or `none`.
    pub tls: String,
    /// E-mail: the SMTP user.
    pub username: String,
    /// E-mail: a new password (empty: keep the stored one).
    pub password: String,
    /// E-mail: remove the stored password.
    pub remove_password: bool,
    /// E-mail: the sender.
    pub from: String,
    /// E-mail: the recipients, one per line or comma separated.
    pub recipients: String,
}

impl ChannelDraft {
    /// The form's starting values: the channel's (never its secrets), or a
    /// new webhook's.
    pub fn of(channel: Option<&Channel>) -> Self {
        let email = channel.and_then(|c| c.email.clone()).unwrap_or_default();
        Self {
            name: channel.map(|c| c.name.clone()).unwrap_or_default(),
            kind: channel.map_or_else(|| "webhook".to_owned(), |c| c.kind.clone()),
            url: String::new(),
            host: email.host,
            port: if email.port == 0 { String::new() } else { email.port.to_string() },
            tls: if email.tls.is_empty() { "starttls".to_owned() } else { email.tls },
            username: email.username.unwrap_or_default(),
            password: String::new(),
            remove_password: false,
            from: email.from,
            recipients: email.recipients.join("\n"),
        }
    }

    /// Whether the port is empty or a port number.
    pub fn port_ok(&self) -> bool {
        let port = self.port.trim();
        port.is_empty() || port.parse::<u16>().is_ok_and(|p| p > 0)
    }

    /// What is sent: the fields of the chosen kind only; an empty URL or
    /// password as absent (kept, on an edit), a removed password as empty.
    pub fn to_input(&self) -> ChannelInput {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut input =
            ChannelInput { name: self.name.trim().to_owned(), kind: self.kind.clone(), ..ChannelInput::default() };
        if self.kind == "email" {
            input.host = text(&self.host);
            input.port = self.port.trim().parse().ok().filter(|p| *p > 0);
            input.tls = text(&self.tls);
            input.username = text(&self.username);
            // Spaces can be part of a password: sent as typed.
            input.password = if self.remove_password {
                Some(String::new())
            } else {
                Some(self.password.clone()).filter(|p| !p.is_empty())
            };
            input.from = text(&self.from);
            input.recipients = recipient_list(&self.recipients);
        } else {
            input.url = text(&self.url);
        }
        input
    }
}

/// The recipients typed one per line or separated by commas, trimmed, blanks dropped.
pub fn recipient_list(text: &str) -> Vec<String> {
    text.split(['\n', ',']).map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned).collect()
}

/// The server's messages about the recipients: about the list, and about
/// each one (`recipients[2]`), named by what was sent.
fn recipients_message(error: &AppError, sent: &[String]) -> Option<String> {
    let AppError::Validation { fields, .. } = error.kind() else { return None };
    let messages: Vec<String> = fields
        .iter()
        .filter_map(|f| {
            if f.field == "recipients" {
                return Some(f.message.clone());
            }
            let index: usize = f.field.strip_prefix("recipients[")?.strip_suffix(']')?.parse().ok()?;
            Some(sent.get(index).map_or_else(|| f.message.clone(), |r| format!("{r}: {}", f.message)))
        })
        .collect();
    (!messages.is_empty()).then(|| messages.join(" "))
}

/// The form for `channel`, or for a new one.
#[component]
pub fn ChannelForm(
    /// The channel to edit; none for a new one.
    channel: Option<Channel>,
    /// Runs with the server's answer after each save (a webhook's new
    /// signing secret is in it, once).
    #[prop(into)]
    on_saved: Callback<CreatedChannel>,
) -> impl IntoView {
    let lang = use_lang();
    let id = channel.as_ref().map(|c| c.id);
    let start = ChannelDraft::of(channel.as_ref());
    // The channel as last saved: what an empty URL or password keeps.
    let stored = RwSignal::new(channel);
    let name = RwSignal::new(start.name.clone());
    let kind = RwSignal::new(start.kind.clone());
    let url = RwSignal::new(String::new());
    let host = RwSignal::new(start.host.clone());
    let port = RwSignal::new(start.port.clone());
    let tls = RwSignal::new(start.tls.clone());
    let username = RwSignal::new(start.username.clone());
    let password = RwSignal::new(String::new());
    let remove_password = RwSignal::new(false);
    let from = RwSignal::new(start.from.clone());
    let recipients = RwSignal::new(start.recipients.clone());
    let bad_port = RwSignal::new(false);
    let sent_recipients = StoredValue::new(Vec::<String>::new());
    let create = ServerAction::<CreateChannel>::new();
    let update = ServerAction::<UpdateChannel>::new();
    let hydrated = crate::session::use_hydrated();
    let FormSave { result, pending, error } = FormSave::new(id.is_some(), create, update);
    Effect::new(move |_| {
        if let Some(Ok(saved)) = result.get() {
            // Secrets typed are sent once, then leave the page.
            url.set(String::new());
            password.set(String::new());
            remove_password.set(false);
            stored.set(Some(saved.channel.clone()));
            on_saved.run(saved);
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = ChannelDraft {
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            url: url.get_untracked(),
            host: host.get_untracked(),
            port: port.get_untracked(),
            tls: tls.get_untracked(),
            username: username.get_untracked(),
            password: password.get_untracked(),
            remove_password: remove_password.get_untracked(),
            from: from.get_untracked(),
            recipients: recipients.get_untracked(),
        };
        // A port that is no port cannot be sent (the field holds numbers only).
        bad_port.set(draft.kind == "email" && !draft.port_ok());
        if bad_port.get_untracked() {
            return;
        }
        let input = draft.to_input();
        sent_recipients.set_value(input.recipients.clone());
        match id {
            Some(id) => {
                update.dispatch(UpdateChannel { id, input });
            }
            None => {
                create.dispatch(CreateChannel { input });
            }
        }
    };
    let port_server = message_of(error, "port");
    let port_error =
        Signal::derive(
            move || if bad_port.get() { Some(t(lang, Msg::PortRange).to_owned()) } else { port_server.get() },
        );
    let recipients_error = Signal::derive(move || {
        error.with(|e| e.as_ref().and_then(|e| sent_recipients.with_value(|sent| recipients_message(e, sent))))
    });
    // Empty keeps the stored URL only for a channel of the same kind (a new
    // kind needs its own).
    let url_hint = Signal::derive(move || {
        let kept = stored.with(|c| c.as_ref().filter(|c| c.kind == kind.get()).map(|c| c.url_hint.clone()));
        match kept {
            Some(hint) => keep_url_hint(lang, hint.as_deref()),
            None => t(lang, Msg::ChannelUrlHint).to_owned(),
        }
    });
    let password_set = Signal::derive(move || {
        stored.with(|c| c.as_ref().and_then(|c| c.email.as_ref()).is_some_and(|e| e.password_set))
    });
    // A new channel has nothing stored to keep: no hint.
    let password_hint = id.map(|_| {
        Signal::derive(move || {
            t(lang, if password_set.get() { Msg::KeepPassword } else { Msg::NoPasswordStored }).to_owned()
        })
    });
    let alert = move || {
        error.get().and_then(|e| match e.kind() {
            AppError::Validation { message, fields } => (!fields.iter().any(|f| shown_inline(&f.field))).then(|| {
                view! { <p class="form-error" role="alert" data-testid="channel-form-error">{message.clone()}</p> }
                    .into_any()
            }),
            _ => Some(refusal(lang, None, e)),
        })
    };
    let saved = move || {
        (id.is_some() && matches!(result.with(|v| v.as_ref().map(Result::is_ok)), Some(true)))
            .then(|| view! { <p class="form-note" role="status" data-testid="channel-saved">{t(lang, Msg::Saved)}</p> })
    };
    let url_field = move || {
        view! {
            <FormField id="channel-url" label=t(lang, Msg::ChannelUrl) field="url" error=message_of(error, "url") hint=url_hint>
                <input
                    type="text"
                    inputmode="url"
                    maxlength=MAX_CHANNEL_URL
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="https://"
                    data-testid="channel-url"
                    value=url.get_untracked()
                    bind:value=url
                />
            </FormField>
        }
    };
    let email_fields = move || {
        let (tls_now, recipients_now) = (tls.get_untracked(), recipients.get_untracked());
        let remove = move || {
            password_set.get().then(|| {
                view! {
                    <label class="checkbox">
                        <input type="checkbox" data-testid="remove-password" bind:checked=remove_password />
                        {t(lang, Msg::RemovePassword)}
                    </label>
                }
            })
        };
        view! {
            <div class="form-grid form-row">
                <FormField id="smtp-host" label=t(lang, Msg::SmtpHost) field="host" error=message_of(error, "host")>
                    <input type="text" autocomplete="off" spellcheck="false" data-testid="smtp-host" value=host.get_untracked() bind:value=host />
                </FormField>
                <FormField id="smtp-tls" label=t(lang, Msg::SmtpTls) field="tls" error=message_of(error, "tls")>
                    <select data-testid="smtp-tls" bind:value=tls>
                        {SMTP_TLS_MODES
                            .into_iter()
                            .map(|m| view! { <option value=m selected=tls_now == m>{tls_label(lang, m)}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                <FormField
                    id="smtp-port"
                    label=t(lang, Msg::SmtpPort)
                    field="port"
                    error=port_error
                    hint=Signal::stored(t(lang, Msg::DefaultHint).to_owned())
                >
                    <input
                        type="number"
                        min="1"
                        max="65535"
                        step="1"
                        inputmode="numeric"
                        data-testid="smtp-port"
                        placeholder=move || default_smtp_port(&tls.get()).to_string()
                        value=port.get_untracked()
                        bind:value=port
                    />
                </FormField>
            </div>
            <div class="form-grid form-row">
                <FormField id="smtp-username" label=t(lang, Msg::Username) field="username" error=message_of(error, "username")>
                    <input type="text" autocomplete="off" spellcheck="false" data-testid="smtp-username" value=username.get_untracked() bind:value=username />
                </FormField>
                <FormField id="smtp-password" label=t(lang, Msg::Password) field="password" error=message_of(error, "password") hint=password_hint>
                    // Never filled in: the stored password stays on the server.
                    <input
                        type="password"
                        autocomplete="new-password"
                        data-testid="smtp-password"
                        disabled=move || remove_password.get()
                        bind:value=password
                    />
                </FormField>
            </div>
            {remove}
            <FormField
                id="mail-from"
                label=t(lang, Msg::MailFrom)
                field="from"
                error=message_of(error, "from")
                hint=Signal::stored(t(lang, Msg::MailFromHint).to_owned())
            >
                <input type="text" autocomplete="off" spellcheck="false" data-testid="mail-from" value=from.get_untracked() bind:value=from />
            </FormField>
            <FormField
                id="mail-recipients"
                label=t(lang, Msg::Recipients)
                field="recipients"
                error=recipients_error
                hint=Signal::stored(recipients_hint(lang, MAX_RECIPIENTS))
            >
                <textarea rows="4" spellcheck="false" data-testid="mail-recipients" bind:value=recipients>
                    {textarea_text(recipients_now)}
                </textarea>
            </FormField>
        }
    };
    let kind_fields = move || if kind.get() == "email" { email_fields().into_any() } else { url_field().into_any() };

    view! {
        // The server's checks are the ones shown (beside each field), so the
        // browser's own bubbles are off.
        <form class="channel-form" method="post" novalidate data-testid="channel-form" on:submit=on_submit>
            <fieldset class="form-grid form-wide" disabled=move || !hydrated.get()>
                <div class="form-grid form-row">
                    <FormField id="channel-name" label=t(lang, Msg::Name) field="name" error=message_of(error, "name")>
                        <input
                            type="text"
                            required
                            maxlength=MAX_CHANNEL_NAME
                            autocomplete="off"
                            data-testid="channel-name"
                            value=start.name
                            bind:value=name
                        />
                    </FormField>
                    <FormField id="channel-kind" label=t(lang, Msg::ChannelKind) field="kind" error=message_of(error, "kind")>
                        <select data-testid="channel-kind-select" bind:value=kind>
                            {CHANNEL_KINDS
                                .into_iter()
                                .map(|k| view! { <option value=k selected=start.kind == k>{value_name(lang, k)}</option> })
                                .collect_view()}
                        </select>
                    </FormField>
                </div>
                {kind_fields}
                {alert}
                {saved}
                <div class="form-actions">
                    <button type="submit" class="button" data-testid="channel-save" disabled=move || pending.get()>
                        {t(lang, if id.is_some() { Msg::Save } else { Msg::CreateChannel })}
                    </button>
                </div>
            </fieldset>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;
    use crate::model::EmailSettings;

    #[test]
    fn a_new_channel_starts_as_a_webhook_with_starttls_ready() {
        let draft = ChannelDraft::of(None);
        assert_eq!((draft.kind.as_str(), draft.tls.as_str(), draft.port.as_str()), ("webhook", "starttls", ""));
    }

    #[test]
    fn a_webhook_sends_its_url_only_and_an_empty_one_keeps_the_stored_one() {
        let mut draft = ChannelDraft::of(None);
        draft.name = "  Ops hook ".into();
        draft.url = " https://example.com/hook ".into();
        draft.host = "smtp.example.com".into();
        let input = draft.to_input();
        assert_eq!(input.name, "Ops hook");
        assert_eq!(input.url.as_deref(), Some("https://example.com/hook"));
        assert_eq!(input.host, None, "the other kind's fields stay home");
        draft.url = "  ".into();
        assert_eq!(draft.to_input().url, None);
    }

    #[test]
    fn an_email_channel_sends_its_settings_and_splits_its_recipients() {
        let mut draft = ChannelDraft::of(None);
        draft.kind = "email".into();
        draft.host = " smtp.example.com ".into();
        draft.tls = "tls".into();
        draft.from = "Reports <reports@example.com>".into();
        draft.recipients = "a@example.com, b@example.com\n\n c@example.com ,".into();
        draft.url = "https://ignored".into();
        let input = draft.to_input();
        assert_eq!(input.host.as_deref(), Some("smtp.example.com"));
        assert_eq!(input.port, None, "empty: the mode's default");
        assert_eq!(input.tls.as_deref(), Some("tls"));
        assert_eq!(input.password, None, "empty: keep the stored one");
        assert_eq!(input.recipients, ["a@example.com", "b@example.com", "c@example.com"]);
        assert_eq!(input.url, None);
        draft.port = "2525".into();
        draft.password = " secret ".into();
        let input = draft.to_input();
        assert_eq!((input.port, input.password.as_deref()), (Some(2525), Some(" secret ")));
        draft.remove_password = true;
        assert_eq!(draft.to_input().password.as_deref(), Some(""), "removed: sent empty");
    }

    #[test]
    fn only_port_numbers_pass() {
        let mut draft = ChannelDraft::of(None);
        for (port, ok) in [("", true), ("587", true), ("0", false), ("70000", false), ("x", false)] {
            draft.port = port.into();
            assert_eq!(draft.port_ok(), ok, "{port}");
        }
    }

    #[test]
    fn an_email_channel_starts_from_its_settings_without_its_password() {
        let channel = Channel {
            id: 4,
            name: "Mail".into(),
            kind: "email".into(),
            url_hint: None,
            signing_secret_set: false,
            email: Some(EmailSettings {
                host: "smtp.example.com".into(),
                port: 465,
                tls: "tls".into(),
                username: Some("bot".into()),
                password_set: true,
                from: "bot@example.com".into(),
                recipients: vec!["a@example.com".into(), "b@example.com".into()],
            }),
            secrets_error: None,
            used_by: Vec::new(),
            reports: 0,
            created_by: "a@b.c".into(),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        };
        let draft = ChannelDraft::of(Some(&channel));
        assert_eq!((draft.port.as_str(), draft.username.as_str(), draft.password.as_str()), ("465", "bot", ""));
        assert_eq!(draft.recipients, "a@example.com\nb@example.com");
    }

    #[test]
    fn recipient_messages_name_the_address_they_are_about() {
        let error = AppError::Validation {
            message: "the request has invalid fields".into(),
            fields: vec![
                FieldError { field: "recipients[1]".into(), message: "is not an e-mail address".into() },
                FieldError { field: "name".into(), message: "is required".into() },
            ],
        };
        let sent = vec!["a@example.com".to_owned(), "nope".to_owned()];
        assert_eq!(recipients_message(&error, &sent).as_deref(), Some("nope: is not an e-mail address"));
        assert!(shown_inline("recipients[1]") && shown_inline("url") && !shown_inline("cursor"));
    }
}
