//! `/problems/new` and `/problems/:id`: a problem's editor for
//! editors (a read-only view for viewers), its archive state with the button
//! that changes it, and how students used it. An unknown id gets the
//! not-found message, with status 404.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::problems::get_problem;
use crate::components::archive_button::ArchiveButton;
use crate::components::error_card::ErrorCard;
use crate::components::panel::Panel;
use crate::components::problem_details::ProblemDetails;
use crate::components::problem_form::ProblemForm;
use crate::components::problem_stats::ProblemStatsPanel;
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::model::{Problem, Role};
use crate::pages::not_found_status;
use crate::session::user_can;
use crate::use_lang;

/// Which problem the URL names: none for `/problems/new`, and `Some(None)`
/// for an id that is not a number.
fn target(id: Option<&str>) -> Option<Option<i64>> {
    id.filter(|id| *id != "new").map(|id| id.parse().ok())
}

/// The problem page (new or existing) as a route whose code is a WASM chunk of its own, fetched
/// the first time the page is shown: the dashboard loads without it. On the
/// server it renders like any other page.
pub struct ProblemEditRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for ProblemEditRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <ProblemEditPage /> }.into_any()
    }
}

/// The problem page, new or existing.
#[component]
pub fn ProblemEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| target(p.get_str("id"))));
    let body = move || match id.get() {
        None => new_problem().into_any(),
        Some(id) => view! { <ExistingProblem id /> }.into_any(),
    };
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::ProblemsTitle)) />
        <p class="breadcrumb">
            <a href="/problems">{t(lang, Msg::BackToProblems)}</a>
        </p>
        {body}
    }
}

/// The empty form (editors; viewers are told they may not).
fn new_problem() -> impl IntoView {
    let lang = use_lang();
    if !user_can(Role::Editor) {
        return view! { <ErrorCard error=AppError::Forbidden /> }.into_any();
    }
    view! {
        <h1 class="page-title">{t(lang, Msg::NewProblem)}</h1>
        <section class="panel">
            <ProblemForm problem=None />
        </section>
    }
    .into_any()
}

/// The problem with id `id`, once loaded.
#[component]
fn ExistingProblem(id: Option<i64>) -> impl IntoView {
    let problem = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_problem(id).await,
                None => Err(AppError::NotFound { what: "problem".into() }),
            }
        },
    );
    let body = move || {
        Suspend::new(async move {
            match problem.await {
                Ok(found) => view! { <ProblemView problem=found /> }.into_any(),
                Err(error) => {
                    not_found_status(&error);
                    view! { <ErrorCard error on_retry=Callback::new(move |_| problem.refetch()) /> }.into_any()
                }
            }
        })
    };
    view! { <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>{body}</Transition> }
}

/// The heading, archive state, the editor (or the read-only view) and stats.
#[component]
fn ProblemView(problem: Problem) -> impl IntoView {
    let lang = use_lang();
    let editor = user_can(Role::Editor);
    let current = RwSignal::new(problem.clone());
    let badge = move || {
        current.with(|p| p.archived_at.is_some()).then(|| {
            view! { <span class="badge badge-neutral" data-testid="problem-archived">{t(lang, Msg::Archived)}</span> }
        })
    };
    let archive = editor.then(|| view! { <ArchiveButton problem=current /> });
    let body = if editor {
        let on_saved = Callback::new(move |saved: Problem| current.set(saved));
        view! { <ProblemForm problem=Some(problem) on_saved /> }.into_any()
    } else {
        view! { <ProblemDetails problem /> }.into_any()
    };
    view! {
        <div class="page-head">
            <h1 class="page-title" data-testid="problem-heading">
                {move || current.with(|p| p.title.clone())}
            </h1>
            <div class="head-actions">{badge} {archive}</div>
        </div>
        <section class="panel">{body}</section>
        <Panel id="problem-stats-title" title=t(lang, Msg::ProblemStatsTitle)>
            <ProblemStatsPanel stats=Signal::derive(move || current.with(|p| p.stats)) />
        </Panel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_names_a_new_problem_an_id_or_nothing_valid() {
        assert_eq!(target(None), None);
        assert_eq!(target(Some("new")), None);
        assert_eq!(target(Some("42")), Some(Some(42)));
        assert_eq!(target(Some("x")), Some(None));
    }
}
