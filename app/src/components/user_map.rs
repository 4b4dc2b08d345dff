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

    use leaflet::{Layer, LayerGroup, Map};
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    use super::{class_bounds, class_of, class_radius, outlines_url, MAP_ID};
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

    /// The map, the early paint's if it drew one (its markers are replaced
    /// with the interactive ones).
    fn create_map() -> Result<Drawn, JsValue> {
        let opened = paint::map::open(MAP_ID, &outlines_url())?;
        Ok(Drawn { map: opened.map, markers: opened.markers, key_listeners: Vec::new() })
    }

    fn add_markers(drawn: &mut Drawn, list: &[CountryStat], lang: Lang) {
        let users: Vec<i64> = list.iter().map(|c| c.users).collect();
        let bounds = class_bounds(&users);
        for country in list {
            let (Some(lat), Some(lng)) = (country.lat, country.lng) else { continue };
            let class = class_of(country.users, &bounds);
            let marker = paint::map::add_marker(&drawn.markers, lat, lng, class, class_radius(class));
            let layer: &Layer = marker.unchecked_ref();
            if let Some(body) = popup(country, lang) {
                layer.bind_popup_with_options(&body.into(), &JsValue::UNDEFINED);
            }
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
