//! `/reports`: the scheduled reports, a page at a time, filtered by status
//! (in the URL query, as on /problems): each one's template, schedule in
//! words, next run, latest run and status, and for editors pause or resume,
//! clone and delete (after a confirmation). Editors also get "New report";
//! everyone gets the link to the templates.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::reports::{list_reports, CloneReport, DeleteReport, SetReportActive};
use crate::components::filter_bar::FilterBar;
use crate::components::list_pager::{given, ListPager};
use crate::components::query_select::{choices, QuerySelect};
use crate::components::reports_table::{action_outcome, ReportActions, ReportsTable};
use crate::components::widget_status::WidgetStatus;
use crate::i18n::{t, total_of, Counted, Msg};
use crate::model::{ReportPage, ReportQuery, Role};
use crate::session::user_can;
use crate::use_lang;

/// The query keys the report list reads (and its links keep).
pub const REPORT_KEYS: &[&str] = &["status"];

/// Reports per page (the server's default, said out loud: see [`report_query`]).
const PER_PAGE: i64 = 50;

/// The list's query from the URL's (checked by the server). `per_page` is
/// always given: a query with every field empty is sent as nothing at all,
/// and the server function would then miss its argument.
fn report_query(query: &ParamsMap) -> ReportQuery {
    ReportQuery { status: given(query, "status"), cursor: given(query, "cursor"), per_page: Some(PER_PAGE) }
}

/// The reports page as a route whose code is a WASM chunk of its own, fetched
/// the first time the page is shown: the dashboard loads without it. On the
/// server it renders like any other page.
pub struct ReportsRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for ReportsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <ReportsPage /> }.into_any()
    }
}

/// The reports page.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(report_query));
    let reports = Resource::new(move || filters.get(), list_reports);
    let editor = user_can(Role::Editor);
    // The rows' buttons share these (through context: the table is rendered
    // again with every page of the list).
    let actions = ReportActions {
        set_active: ServerAction::<SetReportActive>::new(),
        clone: ServerAction::<CloneReport>::new(),
        delete: ServerAction::<DeleteReport>::new(),
        confirming: RwSignal::new(None),
    };
    provide_context(actions);
    let (set_active, clone, delete) = (actions.set_active.version(), actions.clone.version(), actions.delete.version());
    Effect::watch(move || (set_active.get(), clone.get(), delete.get()), move |_, _, _| reports.refetch(), false);
    let new_report = editor.then(|| {
        view! {
            <a class="button" href="/reports/new" data-testid="new-report">
                {t(lang, Msg::NewReport)}
            </a>
        }
    });
    let statuses = choices(lang, &[("", Msg::All), ("active", Msg::StatusActive), ("paused", Msg::StatusPaused)]);
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::ReportsTitle)) />
        <div class="page-head">
            <h1 class="page-title">{t(lang, Msg::ReportsTitle)}</h1>
            <div class="head-actions">
                {new_report}
                <a class="button button-quiet" href="/reports/templates" data-testid="templates-link">
                    {t(lang, Msg::Templates)}
                </a>
                <a class="button button-quiet" href="/reports/runs" data-testid="runs-link">
                    {t(lang, Msg::AllRuns)}
                </a>
            </div>
        </div>
        <FilterBar path="/reports" keys=REPORT_KEYS testid="report-filters">
            <QuerySelect id="reports-status" name="status" label=t(lang, Msg::Status) choices=statuses />
        </FilterBar>
        {move || action_outcome(lang, actions)}
        <section class="panel table-panel" aria-label=t(lang, Msg::ReportsTitle)>
            <WidgetStatus
                resource=reports
                is_empty={|page: &ReportPage| page.reports.is_empty()}
                empty_message=Msg::NoReportsMatch
                fallback={|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }.into_any()}
                ready={|page: &ReportPage| reports_view(page.clone()).into_any()}
            />
        </section>
    }
}

/// A page of reports: the total, the table and the paging links.
fn reports_view(page: ReportPage) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="list-total" data-testid="reports-total">
            {total_of(lang, Counted::Reports, page.meta.total)}
        </p>
        <ReportsTable reports=page.reports />
        <ListPager path="/reports" keys=REPORT_KEYS next_cursor=page.meta.next_cursor testid="reports" />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_becomes_the_list_query() {
        let mut q = ParamsMap::new();
        q.insert("status", "paused".to_owned());
        q.insert("cursor", "abc".to_owned());
        let query = report_query(&q);
        assert_eq!(query.status.as_deref(), Some("paused"));
        assert_eq!(query.cursor.as_deref(), Some("abc"));
    }

    #[test]
    fn an_empty_status_lists_every_report_and_the_query_is_never_empty() {
        let mut q = ParamsMap::new();
        q.insert("status", " ".to_owned());
        assert_eq!(report_query(&q), ReportQuery { per_page: Some(PER_PAGE), ..ReportQuery::default() });
    }
}
