//! Users by subscription tier, as a donut.

use leptos::prelude::*;

use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_count, t, Msg};
use crate::model::{Charted, DashboardStats};
use crate::use_lang;

const CHART_ID: &str = "users-by-type-chart";
const SUMMARY_ID: &str = "users-by-type-summary";

/// The donut for the stat figures' tiers, with the widget states.
#[component]
pub fn UsersByTypeChart(
    /// The stat figures (the tiers are part of them).
    stats: Resource<Result<Charted<DashboardStats>, AppError>>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let lang = use_lang();
        let glyphs = [Msg::Free, Msg::Paid, Msg::Premium].map(|m| t(lang, m)).concat() + "0123456789,%";
        crate::components::echart::draw(CHART_ID, stats, glyphs);
    }
    view! {
        <div class="chart-box">
            <WidgetStatus
                resource=stats
                is_empty={|s: &Charted<DashboardStats>| s.data.total_users == 0}
                ready={|s: &Charted<DashboardStats>| {
                    let lang = use_lang();
                    let b = s.data.users_by_type;
                    let text = format!(
                        "{} {}, {} {}, {} {}",
                        t(lang, Msg::Free),
                        format_count(b.free),
                        t(lang, Msg::Paid),
                        format_count(b.paid),
                        t(lang, Msg::Premium),
                        format_count(b.premium),
                    );
                    view! { <p id=SUMMARY_ID class="sr-only" data-chart=CHART_ID data-option=s.option.clone()>{text}</p> }.into_any()
                }}
            />
            <div id=CHART_ID class="chart chart-small" role="img" aria-labelledby=SUMMARY_ID></div>
        </div>
    }
}
