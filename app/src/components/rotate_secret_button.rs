//! A webhook's "Rotate signing secret" that asks first, in place (a
//! [`ConfirmButton`]), since the old secret stops working the moment a new
//! one is made and every receiver must be given the new one.

use leptos::prelude::*;

use crate::components::confirm_button::ConfirmButton;
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
    view! {
        <ConfirmButton
            asking
            set_asking=move |ask: bool| asking.set(ask)
            label=t(lang, Msg::RotateSecret).to_owned()
            question=t(lang, Msg::RotateConfirm).to_owned()
            confirm=t(lang, Msg::Rotate).to_owned()
            class="button-quiet"
            testids=["rotate-secret".into(), "rotate-confirm".into(), "rotate-cancel".into()]
            busy
            on_confirm
        />
    }
}
