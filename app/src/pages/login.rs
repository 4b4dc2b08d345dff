//! `/login`: the sign-in card. It is a plain form posted to the `login` server
//! function, so it works before the WASM arrives (the server answers a plain
//! post with a redirect); once hydrated, the form is sent by the client and a
//! success loads the next page in full, so everything renders again for the
//! new session.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{safe_next, Login};
use crate::components::error_card::ErrorCard;
use crate::components::form_field::FormField;
use crate::error::AppError;
use crate::i18n::{t, too_many_attempts, Lang, Msg};
use crate::use_lang;

/// Loads `path` as a new page (not a client-side route change): after signing
/// in or out, the header, the role checks and every resource must be rendered
/// again by the server for the new session.
pub fn load_page(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Whether the server asked for the second factor.
fn wants_code(value: &Option<Result<String, AppError>>) -> bool {
    matches!(value, Some(Err(e)) if matches!(e.kind(), AppError::TotpRequired))
}

/// What the form says about a failed attempt: the wording of the common cases,
/// the error card for the rest.
fn failure(lang: Lang, error: &AppError) -> AnyView {
    let (class, text) = match error.kind() {
        AppError::InvalidCredentials => ("form-error", t(lang, Msg::LoginInvalid).to_owned()),
        AppError::TotpRequired => ("form-note", t(lang, Msg::TotpPrompt).to_owned()),
        AppError::RateLimited { retry_after_secs } => ("form-error", too_many_attempts(lang, *retry_after_secs)),
        AppError::Validation { message, .. } => ("form-error", message.clone()),
        _ => {
            return view! {
                <div data-testid="login-error">
                    <ErrorCard error=error.clone() />
                </div>
            }
            .into_any();
        }
    };
    view! {
        <p class=class role="alert" data-testid="login-error">
            {text}
        </p>
    }
    .into_any()
}

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    crate::mark_hydrated();
    let lang = use_lang();
    let query = use_query_map();
    // Only a path on this site goes back into the form: the page never carries
    // someone else's address (the server checks again; see `safe_next`).
    let next = query.with_untracked(|q| q.get("next")).map(|n| safe_next(Some(&n))).unwrap_or_default();
    let login = ServerAction::<Login>::new();
    let value = login.value();
    // The code field stays once asked for, so a mistyped code can be retried.
    // Its first value comes from the action (a no-WASM post's error is in the
    // URL), so the server and the browser render the same form.
    let needs_code = RwSignal::new(value.with_untracked(wants_code));
    let hydrated = crate::session::use_hydrated();
    Effect::new(move |_| {
        let answer = value.get();
        if wants_code(&answer) {
            needs_code.set(true);
        }
        if let Some(Ok(next)) = answer {
            load_page(&next);
        }
    });
    let message = move || value.with(|v| v.as_ref().and_then(|r| r.as_ref().err()).map(|e| failure(lang, e)));

    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::SignIn)) />
        <div class="login-wrap">
            <section
                class="login-card"
                aria-labelledby="login-title"
                data-hydrated=move || hydrated.get().then_some("true")
            >
                <h1 id="login-title">{t(lang, Msg::SignIn)}</h1>
                <ActionForm action=login>
                    <input type="hidden" name="next" value=next />
                    <FormField id="login-email" label=t(lang, Msg::Email)>
                        <input type="email" name="email" autocomplete="username" required />
                    </FormField>
                    <FormField id="login-password" label=t(lang, Msg::Password)>
                        <input type="password" name="password" autocomplete="current-password" required />
                    </FormField>
                    <Show when=move || needs_code.get()>
                        <FormField id="login-totp" label=t(lang, Msg::TotpCode)>
                            <input
                                type="text"
                                name="totp"
                                inputmode="numeric"
                                autocomplete="one-time-code"
                                pattern="[0-9]{6}"
                                maxlength="6"
                                required
                                autofocus
                            />
                        </FormField>
                    </Show>
                    {message}
                    <button type="submit" class="button button-block" disabled=move || login.pending().get()>
                        {move || t(lang, if login.pending().get() { Msg::SigningIn } else { Msg::SignIn })}
                    </button>
                </ActionForm>
            </section>
        </div>
    }
}
