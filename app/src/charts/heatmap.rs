//! Activities by weekday × hour of day, as a heat-map.

use charming::component::{Axis, Grid, VisualMap};
use charming::element::{AxisType, Orient, Tooltip};
use charming::series::Heatmap;
use charming::{df, Chart};

use crate::i18n::{weekdays, Lang};
use crate::model::ActivityHeatmap;

/// The heat-map of `data`, its weekdays named in `lang`.
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
