//! `/reports/runs` and `/reports/:id/runs`: the run history, of every report
//! or of one, newest first, a page at a time. Open runs move live (the
//! stream's `report_run` events); when one ends the list is fetched again to
//! show its files and duration. On one report's history, editors get "Run
//! now": the run appears at once and completes in front of them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::reports::get_report;
use crate::api::runs::{list_runs, RunReportNow};
use crate::components::error_card::ErrorCard;
use crate::components::list_pager::{given, ListPager};
use crate::components::run_events::RunEvents;
use crate::components::runs_table::RunsTable;
use crate::i18n::{t, total_of, Counted, Msg};
use crate::model::{Role, RunPage, RunQuery};
use crate::session::user_can;
use crate::use_lang;

/// Runs per page.
const PER_PAGE: i64 = 50;

/// The query keys the history reads (and its links keep).
const RUN_KEYS: &[&str] = &["status"];

/// The run history as a route whose code is a WASM chunk of its own.
pub struct ReportRunsRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for ReportRunsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <ReportRunsPage /> }.into_any()
    }
}

/// Which report the URL names: none for every report's history, and
/// `Some(None)` for an id that is not a number.
fn target(id: Option<&str>) -> Option<Option<i64>> {
    id.map(|id| id.parse().ok())
}

/// The run history page.
#[component]
pub fn ReportRunsPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let report_id = Memo::new(move |_| params.with(|p| target(p.get_str("id"))));
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::RunsTitle)) />
        <p class="breadcrumb">
            <a href="/reports">{t(lang, Msg::BackToReports)}</a>
        </p>
        {move || match report_id.get() {
            None => view! { <RunHistory report_id=None /> }.into_any(),
            Some(Some(id)) => view! { <RunHistory report_id=Some(id) /> }.into_any(),
            Some(None) => {
                let error = crate::error::AppError::NotFound { what: "report".into() };
                crate::pages::not_found_status(&error);
                view! { <ErrorCard error /> }.into_any()
            }
        }}
    }
}

/// The history of one report (with its name and "Run now") or of all.
#[component]
fn RunHistory(report_id: Option<i64>) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let events = RunEvents::start();
    let run_now = ServerAction::<RunReportNow>::new();
    let filters = Memo::new(move |_| {
        query.with(|q| RunQuery { status: given(q, "status"), cursor: given(q, "cursor"), per_page: Some(PER_PAGE) })
    });
    let runs = Resource::new(
        move || (filters.get(), events.ended.get(), run_now.version().get()),
        move |(query, _, _)| list_runs(report_id, query),
    );
    let heading = report_id.map(|id| {
        let report = Resource::new(move || id, get_report);
        view! {
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    report.await.ok().map(|r| view! { <p class="muted" data-testid="runs-report">{r.name}</p> })
                })}
            </Transition>
        }
    });
    let hydrated = crate::session::use_hydrated();
    let button = report_id.filter(|_| user_can(Role::Editor)).map(|id| {
        view! {
            <button
                type="button"
                class="button"
                data-testid="run-now"
                disabled=move || !hydrated.get() || run_now.pending().get()
                on:click=move |_| {
                    run_now.dispatch(RunReportNow { id });
                }
            >
                {t(lang, Msg::RunNow)}
            </button>
        }
    });
    let outcome = move || match run_now.value().get() {
        Some(Ok(_)) => Some(
            view! { <p class="form-note" role="status" data-testid="run-requested">{t(lang, Msg::RunRequested)}</p> }
                .into_any(),
        ),
        Some(Err(error)) => Some(view! { <ErrorCard error /> }.into_any()),
        None => None,
    };
    let all = report_id.is_some().then(|| {
        view! {
            <a class="button button-quiet" href="/reports/runs" data-testid="all-runs">
                {t(lang, Msg::AllRuns)}
            </a>
        }
    });
    let path = report_id.map_or_else(|| "/reports/runs".to_owned(), |id| format!("/reports/{id}/runs"));
    view! {
        <div class="page-head">
            <div>
                <h1 class="page-title">{t(lang, Msg::RunsTitle)}</h1>
                {heading}
            </div>
            <div class="head-actions">{button} {all}</div>
        </div>
        {outcome}
        <section class="panel table-panel" aria-label=t(lang, Msg::RunsTitle)>
            // Not `WidgetStatus`: its `ready` cannot take the page's live events.
            <Transition fallback=|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }>
                {move || {
                    let path = path.clone();
                    Suspend::new(async move {
                        match runs.await {
                            Err(error) => view! { <ErrorCard error on_retry=Callback::new(move |_| runs.refetch()) /> }.into_any(),
                            Ok(page) if page.runs.is_empty() => {
                                view! { <p class="empty-state" data-testid="runs-empty">{t(lang, Msg::NoRunsYet)}</p> }.into_any()
                            }
                            Ok(page) => runs_view(page, report_id.is_none(), events, path).into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

/// A page of runs: the total, the table and the paging links.
fn runs_view(page: RunPage, with_report: bool, events: RunEvents, path: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="list-total" data-testid="runs-total">
            {total_of(lang, Counted::Runs, page.meta.total)}
        </p>
        <RunsTable runs=page.runs with_report events />
        <ListPager path=path keys=RUN_KEYS next_cursor=page.meta.next_cursor testid="runs" />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_names_every_report_one_or_nothing_valid() {
        assert_eq!(target(None), None);
        assert_eq!(target(Some("12")), Some(Some(12)));
        assert_eq!(target(Some("x")), Some(None));
    }
}
