//! The dashboard's first drawing, before the app's WASM arrives. On a phone the
//! app's module is most of the page's bytes; this small module (no Leptos, no
//! serde) loads first and draws the charts and the map from what the
//! server-rendered page carries (`data-chart`/`data-option` and
//! `data-markers`), while the app's WASM downloads (its loader starts that
//! only now, so it does not compete with ECharts and Leaflet); the app's chart
//! and map components then adopt what was drawn ([`chart::open`],
//! [`map::open`]) rather than drawing it again. See docs/ARCHITECTURE.md
//! ("The dashboard draws before the app arrives").

pub mod chart;
pub mod later;
pub mod map;
pub mod page;

/// The module's entry point: draws what the page carries. Failures are logged;
/// the app, whose download the loader started first, draws whatever is left.
#[cfg(feature = "start")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    page::paint();
}

/// Logs `err` on the browser's console under `what`.
pub fn log_error(what: &str, err: &wasm_bindgen::JsValue) {
    web_sys::console::error_2(&what.into(), err);
}

/// The page's document (none outside a browser).
pub fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}
