//! Two-factor sign-in for one's own account. Off: a button starts enrolment,
//! which shows the QR code and the setup key and asks for a first code to
//! prove the app works. On: a current code turns it off (so a borrowed session
//! alone cannot).

use leptos::prelude::*;

use crate::api::auth::{TotpBegin, TotpConfirm, TotpDisable};
use crate::components::error_card::ErrorCard;
use crate::components::form_field::FormField;
use crate::components::password_form::{field_message, form_alert};
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::model::TotpEnrollment;
use crate::use_lang;

/// The field the server names when a code is wrong.
const CODE: &[&str] = &["code"];

/// The error of an action's last answer, if it failed.
fn failed<T>(value: &Option<Result<T, AppError>>) -> Option<AppError> {
    value.as_ref().and_then(|r| r.as_ref().err().cloned())
}

/// The two-factor section, given whether it is on now.
#[component]
pub fn TotpPanel(
    /// Whether the account has two-factor sign-in now.
    enabled: bool,
) -> impl IntoView {
    let lang = use_lang();
    let enabled = RwSignal::new(enabled);
    let begin = ServerAction::<TotpBegin>::new();
    let confirm = ServerAction::<TotpConfirm>::new();
    let disable = ServerAction::<TotpDisable>::new();
    let code = RwSignal::new(String::new());
    let done = RwSignal::new(None::<Msg>);
    let hydrated = crate::session::use_hydrated();
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm.value().get() {
            enabled.set(true);
            code.set(String::new());
            // The secret has served its purpose: stop showing it.
            begin.value().set(None);
            done.set(Some(Msg::TotpEnabledDone));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            enabled.set(false);
            code.set(String::new());
            done.set(Some(Msg::TotpDisabledDone));
        }
    });

    let enrollment = move || begin.value().get().and_then(Result::ok);
    let busy = move || !hydrated.get() || begin.pending().get() || confirm.pending().get() || disable.pending().get();
    let on_begin = move |_| {
        done.set(None);
        begin.dispatch(TotpBegin {});
    };
    let on_confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        confirm.dispatch(TotpConfirm { code: code.get_untracked().trim().to_owned() });
    };
    let on_disable = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        disable.dispatch(TotpDisable { code: code.get_untracked().trim().to_owned() });
    };
    // The code field of whichever form is showing, with its error beside it.
    let code_field = move |error: Signal<Option<AppError>>| {
        let message = Signal::derive(move || error.get().and_then(|e| field_message(&e, CODE)));
        view! {
            <FormField id="totp-code" label=t(lang, Msg::TotpCode) error=message>
                <input
                    name="code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    pattern="[0-9]{6}"
                    maxlength="6"
                    required
                    bind:value=code
                />
            </FormField>
            {move || error.get().and_then(|e| form_alert(&e, CODE))}
        }
    };

    let off = move || match enrollment() {
        Some(TotpEnrollment { secret, qr_svg, .. }) => view! {
            <p>{t(lang, Msg::TotpScan)}</p>
            <div class="totp-setup">
                <div class="totp-qr" role="img" aria-label=t(lang, Msg::TotpQrLabel) inner_html=qr_svg></div>
                <p class="totp-secret">
                    {t(lang, Msg::TotpSecret)} ": " <code class="mono" data-testid="totp-secret">{secret}</code>
                </p>
            </div>
            <form class="form-grid" method="post" on:submit=on_confirm>
                {code_field(Signal::derive(move || confirm.value().with(failed)))}
                <div class="form-actions">
                    <button type="submit" class="button" disabled=busy>
                        {t(lang, Msg::Confirm)}
                    </button>
                </div>
            </form>
        }
        .into_any(),
        None => view! {
            <p class="muted">{t(lang, Msg::TotpOffHint)}</p>
            {move || begin.value().with(failed).map(|error| view! { <ErrorCard error /> })}
            <button type="button" class="button" disabled=busy on:click=on_begin>
                {t(lang, Msg::TotpTurnOn)}
            </button>
        }
        .into_any(),
    };
    let on = move || {
        view! {
            <p class="muted">{t(lang, Msg::TotpDisableHint)}</p>
            <form class="form-grid" method="post" on:submit=on_disable>
                {code_field(Signal::derive(move || disable.value().with(failed)))}
                <div class="form-actions">
                    <button type="submit" class="button button-danger" disabled=busy>
                        {t(lang, Msg::TotpTurnOff)}
                    </button>
                </div>
            </form>
        }
    };

    view! {
        <div class="totp-panel" data-testid="totp-panel">
            <p class="totp-status">
                {t(lang, Msg::Status)} ": "
                <span
                    class=move || if enabled.get() { "badge badge-ok" } else { "badge badge-neutral" }
                    data-testid="totp-status"
                >
                    {move || t(lang, if enabled.get() { Msg::TotpIsOn } else { Msg::TotpIsOff })}
                </span>
            </p>
            {move || done.get().map(|msg| view! { <p class="form-note" role="status">{t(lang, msg)}</p> })}
            {move || if enabled.get() { on().into_any() } else { off().into_any() }}
        </div>
    }
}
