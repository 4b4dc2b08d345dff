//! The page for any path no route matches (sent with status 404).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{t, Msg};
use crate::use_lang;

/// "Page not found", with a way back.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    crate::mark_hydrated();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <Title text=t(lang, Msg::NotFoundTitle) />
        <div class="not-found">
            <h1 class="page-title">{t(lang, Msg::NotFoundTitle)}</h1>
            <p>{t(lang, Msg::NotFoundBody)}</p>
            <a class="button" href="/">
                {t(lang, Msg::BackToDashboard)}
            </a>
        </div>
    }
}
