//! Activities by weekday × hour of day, as a heat-map.

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, t, weekdays, Msg};
use crate::model::{ActivityHeatmap, Charted};
use crate::use_lang;

const CHART_ID: &str = "heatmap-chart";
const SUMMARY_ID: &str = "heatmap-summary";

/// The heat-map for `heatmap`, with the widget states.
#[component]
pub fn ActivityHeatmapChart(
    /// The counts to draw.
    heatmap: Resource<Result<Charted<ActivityHeatmap>, AppError>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let lang = use_lang();
        let glyphs = weekdays(lang).concat() + "0123456789,";
        crate::components::echart::draw(CHART_ID, heatmap, glyphs);
    }
    view! {
        <div class="chart-box">
            <WidgetStatus
                resource=heatmap
                is_empty={|h: &Charted<ActivityHeatmap>| h.data.max == 0}
                empty_message=Msg::NoActivityYet
                ready={|h: &Charted<ActivityHeatmap>| {
                    let lang = use_lang();
                    // The busiest cell, for a one-line text equivalent.
                    let busiest = h
                        .data
                        .counts
                        .iter()
                        .enumerate()
                        .flat_map(|(d, row)| row.iter().enumerate().map(move |(hour, n)| (*n, d, hour)))
                        .max();
                    let text = busiest.map_or_else(String::new, |(n, d, hour)| {
                        format!("{}: {} {hour}:00, {}", t(lang, Msg::ActivityHeatmap), weekdays(lang)[d], format_count(n))
                    });
                    view! { <p id=SUMMARY_ID class="sr-only" data-chart=CHART_ID data-option=h.option.clone()>{text}</p> }.into_any()
                }}
            />
            <div id=CHART_ID class="chart" role="img" aria-labelledby=SUMMARY_ID></div>
        </div>
    }
}
