//! Archive or restore a problem (editors). Archived problems leave the bank and
//! the dashboard's counts until restored; nothing is deleted.

use leptos::prelude::*;

use crate::api::problems::{ArchiveProblem, RestoreProblem};
use crate::components::error_card::ErrorCard;
use crate::i18n::{t, Msg};
use crate::model::Problem;
use crate::use_lang;

/// "Archive" for a problem in the bank, "Restore" for one in the archive; the
/// server's copy replaces `problem` once done.
#[component]
pub fn ArchiveButton(
    /// The problem the page shows.
    problem: RwSignal<Problem>,
) -> impl IntoView {
    let lang = use_lang();
    let archive = ServerAction::<ArchiveProblem>::new();
    let restore = ServerAction::<RestoreProblem>::new();
    let hydrated = crate::session::use_hydrated();
    for action in [archive.value(), restore.value()] {
        Effect::new(move |_| {
            if let Some(Ok(saved)) = action.get() {
                problem.set(saved);
            }
        });
    }
    let archived = move || problem.with(|p| p.archived_at.is_some());
    let on_click = move |_| {
        let id = problem.with_untracked(|p| p.id);
        if archived() {
            restore.dispatch(RestoreProblem { id });
        } else {
            archive.dispatch(ArchiveProblem { id });
        }
    };
    let error = move || {
        let failed =
            |v: &Option<Result<Problem, crate::error::AppError>>| v.as_ref().and_then(|r| r.as_ref().err()).cloned();
        archive.value().with(failed).or_else(|| restore.value().with(failed)).map(|error| view! { <ErrorCard error /> })
    };
    view! {
        <button
            type="button"
            class="button button-quiet"
            data-testid="problem-archive-toggle"
            disabled=move || !hydrated.get() || archive.pending().get() || restore.pending().get()
            on:click=on_click
        >
            {move || t(lang, if archived() { Msg::Restore } else { Msg::Archive })}
        </button>
        {error}
    }
}
