//! Browser-only helpers shared by the widgets that draw on a canvas or map.

use wasm_bindgen_futures::JsFuture;

/// The UI font (vendored Pretendard), for canvases that cannot use CSS.
pub const UI_FONT: &str = "'Pretendard Variable', Pretendard, system-ui, sans-serif";

/// Waits until the UI font can draw every character of `text`. The font is split
/// by Unicode range and loaded piece by piece; a canvas drawn before its pieces
/// arrive keeps fallback glyphs (boxes, where no Korean font is installed).
pub async fn load_font_for(text: &str) {
    let Some(fonts) = web_sys::window().and_then(|w| w.document()).map(|d| d.fonts()) else { return };
    // A failed load still leaves the fallback font: draw anyway.
    let _ = JsFuture::from(fonts.load_with_text("16px 'Pretendard Variable'", text)).await;
}
