//! A report's destinations: a checkbox for every channel (all of them, read
//! page after page, by name), each named with its kind, the report's own
//! ticked; and the link to the channels' page to add or change one.

use leptos::prelude::*;

use crate::api::channels::all_channels;
use crate::components::report_form::toggled;
use crate::i18n::{channel_name, t, value_name, Lang, Msg};
use crate::model::Channel;
use crate::use_lang;

/// The channels offered: every one, then any id the report sends to that is
/// not among them (named by number; the server keeps a channel in use).
fn offered(lang: Lang, channels: Vec<Channel>, chosen: &[i64]) -> Vec<(i64, String)> {
    let unknown: Vec<(i64, String)> = chosen
        .iter()
        .filter(|id| !channels.iter().any(|c| c.id == **id))
        .map(|id| (*id, channel_name(lang, *id)))
        .collect();
    channels
        .into_iter()
        .map(|c| {
            let label = format!("{} ({})", c.name, value_name(lang, &c.kind));
            (c.id, label)
        })
        .chain(unknown)
        .collect()
}

/// The checkboxes, and the link to the channels' page.
#[component]
pub fn DestinationPicker(
    /// The ticked channels' ids.
    destinations: RwSignal<Vec<i64>>,
) -> impl IntoView {
    let lang = use_lang();
    let channels = Resource::new(|| (), |_| all_channels());
    // Rendered again once the channels arrive, with the choice made so far.
    let boxes = move |list: Vec<Channel>| {
        let now = destinations.get_untracked();
        let choices = offered(lang, list, &now);
        if choices.is_empty() {
            return view! { <p class="empty-note" data-testid="no-channels">{t(lang, Msg::NoChannelsYet)}</p> }
                .into_any();
        }
        choices
            .into_iter()
            .map(|(id, label)| {
                view! {
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            data-testid="destination"
                            data-id=id.to_string()
                            checked=now.contains(&id)
                            prop:checked=move || destinations.with(|d| d.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                destinations.update(|d| *d = toggled(d, &id, on));
                            }
                        />
                        {label}
                    </label>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="choices" data-testid="destination-choices">
            <Transition fallback=|| view! { <span class="skeleton-line short" aria-hidden="true"></span> }>
                {move || Suspend::new(async move {
                    match channels.await {
                        Ok(list) => boxes(list),
                        // Still offer what the report has, by number.
                        Err(_) => boxes(Vec::new()),
                    }
                })}
            </Transition>
        </div>
        <p class="field-hint">
            <a href="/settings/channels" data-testid="manage-channels">{t(lang, Msg::ManageChannels)}</a>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(id: i64, name: &str, kind: &str) -> Channel {
        Channel { id, name: name.into(), kind: kind.into(), ..Channel::default() }
    }

    #[test]
    fn every_channel_is_offered_by_name_and_unknown_ones_by_number() {
        let list = vec![channel(2, "Ops", "slack"), channel(5, "Hook", "webhook")];
        let offered = offered(Lang::En, list, &[5, 9]);
        assert_eq!(
            offered,
            vec![(2, "Ops (Slack)".to_owned()), (5, "Hook (Webhook)".to_owned()), (9, "Channel #9".to_owned())]
        );
    }
}
