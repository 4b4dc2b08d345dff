//! A button that asks first, in place: it gives way to the question with a
//! confirming button and "Cancel" (the focus moves with it, so a keyboard
//! stays where it was), and comes back on either. Deleting a row and rotating
//! a webhook's secret are made of it.

use leptos::prelude::*;

use crate::components::focus::focus_later;
use crate::i18n::{t, Msg};
use crate::use_lang;

/// "[label]", then "question [confirm] [Cancel]".
#[component]
pub fn ConfirmButton(
    /// Whether the question shows. The owner keeps it, so that one row of a
    /// list asks at a time.
    #[prop(into)]
    asking: Signal<bool>,
    /// Shows (`true`) or takes back (`false`) the question.
    #[prop(into)]
    set_asking: Callback<bool>,
    /// The first button's text.
    label: String,
    /// The question.
    question: String,
    /// The confirming button's text.
    confirm: String,
    /// The first button's classes after `button` (`button-danger button-small`).
    class: &'static str,
    /// The first and the confirming button's accessible name, when their text
    /// alone does not say what they act on (a row's name).
    #[prop(optional)]
    aria_label: Option<String>,
    /// Test ids of the first, the confirming and the cancelling button.
    testids: [String; 3],
    /// Whether the buttons are off (before hydration, while an action runs).
    #[prop(into)]
    busy: Signal<bool>,
    /// Acts, once confirmed.
    #[prop(into)]
    on_confirm: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let (ask_button, cancel_button) = (NodeRef::<leptos::html::Button>::new(), NodeRef::<leptos::html::Button>::new());
    let [ask_id, confirm_id, cancel_id] = testids;
    move || {
        if asking.get() {
            view! {
                <span class="confirm-text" role="alert">{question.clone()}</span>
                <button
                    type="button"
                    class="button button-danger button-small"
                    data-testid=confirm_id.clone()
                    aria-label=aria_label.clone()
                    disabled=move || busy.get()
                    on:click=move |_| {
                        set_asking.run(false);
                        on_confirm.run(());
                    }
                >
                    {confirm.clone()}
                </button>
                <button
                    type="button"
                    class="button button-quiet button-small"
                    data-testid=cancel_id.clone()
                    node_ref=cancel_button
                    on:click=move |_| {
                        set_asking.run(false);
                        focus_later(ask_button);
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
                    class=format!("button {class}")
                    data-testid=ask_id.clone()
                    aria-label=aria_label.clone()
                    node_ref=ask_button
                    disabled=move || busy.get()
                    on:click=move |_| {
                        set_asking.run(true);
                        focus_later(cancel_button);
                    }
                >
                    {label.clone()}
                </button>
            }
            .into_any()
        }
    }
}
