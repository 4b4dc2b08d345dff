//! Problems by subject × difficulty, as bars per subject stacked by difficulty.

use charming::component::{Axis, Grid, Legend};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::Bar;
use charming::Chart;

use crate::i18n::{difficulty_name, Lang};
use crate::model::ProblemMatrix;

/// The chart of `data`, its difficulties named in `lang`.
pub fn build(data: &ProblemMatrix, lang: Lang) -> Chart {
    let mut chart = Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(Legend::new().bottom(0))
        .grid(Grid::new().left(56).right(24).top(24).bottom(56))
        .x_axis(Axis::new().type_(AxisType::Category).data(data.subjects.clone()))
        .y_axis(Axis::new().type_(AxisType::Value));
    for (i, difficulty) in data.difficulties.iter().enumerate() {
        let counts: Vec<i64> = data.counts.iter().map(|row| row.get(i).copied().unwrap_or(0)).collect();
        chart = chart.series(Bar::new().name(difficulty_name(lang, difficulty)).stack("problems").data(counts));
    }
    chart
}
