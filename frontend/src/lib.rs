//! The WASM entry point: hydrates the server-rendered page into the live app.

// The view types of the list pages nest deeper than rustc's default 128 when
// the whole app is monomorphised here (release builds).
#![recursion_limit = "256"]

/// Called by the hydration script cargo-leptos generates.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes (their pages are separate WASM chunks) need the asynchronous
    // hydration, which waits for the current page's chunk.
    leptos::mount::hydrate_lazy(app::App);
}
