//! Activities per type over the range, as stacked bars.

use charming::component::{Axis, Grid, Legend, LegendType};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::Bar;
use charming::Chart;

use super::bucket_label;
use crate::model::ActivitySeries;

/// The chart of `data`, its buckets named in the range's zone.
pub fn build(data: &ActivitySeries) -> Chart {
    let (bucket, zone) = (data.range.bucket, data.range.zone);
    let labels: Vec<String> = data.buckets.iter().map(|b| bucket_label(*b, bucket, zone)).collect();
    let mut chart = Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        // One scrolling line: on a phone, five types would wrap over the axis.
        .legend(Legend::new().type_(LegendType::Scroll).bottom(0))
        .grid(Grid::new().left(56).right(24).top(24).bottom(56))
        .x_axis(Axis::new().type_(AxisType::Category).data(labels))
        .y_axis(Axis::new().type_(AxisType::Value));
    for series in &data.series {
        chart =
            chart.series(Bar::new().name(series.activity_type.as_str()).stack("activity").data(series.counts.clone()));
    }
    chart
}
