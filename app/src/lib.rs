//! DreamSeed Admin's Leptos application: the HTML shell, the routes, pages and
//! components (rendered on the server and hydrated in the browser) and the
//! server functions. Behind `ssr` the server functions call the services of
//! `server_core`; the types both sides share come from `types`.

pub mod api;
#[cfg(feature = "hydrate")]
pub mod browser;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod prefs;
#[cfg(feature = "ssr")]
pub mod security_headers;
pub mod session;

// The shared types and, on the server, the core the server functions call,
// under the names the app's modules use for them.
#[cfg(feature = "ssr")]
pub(crate) use server_core::{auth, services, state};
pub(crate) use types::{error, model};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::app_header::AppHeader;
use crate::i18n::Lang;
use crate::pages::activities::ActivitiesPage;
use crate::pages::audit::AuditPage;
use crate::pages::dashboard::DashboardPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::problem_edit::ProblemEditPage;
use crate::pages::problems::ProblemsPage;
use crate::pages::settings::SettingsPage;
use crate::pages::system::SystemPage;
use crate::pages::user_detail::UserDetailPage;
use crate::pages::users::UsersPage;
use crate::prefs::{Prefs, Theme};

/// The HTML document around the app. ECharts and Leaflet are plain scripts the
/// WASM calls into; `defer` keeps them off the critical path while still running
/// them, in order, before the hydration module.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href="/vendor/pretendard/pretendard.css" />
                <link rel="stylesheet" href="/vendor/leaflet/leaflet.css" />
                <script defer src="/vendor/echarts/echarts.min.js"></script>
                <script defer src="/vendor/leaflet/leaflet.js"></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: header, and the page the URL names.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The viewer's language, theme and zone: from the request's cookies on the
    // server, from the attributes the server wrote on `<html>` in the browser.
    #[cfg(feature = "ssr")]
    let prefs = Prefs::from_request();
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    let prefs = Prefs::from_document();
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    let prefs = Prefs::default();
    provide_context(prefs);
    #[cfg(feature = "ssr")]
    let user = session::CurrentUser::from_request();
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    let user = session::CurrentUser::from_document();
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    let user = None::<session::CurrentUser>;
    provide_context(user.clone());
    let account = user.as_ref().map(|u| u.email.clone());
    let role = user.as_ref().map(|u| u.role.as_str());
    provide_context(RwSignal::new(prefs.lang));
    provide_context(RwSignal::new(prefs.theme));
    let lang = prefs.lang;
    let theme = (prefs.theme != Theme::System).then_some(prefs.theme.as_str());
    #[cfg(feature = "ssr")]
    let tiles = use_context::<crate::state::AppState>().and_then(|s| s.map_tile_url.as_deref().map(str::to_owned));
    #[cfg(not(feature = "ssr"))]
    let tiles = None::<String>;

    view! {
        <Html
            {..}
            lang=lang.as_str()
            data-theme=theme
            data-tz=prefs.zone.as_str()
            data-refresh=prefs.refresh_secs.to_string()
            data-map-tiles=tiles
            data-account=account
            data-role=role
        />
        <Stylesheet id="leptos" href="/pkg/dreamseed.css" />
        <Title text="DreamSeed Admin" />
        <Router>
            <a class="skip-link" href="#main">
                {i18n::t(lang, i18n::Msg::SkipToContent)}
            </a>
            <AppHeader />
            <main id="main" class="page">
                <Routes fallback=NotFoundPage>
                    // The dashboard's data takes milliseconds to gather, so the whole page
                    // is sent at once: one parse and one layout in the browser, instead of
                    // skeletons first and a swap (with its re-layout) per widget.
                    <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/users") view=UsersPage ssr=SsrMode::Async />
                    <Route path=path!("/users/:id") view=UserDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/activities") view=ActivitiesPage ssr=SsrMode::Async />
                    <Route path=path!("/problems") view=ProblemsPage ssr=SsrMode::Async />
                    // Before `:id`, so `new` is never taken for an id (the page
                    // reads `new` as "a new problem" either way).
                    <Route path=path!("/problems/new") view=ProblemEditPage ssr=SsrMode::Async />
                    <Route path=path!("/problems/:id") view=ProblemEditPage ssr=SsrMode::Async />
                    <Route path=path!("/system") view=SystemPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=AuditPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

/// The current UI language (Korean unless switched). Read once when a component
/// renders: switching the language renders the page again.
pub fn use_lang() -> Lang {
    use_context::<RwSignal<Lang>>().map(|lang| lang.get_untracked()).unwrap_or_default()
}

/// The viewer's preferences as the page was rendered with.
pub fn use_prefs() -> Prefs {
    use_context::<Prefs>().unwrap_or_default()
}
