//! One user's activities, newest first: the first page comes with the page,
//! "Load more" appends the next ones (keyset: each answer names the next page).

use leptos::prelude::*;

use crate::api::activities::{list_activities, ListActivities};
use crate::components::activity_table::ActivityTable;
use crate::components::error_card::ErrorCard;
use crate::i18n::{t, total_of, Counted, Msg};
use crate::model::{ActivityPage, ActivityQuery};
use crate::{use_lang, use_prefs};

/// The query for `user_id`'s activities after `cursor`.
fn timeline_query(user_id: i64, cursor: Option<String>, tz: &str) -> ActivityQuery {
    ActivityQuery { user_id: Some(user_id.to_string()), cursor, tz: Some(tz.to_owned()), ..ActivityQuery::default() }
}

/// The timeline of the user with id `user_id`.
#[component]
pub fn ActivityTimeline(
    /// Whose activities.
    user_id: i64,
) -> impl IntoView {
    let lang = use_lang();
    let tz = use_prefs().zone.as_str();
    let first = Resource::new(move || user_id, move |id| list_activities(timeline_query(id, None, tz)));
    let body = move || {
        Suspend::new(async move {
            match first.await {
                Err(error) => view! { <ErrorCard error on_retry=Callback::new(move |_| first.refetch()) /> }.into_any(),
                Ok(page) if page.activities.is_empty() => {
                    view! { <p class="empty-note">{t(lang, Msg::NoActivityYet)}</p> }.into_any()
                }
                Ok(page) => view! { <Timeline user_id first=page /> }.into_any(),
            }
        })
    };
    view! {
        <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>{body}</Transition>
    }
}

/// The rows loaded so far and the button that loads the next page.
#[component]
fn Timeline(user_id: i64, first: ActivityPage) -> impl IntoView {
    let lang = use_lang();
    let tz = use_prefs().zone.as_str();
    let rows = RwSignal::new(first.activities);
    let next = RwSignal::new(first.meta.next_cursor);
    let more = ServerAction::<ListActivities>::new();
    let hydrated = crate::session::use_hydrated();
    Effect::new(move |_| {
        if let Some(Ok(page)) = more.value().get() {
            rows.update(|r| r.extend(page.activities));
            next.set(page.meta.next_cursor);
        }
    });
    let load_more = move |_| {
        if let Some(cursor) = next.get_untracked() {
            more.dispatch(ListActivities { query: timeline_query(user_id, Some(cursor), tz) });
        }
    };
    let error = move || {
        more.value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err()).map(|e| view! { <ErrorCard error=e.clone() /> }))
    };
    view! {
        <p class="list-total" data-testid="timeline-total">
            {total_of(lang, Counted::Activities, first.meta.total)}
        </p>
        <ActivityTable rows show_user=false testid="timeline-table" />
        {error}
        <Show when=move || next.with(Option::is_some)>
            <div class="pager">
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid="timeline-more"
                    disabled=move || !hydrated.get() || more.pending().get()
                    on:click=load_more
                >
                    {t(lang, Msg::LoadMore)}
                </button>
            </div>
        </Show>
    }
}
