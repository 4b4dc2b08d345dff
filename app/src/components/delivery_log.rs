//! A channel's delivery log as a panel: the total, the deliveries newest
//! first (a page at a time, the cursor in the URL as on every list) and
//! "Refresh". The page fetches it again after a test send; report runs
//! queue deliveries in the background, so "Refresh" shows theirs.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::channels::list_channel_deliveries;
use crate::components::deliveries_table::DeliveriesTable;
use crate::components::error_card::ErrorCard;
use crate::components::list_pager::{given, ListPager};
use crate::i18n::{t, total_of, Counted, Msg};
use crate::model::DeliveryQuery;
use crate::use_lang;

/// Deliveries per page.
const PER_PAGE: i64 = 25;

/// The log of channel `channel_id`.
#[component]
pub fn DeliveryLog(
    /// The channel.
    channel_id: i64,
    /// Changes whenever the log should be fetched again (a test was sent).
    #[prop(into)]
    refresh: Signal<usize>,
) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let cursor = Memo::new(move |_| query.with(|q| given(q, "cursor")));
    let deliveries = Resource::new(
        move || (cursor.get(), refresh.get()),
        move |(cursor, _)| list_channel_deliveries(channel_id, DeliveryQuery { per_page: Some(PER_PAGE), cursor }),
    );
    let hydrated = crate::session::use_hydrated();
    let path = format!("/settings/channels/{channel_id}");
    let body = move || {
        let path = path.clone();
        Suspend::new(async move {
            match deliveries.await {
                Err(error) => {
                    view! { <ErrorCard error on_retry=Callback::new(move |_| deliveries.refetch()) /> }.into_any()
                }
                Ok(page) if page.deliveries.is_empty() && page.meta.total == 0 => {
                    view! { <p class="empty-state" data-testid="deliveries-empty">{t(lang, Msg::NoDeliveriesYet)}</p> }
                        .into_any()
                }
                Ok(page) => view! {
                    <p class="list-total" data-testid="deliveries-total">
                        {total_of(lang, Counted::Deliveries, page.meta.total)}
                    </p>
                    <DeliveriesTable deliveries=page.deliveries />
                    <ListPager path next_cursor=page.meta.next_cursor keys=&[] testid="deliveries" />
                }
                .into_any(),
            }
        })
    };
    view! {
        <section class="panel table-panel" aria-labelledby="deliveries-title" data-testid="delivery-log">
            <header class="panel-header">
                <h2 id="deliveries-title">{t(lang, Msg::DeliveriesTitle)}</h2>
                <button
                    type="button"
                    class="button button-quiet button-small"
                    data-testid="deliveries-refresh"
                    disabled=move || !hydrated.get()
                    on:click=move |_| deliveries.refetch()
                >
                    {t(lang, Msg::Refresh)}
                </button>
            </header>
            <Transition fallback=|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }>
                {body}
            </Transition>
        </section>
    }
}
