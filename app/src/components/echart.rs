//! What every chart shares in the browser: an ECharts instance drawn into a box
//! with a known id from the option the server built (`crate::charts`), redrawn
//! when its data or the colour theme changes (the system's preference
//! included, live), kept sized to its box (not only to the window), and
//! disposed with its component.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::browser::{load_font_for, UI_FONT};
use crate::error::AppError;
use crate::model::Charted;

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance.
    type Instance;

    /// `echarts.init(dom, theme)`; throws if ECharts did not load.
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn init(dom: &web_sys::Element, theme: &JsValue) -> Result<Instance, JsValue>;

    /// `echartsInstance.setOption(option, opts)`.
    #[wasm_bindgen(method, catch, js_name = setOption)]
    fn set_option(this: &Instance, option: &JsValue, opts: &JsValue) -> Result<(), JsValue>;

    /// `echartsInstance.resize()`: fits the canvas to its box.
    #[wasm_bindgen(method)]
    fn resize(this: &Instance);

    /// `echartsInstance.dispose()`: frees the canvas and listeners.
    #[wasm_bindgen(method)]
    fn dispose(this: &Instance);
}

/// Draws the option of `resource` into the element `id` whenever it has data
/// and the font for `glyphs` (every label the canvas will show) has loaded.
pub fn draw<T>(id: &'static str, resource: Resource<Result<Charted<T>, AppError>>, glyphs: String)
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let page_dark = crate::prefs::use_dark();
    // The instance and the theme it was created with (ECharts themes are fixed at init).
    let instance = StoredValue::new_local(None::<(Instance, bool)>);
    let font_ready = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        load_font_for(&glyphs).await;
        font_ready.set(true);
    });
    // Synchronous once both are ready: one draw per change, no race.
    Effect::new(move |_| {
        let dark = page_dark.get();
        let Some(Ok(charted)) = resource.get() else { return };
        if !font_ready.get() {
            return;
        }
        let Some(option) = option_for_page(&charted.option) else {
            leptos::logging::error!("chart {id}: the server's option is not JSON");
            return;
        };
        instance.update_value(|slot| {
            if slot.as_ref().is_some_and(|(_, was_dark)| *was_dark != dark) {
                if let Some((old, _)) = slot.take() {
                    old.dispose();
                }
            }
            if slot.is_none() {
                let Some(el) = document().get_element_by_id(id) else { return };
                let theme = if dark { JsValue::from_str("dark") } else { JsValue::NULL };
                match init(&el, &theme) {
                    Ok(echarts) => *slot = Some((echarts, dark)),
                    Err(err) => {
                        leptos::logging::error!("chart {id}: {err:?}");
                        return;
                    }
                }
            }
            if let Some((echarts, _)) = slot.as_ref() {
                match echarts.set_option(&option, &replace_series()) {
                    Ok(()) => mark_theme(id, dark),
                    Err(err) => {
                        // ECharts may be left mid-update, ignoring every later
                        // option: start afresh with the next data.
                        leptos::logging::error!("chart {id}: {err:?}");
                        if let Some((broken, _)) = slot.take() {
                            broken.dispose();
                        }
                    }
                }
            }
        });
    });
    // The box, not the window: a layout change or a growing panel resizes it too.
    // The observer is disconnected with the component.
    leptos_use::use_resize_observer(format!("#{id}"), move |_, _| {
        instance.try_with_value(|slot| {
            if let Some((echarts, _)) = slot {
                echarts.resize();
            }
        });
    });
    on_cleanup(move || {
        instance.update_value(|slot| {
            if let Some((echarts, _)) = slot.take() {
                echarts.dispose();
            }
        });
    });
}

/// The server's option with what only the page knows: the UI font (a canvas
/// cannot use CSS) and a transparent background, so the panel's colour shows.
fn option_for_page(json: &str) -> Option<JsValue> {
    let option = js_sys::JSON::parse(json).ok()?;
    let text_style = js_sys::Object::new();
    js_sys::Reflect::set(&text_style, &"fontFamily".into(), &UI_FONT.into()).ok()?;
    js_sys::Reflect::set(&option, &"textStyle".into(), &text_style).ok()?;
    js_sys::Reflect::set(&option, &"backgroundColor".into(), &"transparent".into()).ok()?;
    Some(option)
}

/// `{replaceMerge: ['series']}`: the series are replaced (one that is gone, an
/// activity type say, goes), everything else is merged, so a legend entry the
/// viewer switched off stays off across refreshes.
fn replace_series() -> JsValue {
    let opts = js_sys::Object::new();
    let series = js_sys::Array::of1(&"series".into());
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&opts, &"replaceMerge".into(), &series);
    opts.into()
}

/// Records on the chart's box which theme it was drawn with
/// (`data-chart-theme`), for tests and styles: the canvas itself cannot tell.
fn mark_theme(id: &str, dark: bool) {
    if let Some(el) = document().get_element_by_id(id) {
        let _ = el.set_attribute("data-chart-theme", if dark { "dark" } else { "light" });
    }
}
