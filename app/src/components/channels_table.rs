//! The channels' table: each one's name (a link to its page), kind, where it
//! points (the URL's hint; for e-mail the SMTP server and how many
//! recipients), the reports that send to it and when it was made; for
//! editors, each row's delete (asked first, in the row). Also how a refused
//! channel action is shown: a conflict or a rule in the server's words (a
//! channel a report sends to names those reports).

use leptos::prelude::*;

use crate::api::channels::DeleteChannel;
use crate::components::confirm_delete::ConfirmDelete;
use crate::error::AppError;
use crate::i18n::{format_datetime, recipient_count, t, value_name, Lang, Msg};
use crate::model::{Channel, ChannelUser, Role};
use crate::session::user_can;
use crate::{use_lang, use_prefs};

/// The row actions of the list, shared by every row through context.
#[derive(Clone, Copy)]
pub struct ChannelActions {
    /// Delete.
    pub delete: ServerAction<DeleteChannel>,
    /// The channel whose deletion awaits a confirmation.
    pub confirming: RwSignal<Option<i64>>,
}

/// Where a channel points, as shown: the URL's hint (never the URL), or the
/// SMTP server and how many people it writes to.
pub fn target_text(lang: Lang, channel: &Channel) -> String {
    match &channel.email {
        Some(email) => format!("{}:{} · {}", email.host, email.port, recipient_count(lang, email.recipients.len())),
        None => channel.url_hint.clone().unwrap_or_else(|| "–".to_owned()),
    }
}

/// A refused channel action. A conflict or a broken rule is shown in the
/// server's words, after `lead` (`Cannot delete`) when given: its message is
/// the useful part (which reports use the channel). Anything else is shown
/// as the reports' pages show it.
pub fn refusal(lang: Lang, lead: Option<Msg>, error: AppError) -> AnyView {
    match error.kind() {
        AppError::Conflict { message } | AppError::BusinessRule { message } => {
            let text = match lead {
                Some(lead) => format!("{}: {message}", t(lang, lead)),
                None => message.clone(),
            };
            view! { <p class="form-error" role="alert" data-testid="action-error">{text}</p> }.into_any()
        }
        _ => crate::components::reports_table::refusal(error),
    }
}

/// The reports that send to a channel, each a link to its report; "Not used"
/// when none does.
pub fn used_by_links(lang: Lang, used_by: Vec<ChannelUser>) -> AnyView {
    if used_by.is_empty() {
        return view! { <span class="muted">{t(lang, Msg::NotUsed)}</span> }.into_any();
    }
    let last = used_by.len() - 1;
    used_by
        .into_iter()
        .enumerate()
        .map(|(i, report)| {
            view! {
                <a href=format!("/reports/{}", report.id)>{report.name}</a>
                {(i < last).then_some(", ")}
            }
        })
        .collect_view()
        .into_any()
}

/// A page of channels; editors get each row's delete.
#[component]
pub fn ChannelsTable(
    /// The channels, by name.
    channels: Vec<Channel>,
) -> impl IntoView {
    let lang = use_lang();
    let actions = use_context::<ChannelActions>().filter(|_| user_can(Role::Editor));
    let hydrated = crate::session::use_hydrated();
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="channels-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::Name)}</th>
                        <th scope="col">{t(lang, Msg::ChannelKind)}</th>
                        <th scope="col">{t(lang, Msg::Target)}</th>
                        <th scope="col">{t(lang, Msg::UsedBy)}</th>
                        <th scope="col">{t(lang, Msg::Created)}</th>
                        {actions.map(|_| view! { <th scope="col">{t(lang, Msg::Actions)}</th> })}
                    </tr>
                </thead>
                <tbody>{channels.into_iter().map(|c| row(c, actions, hydrated)).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn row(channel: Channel, actions: Option<ChannelActions>, hydrated: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let id = channel.id;
    // The stored URL or password cannot be read (another SECRET_KEY): the
    // channel sends nothing until it is entered again.
    let broken = channel.secrets_error.as_ref().map(|error| {
        view! {
            <span class="badge badge-bad" title=error.clone() data-testid="channel-broken">
                {t(lang, Msg::SecretsUnreadable)}
            </span>
        }
    });
    let target = target_text(lang, &channel);
    let delete = actions.map(|actions| {
        let busy = Signal::derive(move || !hydrated.get() || actions.delete.pending().get());
        let on_confirm = move |()| {
            actions.delete.value().set(None);
            actions.delete.dispatch(DeleteChannel { id });
        };
        let name = channel.name.clone();
        view! {
            <td class="row-actions">
                <ConfirmDelete id name confirming=actions.confirming testid="channel" busy on_confirm />
            </td>
        }
    });
    view! {
        <tr data-testid="channel-row" data-id=id.to_string() data-kind=channel.kind.clone()>
            <td class="title-cell">
                <a href=format!("/settings/channels/{id}")>{channel.name.clone()}</a>
                " "
                {broken}
            </td>
            <td>
                <span class="badge badge-neutral" data-testid="channel-kind">{value_name(lang, &channel.kind)}</span>
            </td>
            <td class="wrap mono" data-testid="channel-target">{target}</td>
            <td class="wrap" data-testid="channel-used-by">{used_by_links(lang, channel.used_by)}</td>
            <td>{format_datetime(lang, channel.created_at, zone)}</td>
            {delete}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EmailSettings;

    fn channel(kind: &str) -> Channel {
        Channel {
            id: 1,
            name: "ops".into(),
            kind: kind.into(),
            url_hint: Some("hooks.slack.com/…9f2".into()),
            ..Channel::default()
        }
    }

    #[test]
    fn a_channel_points_at_its_url_hint_or_its_mail_server() {
        assert_eq!(target_text(Lang::En, &channel("slack")), "hooks.slack.com/…9f2");
        let mut mail = channel("email");
        mail.url_hint = None;
        mail.email = Some(EmailSettings {
            host: "smtp.example.com".into(),
            port: 587,
            tls: "starttls".into(),
            recipients: vec!["a@example.com".into(), "b@example.com".into()],
            ..EmailSettings::default()
        });
        assert_eq!(target_text(Lang::En, &mail), "smtp.example.com:587 · 2 recipients");
        let mut bare = channel("webhook");
        bare.url_hint = None;
        assert_eq!(target_text(Lang::En, &bare), "–");
    }
}
