//! The firing-alerts badge: how many alert rules fire and are not silenced,
//! as a link to `/alerts`, hidden while none does. It starts from the
//! count the page was rendered with and follows the stream's `alerts` events.

use leptos::prelude::*;

use crate::api::alerts::count_firing_alerts;
use crate::components::alert_stream::AlertStream;
use crate::i18n::alerts_firing;
use crate::use_lang;

/// "경보 3건 발생 중", a link to the alerts page; nothing shown at 0.
/// It listens on its own connection unless given the page's `stream`.
#[component]
pub fn AlertBadge(
    /// The page's own stream of `alerts` events (the dashboard's live feed
    /// carries them); without it the badge opens a connection of its own.
    #[prop(optional)]
    stream: Option<AlertStream>,
) -> impl IntoView {
    let lang = use_lang();
    let initial = Resource::new(|| (), |_| count_firing_alerts());
    let stream = stream.unwrap_or_else(AlertStream::start);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                // A count that cannot be read shows no badge: the alerts page says why.
                let start = initial.await.unwrap_or(0);
                let count = Signal::derive(move || stream.firing.get().unwrap_or(start));
                view! {
                    <a
                        class="alert-badge"
                        href="/alerts"
                        data-testid="alert-badge"
                        data-count=move || count.get().to_string()
                        hidden=move || count.get() <= 0
                    >
                        <span class="alert-badge-dot" aria-hidden="true"></span>
                        {move || alerts_firing(lang, count.get())}
                    </a>
                }
            })}
        </Transition>
    }
}
