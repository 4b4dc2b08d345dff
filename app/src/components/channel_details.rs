//! A channel as everyone may see it: where it points (a URL's hint, or an
//! e-mail channel's server, security, user, sender and recipients, never a
//! secret), whether deliveries are signed, the reports that send to it, who
//! made it and when. A channel whose stored secrets cannot be read says so
//! first: it sends nothing until its URL (or password) is entered again.

use leptos::prelude::*;

use crate::components::channels_table::{target_text, used_by_links};
use crate::i18n::{format_datetime, t, tls_label, Lang, Msg};
use crate::model::Channel;
use crate::{use_lang, use_prefs};

/// The facts of `channel`, live.
#[component]
pub fn ChannelDetails(
    /// The channel as last loaded or saved.
    #[prop(into)]
    channel: Signal<Channel>,
) -> impl IntoView {
    let lang = use_lang();
    move || channel.with(|c| facts(lang, c))
}

fn facts(lang: Lang, channel: &Channel) -> impl IntoView {
    let zone = use_prefs().zone;
    let fact = |label: Msg, testid: &'static str, value: AnyView| {
        view! {
            <div>
                <dt>{t(lang, label)}</dt>
                <dd data-testid=testid>{value}</dd>
            </div>
        }
    };
    let text = |value: String| view! { <span>{value}</span> }.into_any();
    let broken = channel.secrets_error.as_ref().map(|error| {
        view! {
            <p class="notice" role="alert" data-testid="channel-secrets-error">
                {t(lang, Msg::SecretsUnreadable)} " (" {error.clone()} ")"
            </p>
        }
    });
    let email = channel.email.as_ref().map(|email| {
        let password = t(lang, if email.password_set { Msg::Yes } else { Msg::No }).to_owned();
        view! {
            {fact(Msg::SmtpTls, "channel-tls", text(tls_label(lang, &email.tls)))}
            {fact(Msg::Username, "channel-username", text(email.username.clone().unwrap_or_else(|| "–".to_owned())))}
            {fact(Msg::Password, "channel-password-set", text(password))}
            {fact(Msg::MailFrom, "channel-from", text(email.from.clone()))}
            {fact(Msg::Recipients, "channel-recipients", text(email.recipients.join(", ")))}
        }
    });
    let signing = (channel.kind == "webhook").then(|| {
        let msg = if channel.signing_secret_set { Msg::SigningOn } else { Msg::SigningOff };
        fact(Msg::Signing, "channel-signing", text(t(lang, msg).to_owned()))
    });
    view! {
        {broken}
        <dl class="facts" data-testid="channel-details">
            {fact(Msg::Target, "channel-target", view! { <span class="mono">{target_text(lang, channel)}</span> }.into_any())}
            {email}
            {signing}
            {fact(Msg::UsedBy, "channel-used-by", used_by_links(lang, channel.used_by.clone()))}
            {fact(Msg::CreatedBy, "channel-created-by", text(channel.created_by.clone()))}
            {fact(Msg::Created, "channel-created", text(format_datetime(lang, channel.created_at, zone)))}
            {fact(Msg::Updated, "channel-updated", text(format_datetime(lang, channel.updated_at, zone)))}
        </dl>
    }
}
