//! The bulk bar over the problem bank (editors): how many problems are ticked,
//! a status, and "Apply to selected"; then what changed.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::api::problems::BulkProblemStatus;
use crate::components::error_card::ErrorCard;
use crate::components::form_field::FormField;
use crate::i18n::{selected_count, t, updated_count, value_name, Msg};
use crate::model::{BulkStatus, STATUSES};
use crate::use_lang;

/// Sets one status on the ticked problems, then empties the selection and
/// calls `on_done` (the list refetches).
#[component]
pub fn BulkStatusBar(
    /// The ticked problems.
    selection: RwSignal<BTreeSet<i64>>,
    /// Runs after a change went through.
    #[prop(into)]
    on_done: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let status = RwSignal::new(STATUSES[0].to_owned());
    let bulk = ServerAction::<BulkProblemStatus>::new();
    let hydrated = crate::session::use_hydrated();
    Effect::new(move |_| {
        if let Some(Ok(_)) = bulk.value().get() {
            selection.set(BTreeSet::new());
            on_done.run(());
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ids: Vec<i64> = selection.get_untracked().into_iter().collect();
        if !ids.is_empty() {
            bulk.dispatch(BulkProblemStatus { change: BulkStatus { ids, status: status.get_untracked() } });
        }
    };
    let outcome = move || {
        bulk.value().with(|v| match v {
            Some(Ok(result)) => Some(
                view! {
                    <p class="form-note" role="status" data-testid="bulk-result">
                        {updated_count(lang, result.updated)}
                    </p>
                }
                .into_any(),
            ),
            Some(Err(error)) => Some(view! { <ErrorCard error=error.clone() /> }.into_any()),
            None => None,
        })
    };
    view! {
        <form class="bulk-bar" data-testid="bulk-bar" aria-label=t(lang, Msg::BulkChange) on:submit=on_submit>
            <fieldset disabled=move || !hydrated.get()>
                <span class="bulk-count" data-testid="bulk-selected">
                    {move || selected_count(lang, selection.with(BTreeSet::len))}
                </span>
                <FormField id="bulk-status" label=t(lang, Msg::NewStatus)>
                    <select on:change=move |ev| status.set(event_target_value(&ev))>
                        {STATUSES
                            .into_iter()
                            .map(|s| view! { <option value=s selected=move || status.with(|v| v == s)>{value_name(lang, s)}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                <button
                    type="submit"
                    class="button"
                    data-testid="bulk-apply"
                    disabled=move || selection.with(BTreeSet::is_empty) || bulk.pending().get()
                >
                    {t(lang, Msg::ApplyToSelected)}
                </button>
            </fieldset>
            {outcome}
        </form>
    }
}
