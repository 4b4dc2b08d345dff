//! `/`: the live operations dashboard: stat cards with their change since
//! yesterday, the charts over the range in the URL, the map, and the live feed;
//! in its head, the badge of the alerts firing.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::dashboard::{
    get_activity_heatmap, get_activity_series, get_country_stats, get_dashboard_stats, get_problem_matrix,
    get_recent_activity, get_user_growth,
};
use crate::components::activity_chart::ActivityChart;
use crate::components::activity_heatmap::ActivityHeatmapChart;
use crate::components::alert_badge::AlertBadge;
use crate::components::live_feed::{ActivityFeed, Live, LiveControls, FEED_LEN};
use crate::components::panel::Panel;
use crate::components::problems_chart::ProblemsChart;
use crate::components::range_picker::RangePicker;
use crate::components::stat_cards::StatCards;
use crate::components::user_growth_chart::UserGrowthChart;
use crate::components::user_map::UserMap;
use crate::components::users_by_type_chart::UsersByTypeChart;
use crate::i18n::{t, Msg};
use crate::model::range::{RangeQuery, ViewQuery};
use crate::{use_lang, use_prefs};

/// The dashboard. Each widget loads on its own, so a slow or failing one never
/// holds back or blanks the others; a `stats` event or the fallback interval
/// refetches them all.
#[component]
pub fn DashboardPage() -> impl IntoView {
    crate::mark_hydrated();
    let lang = use_lang();
    let zone = use_prefs().zone;
    let live = Live::start();
    let query = use_query_map();
    // What the URL asks for; a malformed value reaches the server, whose 400
    // shows in the widgets' error cards.
    let view_query = Memo::new(move |_| {
        query.with(|q| ViewQuery {
            range: q.get("range"),
            from: q.get("from"),
            to: q.get("to"),
            tz: Some(zone.as_str().into()),
        })
    });
    let range = Signal::derive(move || view_query.with(|v| v.parse().map(|(r, _)| r).unwrap_or_default()));
    let zone_only = ViewQuery { tz: Some(zone.as_str().into()), ..ViewQuery::default() };

    let tick = live.tick;
    let stats = Resource::new(move || tick.get(), {
        let z = zone_only.clone();
        move |_| get_dashboard_stats(z.clone())
    });
    let growth = Resource::new(move || (view_query.get(), tick.get()), |(v, _)| get_user_growth(v));
    let activity = Resource::new(move || (view_query.get(), tick.get()), |(v, _)| get_activity_series(v));
    let heatmap = Resource::new(move || (view_query.get(), tick.get()), |(v, _)| get_activity_heatmap(v));
    let problems = Resource::new(move || tick.get(), |_| get_problem_matrix());
    let countries = Resource::new(move || tick.get(), move |_| get_country_stats(zone_only.clone()));
    let feed = Resource::new(|| (), |_| get_recent_activity(FEED_LEN as i64));
    let range_text = move || range_label(range.get(), lang);

    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::DashboardTitle)) />
        <div class="page-head">
            <h1 class="page-title">{t(lang, Msg::DashboardTitle)}</h1>
            <div class="head-actions">
                <AlertBadge stream=live.alerts />
                <LiveControls live />
            </div>
        </div>
        <StatCards stats />
        <RangePicker path="/" current=range />
        <div class="panel-grid">
            <Panel id="growth-title" title=t(lang, Msg::UserGrowth) subtitle=Signal::derive(range_text)>
                <UserGrowthChart growth />
            </Panel>
            <Panel id="types-title" title=t(lang, Msg::UsersByType)>
                <UsersByTypeChart stats />
            </Panel>
            <Panel id="activity-title" title=t(lang, Msg::ActivityByType) subtitle=Signal::derive(range_text)>
                <ActivityChart series=activity />
            </Panel>
            <Panel id="heatmap-title" title=t(lang, Msg::ActivityHeatmap) subtitle=Signal::derive(range_text)>
                <ActivityHeatmapChart heatmap />
            </Panel>
            <Panel id="map-title" title=t(lang, Msg::UserMap) class="panel-wide">
                <UserMap countries />
            </Panel>
            <Panel id="problems-title" title=t(lang, Msg::ProblemsBySubject)>
                <ProblemsChart matrix=problems />
            </Panel>
            <Panel id="feed-title" title=t(lang, Msg::RecentActivity)>
                <ActivityFeed initial=feed live />
            </Panel>
        </div>
    }
}

/// The range as the panels' subtitle says it.
fn range_label(range: RangeQuery, lang: crate::i18n::Lang) -> String {
    use crate::model::range::Preset;
    let msg = match range.preset {
        Preset::Today => Msg::RangeToday,
        Preset::Days7 => Msg::Range7d,
        Preset::Days30 => Msg::Range30d,
        Preset::Days90 => Msg::Range90d,
        Preset::Months12 => Msg::Range12m,
        Preset::Custom => {
            return match (range.from, range.to) {
                (Some(from), Some(to)) => {
                    format!("{} – {}", crate::i18n::format_date(lang, from), crate::i18n::format_date(lang, to))
                }
                _ => t(lang, Msg::RangeCustom).to_owned(),
            }
        }
    };
    t(lang, msg).to_owned()
}
