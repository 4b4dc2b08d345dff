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
        <figure class="map-legend" data-testid="map-legend" data-map=MAP_ID data-markers=early_markers(list, &bounds) data-outlines=outlines_url()>
            <figcaption>{t(lang, Msg::Legend)}" · "{t(lang, Msg::Users)}</figcaption>
            <ul>{rows}</ul>
        </figure>
    }
}

/// The markers as the early paint draws them before the app's code arrives
/// (`paint::page`): `[[lat, lng, class, radius], …]`, JSON.
fn early_markers(list: &[CountryStat], bounds: &[i64]) -> String {
    let rows: Vec<String> = list
        .iter()
        .filter_map(|c| {
            let class = class_of(c.users, bounds);
            Some(format!("[{},{},{class},{}]", c.lat?, c.lng?, class_radius(class)))
        })
        .collect();
    format!("[{}]", rows.join(","))
}

/// The URL of the bundled country outlines, at the vendored files' version.
fn outlines_url() -> String {
    crate::vendor_url(crate::asset_version().as_deref(), "countries.geojson")
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

    use std::collections::{HashMap, HashSet};

    use leaflet::{CircleMarker, LatLng, Layer, LayerGroup, Map};
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    use super::{class_bounds, class_of, class_radius, outlines_url, CLASSES, MAP_ID};
    use crate::error::AppError;
    use crate::i18n::{country_name, format_count, t, Lang, Msg};
    use crate::model::CountryStat;

    #[wasm_bindgen]
    extern "C" {
        /// A Leaflet vector layer, for the method the crate does not bind.
        type VectorLayer;

        /// `path.getElement()`: the SVG element Leaflet drew, once on the map.
        #[wasm_bindgen(method, js_name = getElement)]
        fn get_element(this: &VectorLayer) -> Option<web_sys::Element>;
    }

    /// The map and its marker layer, created once and reused on new data, and
    /// the marker placed for each country (by its code).
    struct Drawn {
        map: Map,
        markers: LayerGroup,
        placed: HashMap<String, Placed>,
    }

    /// One country's marker, the popup body bound to it and its keyboard
    /// listener (which must live as long as the marker).
    struct Placed {
        marker: CircleMarker,
        /// Its class (see [`class_of`]).
        class: usize,
        popup: PopupBody,
        _on_key: Option<Closure<dyn Fn(web_sys::KeyboardEvent)>>,
    }

    /// The elements of a popup whose text changes with new figures.
    struct PopupBody {
        root: web_sys::Element,
        name: web_sys::Element,
        users: web_sys::Element,
        active: web_sys::Element,
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
                    place_markers(d, &list, lang);
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

    /// The map, the early paint's if it drew one; its markers, which carry
    /// no popup, are removed for the interactive ones.
    fn create_map() -> Result<Drawn, JsValue> {
        let opened = paint::map::open(MAP_ID, &outlines_url())?;
        opened.markers.clear_layers();
        Ok(Drawn { map: opened.map, markers: opened.markers, placed: HashMap::new() })
    }

    /// Brings the markers up to `list`. A country already placed keeps its
    /// marker and popup, which are changed in place: new figures arrive every
    /// time activity is recorded (up to twice a second), and a popup someone
    /// is reading, or whose link they are tapping, must not close under them.
    fn place_markers(drawn: &mut Drawn, list: &[CountryStat], lang: Lang) {
        let users: Vec<i64> = list.iter().map(|c| c.users).collect();
        let bounds = class_bounds(&users);
        let mut seen = HashSet::with_capacity(list.len());
        // Markers are stacked in the list's order (most users first), so small
        // circles sit on big ones and stay clickable; a class that changed or
        // a country that came in calls for the order again.
        let mut restack = false;
        let first = drawn.placed.is_empty();
        for country in list {
            let (Some(lat), Some(lng)) = (country.lat, country.lng) else { continue };
            let class = class_of(country.users, &bounds);
            seen.insert(country.country.as_str());
            if let Some(placed) = drawn.placed.get_mut(&country.country) {
                restack |= placed.update(country, lat, lng, class, lang);
            } else if let Some(placed) = Placed::new(&drawn.markers, country, lat, lng, class, lang) {
                drawn.placed.insert(country.country.clone(), placed);
                restack |= !first;
            }
        }
        let markers = &drawn.markers;
        drawn.placed.retain(|code, placed| {
            let keep = seen.contains(code.as_str());
            if !keep {
                markers.remove_layer(placed.marker.unchecked_ref());
            }
            keep
        });
        if restack {
            for placed in list.iter().filter_map(|country| drawn.placed.get(&country.country)) {
                placed.marker.bring_to_front();
            }
        }
    }

    impl Placed {
        /// A new marker for `country` in `markers`, with its popup and its name
        /// and key for screen readers and keyboards.
        fn new(
            markers: &LayerGroup,
            country: &CountryStat,
            lat: f64,
            lng: f64,
            class: usize,
            lang: Lang,
        ) -> Option<Placed> {
            let popup = PopupBody::new(country, lang)?;
            let marker = paint::map::add_marker(markers, lat, lng, class, class_radius(class));
            let layer: &Layer = marker.unchecked_ref();
            layer.bind_popup_with_options(&popup.root.clone().into(), &JsValue::UNDEFINED);
            let on_key = make_accessible(layer, country, lang);
            Some(Placed { marker, class, popup, _on_key: on_key })
        }

        /// Moves, resizes and recolours the marker for `country`'s new figures
        /// and writes them into its popup, open or not; whether its class changed.
        fn update(&mut self, country: &CountryStat, lat: f64, lng: f64, class: usize, lang: Lang) -> bool {
            let at = self.marker.get_lat_lng();
            if at.lat() != lat || at.lng() != lng {
                self.marker.set_lat_lng(&LatLng::new(lat, lng));
            }
            let radius = class_radius(class);
            if self.marker.get_radius() != radius {
                self.marker.set_radius(radius);
            }
            let layer: &Layer = self.marker.unchecked_ref();
            if let Some(el) = layer.unchecked_ref::<VectorLayer>().get_element() {
                let classes = el.class_list();
                for other in 0..CLASSES {
                    let name = format!("q{other}");
                    let _ = if other == class { classes.add_1(&name) } else { classes.remove_1(&name) };
                }
                let _ = el.set_attribute("aria-label", &marker_label(country, lang));
            }
            // Leaflet's update takes the content out and puts it back, which
            // would take the focus off its link and pull a map dragged aside
            // back: only when the text, and so maybe the size, changed.
            if self.popup.write(country, lang) && layer.is_popup_open() {
                layer.get_popup().update();
            }
            let changed = self.class != class;
            self.class = class;
            changed
        }
    }

    impl PopupBody {
        /// The popup body, built from text nodes so no name is ever parsed as HTML.
        fn new(country: &CountryStat, lang: Lang) -> Option<PopupBody> {
            let document = leptos::prelude::document();
            let root = document.create_element("div").ok()?;
            root.set_class_name("country-popup");
            let line = |tag: &str| {
                let el = document.create_element(tag).ok()?;
                root.append_child(&el).ok()?;
                Some(el)
            };
            let body =
                PopupBody { name: line("strong")?, users: line("div")?, active: line("div")?, root: root.clone() };
            // The router follows this link in place (it handles every same-origin <a>).
            let link = line("a")?;
            link.set_attribute("href", &format!("/users?country={}", country.country)).ok()?;
            link.set_attribute("data-testid", "country-users-link").ok()?;
            link.set_text_content(Some(t(lang, Msg::UsersTitle)));
            body.write(country, lang);
            Some(body)
        }

        /// Writes `country`'s name and figures; whether any text changed. Text
        /// that stays is left alone (rewriting it would drop a selection in it).
        fn write(&self, country: &CountryStat, lang: Lang) -> bool {
            let users = format!("{}: {}", t(lang, Msg::Users), format_count(country.users));
            let active = format!("{}: {}", t(lang, Msg::TodayActive), format_count(country.today_active));
            let lines = [
                (&self.name, country_name(lang, country)),
                (&self.users, users.as_str()),
                (&self.active, active.as_str()),
            ];
            let mut changed = false;
            for (el, text) in lines {
                if el.text_content().as_deref() != Some(text) {
                    el.set_text_content(Some(text));
                    changed = true;
                }
            }
            changed
        }
    }

    /// What a screen reader says for a country's marker.
    fn marker_label(country: &CountryStat, lang: Lang) -> String {
        format!("{}: {} {}", country_name(lang, country), t(lang, Msg::Users), format_count(country.users))
    }

    /// Names the marker for screen readers and lets the keyboard open its popup;
    /// returns the key listener, which must live as long as the marker.
    fn make_accessible(
        layer: &Layer,
        country: &CountryStat,
        lang: Lang,
    ) -> Option<Closure<dyn Fn(web_sys::KeyboardEvent)>> {
        let el = layer.unchecked_ref::<VectorLayer>().get_element()?;
        let _ = el.set_attribute("role", "button");
        let _ = el.set_attribute("tabindex", "0");
        let _ = el.set_attribute("data-country", &country.country);
        let _ = el.set_attribute("aria-label", &marker_label(country, lang));
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

    #[test]
    fn the_early_paint_gets_each_placed_country_as_json() {
        let country = |code: &str, users: i64, at: Option<(f64, f64)>| CountryStat {
            country: code.into(),
            name: code.into(),
            name_ko: code.into(),
            users,
            today_active: 0,
            lat: at.map(|(lat, _)| lat),
            lng: at.map(|(_, lng)| lng),
        };
        let list =
            [country("KR", 10, Some((35.9, 127.75))), country("US", 1, Some((-12.5, -95.5))), country("MC", 5, None)];
        let bounds = class_bounds(&list.iter().map(|c| c.users).collect::<Vec<_>>());
        let json: serde_json::Value = serde_json::from_str(&early_markers(&list, &bounds)).expect("JSON");
        // The unplaced country is left out; each row is lat, lng, class, radius.
        assert_eq!(json, serde_json::json!([[35.9, 127.75, 2, 11], [-12.5, -95.5, 0, 5]]));
        assert_eq!(early_markers(&[], &[]), "[]");
    }
}
