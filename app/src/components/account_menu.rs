//! Who is signed in, in the header: their e-mail, their role and the sign-out
//! button. Signing out is a form posted to the `logout` server function, so it
//! works before the WASM arrives (the server then redirects); in the browser a
//! success loads the login page in full, leaving nothing of the old session.

use leptos::prelude::*;

use crate::api::auth::Logout;
use crate::components::error_card::ErrorCard;
use crate::error::AppError;
use crate::i18n::{role_name, t, Msg};
use crate::pages::login::load_page;
use crate::session::CurrentUser;
use crate::use_lang;

/// The signed-in person and the way out.
#[component]
pub fn AccountMenu(
    /// The signed-in person.
    user: CurrentUser,
) -> impl IntoView {
    let lang = use_lang();
    let logout = ServerAction::<Logout>::new();
    let value = logout.value();
    Effect::new(move |_| {
        value.with(|v| match v {
            Some(Ok(to)) => load_page(to),
            // The session had already ended: the login page is where to be.
            Some(Err(e)) if matches!(e.kind(), AppError::Unauthorized) => load_page("/login"),
            _ => {}
        });
    });
    let failure = move || {
        value.with(|v| match v {
            Some(Err(e)) if !matches!(e.kind(), AppError::Unauthorized) => Some(view! {
                <div class="account-error">
                    <ErrorCard error=e.clone() />
                </div>
            }),
            _ => None,
        })
    };
    view! {
        <div class="account-menu" role="group" aria-label=t(lang, Msg::AccountMenu) data-testid="account-menu">
            <span class="account-email" title=user.email.clone()>
                {user.email.clone()}
            </span>
            <span class="badge badge-neutral" data-testid="account-role" data-role=user.role.as_str()>
                {role_name(lang, user.role)}
            </span>
            <ActionForm action=logout>
                <button type="submit" class="button button-quiet button-small" disabled=move || logout.pending().get()>
                    {t(lang, Msg::SignOut)}
                </button>
            </ActionForm>
            {failure}
        </div>
    }
}
