//! The top bar: product name, main navigation, the viewer's switches and who
//! is signed in. Signed out (the login page) it shows only the name and the
//! switches; signed in, only the links the person's role may use.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::account_menu::AccountMenu;
use crate::components::prefs_menu::PrefsMenu;
use crate::i18n::{t, Msg};
use crate::model::Role;
use crate::session::use_current_user;
use crate::use_lang;

/// The header shown on every page.
#[component]
pub fn AppHeader() -> impl IntoView {
    let lang = use_lang();
    let user = use_current_user();
    let nav = user.as_ref().map(|user| {
        // The audit log is for admins; the server refuses it to others anyway.
        let audit = user.can(Role::Admin).then(|| view! { <A href="/audit">{t(lang, Msg::NavAudit)}</A> });
        view! {
            <nav aria-label=t(lang, Msg::MainMenu)>
                <A href="/" exact=true>
                    {t(lang, Msg::NavDashboard)}
                </A>
                <A href="/users">{t(lang, Msg::NavUsers)}</A>
                <A href="/activities">{t(lang, Msg::NavActivities)}</A>
                <A href="/problems">{t(lang, Msg::NavProblems)}</A>
                <A href="/reports">{t(lang, Msg::NavReports)}</A>
                <A href="/alerts">{t(lang, Msg::NavAlerts)}</A>
                <A href="/system">{t(lang, Msg::NavSystem)}</A>
                {audit}
                <A href="/settings">{t(lang, Msg::NavSettings)}</A>
            </nav>
        }
    });
    let account = user.map(|user| view! { <AccountMenu user /> });
    view! {
        <header class="app-header">
            <a class="brand" href="/">
                <img src="/favicon.svg" alt="" width="28" height="28" />
                <span>{t(lang, Msg::AppName)}</span>
            </a>
            {nav}
            <PrefsMenu />
            {account}
        </header>
    }
}
