//! The world map of users (SPEC §5.2): one circle marker per country, sized by
//! its users, with a popup of its figures; country outlines come from the bundled
//! GeoJSON, so the map needs no tile server.

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::model::CountryStat;
use crate::use_lang;

/// The map's DOM id (Leaflet mounts into it by id).
const MAP_ID: &str = "user-map";

/// The map for `countries`; a skeleton while it loads, an error card when loading failed.
#[component]
pub fn UserMap(
    /// Users per country.
    countries: Resource<Result<Vec<CountryStat>, AppError>>,
) -> impl IntoView {
    let lang = use_lang();

    #[cfg(feature = "hydrate")]
    draw::on_data(countries, lang);

    view! {
        <div class="map-box">
            <WidgetStatus resource=countries is_empty={|list: &Vec<CountryStat>| list.is_empty()} />
            <div id=MAP_ID class="map" role="region" aria-label=t(lang, Msg::UserMap)></div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod draw {
    //! Browser-only drawing through the `leaflet` crate.

    use leaflet::{CircleMarker, LatLng, Layer, LayerGroup, Map, MapOptions, PathOptions};
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    use super::MAP_ID;
    use crate::error::AppError;
    use crate::i18n::{country_name, format_count, t, Lang, Msg};
    use crate::model::CountryStat;

    #[wasm_bindgen]
    extern "C" {
        /// `L.geoJSON(data, options)`: the crate declares it but does not export it.
        #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
        fn geo_json(data: &JsValue, options: &JsValue) -> Layer;

        /// A Leaflet vector layer, for the method the crate does not bind.
        type VectorLayer;

        /// `path.getElement()`: the SVG element Leaflet drew, once on the map.
        #[wasm_bindgen(method, js_name = getElement)]
        fn get_element(this: &VectorLayer) -> Option<web_sys::Element>;
    }

    /// The map and its marker layer, created once and reused on new data, and
    /// the markers' keyboard listeners (dropped with the markers they serve).
    struct Drawn {
        map: Map,
        markers: LayerGroup,
        key_listeners: Vec<Closure<dyn Fn(web_sys::KeyboardEvent)>>,
    }

    /// Draws the markers whenever `countries` has data, and removes the map with
    /// the component.
    pub fn on_data(countries: Resource<Result<Vec<CountryStat>, AppError>>, lang: Lang) {
        let drawn = StoredValue::new_local(None::<Drawn>);
        Effect::new(move |_| {
            let Some(Ok(list)) = countries.get() else { return };
            drawn.update_value(|slot| {
                if slot.is_none() {
                    match create_map() {
                        Ok(created) => *slot = Some(created),
                        Err(err) => {
                            leptos::logging::error!("user map: {err:?}");
                            return;
                        }
                    }
                }
                if let Some(d) = slot {
                    d.markers.clear_layers();
                    d.key_listeners.clear();
                    add_markers(d, &list, lang);
                }
            });
        });
        on_cleanup(move || {
            drawn.update_value(|slot| {
                if let Some(d) = slot.take() {
                    d.map.remove();
                }
            });
        });
    }

    fn create_map() -> Result<Drawn, JsValue> {
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
        let map = Map::new(MAP_ID, &options)?;

        // Outlines sit in their own pane under the markers and never take clicks.
        let pane = map.create_pane_by_name("outlines");
        pane.style().set_property("z-index", "350")?;
        let markers = LayerGroup::new();
        markers.add_to(&map);
        leptos::task::spawn_local(add_outlines(map.clone()));
        Ok(Drawn { map, markers, key_listeners: Vec::new() })
    }

    /// Fetches the bundled outlines and adds them under the markers.
    async fn add_outlines(map: Map) {
        let result = async {
            let text = gloo_net::http::Request::get("/vendor/countries.geojson").send().await?.text().await?;
            Ok::<_, gloo_net::Error>(text)
        }
        .await;
        let data = match result.map(|text| js_sys::JSON::parse(&text)) {
            Ok(Ok(data)) => data,
            other => {
                leptos::logging::error!("user map outlines: {other:?}");
                return;
            }
        };
        let style = PathOptions::new();
        style.set_pane("outlines".into());
        style.set_interactive(false);
        // Colours come from style/main.css (they follow the theme).
        style.set_class_name("country-outline".into());
        style.set_attribution("Natural Earth".into());
        geo_json(&data, &style).add_to(&map);
    }

    fn add_markers(drawn: &mut Drawn, list: &[CountryStat], lang: Lang) {
        let max_users = list.iter().map(|c| c.users).max().unwrap_or(1).max(1) as f64;
        for country in list {
            let (Some(lat), Some(lng)) = (country.lat, country.lng) else { continue };
            let options = PathOptions::new();
            // Colours come from style/main.css (they follow the theme).
            options.set_class_name("country-marker".into());
            let marker = CircleMarker::new_with_options(&LatLng::new(lat, lng), &options);
            // Area proportional to users: radius grows with the square root.
            marker.set_radius(4.0 + 22.0 * (country.users as f64 / max_users).sqrt());
            let layer: &Layer = marker.unchecked_ref();
            if let Some(body) = popup(country, lang) {
                layer.bind_popup_with_options(&body.into(), &JsValue::UNDEFINED);
            }
            layer.add_to_layer_group(&drawn.markers);
            if let Some(listener) = make_accessible(layer, country, lang) {
                drawn.key_listeners.push(listener);
            }
        }
    }

    /// The popup body, built from text nodes so no name is ever parsed as HTML.
    fn popup(country: &CountryStat, lang: Lang) -> Option<web_sys::Element> {
        let document = leptos::prelude::document();
        let root = document.create_element("div").ok()?;
        root.set_class_name("country-popup");
        let lines = [
            ("strong", country_name(lang, country).to_owned()),
            ("div", format!("{}: {}", t(lang, Msg::Users), format_count(country.users))),
            ("div", format!("{}: {}", t(lang, Msg::TodayActive), format_count(country.today_active))),
        ];
        for (tag, text) in lines {
            let el = document.create_element(tag).ok()?;
            el.set_text_content(Some(&text));
            root.append_child(&el).ok()?;
        }
        Some(root)
    }

    /// Names the marker for screen readers and lets the keyboard open its popup;
    /// returns the key listener, which must live as long as the marker.
    fn make_accessible(
        layer: &Layer,
        country: &CountryStat,
        lang: Lang,
    ) -> Option<Closure<dyn Fn(web_sys::KeyboardEvent)>> {
        let el = layer.unchecked_ref::<VectorLayer>().get_element()?;
        let label = format!("{}: {} {}", country_name(lang, country), t(lang, Msg::Users), format_count(country.users));
        let _ = el.set_attribute("role", "button");
        let _ = el.set_attribute("tabindex", "0");
        let _ = el.set_attribute("data-country", &country.country);
        let _ = el.set_attribute("aria-label", &label);
        let layer = layer.clone();
        let on_key = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
            if ev.key() == "Enter" || ev.key() == " " {
                ev.prevent_default();
                layer.open_popup();
            }
        });
        el.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref()).ok()?;
        Some(on_key)
    }
}
