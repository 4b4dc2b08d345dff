//! Changing one's own password: the current one, the new one twice (compared
//! here, before anything is sent), and the server's verdict beside the field it
//! is about. Also the two helpers every settings form uses to show an error
//! next to its field or, failing that, above the form.

use leptos::prelude::*;

use crate::api::auth::ChangePassword;
use crate::components::error_card::ErrorCard;
use crate::components::form_field::FormField;
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::use_lang;

/// The server's message about one of `fields` (a form field may be reported
/// under more than one name: the new password is `new_password` to the server
/// function and `password` to the password rules).
pub fn field_message(error: &AppError, fields: &[&str]) -> Option<String> {
    match error.kind() {
        AppError::Validation { fields: invalid, .. } => {
            invalid.iter().find(|f| fields.contains(&f.field.as_str())).map(|f| f.message.clone())
        }
        _ => None,
    }
}

/// What a form shows above its button for `error`, unless the error is about
/// one of `inline` (then it is shown beside that field): a validation message
/// as text, anything else as the error card.
pub fn form_alert(error: &AppError, inline: &[&str]) -> Option<AnyView> {
    if field_message(error, inline).is_some() {
        return None;
    }
    Some(match error.kind() {
        AppError::Validation { message, .. } => {
            view! { <p class="form-error" role="alert">{message.clone()}</p> }.into_any()
        }
        _ => view! { <ErrorCard error=error.clone() /> }.into_any(),
    })
}

/// The fields the server may name in its answer, as the form shows them.
const CURRENT: &[&str] = &["current_password"];
const NEW: &[&str] = &["new_password", "password"];

/// The change-password form.
#[component]
pub fn PasswordForm() -> impl IntoView {
    let lang = use_lang();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let change = ServerAction::<ChangePassword>::new();
    let value = change.value();
    // The form needs the WASM (the two new fields are compared before sending).
    let hydrated = crate::session::use_hydrated();
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            current.set(String::new());
            new.set(String::new());
            confirm.set(String::new());
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let differ = new.get_untracked() != confirm.get_untracked();
        mismatch.set(differ);
        if !differ {
            change.dispatch(ChangePassword {
                current_password: current.get_untracked(),
                new_password: new.get_untracked(),
            });
        }
    };
    let error_of = move |fields: &'static [&'static str]| {
        Signal::derive(move || {
            value.with(|v| v.as_ref().and_then(|r| r.as_ref().err()).and_then(|e| field_message(e, fields)))
        })
    };
    let current_error = error_of(CURRENT);
    let new_error = error_of(NEW);
    let confirm_error = Signal::derive(move || mismatch.get().then(|| t(lang, Msg::PasswordsDiffer).to_owned()));
    let alert = move || {
        value.with(|v| v.as_ref().and_then(|r| r.as_ref().err()).and_then(|e| form_alert(e, &[CURRENT, NEW].concat())))
    };
    let done = move || {
        matches!(value.get(), Some(Ok(())))
            .then(|| view! { <p class="form-note" role="status">{t(lang, Msg::PasswordChanged)}</p> })
    };

    view! {
        <form method="post" data-testid="password-form" on:submit=on_submit>
            // Until the WASM runs, the fields would lose what is typed and the form
            // could not be sent: nothing can be used before then.
            <fieldset class="form-grid" disabled=move || !hydrated.get()>
                <FormField id="current-password" label=t(lang, Msg::CurrentPassword) error=current_error>
                    <input
                        name="current_password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=current
                    />
                </FormField>
                <FormField id="new-password" label=t(lang, Msg::NewPassword) error=new_error>
                    <input
                        name="new_password"
                        type="password"
                        autocomplete="new-password"
                        required
                        minlength="8"
                        bind:value=new
                    />
                </FormField>
                <FormField id="confirm-password" label=t(lang, Msg::ConfirmPassword) error=confirm_error>
                    <input
                        name="confirm_password"
                        type="password"
                        autocomplete="new-password"
                        required
                        bind:value=confirm
                    />
                </FormField>
                {alert}
                {done}
                <div class="form-actions">
                    <button
                        type="submit"
                        class="button"
                        disabled=move || change.pending().get()
                    >
                        {t(lang, Msg::ChangePassword)}
                    </button>
                </div>
            </fieldset>
        </form>
    }
}
