//! A webhook's "Rotate signing secret" that asks first, in place: the
//! button gives way to the question with "Rotate" and "Cancel" (the focus
//! moves with it), since the old secret stops working the moment a new one
//! is made and every receiver must be given the new one.

use leptos::prelude::*;

use crate::components::focus::focus_later;
use crate::i18n::{t, Msg};
use crate::use_lang;

/// "Rotate signing secret", then "The current secret stops working at once.
/// Rotate it? [Rotate] [Cancel]".
#[component]
pub fn RotateSecretButton(
    /// Whether the buttons are off (before hydration, while an action runs).
    #[prop(into)]
    busy: Signal<bool>,
    /// Rotates, once confirmed.
    #[prop(into)]
    on_confirm: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let asking = RwSignal::new(false);
    let (rotate_button, cancel_button) =
        (NodeRef::<leptos::html::Button>::new(), NodeRef::<leptos::html::Button>::new());
    move || {
        if asking.get() {
            view! {
                <span class="confirm-text" role="alert">{t(lang, Msg::RotateConfirm)}</span>
                <button
                    type="button"
                    class="button button-danger button-small"
                    data-testid="rotate-confirm"
                    disabled=move || busy.get()
                    on:click=move |_| {
                        asking.set(false);
                        on_confirm.run(());
                    }
                >
                    {t(lang, Msg::Rotate)}
                </button>
                <button
                    type="button"
                    class="button button-quiet button-small"
                    data-testid="rotate-cancel"
                    node_ref=cancel_button
                    on:click=move |_| {
                        asking.set(false);
                        focus_later(rotate_button);
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
                    class="button button-quiet"
                    data-testid="rotate-secret"
                    node_ref=rotate_button
                    disabled=move || busy.get()
                    on:click=move |_| {
                        asking.set(true);
                        focus_later(cancel_button);
                    }
                >
                    {t(lang, Msg::RotateSecret)}
                </button>
            }
            .into_any()
        }
    }
}
