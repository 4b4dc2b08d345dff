//! What every chart shares in the browser: an ECharts instance drawn by
//! charming's WASM renderer into a box with a known id, redrawn when its data
//! or the colour theme changes (the system's preference included, live), kept
//! sized to its box (not only to the window), and disposed with its component.
//! Each chart only says how its data becomes a [`charming::Chart`].

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use charming::{Chart, Echarts, WasmRenderer};

use crate::browser::{load_font_for, UI_FONT};
use crate::error::AppError;

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance, for the methods charming does not bind.
    type Instance;

    /// `echartsInstance.dispose()`: frees the canvas and listeners.
    #[wasm_bindgen(method)]
    fn dispose(this: &Instance);

    /// `echartsInstance.setOption(option)`: merges into the current option.
    #[wasm_bindgen(method, js_name = setOption)]
    fn merge_option(this: &Instance, option: &JsValue);
}

/// Draws `build(data)` into the element `id` whenever `resource` has data and
/// the font for `glyphs` (every label the canvas will show) has loaded.
pub fn draw<T>(
    id: &'static str,
    resource: Resource<Result<T, AppError>>,
    glyphs: String,
    build: impl Fn(&T) -> Chart + 'static,
) where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let page_dark = crate::prefs::use_dark();
    // The instance and the theme it was created with (ECharts themes are fixed at init).
    let instance = StoredValue::new_local(None::<(Echarts, bool)>);
    let font_ready = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        load_font_for(&glyphs).await;
        font_ready.set(true);
    });
    // Synchronous once both are ready: one draw per change, no race.
    Effect::new(move |_| {
        let dark = page_dark.get();
        let Some(Ok(data)) = resource.get() else { return };
        if !font_ready.get() {
            return;
        }
        let chart = build(&data);
        instance.update_value(|slot| {
            if let Some((echarts, was_dark)) = slot.as_ref() {
                if *was_dark == dark {
                    WasmRenderer::update(echarts, &chart);
                    return;
                }
                echarts.unchecked_ref::<Instance>().dispose();
                *slot = None;
            }
            let renderer = WasmRenderer::new_opt(None, None).theme(if dark {
                charming::theme::Theme::Dark
            } else {
                charming::theme::Theme::Default
            });
            match renderer.render(id, &chart) {
                Ok(echarts) => {
                    // charming has no global text style or background: set ECharts' own.
                    let look = serde_json::json!({
                        "textStyle": { "fontFamily": UI_FONT },
                        "backgroundColor": "transparent",
                    });
                    if let Ok(look) = js_sys::JSON::parse(&look.to_string()) {
                        echarts.unchecked_ref::<Instance>().merge_option(&look);
                    }
                    mark_theme(id, dark);
                    *slot = Some((echarts, dark));
                }
                Err(err) => leptos::logging::error!("chart {id}: {err:?}"),
            }
        });
    });
    // The box, not the window: a layout change or a growing panel resizes it too.
    // The observer is disconnected with the component.
    leptos_use::use_resize_observer(format!("#{id}"), move |_, _| {
        instance.try_with_value(|slot| {
            if let Some((echarts, _)) = slot {
                echarts.resize(JsValue::UNDEFINED);
            }
        });
    });
    on_cleanup(move || {
        instance.update_value(|slot| {
            if let Some((echarts, _)) = slot.take() {
                echarts.unchecked_ref::<Instance>().dispose();
            }
        });
    });
}

/// Records on the chart's box which theme it was drawn with
/// (`data-chart-theme`), for tests and styles: the canvas itself cannot tell.
fn mark_theme(id: &str, dark: bool) {
    if let Some(el) = document().get_element_by_id(id) {
        let _ = el.set_attribute("data-chart-theme", if dark { "dark" } else { "light" });
    }
}

/// A bucket's axis label: `14:00` for hours, `11-21` for days, in `zone`.
pub fn bucket_label(
    start: chrono::DateTime<chrono::Utc>,
    bucket: crate::model::range::Bucket,
    zone: crate::model::range::Zone,
) -> String {
    let local = start.with_timezone(&zone.offset());
    match bucket {
        crate::model::range::Bucket::Hour => local.format("%H:00").to_string(),
        crate::model::range::Bucket::Day => local.format("%m-%d").to_string(),
    }
}
