//! A row's "Delete" that asks first, in the row (a [`ConfirmButton`]). One
//! row of a list asks at a time.

use leptos::prelude::*;

use crate::components::confirm_button::ConfirmButton;
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
    view! {
        <ConfirmButton
            asking=Signal::derive(move || confirming.get() == Some(id))
            set_asking=move |ask: bool| confirming.set(ask.then_some(id))
            label=t(lang, Msg::Delete).to_owned()
            question=t(lang, Msg::DeleteConfirm).to_owned()
            confirm=t(lang, Msg::Delete).to_owned()
            class="button-danger button-small"
            aria_label=action_on(lang, Msg::Delete, &name)
            testids=[format!("{testid}-delete"), format!("{testid}-delete-confirm"), format!("{testid}-delete-cancel")]
            busy
            on_confirm
        />
    }
}
