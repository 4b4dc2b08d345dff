//! The reports' table: name (a link to the report), template, schedule in
//! words, next run, latest run and status; for editors, each row's pause or
//! resume, clone and delete (delete asks first, in the row; built-in reports
//! have none). Names are shown as text, whatever they contain.

use leptos::prelude::*;

use crate::api::reports::{CloneReport, DeleteReport, SetReportActive};
use crate::components::confirm_delete::ConfirmDelete;
use crate::components::error_card::ErrorCard;
use crate::components::field_errors::refused;
use crate::error::AppError;
use crate::i18n::{action_on, format_datetime, schedule_words, t, value_name, Lang, Msg};
use crate::model::{Report, Role, RunSummary};
use crate::session::user_can;
use crate::{use_lang, use_prefs};

/// The row actions of the list, shared by every row through context.
#[derive(Clone, Copy)]
pub struct ReportActions {
    /// Pause or resume.
    pub set_active: ServerAction<SetReportActive>,
    /// Copy (paused).
    pub clone: ServerAction<CloneReport>,
    /// Delete.
    pub delete: ServerAction<DeleteReport>,
    /// The report whose deletion awaits a confirmation.
    pub confirming: RwSignal<Option<i64>>,
}

impl ReportActions {
    /// Forgets the previous outcomes, so only the new action's shows.
    fn clear(&self) {
        self.set_active.value().set(None);
        self.clone.value().set(None);
        self.delete.value().set(None);
    }
}

/// The badge class of a report's status.
pub fn report_badge(status: &str) -> &'static str {
    match status {
        "active" => "badge badge-ok",
        _ => "badge badge-neutral",
    }
}

/// The badge class of a run's status.
pub fn run_badge(status: &str) -> &'static str {
    match status {
        "completed" => "badge badge-ok",
        "failed" => "badge badge-bad",
        "pending" | "running" => "badge badge-warn",
        _ => "badge badge-neutral",
    }
}

/// What the last row action did, over the table: a refusal (a report that
/// cannot be resumed without a channel says so in words), or the copy made.
pub fn action_outcome(lang: Lang, actions: ReportActions) -> Option<AnyView> {
    let failed = actions
        .set_active
        .value()
        .with(|v| refused(v.as_ref()))
        .or_else(|| actions.clone.value().with(|v| refused(v.as_ref())))
        .or_else(|| actions.delete.value().with(|v| refused(v.as_ref())));
    if let Some(error) = failed {
        return Some(refusal(error));
    }
    actions.clone.value().get().and_then(Result::ok).map(|copy| {
        view! {
            <p class="form-note" role="status" data-testid="report-cloned">
                {t(lang, Msg::Cloned)} " " <a href=format!("/reports/{}", copy.id)>{copy.name}</a>
            </p>
        }
        .into_any()
    })
}

/// A refused action: a field's message as text, anything else as the error card.
pub fn refusal(error: AppError) -> AnyView {
    let text = match error.kind() {
        AppError::Validation { fields, .. } if !fields.is_empty() => {
            Some(fields.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join(" "))
        }
        _ => None,
    };
    match text {
        Some(text) => view! { <p class="form-error" role="alert" data-testid="action-error">{text}</p> }.into_any(),
        None => view! { <ErrorCard error /> }.into_any(),
    }
}

/// A page of reports; editors get each row's actions.
#[component]
pub fn ReportsTable(
    /// The reports, in the list's order.
    reports: Vec<Report>,
) -> impl IntoView {
    let lang = use_lang();
    let actions = use_context::<ReportActions>().filter(|_| user_can(Role::Editor));
    let hydrated = crate::session::use_hydrated();
    let actions_head = actions.map(|_| view! { <th scope="col">{t(lang, Msg::Actions)}</th> });
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="reports-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::Name)}</th>
                        <th scope="col">{t(lang, Msg::Template)}</th>
                        <th scope="col">{t(lang, Msg::Schedule)}</th>
                        <th scope="col">{t(lang, Msg::NextRun)}</th>
                        <th scope="col">{t(lang, Msg::LastRun)}</th>
                        <th scope="col">{t(lang, Msg::Status)}</th>
                        {actions_head}
                    </tr>
                </thead>
                <tbody>{reports.into_iter().map(|r| row(r, actions, hydrated)).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn row(report: Report, actions: Option<ReportActions>, hydrated: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let id = report.id;
    let builtin = report.builtin.is_some().then(|| {
        view! { <span class="badge badge-neutral">{t(lang, Msg::BuiltIn)}</span> }
    });
    let next_run = report.next_run_at.map_or_else(|| "–".to_owned(), |at| format_datetime(lang, at, zone));
    let last_run = last_run(lang, report.last_run.as_ref(), zone);
    let buttons = actions.map(|actions| row_actions(&report, actions, hydrated));
    view! {
        <tr data-testid="report-row" data-id=id.to_string() data-status=report.status.clone()>
            <td class="title-cell">
                <a href=format!("/reports/{id}")>{report.name.clone()}</a>
                " "
                {builtin}
            </td>
            <td class="title-cell">{report.template_name.clone()}</td>
            <td class="wrap">{schedule_words(lang, &report.schedule_text)}</td>
            <td>{next_run}</td>
            <td>
                {last_run}
                " "
                <a class="small" href=format!("/reports/{id}/runs") data-testid="report-runs-link">
                    {t(lang, Msg::RunsTitle)}
                </a>
            </td>
            <td>
                <span class=report_badge(&report.status) data-testid="report-status">
                    {value_name(lang, &report.status)}
                </span>
            </td>
            {buttons}
        </tr>
    }
}

/// The latest run's status and when it ended (or started).
fn last_run(lang: Lang, run: Option<&RunSummary>, zone: crate::model::range::Zone) -> AnyView {
    match run {
        None => view! { <span class="muted">{t(lang, Msg::NotRunYet)}</span> }.into_any(),
        Some(run) => {
            let at = format_datetime(lang, run.finished_at.unwrap_or(run.created_at), zone);
            view! {
                <span class=run_badge(&run.status) data-testid="report-last-run">{value_name(lang, &run.status)}</span>
                " "
                <span class="muted small">{at}</span>
            }
            .into_any()
        }
    }
}

/// Pause or resume, clone, and delete with its confirmation.
fn row_actions(report: &Report, actions: ReportActions, hydrated: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let id = report.id;
    let active = report.status == "active";
    let name = report.name.clone();
    let busy = Signal::derive(move || {
        !hydrated.get()
            || actions.set_active.pending().get()
            || actions.clone.pending().get()
            || actions.delete.pending().get()
    });
    // Built-in reports come back at the next start: they can only be paused.
    let delete = report.builtin.is_none().then(|| {
        let on_confirm = move |()| {
            actions.clear();
            actions.delete.dispatch(DeleteReport { id });
        };
        view! { <ConfirmDelete id name=name.clone() confirming=actions.confirming testid="report" busy on_confirm /> }
    });
    view! {
        <td class="row-actions">
            <button
                type="button"
                class="button button-quiet button-small"
                data-testid="report-toggle"
                aria-label=action_on(lang, if active { Msg::Pause } else { Msg::Resume }, &name)
                disabled=move || busy.get()
                on:click=move |_| {
                    actions.clear();
                    actions.set_active.dispatch(SetReportActive { id, active: !active });
                }
            >
                {t(lang, if active { Msg::Pause } else { Msg::Resume })}
            </button>
            <button
                type="button"
                class="button button-quiet button-small"
                data-testid="report-clone"
                aria-label=action_on(lang, Msg::Clone, &name)
                disabled=move || busy.get()
                on:click=move |_| {
                    actions.clear();
                    actions.clone.dispatch(CloneReport { id });
                }
            >
                {t(lang, Msg::Clone)}
            </button>
            {delete}
        </td>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_reports_get_the_badge_of_their_state() {
        assert_eq!(run_badge("failed"), "badge badge-bad");
        assert_eq!(run_badge("completed"), "badge badge-ok");
        assert_eq!(run_badge("running"), "badge badge-warn");
        assert_eq!(report_badge("active"), "badge badge-ok");
        assert_eq!(report_badge("paused"), "badge badge-neutral");
    }
}
