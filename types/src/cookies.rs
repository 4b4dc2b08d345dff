//! The `Cookie` header read the same way on both sides: the server's session
//! and preference cookies, the browser's `document.cookie`.

/// The `name=value` pairs of a `Cookie` header (or `document.cookie`), in order.
pub fn pairs(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header.split(';').filter_map(|pair| pair.trim().split_once('='))
}
