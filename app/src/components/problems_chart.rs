//! Problems by subject × difficulty, as bars per subject stacked by difficulty.

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, t, Lang, Msg};
use crate::model::ProblemMatrix;
use crate::use_lang;

const CHART_ID: &str = "problems-chart";
const SUMMARY_ID: &str = "problems-summary";

/// A difficulty as the UI names it.
pub fn difficulty_name(lang: Lang, difficulty: &str) -> String {
    match difficulty {
        "easy" => t(lang, Msg::Easy).to_owned(),
        "medium" => t(lang, Msg::Medium).to_owned(),
        "hard" => t(lang, Msg::Hard).to_owned(),
        other => other.to_owned(),
    }
}

/// The chart for `matrix`, with the widget states.
#[component]
pub fn ProblemsChart(
    /// The counts to draw.
    matrix: Resource<Result<ProblemMatrix, AppError>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let lang = use_lang();
        let glyphs = [Msg::Easy, Msg::Medium, Msg::Hard].map(|m| t(lang, m)).concat() + "0123456789";
        crate::components::echart::draw(CHART_ID, matrix, glyphs, move |m| draw::build(m, lang));
    }
    view! {
        <div class="chart-box">
            <WidgetStatus
                resource=matrix
                is_empty=|m: &ProblemMatrix| m.total == 0
                empty_message=Msg::NoProblemsYet
                ready=|m: &ProblemMatrix| {
                    let lang = use_lang();
                    let text = format!("{} {}", t(lang, Msg::Problems), format_count(m.total));
                    view! { <p id=SUMMARY_ID class="sr-only">{text}</p> }.into_any()
                }
            />
            <div id=CHART_ID class="chart" role="img" aria-labelledby=SUMMARY_ID></div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod draw {
    use charming::component::{Axis, Grid, Legend};
    use charming::element::{AxisType, Tooltip, Trigger};
    use charming::series::Bar;
    use charming::Chart;

    use super::difficulty_name;
    use crate::i18n::Lang;
    use crate::model::ProblemMatrix;

    pub fn build(data: &ProblemMatrix, lang: Lang) -> Chart {
        let mut chart = Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .legend(Legend::new().bottom(0))
            .grid(Grid::new().left(56).right(24).top(24).bottom(56))
            .x_axis(Axis::new().type_(AxisType::Category).data(data.subjects.clone()))
            .y_axis(Axis::new().type_(AxisType::Value));
        for (i, difficulty) in data.difficulties.iter().enumerate() {
            let counts: Vec<i64> = data.counts.iter().map(|row| row[i]).collect();
            chart = chart.series(Bar::new().name(difficulty_name(lang, difficulty)).stack("problems").data(counts));
        }
        chart
    }
}
