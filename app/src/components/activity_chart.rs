//! Activities per type over the range, stacked.

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, Msg};
use crate::model::{ActivitySeries, Charted};

const CHART_ID: &str = "activity-chart";
const SUMMARY_ID: &str = "activity-summary";

/// The stacked chart for `series`, with the widget states.
#[component]
pub fn ActivityChart(
    /// The series to draw.
    series: Resource<Result<Charted<ActivitySeries>, AppError>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    crate::components::echart::draw(CHART_ID, series, "0123456789-:,_".into());
    view! {
        <div class="chart-box">
            <WidgetStatus
                resource=series
                is_empty={|s: &Charted<ActivitySeries>| s.data.series.iter().all(|t| t.total == 0)}
                empty_message=Msg::NoActivityYet
                ready={|s: &Charted<ActivitySeries>| {
                    let text = s
                        .data
                        .series
                        .iter()
                        .map(|t| format!("{} {}", t.activity_type, format_count(t.total)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    view! { <p id=SUMMARY_ID class="sr-only" data-chart=CHART_ID data-option=s.option.clone() data-testid="activity-summary">{text}</p> }.into_any()
                }}
            />
            <div id=CHART_ID class="chart" role="img" aria-labelledby=SUMMARY_ID data-testid="activity-chart"></div>
        </div>
    }
}
