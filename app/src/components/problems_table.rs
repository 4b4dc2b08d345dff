//! The problem bank's table: title (a link to the problem), subject,
//! difficulty, status, views, solves, solve rate and last change; for editors a
//! checkbox per row (and one for the whole page) that picks rows for a bulk
//! status change. Titles are shown as text, whatever they contain.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::i18n::{format_count, format_datetime, format_percent, select_row, t, value_name, Msg};
use crate::model::{Problem, Role};
use crate::session::user_can;
use crate::{use_lang, use_prefs};

/// The problems picked for a bulk change, shared by the table and the bulk
/// bar through context.
#[derive(Clone, Copy, Debug)]
pub struct Selection(pub RwSignal<BTreeSet<i64>>);

/// The badge class of a status.
pub fn status_badge(status: &str) -> &'static str {
    match status {
        "active" => "badge badge-ok",
        "draft" => "badge badge-warn",
        _ => "badge badge-neutral",
    }
}

/// A page of problems; editors get checkboxes when a [`Selection`] is provided.
#[component]
pub fn ProblemsTable(
    /// The problems, in the list's order.
    problems: Vec<Problem>,
) -> impl IntoView {
    let lang = use_lang();
    let selection = use_context::<Selection>().filter(|_| user_can(Role::Editor)).map(|s| s.0);
    let hydrated = crate::session::use_hydrated();
    let ids: Vec<i64> = problems.iter().map(|p| p.id).collect();
    let select_all = selection.map(|selected| {
        let all_ids = ids.clone();
        let all = move || !ids.is_empty() && selected.with(|s| ids.iter().all(|id| s.contains(id)));
        let on_change = move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                for id in &all_ids {
                    if on {
                        s.insert(*id);
                    } else {
                        s.remove(id);
                    }
                }
            });
        };
        view! {
            <th scope="col" class="check">
                <input
                    type="checkbox"
                    aria-label=t(lang, Msg::SelectAllOnPage)
                    data-testid="problem-select-all"
                    prop:checked=all
                    disabled=move || !hydrated.get()
                    on:change=on_change
                />
            </th>
        }
    });
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="problems-table">
                <thead>
                    <tr>
                        {select_all}
                        <th scope="col">{t(lang, Msg::ProblemTitle)}</th>
                        <th scope="col">{t(lang, Msg::Subject)}</th>
                        <th scope="col">{t(lang, Msg::Difficulty)}</th>
                        <th scope="col">{t(lang, Msg::Status)}</th>
                        <th scope="col" class="num">{t(lang, Msg::Views)}</th>
                        <th scope="col" class="num">{t(lang, Msg::Solves)}</th>
                        <th scope="col" class="num">{t(lang, Msg::SolveRate)}</th>
                        <th scope="col">{t(lang, Msg::Updated)}</th>
                    </tr>
                </thead>
                <tbody>{problems.into_iter().map(|p| row(p, selection, hydrated)).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn row(problem: Problem, selection: Option<RwSignal<BTreeSet<i64>>>, hydrated: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let id = problem.id;
    let check = selection.map(|selected| {
        let on_change = move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                if on {
                    s.insert(id);
                } else {
                    s.remove(&id);
                }
            });
        };
        view! {
            <td class="check">
                <input
                    type="checkbox"
                    aria-label=select_row(lang, &problem.title)
                    data-testid="problem-select"
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    disabled=move || !hydrated.get()
                    on:change=on_change
                />
            </td>
        }
    });
    let archived = problem.archived_at.is_some().then(|| {
        view! { <span class="badge badge-neutral">{t(lang, Msg::Archived)}</span> }
    });
    let stats = problem.stats;
    view! {
        <tr data-testid="problem-row" data-id=id.to_string() data-status=problem.status.clone()>
            {check}
            <td class="title-cell">
                <a href=format!("/problems/{id}")>{problem.title}</a>
                " "
                {archived}
            </td>
            <td>{problem.subject.unwrap_or_default()}</td>
            <td>{problem.difficulty.map(|d| value_name(lang, &d)).unwrap_or_default()}</td>
            <td>
                <span class=status_badge(&problem.status)>{value_name(lang, &problem.status)}</span>
            </td>
            <td class="num">{format_count(stats.views)}</td>
            <td class="num">{format_count(stats.solves)}</td>
            <td class="num">{stats.solve_rate.map(format_percent).unwrap_or_else(|| "–".to_owned())}</td>
            <td>{format_datetime(lang, problem.updated_at, zone)}</td>
        </tr>
    }
}
