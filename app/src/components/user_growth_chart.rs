//! The user-growth chart: new sign-ups per day (bars) and the running total
//! (line), drawn by ECharts through charming's WASM renderer.

use leptos::prelude::*;

use crate::components::error_card::ErrorCard;
use crate::error::AppError;
use crate::i18n::{format_count, t, Msg};
use crate::model::UserGrowth;
use crate::use_lang;

/// The chart's DOM id (ECharts draws into it by id).
const CHART_ID: &str = "user-growth-chart";

/// The chart for `growth`; a skeleton while it loads, an empty state when no one
/// signed up in the range, an error card when loading failed.
#[component]
pub fn UserGrowthChart(growth: Resource<Result<UserGrowth, AppError>>) -> impl IntoView {
    let lang = use_lang();

    #[cfg(feature = "hydrate")]
    draw::on_data(growth, lang);

    // A text equivalent of the picture for screen readers.
    let summary = move || match growth.get() {
        Some(Ok(g)) => {
            let new_users: i64 = g.points.iter().map(|p| p.new_users).sum();
            let total = g.points.last().map_or(0, |p| p.total_users);
            format!(
                "{}: {} {}, {} {}",
                t(lang, Msg::Last30Days),
                t(lang, Msg::NewUsers),
                format_count(new_users),
                t(lang, Msg::CumulativeUsers),
                format_count(total)
            )
        }
        _ => t(lang, Msg::Loading).to_owned(),
    };

    view! {
        <div class="chart-box">
            <Transition fallback=|| view! { <div class="chart-overlay skeleton" aria-hidden="true"></div> }>
                {move || Suspend::new(async move {
                    match growth.await {
                        Err(error) => {
                            view! {
                                <div class="chart-overlay">
                                    <ErrorCard error on_retry=Callback::new(move |_| growth.refetch()) />
                                </div>
                            }
                                .into_any()
                        }
                        Ok(g) if g.points.iter().all(|p| p.total_users == 0) => {
                            view! { <p class="chart-overlay empty-state">{t(lang, Msg::NoUsersYet)}</p> }
                                .into_any()
                        }
                        Ok(_) => ().into_any(),
                    }
                })}
            </Transition>
            <div id=CHART_ID class="chart" role="img" aria-label=summary></div>
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
    }

    /// Draws (or redraws) the chart whenever `growth` has data, keeps it sized to
    /// its box, and disposes it with the component.
    pub fn on_data(growth: Resource<Result<UserGrowth, AppError>>, lang: Lang) {
        let instance = StoredValue::new_local(None::<Echarts>);
        Effect::new(move |_| {
            let Some(Ok(data)) = growth.get() else { return };
            let chart = build(&data, lang);
            instance.update_value(|slot| match slot {
                Some(echarts) => WasmRenderer::update(echarts, &chart),
                None => match WasmRenderer::new_opt(None, None).render(CHART_ID, &chart) {
                    Ok(echarts) => *slot = Some(echarts),
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
