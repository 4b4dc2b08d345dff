//! Problems by subject × difficulty, as bars per subject stacked by difficulty.

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, t, Msg};
use crate::model::{Charted, ProblemMatrix};
use crate::use_lang;

const CHART_ID: &str = "problems-chart";
const SUMMARY_ID: &str = "problems-summary";

/// The chart for `matrix`, with the widget states.
#[component]
pub fn ProblemsChart(
    /// The counts to draw.
    matrix: Resource<Result<Charted<ProblemMatrix>, AppError>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let lang = use_lang();
        let glyphs = [Msg::Easy, Msg::Medium, Msg::Hard].map(|m| t(lang, m)).concat() + "0123456789";
        crate::components::echart::draw(CHART_ID, matrix, glyphs);
    }
    view! {
        <div class="chart-box">
            <WidgetStatus
                resource=matrix
                is_empty={|m: &Charted<ProblemMatrix>| m.data.total == 0}
                empty_message=Msg::NoProblemsYet
                ready={|m: &Charted<ProblemMatrix>| {
                    let lang = use_lang();
                    let text = format!("{} {}", t(lang, Msg::Problems), format_count(m.data.total));
                    view! { <p id=SUMMARY_ID class="sr-only" data-chart=CHART_ID data-option=m.option.clone()>{text}</p> }.into_any()
                }}
            />
            <div id=CHART_ID class="chart" role="img" aria-labelledby=SUMMARY_ID></div>
        </div>
    }
}
