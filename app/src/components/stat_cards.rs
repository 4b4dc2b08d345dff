//! The row of stat cards at the top of the dashboard.

use leptos::prelude::*;

use crate::components::stat_card::{StatCard, StatCardSkeleton};
use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_change, format_count, t, Msg};
use crate::model::{Charted, DashboardStats};
use crate::use_lang;

/// The cards for `stats`, a skeleton while it loads, or an error card.
#[component]
pub fn StatCards(
    /// The figures.
    stats: Resource<Result<Charted<DashboardStats>, AppError>>,
) -> impl IntoView {
    view! {
        <div class="stat-grid" aria-live="polite">
            <WidgetStatus
                resource=stats
                // Zeros are figures too: the cards are never "empty".
                is_empty={|_: &Charted<DashboardStats>| false}
                fallback=|| (0..7).map(|_| view! { <StatCardSkeleton /> }).collect_view().into_any()
                ready={|s: &Charted<DashboardStats>| cards(&s.data).into_any()}
            />
        </div>
    }
}

fn cards(s: &DashboardStats) -> impl IntoView + use<> {
    let lang = use_lang();
    let by_type = s.users_by_type;
    let y = &s.yesterday;
    let before = y.users_by_type;
    let tiers = [
        (Msg::Free, by_type.free, before.free, "free"),
        (Msg::Paid, by_type.paid, before.paid, "paid"),
        (Msg::Premium, by_type.premium, before.premium, "premium"),
    ];
    view! {
        <StatCard testid="total_users" label=t(lang, Msg::TotalUsers) value=format_count(s.total_users) change=(s.total_users, y.total_users) />
        <StatCard testid="online_users" label=t(lang, Msg::OnlineNow) value=format_count(s.online_users) />
        <StatCard testid="active_today" label=t(lang, Msg::ActiveToday) value=format_count(s.active_today) change=(s.active_today, y.active) />
        <StatCard testid="new_today" label=t(lang, Msg::NewToday) value=format_count(s.new_today) change=(s.new_today, y.new_users) />
        <StatCard testid="users_by_type" label=t(lang, Msg::UsersByType)>
            <dl class="breakdown">
                {tiers
                    .into_iter()
                    .map(|(msg, n, then, tier)| {
                        let change = format_change(n, then).map(|c| view! { <span class="muted small">" "{c}</span> });
                        view! {
                            <div class=format!("breakdown-row tier-{tier}")>
                                <dt>{t(lang, msg)}</dt>
                                <dd>
                                    <span data-testid=format!("users_by_type.{tier}")>{format_count(n)}</span>
                                    {change}
                                </dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        </StatCard>
        <StatCard
            testid="problems"
            label=t(lang, Msg::Problems)
            value=format!("{} / {}", format_count(s.problems_active), format_count(s.problems_total))
            detail=t(lang, Msg::ProblemsActiveOf)
            change=(s.problems_total, y.problems_total)
        />
        <StatCard
            testid="activities_today"
            label=t(lang, Msg::ActivitiesToday)
            value=format_count(s.activities_today)
            change=(s.activities_today, y.activities)
        />
    }
}
