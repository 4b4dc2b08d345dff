//! A webhook's signing secret, shown the one time the server sends it (on
//! create, on rotation, when a channel becomes a webhook): in a marked box,
//! selectable as a whole, with a copy button and the warning that it will
//! not be shown again. The server keeps it sealed and never returns it.

use leptos::prelude::*;

use crate::i18n::{t, Msg};
use crate::use_lang;

/// Puts `text` on the clipboard; false where the browser refuses (no
/// clipboard outside a secure context, or no permission).
#[cfg(feature = "hydrate")]
async fn copy_text(text: String) -> bool {
    use wasm_bindgen::JsValue;
    let Some(window) = web_sys::window() else { return false };
    let clipboard = window.navigator().clipboard();
    // `navigator.clipboard` is undefined on plain-http pages other than localhost.
    if JsValue::from(clipboard.clone()).is_undefined() {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await.is_ok()
}

/// On the server nothing is copied (the button only works once hydrated).
#[cfg(not(feature = "hydrate"))]
async fn copy_text(text: String) -> bool {
    let _ = text;
    false
}

/// The box with the secret.
#[component]
pub fn SigningSecretBox(
    /// `whsec_…`.
    secret: String,
) -> impl IntoView {
    let lang = use_lang();
    let hydrated = crate::session::use_hydrated();
    let copy = Action::new_local(|text: &String| copy_text(text.clone()));
    let copied = move || {
        copy.value().get().map(|ok| {
            if ok {
                view! { <p class="form-note" role="status" data-testid="secret-copied">{t(lang, Msg::Copied)}</p> }
                    .into_any()
            } else {
                view! { <p class="form-error" role="alert" data-testid="secret-copy-failed">{t(lang, Msg::CopyFailed)}</p> }
                    .into_any()
            }
        })
    };
    let text = secret.clone();
    view! {
        <div class="new-key" role="status" data-testid="signing-secret-box">
            <p class="new-key-title">
                <strong>{t(lang, Msg::SigningSecret)}</strong>
            </p>
            <code class="mono" data-testid="signing-secret">{secret}</code>
            <p class="new-key-note">{t(lang, Msg::SigningSecretOnce)}</p>
            <p class="field-hint">{t(lang, Msg::SigningSecretUse)}</p>
            <div class="form-actions secret-actions">
                <button
                    type="button"
                    class="button button-small"
                    data-testid="copy-secret"
                    disabled=move || !hydrated.get() || copy.pending().get()
                    on:click=move |_| {
                        copy.dispatch(text.clone());
                    }
                >
                    {t(lang, Msg::Copy)}
                </button>
                {copied}
            </div>
        </div>
    }
}
