//! The world map of users in Leaflet, as both the early paint and the app's
//! map component use it: the map opened once per box (adopting the one
//! already drawn there), the bundled country outlines under the markers, a
//! tile layer only where the operator configured one, and the class-styled
//! circle markers. What only the app adds to a marker (its popup, its name for
//! screen readers, the keyboard) stays in the app.

use leaflet::{CircleMarker, LatLng, Layer, LayerGroup, Map, MapOptions, PathOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `L.geoJSON(data, options)`: the crate declares it but does not export it.
    #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
    fn geo_json(data: &JsValue, options: &JsValue) -> Layer;
}

/// Where a drawn map and its marker layer are kept on the map's element, for
/// whichever code opens the same box next (the app, after the early paint).
const MAP_KEY: &str = "dsMap";
/// See [`MAP_KEY`].
const MARKERS_KEY: &str = "dsMarkers";

/// A map drawn into its box and the layer its markers go in.
pub struct Opened {
    /// The map.
    pub map: Map,
    /// The marker layer.
    pub markers: LayerGroup,
}

/// The map already drawn in `el`, if any.
fn drawn(el: &web_sys::Element) -> Option<Opened> {
    let map = js_sys::Reflect::get(el, &MAP_KEY.into()).ok()?;
    let markers = js_sys::Reflect::get(el, &MARKERS_KEY.into()).ok()?;
    (!map.is_undefined() && !markers.is_undefined())
        .then(|| Opened { map: map.unchecked_into(), markers: markers.unchecked_into() })
}

/// Whether a map is drawn in the element `id` already (by the app, when it
/// was quicker).
pub fn is_open(id: &str) -> bool {
    crate::document().and_then(|d| d.get_element_by_id(id)).is_some_and(|el| drawn(&el).is_some())
}

/// The map in the element `id`: the one already drawn there, else a new one
/// with the country outlines from `outlines` (the URL of the vendored GeoJSON,
/// fetched in the background) and, when configured, tiles.
pub fn open(id: &str, outlines: &str) -> Result<Opened, JsValue> {
    let el = crate::document().and_then(|d| d.get_element_by_id(id)).ok_or_else(|| JsValue::from_str(id))?;
    if let Some(opened) = drawn(&el) {
        return Ok(opened);
    }
    let narrow =
        web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).is_some_and(|w| w < 640.0);
    let options = MapOptions::new();
    options.set_center(LatLng::new(30.0, 40.0));
    options.set_zoom(if narrow { 0.5 } else { 1.5 });
    options.set_zoom_snap(0.5);
    options.set_min_zoom(0.5);
    options.set_max_zoom(6.0);
    // Scrolling the page over the map should scroll the page.
    options.set_scroll_wheel_zoom(false);
    let map = Map::new(id, &options)?;

    // Outlines sit in their own pane under the markers and never take clicks.
    let pane = map.create_pane_by_name("outlines");
    pane.style().set_property("z-index", "350")?;
    // Tiles only where the operator configured a server (MAP_TILE_URL).
    if let Some(url) = html_attribute("data-map-tiles") {
        leaflet::TileLayer::new(&url).add_to(&map);
    }
    let markers = LayerGroup::new();
    markers.add_to(&map);
    wasm_bindgen_futures::spawn_local(add_outlines(map.clone(), outlines.to_owned()));
    js_sys::Reflect::set(&el, &MAP_KEY.into(), &map)?;
    js_sys::Reflect::set(&el, &MARKERS_KEY.into(), &markers)?;
    Ok(Opened { map, markers })
}

/// Adds to `markers` the circle of a country at (`lat`, `lng`) in marker class
/// `class` (0 = fewest users), `radius` pixels across: style/main.css colours
/// it by class and theme.
pub fn add_marker(markers: &LayerGroup, lat: f64, lng: f64, class: usize, radius: f64) -> CircleMarker {
    let options = PathOptions::new();
    let mut name = String::from("country-marker q");
    name.push(char::from(b'0' + (class.min(9) as u8)));
    options.set_class_name(name);
    let marker = CircleMarker::new_with_options(&LatLng::new(lat, lng), &options);
    marker.set_radius(radius);
    marker.unchecked_ref::<Layer>().add_to_layer_group(markers);
    marker
}

/// A non-empty attribute the server wrote on `<html>`.
fn html_attribute(name: &str) -> Option<String> {
    crate::document()?.document_element()?.get_attribute(name).filter(|v| !v.is_empty())
}

/// Fetches the bundled outlines from `url` and adds them under the markers,
/// once the page is idle: building the countries' paths takes the main thread
/// for tens of milliseconds, which the app, when its code is there, needs
/// first to become interactive. The outlines are only the markers' backdrop.
async fn add_outlines(map: Map, url: String) {
    let data = async {
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let response: web_sys::Response =
            wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&url)).await?.dyn_into()?;
        if !response.ok() {
            return Err(JsValue::from(response.status()));
        }
        let data = wasm_bindgen_futures::JsFuture::from(response.json()?).await?;
        crate::later::idle().await;
        Ok(data)
    }
    .await;
    match data {
        Ok(data) => {
            let style = PathOptions::new();
            style.set_pane("outlines".into());
            style.set_interactive(false);
            // Colours come from style/main.css (they follow the theme).
            style.set_class_name("country-outline".into());
            style.set_attribution("Natural Earth".into());
            geo_json(&data, &style).add_to(&map);
        }
        Err(err) => crate::log_error("user map outlines:", &err),
    }
}
