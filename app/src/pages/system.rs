//! `/system`: this instance's health, dependencies and per-route statistics.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::system::get_system_status;
use crate::components::health_badge::HealthBadge;
use crate::components::panel::Panel;
use crate::components::route_stats_table::RouteStatsTable;
use crate::components::widget_status::WidgetStatus;
use crate::i18n::{format_uptime, t, Msg};
use crate::model::SystemStatus;
use crate::use_lang;

/// The System page as a route whose code is a WASM chunk of its own, fetched
/// the first time the page is shown: the dashboard loads without it. On the
/// server it renders like any other page.
pub struct SystemRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for SystemRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <SystemPage /> }.into_any()
    }
}

/// The System page.
#[component]
pub fn SystemPage() -> impl IntoView {
    let lang = use_lang();
    let status = Resource::new(|| (), |_| get_system_status());
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::SystemTitle)) />
        <div class="page-heading">
            <h1 class="page-title">{t(lang, Msg::SystemTitle)}</h1>
            <button type="button" class="button button-quiet" on:click=move |_| status.refetch()>
                {t(lang, Msg::Refresh)}
            </button>
        </div>
        <Panel id="deps-title" title=t(lang, Msg::Dependencies)>
            <WidgetStatus
                resource=status
                is_empty=|_: &SystemStatus| false
                fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }.into_any()
                ready=|s: &SystemStatus| dependencies(s).into_any()
            />
        </Panel>
        <Panel id="routes-title" title=t(lang, Msg::RequestsPerRoute) subtitle=t(lang, Msg::SinceStart).to_owned()>
            <WidgetStatus
                resource=status
                is_empty=|_: &SystemStatus| false
                fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }.into_any()
                ready=|s: &SystemStatus| view! { <RouteStatsTable routes=s.routes.clone() /> }.into_any()
            />
        </Panel>
    }
}

fn dependencies(status: &SystemStatus) -> impl IntoView + use<> {
    let lang = use_lang();
    let health = status.health.clone();
    view! {
        <dl class="facts">
            <div>
                <dt>{t(lang, Msg::SystemTitle)}</dt>
                <dd>
                    <HealthBadge status=health.status />
                </dd>
            </div>
            <div>
                <dt>{t(lang, Msg::Uptime)}</dt>
                <dd>{format_uptime(lang, health.uptime)}</dd>
            </div>
            <div>
                <dt>{t(lang, Msg::Version)}</dt>
                <dd>{health.version}</dd>
            </div>
        </dl>
        <ul class="dependency-list">
            {health
                .dependencies
                .into_iter()
                .map(|d| {
                    let name = d.name.clone();
                    view! {
                        <li data-dependency=name>
                            <span class="dependency-name">{d.name}</span>
                            <HealthBadge status=d.status />
                            <span class="muted">{format!("{} {} ms", t(lang, Msg::ResponseTime), d.response_time)}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
