//! `Cache-Control: no-store` on everything the server computes: API answers,
//! pages (a signed-in page shows personal data and its nonce), redirects and
//! errors, so no browser or shared cache keeps them; any response whose
//! handler chose a `Cache-Control` of its own keeps it.
//!
//! Static files whose URL names their contents — pkg files with a content hash
//! in the name (cargo-leptos `hash-files`), vendored files asked for at their
//! version (`/vendor/…?v=`, see [`app::AssetVersion`]) — are kept for a year,
//! immutable: a second visit downloads only the page and its data. Other
//! static files are revalidated on each use (`no-cache`, answered with 304
//! when unchanged).

use axum::http::{header, HeaderValue, Uri};
use axum::response::Response;

use super::auth::is_static;

/// What a request's response may be cached as, decided from the request (the
/// response only matters for errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caching {
    /// Computed by the server: `no-store`.
    Computed,
    /// A static file whose URL names its contents: a year, immutable.
    Immutable,
    /// Another static file: `no-cache` (revalidated).
    Revalidate,
}

impl Caching {
    /// The caching of the answer to a request for `uri`.
    pub fn of(uri: &Uri) -> Self {
        if !is_static(uri.path()) {
            Caching::Computed
        } else if names_its_contents(uri.path(), uri.query()) {
            Caching::Immutable
        } else {
            Caching::Revalidate
        }
    }

    /// Sets `Cache-Control` on `response`, unless its handler chose one.
    pub fn apply(self, response: &mut Response) {
        let policy = match self {
            // An error, a missing file included, is never kept.
            _ if response.status().as_u16() >= 400 => "no-store",
            Caching::Computed => "no-store",
            // A year, the longest a cache keeps anything.
            Caching::Immutable => "public, max-age=31536000, immutable",
            Caching::Revalidate => "no-cache",
        };
        response.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static(policy));
    }
}

/// Whether the static file at `path?query` can never change: a pkg file whose
/// name carries its content hash (`dreamseed.<22 characters>.wasm`), or a
/// vendored file asked for at a version.
fn names_its_contents(path: &str, query: Option<&str>) -> bool {
    if let Some(file) = path.strip_prefix("/pkg/") {
        // cargo-leptos: `<stem>.<md5, base64url, 22 characters>.<ext>`.
        let mut parts = file.rsplit('.');
        let (_ext, hash) = (parts.next(), parts.next());
        return !file.contains('/')
            && parts.next().is_some()
            && hash.is_some_and(|h| {
                h.len() == 22 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
    }
    path.starts_with("/vendor/")
        && query.is_some_and(|q| q.split('&').any(|pair| pair.starts_with("v=") && pair.len() > 2))
}

#[cfg(test)]
mod tests {
    use super::names_its_contents;

    #[test]
    fn only_hashed_names_and_versioned_vendor_files_are_immutable() {
        assert!(names_its_contents("/pkg/dreamseed.Ab3_x-Ab3_x-Ab3_x-Ab3_.wasm", None));
        assert!(names_its_contents("/pkg/__wasm_split.Ab3_x-Ab3_x-Ab3_x-Ab3_.js", None));
        assert!(names_its_contents("/vendor/echarts/echarts.min.js", Some("v=0123abcd")));
        for (path, query) in [
            ("/pkg/dreamseed.wasm", None),
            ("/pkg/dreamseed.short.wasm", None),
            ("/pkg/Ab3_x-Ab3_x-Ab3_x-Ab3_.wasm", None),
            ("/pkg/snippets/x/dreamseed.Ab3_x-Ab3_x-Ab3_x-Ab3_.js", None),
            ("/vendor/echarts/echarts.min.js", None),
            ("/vendor/echarts/echarts.min.js", Some("v=")),
            ("/favicon.svg", Some("v=1")),
        ] {
            assert!(!names_its_contents(path, query), "{path} {query:?}");
        }
    }
}
