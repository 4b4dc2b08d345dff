//! `/problems`: the problem bank, searchable and filterable by
//! subject, difficulty and status, with its archive one toggle away, each
//! problem's views, solves and solve rate, and for editors a bulk status change
//! and a "New problem" button. Filters live in the URL query, as on /users.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::problems::list_problems;
use crate::components::bulk_status_bar::BulkStatusBar;
use crate::components::export_link::ExportLink;
use crate::components::list_pager::{given, ListPager};
use crate::components::problem_filters::{ProblemFilters, PROBLEM_KEYS};
use crate::components::problems_table::{ProblemsTable, Selection};
use crate::components::widget_status::WidgetStatus;
use crate::i18n::{t, total_of, Counted, Msg};
use crate::model::{ProblemPage, ProblemQuery, Role};
use crate::session::user_can;
use crate::use_lang;

/// The list's query from the URL's (checked by the server).
fn problem_query(query: &ParamsMap) -> ProblemQuery {
    ProblemQuery {
        q: given(query, "q"),
        subject: given(query, "subject"),
        difficulty: given(query, "difficulty"),
        status: given(query, "status"),
        archived: given(query, "archived"),
        sort: given(query, "sort"),
        order: given(query, "order"),
        cursor: given(query, "cursor"),
        per_page: None,
    }
}

/// The problem bank page as a route whose code is a WASM chunk of its own, fetched
/// the first time the page is shown: the dashboard loads without it. On the
/// server it renders like any other page.
pub struct ProblemsRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for ProblemsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <ProblemsPage /> }.into_any()
    }
}

/// The problem bank page.
#[component]
pub fn ProblemsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(problem_query));
    let problems = Resource::new(move || filters.get(), list_problems);
    let editor = user_can(Role::Editor);
    let selection = RwSignal::new(BTreeSet::new());
    provide_context(Selection(selection));
    // Ticks belong to the rows on screen: another list starts with none.
    Effect::watch(move || filters.track(), move |_, _, _| selection.set(BTreeSet::new()), false);
    let new_problem = editor.then(|| {
        view! {
            <a class="button" href="/problems/new" data-testid="new-problem">
                {t(lang, Msg::NewProblem)}
            </a>
        }
    });
    let bulk = editor.then(|| view! { <BulkStatusBar selection on_done=move |_| problems.refetch() /> });
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::ProblemsTitle)) />
        <div class="page-head">
            <h1 class="page-title">{t(lang, Msg::ProblemsTitle)}</h1>
            <div class="head-actions">
                {new_problem}
                <ExportLink path="/api/v1/problems/export.csv" keys=PROBLEM_KEYS testid="problems-export" />
            </div>
        </div>
        <ProblemFilters />
        {bulk}
        <section class="panel table-panel" aria-label=t(lang, Msg::ProblemsTitle)>
            <WidgetStatus
                resource=problems
                is_empty={|page: &ProblemPage| page.problems.is_empty()}
                empty_message=Msg::NoProblemsMatch
                fallback={|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }.into_any()}
                ready={|page: &ProblemPage| problems_view(page.clone()).into_any()}
            />
        </section>
    }
}

/// A page of problems: the total, the table and the paging links.
fn problems_view(page: ProblemPage) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="list-total" data-testid="problems-total">
            {total_of(lang, Counted::Problems, page.meta.total)}
        </p>
        <ProblemsTable problems=page.problems />
        <ListPager path="/problems" keys=PROBLEM_KEYS next_cursor=page.meta.next_cursor testid="problems" />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_becomes_the_list_query() {
        let mut q = ParamsMap::new();
        q.insert("archived", "true".to_owned());
        q.insert("subject", "".to_owned());
        q.insert("cursor", "abc".to_owned());
        let query = problem_query(&q);
        assert_eq!(query.archived.as_deref(), Some("true"));
        assert_eq!(query.subject, None);
        assert_eq!(query.cursor.as_deref(), Some("abc"));
    }
}
