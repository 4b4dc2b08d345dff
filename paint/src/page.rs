//! What the early-paint module draws: every chart whose box the
//! server-rendered page names with its option (`data-chart`, `data-option`,
//! on the chart's text equivalent) and the map whose markers it lists
//! (`data-map`, `data-markers`: `[[lat, lng, class, radius], …]`, and its
//! outlines' URL, `data-outlines`, on the legend), in the theme the page is
//! shown in: the charts in view first, the others when the page is idle. A
//! box the app drew already (its code can arrive first on a fast connection)
//! is left to it.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Draws every chart and map the page carries; logs what it could not draw.
pub fn paint() {
    let Some(document) = crate::document() else { return };
    let dark = is_dark(&document);
    // The charts in view now; the others when the page is idle (crate::later),
    // each in a task of its own, so that the app's hydration, when its code
    // is there, need not wait for them.
    let mut later = Vec::new();
    for carrier in carriers(&document, "[data-chart][data-option]") {
        let (Some(id), Some(option)) = (carrier.get_attribute("data-chart"), carrier.get_attribute("data-option"))
        else {
            continue;
        };
        let Some(el) = document.get_element_by_id(&id) else { continue };
        if crate::later::on_screen(&el) {
            draw_chart(&el, &option, dark);
        } else {
            later.push((el, option));
        }
    }
    // Each asks for an idle period of its own, so the wait is the same for all.
    for (el, option) in later {
        wasm_bindgen_futures::spawn_local(async move {
            crate::later::on_screen_or_idle(&el).await;
            draw_chart(&el, &option, dark);
        });
    }
    for carrier in carriers(&document, "[data-map][data-markers][data-outlines]") {
        let attribute = |name: &str| carrier.get_attribute(name);
        let (Some(id), Some(markers), Some(outlines)) =
            (attribute("data-map"), attribute("data-markers"), attribute("data-outlines"))
        else {
            continue;
        };
        if crate::map::is_open(&id) {
            continue;
        }
        if let Err(err) = draw_map(&id, &markers, &outlines) {
            crate::log_error("early paint, map:", &err);
        }
    }
}

/// Draws `option` into the chart box `el`, unless the app drew it already.
fn draw_chart(el: &web_sys::Element, option: &str, dark: bool) {
    if crate::chart::is_drawn(el) {
        return;
    }
    if let Err(err) = crate::chart::draw(el, option, dark) {
        crate::log_error("early paint, chart:", &err);
    }
}

/// Opens the map `id` (its outlines from `outlines`) and adds the markers of `json`.
fn draw_map(id: &str, json: &str, outlines: &str) -> Result<(), JsValue> {
    let list: js_sys::Array = js_sys::JSON::parse(json)?.dyn_into()?;
    let opened = crate::map::open(id, outlines)?;
    for row in list.iter() {
        let row: js_sys::Array = row.dyn_into()?;
        let number = |i: u32| row.get(i).as_f64().ok_or_else(|| JsValue::from_str("a marker field is not a number"));
        let (lat, lng, class, radius) = (number(0)?, number(1)?, number(2)?, number(3)?);
        crate::map::add_marker(&opened.markers, lat, lng, class as usize, radius);
    }
    Ok(())
}

/// The elements of `document` matching `selector`.
fn carriers(document: &web_sys::Document, selector: &str) -> Vec<web_sys::Element> {
    let Ok(list) = document.query_selector_all(selector) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

/// Whether the page is shown dark, as the app decides it (`prefs::use_dark`):
/// the theme the viewer chose (`<html data-theme>`), else the system's.
fn is_dark(document: &web_sys::Document) -> bool {
    match document.document_element().and_then(|html| html.get_attribute("data-theme")).as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}
