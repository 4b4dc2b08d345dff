//! `/activities`: every activity on the platform, newest first,
//! filtered by type, user and days, a keyset page at a time. Like the users
//! list, the filters live in the URL query and the CSV export takes them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::activities::list_activities;
use crate::components::activity_filters::{ActivityFilters, ACTIVITY_KEYS};
use crate::components::activity_table::ActivityTable;
use crate::components::export_link::ExportLink;
use crate::components::list_pager::{given, ListPager};
use crate::components::widget_status::WidgetStatus;
use crate::i18n::{t, total_of, Counted, Msg};
use crate::model::range::Zone;
use crate::model::{ActivityPage, ActivityQuery};
use crate::{use_lang, use_prefs};

/// The list's query from the URL's (checked by the server).
fn activity_query(query: &ParamsMap, zone: Zone) -> ActivityQuery {
    ActivityQuery {
        activity_type: given(query, "activity_type"),
        user_id: given(query, "user_id"),
        from: given(query, "from"),
        to: given(query, "to"),
        tz: Some(given(query, "tz").unwrap_or_else(|| zone.as_str().to_owned())),
        cursor: given(query, "cursor"),
        per_page: None,
    }
}

/// The activities page as a route whose code is a WASM chunk of its own, fetched
/// the first time the page is shown: the dashboard loads without it. On the
/// server it renders like any other page.
pub struct ActivitiesRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for ActivitiesRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <ActivitiesPage /> }.into_any()
    }
}

/// The activities page.
#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| activity_query(q, zone)));
    let activities = Resource::new(move || filters.get(), list_activities);
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::ActivitiesTitle)) />
        <div class="page-head">
            <h1 class="page-title">{t(lang, Msg::ActivitiesTitle)}</h1>
            <ExportLink path="/api/v1/activities/export.csv" keys=ACTIVITY_KEYS testid="activities-export" />
        </div>
        <ActivityFilters />
        <section class="panel table-panel" aria-label=t(lang, Msg::ActivitiesTitle)>
            <WidgetStatus
                resource=activities
                is_empty={|page: &ActivityPage| page.activities.is_empty()}
                empty_message=Msg::NoActivitiesMatch
                fallback={|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }.into_any()}
                ready={|page: &ActivityPage| activities_view(page.clone()).into_any()}
            />
        </section>
    }
}

/// A page of activities: the total, the table and the paging links.
fn activities_view(page: ActivityPage) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="list-total" data-testid="activities-total">
            {total_of(lang, Counted::Activities, page.meta.total)}
        </p>
        <ActivityTable rows=page.activities testid="activities-table" />
        <ListPager path="/activities" keys=ACTIVITY_KEYS next_cursor=page.meta.next_cursor testid="activities" />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_becomes_the_list_query() {
        let mut q = ParamsMap::new();
        q.insert("activity_type", "login".to_owned());
        q.insert("user_id", " 42 ".to_owned());
        q.insert("to", "".to_owned());
        let query = activity_query(&q, Zone::Kst);
        assert_eq!(query.activity_type.as_deref(), Some("login"));
        assert_eq!(query.user_id.as_deref(), Some("42"));
        assert_eq!(query.to, None);
        assert_eq!(query.tz.as_deref(), Some("kst"));
    }
}
