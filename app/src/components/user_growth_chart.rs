//! The user-growth chart: new sign-ups per bucket (bars) and the running total
//! (line).

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, t, Lang, Msg};
use crate::model::UserGrowth;
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
    growth: Resource<Result<UserGrowth, AppError>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let (lang, zone) = (use_lang(), crate::use_prefs().zone);
        let glyphs = format!("{}{}0123456789-:,", t(lang, Msg::NewUsers), t(lang, Msg::CumulativeUsers));
        crate::components::echart::draw(CHART_ID, growth, glyphs, move |g| draw::build(g, lang, zone));
    }
    view! {
        <div class="chart-box">
            <WidgetStatus
                resource=growth
                is_empty=|g: &UserGrowth| g.points.iter().all(|p| p.total_users == 0)
                ready=|g: &UserGrowth| {
                    let text = summary(g, use_lang());
                    view! { <p id=SUMMARY_ID class="sr-only" data-testid="growth-summary">{text}</p> }.into_any()
                }
            />
            <div id=CHART_ID class="chart" role="img" aria-labelledby=SUMMARY_ID data-testid="growth-chart"></div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod draw {
    use charming::component::{Axis, Grid, Legend};
    use charming::element::{AxisType, Tooltip, Trigger};
    use charming::series::{Bar, Line};
    use charming::Chart;

    use crate::components::echart::bucket_label;
    use crate::i18n::{t, Lang, Msg};
    use crate::model::range::Zone;
    use crate::model::UserGrowth;

    pub fn build(data: &UserGrowth, lang: Lang, zone: Zone) -> Chart {
        let labels: Vec<String> = data.points.iter().map(|p| bucket_label(p.start, data.range.bucket, zone)).collect();
        let new_users: Vec<i64> = data.points.iter().map(|p| p.new_users).collect();
        let totals: Vec<i64> = data.points.iter().map(|p| p.total_users).collect();
        Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .legend(Legend::new().bottom(0))
            .grid(Grid::new().left(56).right(64).top(32).bottom(56))
            .x_axis(Axis::new().type_(AxisType::Category).data(labels))
            .y_axis(Axis::new().type_(AxisType::Value).name(t(lang, Msg::NewUsers)))
            .y_axis(Axis::new().type_(AxisType::Value).name(t(lang, Msg::CumulativeUsers)).scale(true))
            .series(Bar::new().name(t(lang, Msg::NewUsers)).data(new_users))
            .series(
                Line::new()
                    .name(t(lang, Msg::CumulativeUsers))
                    .y_axis_index(1)
                    .show_symbol(false)
                    .smooth(true)
                    .data(totals),
            )
    }
}
