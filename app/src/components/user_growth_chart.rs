//! The user-growth chart: new sign-ups per day (bars) and the running total
//! (line), drawn by ECharts through charming's WASM renderer.

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, last_days, t, Lang, Msg};
use crate::model::UserGrowth;
use crate::use_lang;

/// The chart's DOM id (ECharts draws into it by id).
const CHART_ID: &str = "user-growth-chart";
/// The id of the text that names the chart for screen readers.
const SUMMARY_ID: &str = "user-growth-summary";

/// "Last N days: new users X, total users Y".
fn summary(growth: &UserGrowth, lang: Lang) -> String {
    let new_users: i64 = growth.points.iter().map(|p| p.new_users).sum();
    let total = growth.points.last().map_or(0, |p| p.total_users);
    format!(
        "{}: {} {}, {} {}",
        last_days(lang, growth.days),
        t(lang, Msg::NewUsers),
        format_count(new_users),
        t(lang, Msg::CumulativeUsers),
        format_count(total)
    )
}

/// The chart for `growth`; a skeleton while it loads, an empty state when no one
/// signed up in the range, an error card when loading failed.
#[component]
pub fn UserGrowthChart(
    /// The series to draw.
    growth: Resource<Result<UserGrowth, AppError>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    draw::on_data(growth, use_lang());

    view! {
        <div class="chart-box">
            <WidgetStatus
                resource=growth
                is_empty=|g: &UserGrowth| g.points.iter().all(|p| p.total_users == 0)
                ready=|g: &UserGrowth| {
                    let text = summary(g, use_lang());
                    view! { <p id=SUMMARY_ID class="sr-only">{text}</p> }.into_any()
                }
            />
            <div id=CHART_ID class="chart" role="img" aria-labelledby=SUMMARY_ID></div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod draw {
    //! Browser-only drawing: build the ECharts option with charming and hand it
    //! to the chart instance, creating the instance on first use.

    use charming::component::{Axis, Grid, Legend};
    use charming::element::{AxisType, Tooltip, Trigger};
    use charming::series::{Bar, Line};
    use charming::{Chart, Echarts, WasmRenderer};
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    use super::CHART_ID;
    use crate::browser::{load_font_for, UI_FONT};
    use crate::error::AppError;
    use crate::i18n::{t, Lang, Msg};
    use crate::model::UserGrowth;

    #[wasm_bindgen]
    extern "C" {
        /// An ECharts instance, for the method charming does not bind.
        type Instance;

        /// `echartsInstance.dispose()`: frees the canvas and listeners.
        #[wasm_bindgen(method)]
        fn dispose(this: &Instance);

        /// `echartsInstance.setOption(option)`: merges into the current option.
        #[wasm_bindgen(method, js_name = setOption)]
        fn merge_option(this: &Instance, option: &JsValue);
    }

    /// Draws (or redraws) the chart whenever `growth` has data and the font
    /// its labels need has loaded, keeps it sized to its box, and disposes it
    /// with the component.
    pub fn on_data(growth: Resource<Result<UserGrowth, AppError>>, lang: Lang) {
        let instance = StoredValue::new_local(None::<Echarts>);
        // Every label the canvas will draw, so their glyphs are there first.
        let font_ready = RwSignal::new(false);
        leptos::task::spawn_local(async move {
            let labels = format!("{}{}0123456789-,", t(lang, Msg::NewUsers), t(lang, Msg::CumulativeUsers));
            load_font_for(&labels).await;
            font_ready.set(true);
        });
        // Synchronous once both are ready: one draw per data change, no race.
        Effect::new(move |_| {
            let Some(Ok(data)) = growth.get() else { return };
            if !font_ready.get() {
                return;
            }
            let chart = build(&data, lang);
            instance.update_value(|slot| match slot {
                Some(echarts) => WasmRenderer::update(echarts, &chart),
                None => match WasmRenderer::new_opt(None, None).render(CHART_ID, &chart) {
                    Ok(echarts) => {
                        // charming has no global text style: set ECharts' own.
                        let font = serde_json::json!({ "textStyle": { "fontFamily": UI_FONT } });
                        if let Ok(font) = js_sys::JSON::parse(&font.to_string()) {
                            echarts.unchecked_ref::<Instance>().merge_option(&font);
                        }
                        *slot = Some(echarts);
                    }
                    Err(err) => leptos::logging::error!("user growth chart: {err:?}"),
                },
            });
        });
        let resize = window_event_listener(leptos::ev::resize, move |_| {
            instance.with_value(|slot| {
                if let Some(echarts) = slot {
                    echarts.resize(JsValue::UNDEFINED);
                }
            });
        });
        on_cleanup(move || {
            resize.remove();
            instance.update_value(|slot| {
                if let Some(echarts) = slot.take() {
                    echarts.unchecked_ref::<Instance>().dispose();
                }
            });
        });
    }

    fn build(data: &UserGrowth, lang: Lang) -> Chart {
        let dates: Vec<String> = data.points.iter().map(|p| p.date.format("%m-%d").to_string()).collect();
        let new_users: Vec<i64> = data.points.iter().map(|p| p.new_users).collect();
        let totals: Vec<i64> = data.points.iter().map(|p| p.total_users).collect();
        Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .legend(Legend::new().bottom(0))
            .grid(Grid::new().left(56).right(64).top(32).bottom(56))
            .x_axis(Axis::new().type_(AxisType::Category).data(dates))
            .y_axis(Axis::new().type_(AxisType::Value).name(t(lang, Msg::NewUsers)))
            .y_axis(Axis::new().type_(AxisType::Value).name(t(lang, Msg::CumulativeUsers)).scale(true))
            .series(Bar::new().name(t(lang, Msg::NewUsers)).data(new_users))
            .series(
                Line::new()
                    .name(t(lang, Msg::CumulativeUsers))
                    .y_axis_index(1)
                    .show_symbol(false)
                    .smooth(true)
                    .data(totals),
            )
    }
}
