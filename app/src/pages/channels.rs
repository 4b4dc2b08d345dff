//! `/settings/channels`: the delivery channels reports send to, a page at a
//! time by name: each one's kind, where it points, the reports that use it
//! and when it was made. Everyone reads; editors get "New channel" and each
//! row's delete (a channel a report sends to is refused, and the refusal
//! names the reports).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::channels::{list_channels, DeleteChannel};
use crate::components::channels_table::{refusal, ChannelActions, ChannelsTable};
use crate::components::field_errors::refused;
use crate::components::list_pager::{given, ListPager};
use crate::components::widget_status::WidgetStatus;
use crate::i18n::{t, total_of, Counted, Msg};
use crate::model::{ChannelPage, ChannelQuery, Role};
use crate::session::user_can;
use crate::use_lang;

/// Channels per page.
const PER_PAGE: i64 = 50;

/// The list's query from the URL's: only the cursor (the order is by name).
fn channel_query(query: &ParamsMap) -> ChannelQuery {
    ChannelQuery { cursor: given(query, "cursor"), per_page: Some(PER_PAGE) }
}

/// The channels page as a route whose code is a WASM chunk of its own,
/// fetched the first time the page is shown. On the server it renders like
/// any other page.
pub struct ChannelsRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for ChannelsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <ChannelsPage /> }.into_any()
    }
}

/// The channels page.
#[component]
pub fn ChannelsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(channel_query));
    let channels = Resource::new(move || filters.get(), list_channels);
    // The rows' buttons share these (through context: the table is rendered
    // again with every page of the list).
    let actions = ChannelActions { delete: ServerAction::<DeleteChannel>::new(), confirming: RwSignal::new(None) };
    provide_context(actions);
    let deleted = actions.delete.version();
    Effect::watch(move || deleted.get(), move |_, _, _| channels.refetch(), false);
    let new_channel = user_can(Role::Editor).then(|| {
        view! {
            <a class="button" href="/settings/channels/new" data-testid="new-channel">
                {t(lang, Msg::NewChannel)}
            </a>
        }
    });
    let outcome = move || {
        actions.delete.value().with(|v| refused(v.as_ref())).map(|error| refusal(lang, Some(Msg::CannotDelete), error))
    };
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::ChannelsTitle)) />
        <p class="breadcrumb">
            <a href="/settings">{t(lang, Msg::BackToSettings)}</a>
        </p>
        <div class="page-head">
            <div>
                <h1 class="page-title">{t(lang, Msg::ChannelsTitle)}</h1>
                <p class="muted">{t(lang, Msg::ChannelsIntro)}</p>
            </div>
            <div class="head-actions">{new_channel}</div>
        </div>
        {outcome}
        <section class="panel table-panel" aria-label=t(lang, Msg::ChannelsTitle)>
            <WidgetStatus
                resource=channels
                is_empty={|page: &ChannelPage| page.channels.is_empty()}
                empty_message=Msg::NoChannelsYet
                fallback={|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }.into_any()}
                ready={|page: &ChannelPage| channels_view(page.clone()).into_any()}
            />
        </section>
    }
}

/// A page of channels: the total, the table and the paging links.
fn channels_view(page: ChannelPage) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="list-total" data-testid="channels-total">
            {total_of(lang, Counted::Channels, page.meta.total)}
        </p>
        <ChannelsTable channels=page.channels />
        <ListPager path="/settings/channels" keys=&[] next_cursor=page.meta.next_cursor testid="channels" />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_becomes_the_list_query_which_is_never_empty() {
        let mut q = ParamsMap::new();
        assert_eq!(channel_query(&q), ChannelQuery { per_page: Some(PER_PAGE), cursor: None });
        q.insert("cursor", "abc".to_owned());
        assert_eq!(channel_query(&q).cursor.as_deref(), Some("abc"));
    }
}
