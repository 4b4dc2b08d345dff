//! The viewer's preferences: language, colour theme and time zone. They live in
//! cookies, so the server renders the page already in the right language and
//! theme (no flash, no hydration mismatch); the browser reads them back from the
//! attributes the server put on `<html>`, and a switch writes the cookie.

use crate::i18n::Lang;
use crate::model::range::Zone;

/// Cookie names.
pub const LANG_COOKIE: &str = "ds_lang";
/// See [`LANG_COOKIE`].
pub const THEME_COOKIE: &str = "ds_theme";
/// See [`LANG_COOKIE`].
pub const TZ_COOKIE: &str = "ds_tz";
/// See [`LANG_COOKIE`].
pub const REFRESH_COOKIE: &str = "ds_refresh";

/// The colour theme: the system's unless the viewer chose one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The cookie and `data-theme` value (`system` has no attribute).
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Whether this theme draws dark, given whether the system prefers dark
    /// (what [`Theme::System`] follows).
    pub fn is_dark(self, system_dark: bool) -> bool {
        match self {
            Theme::Dark => true,
            Theme::Light => false,
            Theme::System => system_dark,
        }
    }

    fn parse(value: &str) -> Self {
        match value {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// Everything the viewer chose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefs {
    /// UI language.
    pub lang: Lang,
    /// Colour theme.
    pub theme: Theme,
    /// The zone days and hours are counted in.
    pub zone: Zone,
    /// Seconds between fallback refreshes (0 = off; 10, 30 or 60).
    pub refresh_secs: u32,
}

impl Prefs {
    /// Reads the preference cookies out of a `Cookie` header value; anything
    /// unknown keeps its default.
    pub fn from_cookie_header(header: &str) -> Self {
        let mut prefs = Prefs::default();
        for (name, value) in types::cookies::pairs(header) {
            match name {
                LANG_COOKIE => prefs.lang = Lang::parse(value).unwrap_or_default(),
                THEME_COOKIE => prefs.theme = Theme::parse(value),
                TZ_COOKIE => prefs.zone = Zone::parse(value).unwrap_or_default(),
                REFRESH_COOKIE => prefs.refresh_secs = parse_refresh(value),
                _ => {}
            }
        }
        prefs
    }

    /// The preferences of the request being rendered.
    #[cfg(feature = "ssr")]
    pub fn from_request() -> Self {
        leptos::prelude::use_context::<http::request::Parts>()
            .map(|parts| {
                let header = parts.headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok());
                Prefs::from_cookie_header(&header.collect::<Vec<_>>().join("; "))
            })
            .unwrap_or_default()
    }

    /// The preferences the server rendered the page with, read from `<html>`.
    #[cfg(feature = "hydrate")]
    pub fn from_document() -> Self {
        let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
            return Prefs::default();
        };
        let attr = |name: &str| html.get_attribute(name).unwrap_or_default();
        Prefs {
            lang: Lang::parse(&attr("lang")).unwrap_or_default(),
            theme: Theme::parse(&attr("data-theme")),
            zone: Zone::parse(&attr("data-tz")).unwrap_or_default(),
            refresh_secs: parse_refresh(&attr("data-refresh")),
        }
    }
}

fn parse_refresh(value: &str) -> u32 {
    let secs = value.parse::<u32>().unwrap_or(0);
    if matches!(secs, 10 | 30 | 60) {
        secs
    } else {
        0
    }
}

/// Whether the page is dark now, kept live: the theme the viewer chose, or
/// under [`Theme::System`] the system's preference, followed as it changes
/// (the charts, drawn on a canvas, cannot use CSS `light-dark()`).
#[cfg(feature = "hydrate")]
pub fn use_dark() -> leptos::prelude::Signal<bool> {
    use leptos::prelude::*;
    let theme = use_context::<RwSignal<Theme>>().unwrap_or_else(|| RwSignal::new(Theme::System));
    let system_dark = leptos_use::use_preferred_dark();
    Signal::derive(move || theme.get().is_dark(system_dark.get()))
}

/// Stores a preference for a year (the browser side of every switch).
#[cfg(feature = "hydrate")]
pub fn save(name: &str, value: &str) {
    use wasm_bindgen::JsCast;
    if let Some(doc) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    {
        let _ = doc.set_cookie(&format!("{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_set_the_preferences_and_junk_keeps_the_defaults() {
        let p = Prefs::from_cookie_header("a=b; ds_lang=en; ds_theme=dark; ds_tz=utc; ds_refresh=30");
        assert_eq!(p, Prefs { lang: Lang::En, theme: Theme::Dark, zone: Zone::Utc, refresh_secs: 30 });
        let junk = Prefs::from_cookie_header("ds_lang=xx; ds_theme=pink; ds_tz=mars; ds_refresh=5");
        assert_eq!(junk, Prefs::default());
    }

    #[test]
    fn only_the_system_theme_follows_the_system_preference() {
        for system_dark in [false, true] {
            assert!(Theme::Dark.is_dark(system_dark));
            assert!(!Theme::Light.is_dark(system_dark));
            assert_eq!(Theme::System.is_dark(system_dark), system_dark);
        }
    }
}
