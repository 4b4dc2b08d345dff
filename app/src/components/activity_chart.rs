//! Activities per type over the range, stacked.

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, Msg};
use crate::model::ActivitySeries;

const CHART_ID: &str = "activity-chart";
const SUMMARY_ID: &str = "activity-summary";

/// The stacked chart for `series`, with the widget states.
#[component]
pub fn ActivityChart(
    /// The series to draw.
    series: Resource<Result<ActivitySeries, AppError>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let zone = crate::use_prefs().zone;
        crate::components::echart::draw(CHART_ID, series, "0123456789-:,_".into(), move |s| draw::build(s, zone));
    }
    view! {
        <div class="chart-box">
            <WidgetStatus
                resource=series
                is_empty=|s: &ActivitySeries| s.series.iter().all(|t| t.total == 0)
                empty_message=Msg::NoActivityYet
                ready=|s: &ActivitySeries| {
                    let text = s
                        .series
                        .iter()
                        .map(|t| format!("{} {}", t.activity_type, format_count(t.total)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    view! { <p id=SUMMARY_ID class="sr-only" data-testid="activity-summary">{text}</p> }.into_any()
                }
            />
            <div id=CHART_ID class="chart" role="img" aria-labelledby=SUMMARY_ID data-testid="activity-chart"></div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod draw {
    use charming::component::{Axis, Grid, Legend, LegendType};
    use charming::element::{AxisType, Tooltip, Trigger};
    use charming::series::Bar;
    use charming::Chart;

    use crate::components::echart::bucket_label;
    use crate::model::range::Zone;
    use crate::model::ActivitySeries;

    pub fn build(data: &ActivitySeries, zone: Zone) -> Chart {
        let labels: Vec<String> = data.buckets.iter().map(|b| bucket_label(*b, data.range.bucket, zone)).collect();
        let mut chart = Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            // One scrolling line: on a phone, five types would wrap over the axis.
            .legend(Legend::new().type_(LegendType::Scroll).bottom(0))
            .grid(Grid::new().left(56).right(24).top(24).bottom(56))
            .x_axis(Axis::new().type_(AxisType::Category).data(labels))
            .y_axis(Axis::new().type_(AxisType::Value));
        for series in &data.series {
            chart = chart
                .series(Bar::new().name(series.activity_type.as_str()).stack("activity").data(series.counts.clone()));
        }
        chart
    }
}
