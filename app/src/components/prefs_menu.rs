//! The viewer's switches in the header: language, colour theme and time zone.
//! Each is a labelled `<select>`, so it is reachable by keyboard and named for
//! screen readers; the choice is kept in a cookie (see [`crate::prefs`]).

use leptos::prelude::*;

use crate::i18n::{t, Msg};
use crate::prefs::{Theme, LANG_COOKIE, THEME_COOKIE, TZ_COOKIE};
use crate::{use_lang, use_prefs};

/// The three switches.
#[component]
pub fn PrefsMenu() -> impl IntoView {
    let lang = use_lang();
    let prefs = use_prefs();
    let theme = use_context::<RwSignal<Theme>>().unwrap_or_else(|| RwSignal::new(prefs.theme));

    // Language and zone change every label and figure: the page is rendered
    // again by the server, in the new language or zone.
    let reload_with = move |cookie: &'static str, value: String| {
        #[cfg(feature = "hydrate")]
        {
            crate::prefs::save(cookie, &value);
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (cookie, value);
    };
    let on_theme = move |value: String| {
        let chosen = match value.as_str() {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        };
        theme.set(chosen);
        #[cfg(feature = "hydrate")]
        {
            crate::prefs::save(THEME_COOKIE, chosen.as_str());
            if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = match chosen {
                    Theme::System => html.remove_attribute("data-theme"),
                    other => html.set_attribute("data-theme", other.as_str()),
                };
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = THEME_COOKIE;
    };

    view! {
        <div class="prefs">
            <label class="pref">
                <span class="sr-only">{t(lang, Msg::Language)}</span>
                <select
                    data-testid="lang-select"
                    aria-label=t(lang, Msg::Language)
                    on:change=move |ev| reload_with(LANG_COOKIE, event_target_value(&ev))
                >
                    <option value="ko" selected=lang == crate::i18n::Lang::Ko>
                        "한국어"
                    </option>
                    <option value="en" selected=lang == crate::i18n::Lang::En>
                        "English"
                    </option>
                </select>
            </label>
            <label class="pref">
                <span class="sr-only">{t(lang, Msg::ThemeLabel)}</span>
                <select
                    data-testid="theme-select"
                    aria-label=t(lang, Msg::ThemeLabel)
                    on:change=move |ev| on_theme(event_target_value(&ev))
                >
                    {[(Theme::System, Msg::ThemeSystem), (Theme::Light, Msg::ThemeLight), (Theme::Dark, Msg::ThemeDark)]
                        .into_iter()
                        .map(|(value, msg)| {
                            view! {
                                <option value=value.as_str() selected=prefs.theme == value>
                                    {t(lang, msg)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="pref">
                <span class="sr-only">{t(lang, Msg::TimeZone)}</span>
                <select
                    data-testid="tz-select"
                    aria-label=t(lang, Msg::TimeZone)
                    on:change=move |ev| reload_with(TZ_COOKIE, event_target_value(&ev))
                >
                    <option value="kst" selected=prefs.zone == crate::model::range::Zone::Kst>
                        "KST"
                    </option>
                    <option value="utc" selected=prefs.zone == crate::model::range::Zone::Utc>
                        "UTC"
                    </option>
                </select>
            </label>
        </div>
    }
}
