//! The world map of users: one circle marker per country, its
//! radius and colour set by which quantile of users the country falls in (with a
//! legend), and a popup of its figures with a link to its users. Country
//! outlines come from the bundled GeoJSON, so the map needs no tile server; a
//! tile layer is added only when the operator set `MAP_TILE_URL`.

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, t, Msg};
use crate::model::CountryStat;
use crate::use_lang;

/// The map's DOM id (Leaflet mounts into it by id).
const MAP_ID: &str = "user-map";

/// How many classes the markers are split into.
pub const CLASSES: usize = 5;

/// The upper bound of each class: the 20th, 40th, … 100th percentile of users
/// per country. A country is in the first class whose bound it does not exceed.
pub fn class_bounds(users: &[i64]) -> Vec<i64> {
    let mut sorted: Vec<i64> = users.to_vec();
    sorted.sort_unstable();
    if sorted.is_empty() {
        return Vec::new();
    }
    let mut bounds: Vec<i64> = (1..=CLASSES).map(|k| sorted[(k * sorted.len()).div_ceil(CLASSES) - 1]).collect();
    bounds.dedup();
    bounds
}

/// The class (0 = fewest users) of a country with `users`, given the bounds.
pub fn class_of(users: i64, bounds: &[i64]) -> usize {
    bounds.iter().position(|b| users <= *b).unwrap_or(bounds.len().saturating_sub(1))
}

/// A marker's radius in pixels for its class: area grows about twofold per class.
pub fn class_radius(class: usize) -> f64 {
    [5.0, 8.0, 11.0, 15.0, 20.0][class.min(CLASSES - 1)]
}

/// The legend: one swatch per class with its range of users.
fn legend(list: &[CountryStat]) -> impl IntoView + use<> {
    let lang = use_lang();
    let users: Vec<i64> = list.iter().map(|c| c.users).collect();
    let bounds = class_bounds(&users);
    let mut lower = users.iter().copied().min().unwrap_or(0);
    let rows = bounds
        .iter()
        .enumerate()
        .map(|(class, upper)| {
            let text = if lower == *upper {
                format_count(*upper)
            } else {
                format!("{}–{}", format_count(lower), format_count(*upper))
            };
            lower = upper + 1;
            let size = class_radius(class) * 2.0;
            view! {
                <li>
                    <span
                        class=format!("legend-swatch q{class}")
                        style=format!("width:{size}px;height:{size}px")
                        aria-hidden="true"
                    ></span>
                    {text}
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="map-legend" data-testid="map-legend">
            <figcaption>{t(lang, Msg::Legend)}" · "{t(lang, Msg::Users)}</figcaption>
            <ul>{rows}</ul>
        </figure>
    }
}

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
            <WidgetStatus
                resource=countries
                is_empty={|list: &Vec<CountryStat>| list.is_empty()}
                ready={|list: &Vec<CountryStat>| legend(list).into_any()}
            />
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

    use super::{class_bounds, class_of, class_radius, MAP_ID};
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

    /// Draws the markers whenever `countries` has data, keeps the map sized to
    /// its box, and removes the map with the component.
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
        // Leaflet itself only follows the window; the box also changes size with
        // the layout (a panel growing, a column added), and then Leaflet must
        // measure it again or it keeps laying the map out for the old size.
        leptos_use::use_resize_observer(format!("#{MAP_ID}"), move |_, _| {
            drawn.try_with_value(|slot| {
                if let Some(d) = slot {
                    d.map.invalidate_size(false);
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
        // Tiles only where the operator configured a server (MAP_TILE_URL).
        if let Some(url) = tile_url() {
            leaflet::TileLayer::new(&url).add_to(&map);
        }
        let markers = LayerGroup::new();
        markers.add_to(&map);
        leptos::task::spawn_local(add_outlines(map.clone()));
        Ok(Drawn { map, markers, key_listeners: Vec::new() })
    }

    /// The tile URL template the server put on `<html data-map-tiles>`, if any.
    fn tile_url() -> Option<String> {
        let html = web_sys::window()?.document()?.document_element()?;
        html.get_attribute("data-map-tiles").filter(|u| !u.is_empty())
    }

    /// The vendored files' version the server put on `<html data-assets>`, if any.
    fn asset_version() -> Option<String> {
        let html = web_sys::window()?.document()?.document_element()?;
        html.get_attribute("data-assets").filter(|v| !v.is_empty())
    }

    /// Fetches the bundled outlines and adds them under the markers.
    async fn add_outlines(map: Map) {
        let result = async {
            let text =
                gloo_net::http::Request::get(&crate::vendor_url(asset_version().as_deref(), "countries.geojson"))
                    .send()
                    .await?
                    .text()
                    .await?;
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
        let users: Vec<i64> = list.iter().map(|c| c.users).collect();
        let bounds = class_bounds(&users);
        for country in list {
            let (Some(lat), Some(lng)) = (country.lat, country.lng) else { continue };
            let class = class_of(country.users, &bounds);
            let options = PathOptions::new();
            // Colours come from style/main.css (they follow the theme).
            options.set_class_name(format!("country-marker q{class}"));
            let marker = CircleMarker::new_with_options(&LatLng::new(lat, lng), &options);
            marker.set_radius(class_radius(class));
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
        // The router follows this link in place (it handles every same-origin <a>).
        let link = document.create_element("a").ok()?;
        link.set_attribute("href", &format!("/users?country={}", country.country)).ok()?;
        link.set_attribute("data-testid", "country-users-link").ok()?;
        link.set_text_content(Some(t(lang, Msg::UsersTitle)));
        root.append_child(&link).ok()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_fall_into_five_quantile_classes() {
        let users: Vec<i64> = (1..=10).collect();
        let bounds = class_bounds(&users);
        assert_eq!(bounds, vec![2, 4, 6, 8, 10]);
        assert_eq!(
            (class_of(1, &bounds), class_of(2, &bounds), class_of(3, &bounds), class_of(10, &bounds)),
            (0, 0, 1, 4)
        );
        // Ties collapse classes instead of inventing empty ones.
        assert_eq!(class_bounds(&[5, 5, 5]), vec![5]);
        assert!(class_bounds(&[]).is_empty());
    }
}
