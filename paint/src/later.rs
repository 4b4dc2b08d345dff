//! Work that can wait: what is not on screen is drawn when the page is idle.
//! On a dashboard opened cold, the main thread is the scarce part: the charts
//! in view, the map's markers and the app's hydration (the page becoming
//! interactive) come first; a chart below the fold is drawn in the next idle
//! period, some tens of milliseconds later, long before a viewer scrolls to it.

/// How long work waits for the page to be idle, at most: then it runs anyway.
pub const IDLE_WAIT_MS: u32 = 2000;

/// Resolves when the browser is idle, or after [`IDLE_WAIT_MS`] at the
/// latest; at once where `requestIdleCallback` is missing (older Safari).
pub async fn idle() {
    idle_within(IDLE_WAIT_MS).await;
}

/// Resolves when the browser is idle, or after `most_ms` at the latest; at
/// once where `requestIdleCallback` is missing.
pub async fn idle_within(most_ms: u32) {
    let Some(window) = web_sys::window() else { return };
    let mut scheduled = false;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let options = web_sys::IdleRequestOptions::new();
        options.set_timeout(most_ms);
        scheduled = window.request_idle_callback_with_options(&resolve, &options).is_ok();
    });
    if scheduled {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// Whether any of `el` is inside the window's visible area now. A box with no
/// layout yet (not in the document, `display: none`) is not.
pub fn on_screen(el: &web_sys::Element) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let height = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
    let width = window.inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(0.0);
    let rect = el.get_bounding_client_rect();
    let laid_out = rect.width() > 0.0 || rect.height() > 0.0;
    laid_out && rect.top() < height && rect.bottom() > 0.0 && rect.left() < width && rect.right() > 0.0
}

/// How long a chart off screen waits for the page to be idle, at most. Short:
/// on a phone, whose main thread is seldom idle while the app's code streams
/// in, the charts below the fold are still drawn within half a second.
pub const CHART_WAIT_MS: u32 = 500;

/// Resolves at once when `el` is on screen ([`on_screen`]), else when the page
/// is idle, after [`CHART_WAIT_MS`] at the latest.
pub async fn on_screen_or_idle(el: &web_sys::Element) {
    if !on_screen(el) {
        idle_within(CHART_WAIT_MS).await;
    }
}

/// Resolves in a task of its own (`setTimeout` 0): what the caller does next
/// no longer lengthens the task now running. The app's charts wait for it, so
/// that on a cold dashboard hydration's task ends, and the page responds,
/// before tens of milliseconds of drawing; they follow at once.
pub async fn next_task() {
    let Some(window) = web_sys::window() else { return };
    let mut scheduled = false;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        scheduled = window.set_timeout_with_callback(&resolve).is_ok();
    });
    if scheduled {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}
