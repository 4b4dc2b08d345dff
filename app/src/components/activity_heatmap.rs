//! Activities by weekday × hour of day, as a heat-map.

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, t, weekdays, Msg};
use crate::model::ActivityHeatmap;
use crate::use_lang;

const CHART_ID: &str = "heatmap-chart";
const SUMMARY_ID: &str = "heatmap-summary";

/// The heat-map for `heatmap`, with the widget states.
#[component]
pub fn ActivityHeatmapChart(
    /// The counts to draw.
    heatmap: Resource<Result<ActivityHeatmap, AppError>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let lang = use_lang();
        let glyphs = weekdays(lang).concat() + "0123456789,";
        crate::components::echart::draw(CHART_ID, heatmap, glyphs, move |h| draw::build(h, lang));
    }
    view! {
        <div class="chart-box">
            <WidgetStatus
                resource=heatmap
                is_empty=|h: &ActivityHeatmap| h.max == 0
                empty_message=Msg::NoActivityYet
                ready=|h: &ActivityHeatmap| {
                    let lang = use_lang();
                    // The busiest cell, for a one-line text equivalent.
                    let busiest = h
                        .counts
                        .iter()
                        .enumerate()
                        .flat_map(|(d, row)| row.iter().enumerate().map(move |(hour, n)| (*n, d, hour)))
                        .max();
                    let text = busiest.map_or_else(String::new, |(n, d, hour)| {
                        format!("{}: {} {hour}:00, {}", t(lang, Msg::ActivityHeatmap), weekdays(lang)[d], format_count(n))
                    });
                    view! { <p id=SUMMARY_ID class="sr-only">{text}</p> }.into_any()
                }
            />
            <div id=CHART_ID class="chart" role="img" aria-labelledby=SUMMARY_ID></div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod draw {
    use charming::component::{Axis, Grid, VisualMap};
    use charming::element::{AxisType, Orient, Tooltip};
    use charming::series::Heatmap;
    use charming::{df, Chart};

    use crate::i18n::{weekdays, Lang};
    use crate::model::ActivityHeatmap;

    pub fn build(data: &ActivityHeatmap, lang: Lang) -> Chart {
        let hours: Vec<String> = (0..24).map(|h| format!("{h}")).collect();
        let days: Vec<String> = weekdays(lang).iter().map(|d| (*d).to_owned()).collect();
        let cells = data
            .counts
            .iter()
            .enumerate()
            .flat_map(|(d, row)| row.iter().enumerate().map(move |(h, n)| df![h as i64, d as i64, *n]))
            .collect();
        Chart::new()
            .tooltip(Tooltip::new())
            .grid(Grid::new().left(40).right(16).top(16).bottom(64))
            .x_axis(Axis::new().type_(AxisType::Category).data(hours))
            .y_axis(Axis::new().type_(AxisType::Category).data(days).inverse(true))
            .visual_map(
                VisualMap::new()
                    .min(0)
                    .max(data.max.max(1) as f64)
                    .calculable(true)
                    .orient(Orient::Horizontal)
                    .left("center")
                    .bottom(0),
            )
            .series(Heatmap::new().data(cells))
    }
}
