//! The top bar: product name, main navigation and the viewer's switches.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::prefs_menu::PrefsMenu;
use crate::i18n::{t, Msg};
use crate::use_lang;

/// The header shown on every page.
#[component]
pub fn AppHeader() -> impl IntoView {
    let lang = use_lang();
    view! {
        <header class="app-header">
            <a class="brand" href="/">
                <img src="/favicon.svg" alt="" width="28" height="28" />
                <span>{t(lang, Msg::AppName)}</span>
            </a>
            <nav aria-label=t(lang, Msg::MainMenu)>
                <A href="/" exact=true>
                    {t(lang, Msg::NavDashboard)}
                </A>
                <A href="/users">{t(lang, Msg::NavUsers)}</A>
                <A href="/system">{t(lang, Msg::NavSystem)}</A>
            </nav>
            <PrefsMenu />
        </header>
    }
}
