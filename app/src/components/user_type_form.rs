//! Changing a user's subscription tier (editors and above): a select and a
//! Save button; the card shows the server's answer.

use leptos::prelude::*;

use crate::api::users::ChangeUserType;
use crate::components::form_field::FormField;
use crate::components::password_form::form_alert;
use crate::i18n::{t, value_name, Msg};
use crate::model::{UserDetail, UserTypeChange};
use crate::use_lang;

/// The tiers a user can be on.
const TIERS: [&str; 3] = ["free", "paid", "premium"];

/// The tier form for the user in `user`; a saved change is written back there.
#[component]
pub fn UserTypeForm(
    /// The user the card shows (updated with the server's answer).
    user: RwSignal<UserDetail>,
) -> impl IntoView {
    let lang = use_lang();
    let (id, current) = user.with_untracked(|u| (u.id, u.user_type.clone()));
    let tier = RwSignal::new(current.clone());
    let change = ServerAction::<ChangeUserType>::new();
    let hydrated = crate::session::use_hydrated();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = change.value().get() {
            tier.set(saved.user_type.clone());
            user.set(saved);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        change.dispatch(ChangeUserType { id, change: UserTypeChange { user_type: tier.get_untracked() } });
    };
    let outcome = move || {
        change.value().with(|v| match v {
            Some(Ok(_)) => Some(
                view! { <p class="form-note" role="status" data-testid="user-type-saved">{t(lang, Msg::Saved)}</p> }
                    .into_any(),
            ),
            Some(Err(error)) => form_alert(error, &[]),
            None => None,
        })
    };
    view! {
        <form class="inline-form" data-testid="user-type-form" on:submit=on_submit>
            <fieldset disabled=move || !hydrated.get()>
                <FormField id="user-type-select" label=t(lang, Msg::ChangeUserType)>
                    <select on:change=move |ev| tier.set(event_target_value(&ev))>
                        {TIERS
                            .into_iter()
                            .map(|value| {
                                view! {
                                    <option value=value selected=current == value>
                                        {value_name(lang, value)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </FormField>
                <button type="submit" class="button" data-testid="user-type-save" disabled=move || change.pending().get()>
                    {t(lang, Msg::Save)}
                </button>
            </fieldset>
            {outcome}
        </form>
    }
}
