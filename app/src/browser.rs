//! Browser-only helpers shared by the widgets: those that draw on a canvas or
//! map, and those that follow one event of the server's live stream.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{EventSource, MessageEvent};

/// Waits until the UI font can draw every character of `text`. The font's
/// stylesheet is applied only once the page has hydrated (`crate::ui_font`),
/// and the font is split by Unicode range and loaded piece by piece; a canvas
/// drawn before then keeps fallback glyphs (boxes, where no Korean font is
/// installed).
pub async fn load_font_for(text: &str) {
    let Some(window) = web_sys::window() else { return };
    // Settles once the stylesheet is in (at once on a phone, which has no web
    // font); before that the font has no faces to load.
    if let Ok(stylesheet) = js_sys::Reflect::get(&window, &crate::UI_FONT_PROMISE.into()) {
        if let Ok(stylesheet) = stylesheet.dyn_into::<js_sys::Promise>() {
            let _ = JsFuture::from(stylesheet).await;
        }
    }
    let Some(fonts) = window.document().map(|d| d.fonts()) else { return };
    // A failed load still leaves the fallback font: draw anyway.
    let _ = JsFuture::from(fonts.load_with_text(paint::chart::FONT_PROBE, text)).await;
}

/// An open `EventSource` and its listener (dropping the closure would detach it).
struct Connection {
    source: EventSource,
    _listener: Closure<dyn FnMut(web_sys::Event)>,
}

/// A stream event's data: the text a `MessageEvent` carries.
pub fn event_data(event: &web_sys::Event) -> Option<String> {
    event.dyn_ref::<MessageEvent>().and_then(|m| m.data().as_string())
}

/// Calls `on_data` with the data of each `event` event of `/api/v1/stream`,
/// for the life of the calling component: its own `EventSource`, which the
/// browser reconnects by itself (the server asks for a retry after a
/// second), closed when the component goes.
pub fn listen_to_stream(event: &str, on_data: impl Fn(String) + 'static) {
    let Ok(source) = EventSource::new("/api/v1/stream") else { return };
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        if let Some(data) = event_data(&event) {
            on_data(data);
        }
    });
    let _ = source.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    let connection = StoredValue::new_local(Some(Connection { source, _listener: listener }));
    on_cleanup(move || {
        connection.update_value(|c| {
            if let Some(c) = c.take() {
                c.source.close();
            }
        });
    });
}
