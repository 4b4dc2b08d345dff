//! `/reports/new` and `/reports/:id`: a report's editor for editors (a
//! read-only view for viewers), with its status and, for a built-in report,
//! its badge. An unknown id gets the not-found message, with status 404.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::reports::get_report;
use crate::components::error_card::ErrorCard;
use crate::components::report_details::ReportDetails;
use crate::components::report_form::ReportForm;
use crate::components::reports_table::report_badge;
use crate::error::AppError;
use crate::i18n::{t, value_name, Msg};
use crate::model::{Report, Role};
use crate::pages::not_found_status;
use crate::session::user_can;
use crate::use_lang;

/// Which record the URL names: none for `new`, and `Some(None)` for an id
/// that is not a number (the template editor reads its URL the same way).
pub fn target(id: Option<&str>) -> Option<Option<i64>> {
    id.filter(|id| *id != "new").map(|id| id.parse().ok())
}

/// The report page (new or existing) as a route whose code is a WASM chunk of
/// its own, fetched the first time the page is shown. On the server it
/// renders like any other page.
pub struct ReportEditRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for ReportEditRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <ReportEditPage /> }.into_any()
    }
}

/// The report page, new or existing.
#[component]
pub fn ReportEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| target(p.get_str("id"))));
    let body = move || match id.get() {
        None => new_report().into_any(),
        Some(id) => view! { <ExistingReport id /> }.into_any(),
    };
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::ReportsTitle)) />
        <p class="breadcrumb">
            <a href="/reports">{t(lang, Msg::BackToReports)}</a>
        </p>
        {body}
    }
}

/// The empty form (editors; viewers are told they may not).
fn new_report() -> impl IntoView {
    let lang = use_lang();
    if !user_can(Role::Editor) {
        return view! { <ErrorCard error=AppError::Forbidden /> }.into_any();
    }
    view! {
        <h1 class="page-title">{t(lang, Msg::NewReport)}</h1>
        <section class="panel">
            <ReportForm report=None />
        </section>
    }
    .into_any()
}

/// The report with id `id`, once loaded.
#[component]
fn ExistingReport(id: Option<i64>) -> impl IntoView {
    let report = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_report(id).await,
                None => Err(AppError::NotFound { what: "report".into() }),
            }
        },
    );
    let body = move || {
        Suspend::new(async move {
            match report.await {
                Ok(found) => view! { <ReportView report=found /> }.into_any(),
                Err(error) => {
                    not_found_status(&error);
                    view! { <ErrorCard error on_retry=Callback::new(move |_| report.refetch()) /> }.into_any()
                }
            }
        })
    };
    view! { <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>{body}</Transition> }
}

/// The heading with the status, then the editor (or the read-only view).
#[component]
fn ReportView(report: Report) -> impl IntoView {
    let lang = use_lang();
    let current = RwSignal::new(report.clone());
    let builtin = report.builtin.is_some().then(|| {
        view! { <span class="badge badge-neutral" data-testid="report-builtin">{t(lang, Msg::BuiltIn)}</span> }
    });
    let status = move || {
        current.with(|r| {
            view! {
                <span class=report_badge(&r.status) data-testid="report-state">
                    {value_name(lang, &r.status)}
                </span>
            }
        })
    };
    let body = if user_can(Role::Editor) {
        let on_saved = Callback::new(move |saved: Report| current.set(saved));
        view! { <ReportForm report=Some(report) on_saved /> }.into_any()
    } else {
        view! { <ReportDetails report /> }.into_any()
    };
    view! {
        <div class="page-head">
            <h1 class="page-title" data-testid="report-heading">
                {move || current.with(|r| r.name.clone())}
            </h1>
            <div class="head-actions">
                {status}
                {builtin}
                <a class="button button-quiet" href=move || format!("/reports/{}/runs", current.with(|r| r.id)) data-testid="report-runs">
                    {t(lang, Msg::RunsTitle)}
                </a>
            </div>
        </div>
        <section class="panel">{body}</section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_names_a_new_report_an_id_or_nothing_valid() {
        assert_eq!(target(None), None);
        assert_eq!(target(Some("new")), None);
        assert_eq!(target(Some("42")), Some(Some(42)));
        assert_eq!(target(Some("x")), Some(None));
    }
}
