//! The "Export CSV" link of a list: the REST export route with the filters the
//! URL holds now (never the cursor: the file has every matching row), which
//! the browser downloads with the session cookie.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::list_pager::{given, list_href};
use crate::i18n::{t, Msg};
use crate::{use_lang, use_prefs};

/// A download link to `path` with the current filters.
#[component]
pub fn ExportLink(
    /// The export route (`/api/v1/users/export.csv`).
    path: &'static str,
    /// The query keys that are filters and order.
    keys: &'static [&'static str],
    /// The link's test id.
    testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let query = use_query_map();
    // Dates in the filters are days in the viewer's zone, as the list counts them.
    let href = move || {
        query.with(|q| {
            let tz = given(q, "tz").unwrap_or_else(|| zone.as_str().to_owned());
            list_href(path, q, keys, &[("tz", &tz)])
        })
    };
    view! {
        <a class="button button-quiet" href=href download data-testid=testid>
            {t(lang, Msg::ExportCsv)}
        </a>
    }
}
