//! The Content-Security-Policy: scripts only from our own origin or
//! carrying this response's nonce (Leptos puts it on its hydration scripts), no
//! inline script otherwise; WebAssembly compilation allowed; images from the tile
//! server when one is configured; never framed. The server's middleware makes
//! each request's nonce and sets the header; [`provide_request_nonce`] hands the
//! same nonce to the render, so the policy and the scripts cannot disagree.

/// The policy of a page whose inline scripts carry `nonce` (none: no inline
/// script may run). `tiles` is the map tile server's origin, if any.
pub fn page_policy(nonce: Option<&str>, tiles: Option<&str>) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    let tiles = tiles.map(|t| format!(" {t}")).unwrap_or_default();
    // `cargo leptos watch` reloads the page over a websocket on its own port.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() { " ws: wss:" } else { "" };
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:{tiles}; font-src 'self'; \
         connect-src 'self'{reload}; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The policy of everything that is not a page (JSON, files): nothing may load.
pub const NON_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The origin (`https://tiles.example:8443`) of a tile URL template.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// Makes the nonce the middleware chose for this request (a
/// [`leptos::nonce::Nonce`] in the request's extensions) the one Leptos puts on
/// the page's inline scripts. Must run in the render's root owner before the
/// app is built — `leptos_routes_with_context`'s additional context does — so
/// it replaces the integration's own nonce before any script reads it. Without
/// a middleware nonce the integration's stays, and the page's scripts will not
/// run: a visible failure rather than a silent weakening of the policy.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce =
        use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<leptos::nonce::Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_only_our_scripts_and_the_nonce() {
        let p = page_policy(Some("abc"), Some("https://tiles.example"));
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"), "{p}");
        assert!(!p.contains("script-src 'self' 'unsafe-inline'"), "{p}");
        assert!(p.contains("img-src 'self' data: blob: https://tiles.example;"), "{p}");
        assert!(p.contains("frame-ancestors 'none'"), "{p}");
        assert_eq!(origin_of("https://t.example:8443/{z}/{x}/{y}.png").as_deref(), Some("https://t.example:8443"));
        assert_eq!(origin_of("javascript:alert(1)"), None);
    }
}
