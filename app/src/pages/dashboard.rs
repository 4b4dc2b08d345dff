//! `/`: the live operations dashboard: stat cards, user growth, users per country.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::dashboard::{get_country_stats, get_dashboard_stats, get_user_growth};
use crate::components::panel::Panel;
use crate::components::stat_cards::StatCards;
use crate::components::user_growth_chart::UserGrowthChart;
use crate::components::user_map::UserMap;
use crate::i18n::{last_days, t, Msg};
use crate::use_lang;

/// How many days the growth chart shows.
const GROWTH_DAYS: u32 = 30;

/// The dashboard. Each widget loads on its own, so a slow or failing one never
/// holds back or blanks the others.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    let stats = Resource::new(|| (), |_| get_dashboard_stats());
    let growth = Resource::new(|| (), |_| get_user_growth(GROWTH_DAYS));
    let countries = Resource::new(|| (), |_| get_country_stats());

    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::DashboardTitle)) />
        <h1 class="page-title">{t(lang, Msg::DashboardTitle)}</h1>
        <StatCards stats />
        <div class="panel-grid">
            <Panel id="growth-title" title=t(lang, Msg::UserGrowth) subtitle=last_days(lang, GROWTH_DAYS)>
                <UserGrowthChart growth />
            </Panel>
            <Panel id="map-title" title=t(lang, Msg::UserMap) class="panel-wide">
                <UserMap countries />
            </Panel>
        </div>
    }
}
