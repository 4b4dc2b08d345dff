//! DreamSeed Admin's Leptos application: the HTML shell, the routes, pages and
//! components (rendered on the server and hydrated in the browser) and the
//! server functions. Behind `ssr` the server functions call the services of
//! `server_core`; the types both sides share come from `types`.

// The lazy routes make each page's view type part of an async block, whose
// layout nests deeper than rustc's default 128 (the frontend crate says why too).
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "hydrate")]
pub mod browser;
#[cfg(feature = "ssr")]
pub mod charts;
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
use leptos_meta::{provide_meta_context, HashedStylesheet, Html, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

use crate::components::app_header::AppHeader;
use crate::i18n::Lang;
use crate::pages::activities::ActivitiesRoute;
use crate::pages::alert_edit::AlertEditRoute;
use crate::pages::alerts::AlertsRoute;
use crate::pages::audit::AuditRoute;
use crate::pages::channel_edit::ChannelEditRoute;
use crate::pages::channels::ChannelsRoute;
use crate::pages::dashboard::DashboardPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::problem_edit::ProblemEditRoute;
use crate::pages::problems::ProblemsRoute;
use crate::pages::report_edit::ReportEditRoute;
use crate::pages::report_runs::ReportRunsRoute;
use crate::pages::reports::ReportsRoute;
use crate::pages::settings::SettingsRoute;
use crate::pages::system::SystemRoute;
use crate::pages::template_edit::TemplateEditRoute;
use crate::pages::templates::TemplatesRoute;
use crate::pages::user_detail::UserDetailRoute;
use crate::pages::users::UsersRoute;
use crate::prefs::{Prefs, Theme};

/// The version of the vendored files under `/vendor/` (ECharts, Leaflet, fonts,
/// map outlines): a hash of their contents, computed by the server at start-up
/// and added to their URLs (`?v=`), so a browser keeps them for a year and still
/// fetches a changed file at once. `None` leaves the URLs plain.
#[derive(Clone, Debug, Default)]
pub struct AssetVersion(pub Option<std::sync::Arc<str>>);

/// The vendored files' version ([`AssetVersion`]), from the render's context.
#[cfg(feature = "ssr")]
pub fn asset_version() -> Option<String> {
    use_context::<AssetVersion>().and_then(|v| v.0).map(|v| v.to_string())
}

/// The vendored files' version ([`AssetVersion`]), as the server wrote it on
/// `<html data-assets>`.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn asset_version() -> Option<String> {
    document().document_element().and_then(|html| html.get_attribute("data-assets")).filter(|v| !v.is_empty())
}

/// The vendored files' version: none outside the server and the browser.
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn asset_version() -> Option<String> {
    None
}

/// The URL of the vendored file `path` (under `/vendor/`), at `version`.
pub fn vendor_url(version: Option<&str>, path: &str) -> String {
    match version {
        Some(v) => format!("/vendor/{path}?v={v}"),
        None => format!("/vendor/{path}"),
    }
}

/// The early-paint module (the `paint` crate, scripts/build-paint.sh): the URLs
/// of its hashed JS and WASM under `/pkg/`. In the render's context when the
/// site has it.
#[derive(Clone, Debug)]
pub struct EarlyPaint {
    /// `/pkg/paint.<hash>.js`.
    pub js: std::sync::Arc<str>,
    /// `/pkg/paint.<hash>.wasm`.
    pub wasm: std::sync::Arc<str>,
}

/// The URL of the WASM-split loader (`/pkg/__wasm_split.<hash>.js`), which the
/// app's JS module imports. In the render's context when the site has it: a
/// `modulepreload` asks for it with the app's module instead of after it (the
/// browser fetches a preloaded module, not what that module imports).
#[derive(Clone, Debug)]
pub struct SplitLoader(pub std::sync::Arc<str>);

/// The screens that get the desktop treatment: Pretendard (style/main.css), and
/// on the dashboard the app's code at once, ahead of the early paint.
const WIDE_SCREEN: &str = "(min-width: 640px)";

/// How long, on a wide screen, the early paint leaves the app to hydrate the
/// dashboard before it draws (the app's code slow or failing), in ms.
#[cfg(feature = "ssr")]
const APP_HEAD_START_MS: u32 = 1000;

/// The dashboard's scripts when the site has the early paint: its module
/// (preloaded), which draws the charts and the map from the page, and the
/// app's own, inert in a `<template>` until the paint's loader runs — after
/// ECharts and Leaflet, deferred scripts before it, have arrived and run —
/// and copies them into the head. Sent at once, the app's WASM would share a
/// phone's bandwidth with ECharts and Leaflet and hold back the first drawing
/// by seconds; from then on it no longer competes with anything the drawing
/// needs, so it downloads while the paint draws. Whichever draws a box first,
/// the other adopts it (`paint::chart::open`, `paint::map::open`).
///
/// A wide screen (a desktop: bandwidth is not its scarce part, its main thread
/// is) asks for the app's code as the page is parsed (the template's resource
/// hints copied into the head at once), so the code is ready about when
/// ECharts and Leaflet have run. The app then hydrates first and draws the
/// charts itself; the paint would only hold it back, and starts only if the
/// app has not hydrated within [`APP_HEAD_START_MS`].
#[cfg(feature = "ssr")]
fn early_paint_scripts(paint: EarlyPaint, options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    // The names are ours (site::early_paint checks them); `{:?}` quotes them.
    let loader = format!(
        "import init from {js:?};\n\
         const loader = document.getElementById('ds-paint');\n\
         const startApp = () => {{\n\
           for (const inert of document.getElementById('ds-hydration').content.children) {{\n\
             const el = document.createElement(inert.localName);\n\
             for (const a of inert.attributes) el.setAttribute(a.name, a.value);\n\
             el.nonce = loader.nonce;\n\
             el.textContent = inert.textContent;\n\
             document.head.append(el);\n\
           }}\n\
         }};\n\
         startApp();\n\
         const appFirst = matchMedia({wide:?}).matches;\n\
         const appHydrated = appFirst\n\
           ? Promise.race([\n\
               window.{HYDRATED_PROMISE}.then(() => true),\n\
               new Promise((resolve) => setTimeout(() => resolve(false), {head_start})),\n\
             ])\n\
           : Promise.resolve(false);\n\
         appHydrated\n\
           .then((hydrated) => hydrated || init({{ module_or_path: {wasm:?} }}))\n\
           .catch((e) => console.error('early paint:', e));\n",
        js = &*paint.js,
        wasm = &*paint.wasm,
        wide = WIDE_SCREEN,
        head_start = APP_HEAD_START_MS,
    );
    // Where the page is parsed, right after the inert scripts: on a wide screen
    // their resource hints (the app's JS module, its split loader, its WASM)
    // go into the head, so the code downloads and compiles while ECharts runs.
    // The loader's copies later find the files already fetched.
    let preload = format!(
        "if (matchMedia({WIDE_SCREEN:?}).matches) \
         for (const hint of document.getElementById('ds-hydration').content.querySelectorAll('link')) \
         document.head.append(hint.cloneNode());"
    );
    view! {
        <link rel="preload" href=paint.wasm.to_string() r#as="fetch" r#type="application/wasm" crossorigin="" />
        <template id="ds-hydration">
            <SplitLoaderHint />
            <HydrationScripts options />
        </template>
        <script nonce=nonce.clone()>{preload}</script>
        <script id="ds-paint" type="module" nonce=nonce>
            {loader}
        </script>
    }
}

/// The HTML document around the app. ECharts and Leaflet are plain scripts the
/// WASM calls into; `defer` keeps them off the critical path while still running
/// them, in order, before the hydration module.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let version = use_context::<AssetVersion>().unwrap_or_default().0;
    let vendor = move |path: &str| vendor_url(version.as_deref(), path);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                {hydration_watch()}
                {ui_font(vendor("pretendard/pretendard.css"))}
                <link rel="stylesheet" href=vendor("leaflet/leaflet.css") />
                <script defer src=vendor("echarts/echarts.min.js")></script>
                <script defer src=vendor("leaflet/leaflet.js")></script>
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                {hydration_scripts(options)}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// What `window` holds from the head on: a promise that settles once the app
/// has hydrated (`<html data-hydrated>`, see [`mark_hydrated`]), and never if
/// it does not. What waits for hydration in the head's scripts (the UI font,
/// the early paint's loader) waits on this one watch.
pub const HYDRATED_PROMISE: &str = "dsHydrated";

/// The inline script, under the page's nonce, that leaves [`HYDRATED_PROMISE`]
/// on `window`; first in the head, before anything that waits on it.
fn hydration_watch() -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let script = format!(
        "window.{HYDRATED_PROMISE} = new Promise((resolve) => {{\n\
           const html = document.documentElement;\n\
           if (html.dataset.hydrated) return resolve();\n\
           const seen = new MutationObserver(() => {{ if (html.dataset.hydrated) {{ seen.disconnect(); resolve(); }} }});\n\
           seen.observe(html, {{ attributes: true, attributeFilter: ['data-hydrated'] }});\n\
         }});"
    );
    view! { <script nonce=nonce>{script}</script> }
}

/// What `window` holds while the UI font loads ([`ui_font`]): a promise that
/// settles once the font's stylesheet is in (at once on a narrow screen).
pub const UI_FONT_PROMISE: &str = "dsUiFont";

/// Pretendard, the UI font of wide screens (style/main.css; a phone keeps its
/// own Korean UI font), applied once the app has hydrated, in the first idle
/// moment after (the charts in view are drawn first): its stylesheet is
/// fetched early (preloaded) but applied only then. Its 92 `@font-face`
/// rules (one per Unicode range) and the relayouts as each piece arrives cost
/// a desktop ~90 ms of main thread, which hydration then no longer waits
/// behind (issue #14); the text shows in the system's UI font until then, as
/// it did anyway while the pieces loaded (`font-display: swap`). The app does
/// not hydrate within 3 s (its code failing): applied anyway.
///
/// The inline script leaves on `window` [`UI_FONT_PROMISE`], after which the
/// charts (drawn at once in the fallback) load the font's glyphs and are
/// drawn again in it, and marks `<html data-ui-font>` `pending` until the
/// stylesheet is in, so that no chart drawn meanwhile counts as drawn in the
/// font (`paint::chart::set`). The link carries the media query:
/// a screen that grows wide later gets the font then.
fn ui_font(href: String) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let script = format!(
        "window.{UI_FONT_PROMISE} = new Promise((resolve) => {{\n\
           const html = document.documentElement;\n\
           const wide = matchMedia({WIDE_SCREEN:?}).matches;\n\
           if (wide) html.dataset.uiFont = 'pending'; else resolve();\n\
           const done = () => {{ delete html.dataset.uiFont; resolve(); }};\n\
           const apply = () => {{\n\
             if (document.getElementById('ds-ui-font')) return;\n\
             const link = document.createElement('link');\n\
             link.id = 'ds-ui-font';\n\
             link.rel = 'stylesheet';\n\
             link.media = {WIDE_SCREEN:?};\n\
             link.href = {href:?};\n\
             if (wide) link.onload = link.onerror = done;\n\
             document.head.append(link);\n\
           }};\n\
           const later = (f) => window.requestIdleCallback ? requestIdleCallback(f, {{ timeout: 1000 }}) : setTimeout(f);\n\
           window.{HYDRATED_PROMISE}.then(() => later(apply));\n\
           setTimeout(apply, 3000);\n\
         }});"
    );
    view! {
        <link rel="preload" href=href.clone() r#as="style" media=WIDE_SCREEN />
        <script nonce=nonce>{script}</script>
        <noscript>
            <link rel="stylesheet" href=href media=WIDE_SCREEN />
        </noscript>
    }
}

/// The scripts that hydrate the page: on the dashboard, after the early paint
/// when the site has it (see [`early_paint_scripts`]).
fn hydration_scripts(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let dashboard = use_context::<http::request::Parts>().is_some_and(|parts| parts.uri.path() == "/");
        if let Some(paint) = use_context::<EarlyPaint>().filter(|_| dashboard) {
            return early_paint_scripts(paint, options).into_any();
        }
    }
    view! {
        <SplitLoaderHint />
        <HydrationScripts options />
    }
    .into_any()
}

/// The `modulepreload` of the WASM-split loader ([`SplitLoader`]), when the
/// site has one.
#[component]
fn SplitLoaderHint() -> impl IntoView {
    use_context::<SplitLoader>()
        .map(|split| view! { <link rel="modulepreload" href=split.0.to_string() crossorigin="" /> })
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
    // The browser reads it back for the files it fetches itself (map outlines).
    let assets = asset_version();

    view! {
        <Html
            {..}
            lang=lang.as_str()
            data-theme=theme
            data-tz=prefs.zone.as_str()
            data-refresh=prefs.refresh_secs.to_string()
            data-map-tiles=tiles
            data-assets=assets
            data-account=account
            data-role=role
        />
        <Title text="DreamSeed Admin" />
        <Router>
            <a class="skip-link" href="#main">
                {i18n::t(lang, i18n::Msg::SkipToContent)}
            </a>
            <AppHeader />
            <main id="main" class="page">
                // Every page but the dashboard and the login is a lazy route: its
                // code arrives as its own WASM chunk when it is first shown, so a
                // phone opening the dashboard downloads only what the dashboard runs.
                <Routes fallback=NotFoundPage>
                    // The dashboard's data takes milliseconds to gather, so the whole page
                    // is sent at once: one parse and one layout in the browser, instead of
                    // skeletons first and a swap (with its re-layout) per widget.
                    <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/users") view={Lazy::<UsersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/users/:id") view={Lazy::<UserDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/activities") view={Lazy::<ActivitiesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/problems") view={Lazy::<ProblemsRoute>::new()} ssr=SsrMode::Async />
                    // Before `:id`, so `new` is never taken for an id (the page
                    // reads `new` as "a new problem" either way).
                    <Route path=path!("/problems/new") view={Lazy::<ProblemEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/problems/:id") view={Lazy::<ProblemEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reports") view={Lazy::<ReportsRoute>::new()} ssr=SsrMode::Async />
                    // The fixed paths before `:id`, as for the problems.
                    <Route path=path!("/reports/new") view={Lazy::<ReportEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reports/runs") view={Lazy::<ReportRunsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reports/templates") view={Lazy::<TemplatesRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("/reports/templates/new")
                        view={Lazy::<TemplateEditRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/reports/templates/:id")
                        view={Lazy::<TemplateEditRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/reports/:id") view={Lazy::<ReportEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reports/:id/runs") view={Lazy::<ReportRunsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/alerts") view={Lazy::<AlertsRoute>::new()} ssr=SsrMode::Async />
                    // `new` before `:id`, as for the problems.
                    <Route path=path!("/alerts/new") view={Lazy::<AlertEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/alerts/:id") view={Lazy::<AlertEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/system") view={Lazy::<SystemRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/channels") view={Lazy::<ChannelsRoute>::new()} ssr=SsrMode::Async />
                    // `new` too (no route of its own): going from the new channel's form to its
                    // page only changes the id, so the page keeps the signing secret to show once.
                    <Route path=path!("/settings/channels/:id") view={Lazy::<ChannelEditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

/// Marks the document hydrated (`<html data-hydrated="true">`) once this
/// page's code has run in the browser — for a lazy page, once its chunk has
/// arrived. Every page calls it; the end-to-end tests wait for it before they
/// use a page, as a person waits for it to respond.
pub fn mark_hydrated() {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(html) = leptos::web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            // The head's scripts wait for it (`HYDRATED_PROMISE`), as do the
            // end-to-end tests; without it the UI font comes after 3 s, and on
            // the dashboard the early paint draws after its head start.
            let _ = html.set_attribute("data-hydrated", "true");
        }
    });
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
