//! The filter bar over a list: a GET form whose fields are query keys, so the
//! filters land in the URL (shareable; back and forward restore them). It works
//! before the WASM loads (a plain GET) and, after, navigates in place with the
//! empty fields left out of the URL.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::Form;

use crate::i18n::{t, Msg};
use crate::use_lang;

/// A wrapping row of filter fields with "Filter" and "Clear filters".
#[component]
pub fn FilterBar(
    /// The list page the form leads to (`/users`).
    path: &'static str,
    /// The query keys of the fields (an empty one is not sent).
    keys: &'static [&'static str],
    /// The form's test id.
    testid: &'static str,
    /// The fields.
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    let drop_empty: Arc<dyn Fn(&leptos::web_sys::FormData)> = Arc::new(move |data| {
        for key in keys {
            if data.get(key).as_string().is_some_and(|v| v.trim().is_empty()) {
                data.delete(key);
            }
        }
    });
    view! {
        <search class="filter-bar" data-testid=testid aria-label=t(lang, Msg::Filters)>
            // `autocomplete=off`: the browser must not restore the controls'
            // last values on back/forward; they show what the URL says.
            <Form method="get" action=path on_form_data=drop_empty attr:autocomplete="off">
                {children()}
                <div class="filter-actions">
                    <button type="submit" class="button">
                        {t(lang, Msg::Filter)}
                    </button>
                    <a class="button button-quiet" href=path>
                        {t(lang, Msg::ClearFilters)}
                    </a>
                </div>
            </Form>
        </search>
    }
}
