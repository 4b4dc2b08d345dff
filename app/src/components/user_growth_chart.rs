//! The user-growth chart: new sign-ups per bucket (bars) and the running total
//! (line).

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, t, Lang, Msg};
use crate::model::{Charted, UserGrowth};
use crate::use_lang;

/// The chart's DOM id (ECharts draws into it by id).
const CHART_ID: &str = "user-growth-chart";
/// The id of the text that names the chart for screen readers.
const SUMMARY_ID: &str = "user-growth-summary";

/// "New users X, total users Y".
fn summary(growth: &UserGrowth, lang: Lang) -> String {
    let new_users: i64 = growth.points.iter().map(|p| p.new_users).sum();
    let total = growth.points.last().map_or(0, |p| p.total_users);
    format!(
        "{} {}, {} {}",
        t(lang, Msg::NewUsers),
        format_count(new_users),
        t(lang, Msg::CumulativeUsers),
        format_count(total)
    )
}

/// The chart for `growth`, with the widget states.
#[component]
pub fn UserGrowthChart(
    /// The series to draw.
    growth: Resource<Result<Charted<UserGrowth>, AppError>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let lang = use_lang();
        let glyphs = format!("{}{}0123456789-:,", t(lang, Msg::NewUsers), t(lang, Msg::CumulativeUsers));
        crate::components::echart::draw(CHART_ID, growth, glyphs);
    }
    view! {
        <div class="chart-box">
            <WidgetStatus
                resource=growth
                is_empty={|g: &Charted<UserGrowth>| g.data.points.iter().all(|p| p.total_users == 0)}
                ready={|g: &Charted<UserGrowth>| {
                    let text = summary(&g.data, use_lang());
                    view! { <p id=SUMMARY_ID class="sr-only" data-chart=CHART_ID data-option=g.option.clone() data-testid="growth-summary">{text}</p> }.into_any()
                }}
            />
            <div id=CHART_ID class="chart" role="img" aria-labelledby=SUMMARY_ID data-testid="growth-chart"></div>
        </div>
    }
}
