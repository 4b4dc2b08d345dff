//! What every chart shares in the browser: an ECharts instance drawn into a box
//! with a known id from the option the server built (`crate::charts`), redrawn
//! when its data or the colour theme changes (the system's preference
//! included, live), kept sized to its box (not only to the window), and
//! disposed with its component. The instance the early paint drew there, if
//! any, is adopted (`paint::chart`, shared with it).

use leptos::prelude::*;
use paint::chart::{self, Instance, Motion};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::browser::load_font_for;
use crate::error::AppError;
use crate::model::Charted;

/// Draws the option of `resource` into the element `id` whenever it has data;
/// the first time, for a box off screen, once the page is idle. Drawn before
/// the UI font for `glyphs` (every label the canvas will show) has loaded —
/// on a desktop its stylesheet is applied only once the page has hydrated
/// (`crate::ui_font`) — the chart is drawn again, as it was, when it is in:
/// the canvas's text swaps to the font as the page's text does.
pub fn draw<T>(id: &'static str, resource: Resource<Result<Charted<T>, AppError>>, glyphs: String)
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let page_dark = crate::prefs::use_dark();
    // The instance and the theme it was created with (ECharts themes are fixed at init).
    let instance = StoredValue::new_local(None::<(Instance, bool)>);
    // The option text last drawn: drawn again unchanged (the font came in),
    // it does not animate.
    let last = StoredValue::new_local(None::<String>);
    let ready = RwSignal::new(false);
    let font_in = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        // Never within hydration's task: the page responds first, the charts
        // follow in the next task (paint::later). A box below the fold is
        // drawn when the page is idle: what is in view comes first. A box not
        // in the document yet (a page shown by the router) is drawn at once.
        paint::later::next_task().await;
        if let Some(el) = document().get_element_by_id(id) {
            paint::later::on_screen_or_idle(&el).await;
        }
        ready.set(true);
    });
    leptos::task::spawn_local(async move {
        load_font_for(&glyphs).await;
        font_in.set(true);
    });
    // Synchronous once ready: one draw per change, no race. The font's
    // arrival is a change (chart::set skips a chart already drawn in it).
    Effect::new(move |_| {
        let dark = page_dark.get();
        let Some(Ok(charted)) = resource.get() else { return };
        font_in.track();
        if !ready.get() {
            return;
        }
        instance.update_value(|slot| {
            if slot.as_ref().is_some_and(|(_, was_dark)| *was_dark != dark) {
                if let Some((old, _)) = slot.take() {
                    old.dispose();
                }
            }
            let Some(el) = document().get_element_by_id(id) else { return };
            // The first drawing shows figures that are already there: at once,
            // as the early paint does (and an entry animation's frames would
            // hold the main thread while the page loads). Changes animate.
            let same = last.with_value(|last| last.as_deref() == Some(charted.option.as_str()));
            let motion = if slot.is_none() || same { Motion::Still } else { Motion::preferred() };
            if slot.is_none() {
                // The early paint's instance when it drew this box (paint crate).
                match chart::open(&el, dark) {
                    Ok(echarts) => *slot = Some((echarts, dark)),
                    Err(err) => {
                        leptos::logging::error!("chart {id}: {err:?}");
                        return;
                    }
                }
            }
            if let Some((echarts, _)) = slot.as_ref() {
                last.set_value(Some(charted.option.clone()));
                if let Err(err) = chart::set(echarts, &el, &charted.option, dark, motion) {
                    // ECharts may be left mid-update, ignoring every later
                    // option: start afresh with the next data.
                    leptos::logging::error!("chart {id}: {err:?}");
                    if let Some((broken, _)) = slot.take() {
                        broken.dispose();
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
