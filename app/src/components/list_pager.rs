//! Keyset paging under a list: a "Next page" link (the current filters plus
//! the page's `next_cursor`) and, past the first page, a "First page" link (the
//! filters alone). No page numbers: a cursor only knows what comes next. Also
//! the helpers every list page uses to read its filters from the URL query and
//! write them back into links.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::i18n::{t, Msg};
use crate::use_lang;

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
pub const NOT_UNRESERVED: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `value` with everything but RFC 3986's unreserved characters percent-encoded.
/// Not the router's escape: the router encodes differently on the server and in
/// the browser, and a link must be the same.
pub fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

/// A query value, if it says anything (a GET form sends empty fields too).
pub fn given(query: &ParamsMap, key: &str) -> Option<String> {
    query.get_str(key).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// `path` with the non-empty `keys` of `query`, in the order of `keys`, then
/// `extra`: the same link on the server and in the browser.
pub fn list_href(path: &str, query: &ParamsMap, keys: &[&str], extra: &[(&str, &str)]) -> String {
    let parts: Vec<String> = keys
        .iter()
        .filter_map(|key| given(query, key).map(|v| format!("{key}={}", encode(&v))))
        .chain(extra.iter().map(|(key, value)| format!("{key}={}", encode(value))))
        .collect();
    if parts.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// The paging links of the list at `path`, for the page the URL shows now.
#[component]
pub fn ListPager(
    /// The list page's path (`/users`).
    #[prop(into)]
    path: String,
    /// The query keys that are filters and order (kept on every link).
    keys: &'static [&'static str],
    /// The page's `meta.next_cursor`.
    next_cursor: Option<String>,
    /// The prefix of the links' test ids (`users` → `users-next`, `users-first`).
    testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    // Read once: the list renders again, with new links, whenever the URL changes.
    let query = use_query_map().get_untracked();
    let first = given(&query, "cursor").map(|_| {
        view! {
            <a class="button button-quiet" href=list_href(&path, &query, keys, &[]) data-testid=format!("{testid}-first")>
                {t(lang, Msg::FirstPage)}
            </a>
        }
    });
    let next = next_cursor.map(|cursor| {
        view! {
            <a
                class="button button-quiet"
                rel="next"
                href=list_href(&path, &query, keys, &[("cursor", &cursor)])
                data-testid=format!("{testid}-next")
            >
                {t(lang, Msg::NextPage)}
            </a>
        }
    });
    view! {
        <nav class="pager" aria-label=t(lang, Msg::Paging)>
            {first}
            {next}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&'static str, &str)]) -> ParamsMap {
        let mut map = ParamsMap::new();
        for (key, value) in pairs {
            map.insert(*key, (*value).to_owned());
        }
        map
    }

    #[test]
    fn links_keep_the_filters_in_order_and_drop_empty_ones() {
        let q = query(&[("sort", "username"), ("q", "a+b@x"), ("country", ""), ("cursor", "abc")]);
        let keys = &["q", "country", "sort"];
        assert_eq!(list_href("/users", &q, keys, &[]), "/users?q=a%2Bb%40x&sort=username");
        assert_eq!(
            list_href("/users", &q, keys, &[("cursor", "x/y=")]),
            "/users?q=a%2Bb%40x&sort=username&cursor=x%2Fy%3D"
        );
        assert_eq!(list_href("/users", &ParamsMap::new(), keys, &[]), "/users");
        assert_eq!(encode("한"), "%ED%95%9C");
    }

    #[test]
    fn blank_values_are_not_given() {
        let q = query(&[("q", "  "), ("country", " KR ")]);
        assert_eq!(given(&q, "q"), None);
        assert_eq!(given(&q, "country").as_deref(), Some("KR"));
        assert_eq!(given(&q, "missing"), None);
    }
}
