//! A row's "Delete" that asks first, in the row: the button gives way to the
//! question with "Delete" and "Cancel" (the focus moves with it, so a
//! keyboard stays in the row). One row of a list asks at a time.

use leptos::prelude::*;

use crate::components::focus::focus_later;
use crate::i18n::{action_on, t, Msg};
use crate::use_lang;

/// "Delete", then "Delete for good? [Delete] [Cancel]".
#[component]
pub fn ConfirmDelete(
    /// The row's record.
    id: i64,
    /// Its name, for the buttons' accessible names.
    name: String,
    /// The record whose deletion awaits an answer (shared by the list's rows).
    confirming: RwSignal<Option<i64>>,
    /// Test-id prefix: `report` gives `report-delete`, `report-delete-confirm`
    /// and `report-delete-cancel`.
    testid: &'static str,
    /// Whether the buttons are off (before hydration, while an action runs).
    #[prop(into)]
    busy: Signal<bool>,
    /// Deletes, once confirmed.
    #[prop(into)]
    on_confirm: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let label = action_on(lang, Msg::Delete, &name);
    let (delete_button, cancel_button) =
        (NodeRef::<leptos::html::Button>::new(), NodeRef::<leptos::html::Button>::new());
    let asking = move || confirming.get() == Some(id);
    move || {
        if asking() {
            view! {
                <span class="confirm-text" role="alert">{t(lang, Msg::DeleteConfirm)}</span>
                <button
                    type="button"
                    class="button button-danger button-small"
                    data-testid=format!("{testid}-delete-confirm")
                    aria-label=label.clone()
                    disabled=move || busy.get()
                    on:click=move |_| {
                        confirming.set(None);
                        on_confirm.run(());
                    }
                >
                    {t(lang, Msg::Delete)}
                </button>
                <button
                    type="button"
                    class="button button-quiet button-small"
                    data-testid=format!("{testid}-delete-cancel")
                    node_ref=cancel_button
                    on:click=move |_| {
                        confirming.set(None);
                        focus_later(delete_button);
                    }
                >
                    {t(lang, Msg::Cancel)}
                </button>
            }
            .into_any()
        } else {
            view! {
                <button
                    type="button"
                    class="button button-danger button-small"
                    data-testid=format!("{testid}-delete")
                    aria-label=label.clone()
                    disabled=move || busy.get()
                    node_ref=delete_button
                    on:click=move |_| {
                        confirming.set(Some(id));
                        focus_later(cancel_button);
                    }
                >
                    {t(lang, Msg::Delete)}
                </button>
            }
            .into_any()
        }
    }
}
