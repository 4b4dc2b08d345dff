//! How students used a problem: views, tries, solves and the solve rate, all
//! counted from its `problem_*` activities.

use leptos::prelude::*;

use crate::i18n::{format_count, format_percent, t, Msg};
use crate::model::ProblemStats;
use crate::use_lang;

/// The figures of `stats`.
#[component]
pub fn ProblemStatsPanel(
    /// The problem's stats, as last loaded.
    #[prop(into)]
    stats: Signal<ProblemStats>,
) -> impl IntoView {
    let lang = use_lang();
    let fact = move |label: Msg, testid: &'static str, value: fn(&ProblemStats) -> String| {
        view! {
            <div>
                <dt>{t(lang, label)}</dt>
                <dd data-testid=testid>{move || stats.with(value)}</dd>
            </div>
        }
    };
    view! {
        <dl class="facts stats-facts" data-testid="problem-stats">
            {fact(Msg::Views, "stat-views", |s| format_count(s.views))}
            {fact(Msg::Attempts, "stat-attempts", |s| format_count(s.attempts))}
            {fact(Msg::Solves, "stat-solves", |s| format_count(s.solves))}
            {fact(Msg::SolveRate, "stat-solve-rate", |s| s.solve_rate.map(format_percent).unwrap_or_else(|| "–".into()))}
        </dl>
    }
}
