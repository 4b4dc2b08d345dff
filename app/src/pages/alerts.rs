//! `/alerts`: every alert rule with its state, value, condition, last
//! evaluation and sparkline (for editors, each row's silence buttons and
//! "New alert rule"), then the history a page at a time, newest first.
//! `?rule=ID` narrows the history to one rule (the notifications link
//! there). The stream's `alerts` events refetch both when a rule starts or
//! stops firing, so the page follows without a reload.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::alerts::{list_alert_events, list_alert_rules, SilenceAlertRule};
use crate::components::alert_history::AlertHistory;
use crate::components::alert_rules_table::{AlertActions, AlertRulesTable};
use crate::components::alert_stream::AlertStream;
use crate::components::error_card::ErrorCard;
use crate::components::field_errors::refused;
use crate::components::list_pager::given;
use crate::components::panel::Panel;
use crate::components::reports_table::refusal;
use crate::components::widget_status::WidgetStatus;
use crate::i18n::{rule_history_of, t, Msg};
use crate::model::{AlertQuery, AlertRuleList, Role};
use crate::session::user_can;
use crate::use_lang;

/// History entries per page (the server's default, said out loud: see
/// [`history_query`]).
const PER_PAGE: i64 = 50;

/// The history's query from the URL's (checked by the server). `per_page`
/// is always given: a query with every field empty is sent as nothing at
/// all, and the server function would then miss its argument.
fn history_query(query: &ParamsMap) -> AlertQuery {
    AlertQuery {
        rule_id: given(query, "rule").and_then(|id| id.parse().ok()),
        cursor: given(query, "cursor"),
        per_page: Some(PER_PAGE),
    }
}

/// The alerts page as a route whose code is a WASM chunk of its own, fetched
/// the first time the page is shown. On the server it renders like any
/// other page.
pub struct AlertsRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for AlertsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <AlertsPage /> }.into_any()
    }
}

/// The alerts page.
#[component]
pub fn AlertsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(history_query));
    let rules = Resource::new(|| (), |_| list_alert_rules());
    let history = Resource::new(move || filters.get(), list_alert_events);
    let hydrated = crate::session::use_hydrated();
    // The rows' buttons share this (through context: the table is rendered
    // again whenever the rules are fetched again).
    let actions = AlertActions { silence: ServerAction::<SilenceAlertRule>::new() };
    provide_context(actions);
    let silenced = actions.silence.version();
    Effect::watch(move || silenced.get(), move |_, _, _| rules.refetch(), false);
    // A rule started or stopped firing (or the stream reconnected): both
    // lists have news.
    let stream = AlertStream::start();
    let firing = stream.firing;
    Effect::watch(
        move || firing.get(),
        move |_, _, _| {
            rules.refetch();
            history.refetch();
        },
        false,
    );
    let new_rule = user_can(Role::Editor).then(|| {
        view! {
            <a class="button" href="/alerts/new" data-testid="new-alert-rule">
                {t(lang, Msg::NewAlertRule)}
            </a>
        }
    });
    let outcome = move || actions.silence.value().with(|v| refused(v.as_ref())).map(refusal);
    let history_view = move || {
        let rule_id = filters.with(|f| f.rule_id);
        Suspend::new(async move {
            let known = rules.await.map(|list| list.rules).unwrap_or_default();
            match history.await {
                Err(error) => {
                    view! { <ErrorCard error on_retry=Callback::new(move |_| history.refetch()) /> }.into_any()
                }
                Ok(page) => {
                    let note = rule_id.map(|id| {
                        let name =
                            known.iter().find(|r| r.id == id).map_or_else(|| format!("#{id}"), |r| r.name.clone());
                        view! {
                            <p class="filter-chip" data-testid="alert-history-filter">
                                {rule_history_of(lang, &name)}
                                " "
                                <a href="/alerts" data-testid="alert-history-clear">{t(lang, Msg::ClearFilter)}</a>
                            </p>
                        }
                    });
                    let body = if page.events.is_empty() {
                        view! { <p class="empty-note" data-testid="alert-history-empty">{t(lang, Msg::NoAlertEventsYet)}</p> }
                            .into_any()
                    } else {
                        view! { <AlertHistory page rules=known /> }.into_any()
                    };
                    view! {
                        {note}
                        {body}
                    }
                    .into_any()
                }
            }
        })
    };
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::AlertsTitle)) />
        <div class="page-head">
            <div>
                <h1 class="page-title">{t(lang, Msg::AlertsTitle)}</h1>
                <p class="muted">{t(lang, Msg::AlertsIntro)}</p>
            </div>
            <div class="head-actions">
                {new_rule}
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid="alerts-refresh"
                    disabled=move || !hydrated.get()
                    on:click=move |_| {
                        rules.refetch();
                        history.refetch();
                    }
                >
                    {t(lang, Msg::Refresh)}
                </button>
            </div>
        </div>
        {outcome}
        <Panel id="alert-rules-title" title=t(lang, Msg::AlertRules) class="table-panel">
            <WidgetStatus
                resource=rules
                is_empty={|list: &AlertRuleList| list.rules.is_empty()}
                empty_message=Msg::NoAlertRulesYet
                fallback={|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }.into_any()}
                ready={|list: &AlertRuleList| view! { <AlertRulesTable rules=list.rules.clone() /> }.into_any()}
            />
        </Panel>
        <Panel id="alert-history-title" title=t(lang, Msg::AlertHistory) class="table-panel alert-history">
            <Transition fallback=|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }>
                {history_view}
            </Transition>
        </Panel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_becomes_the_history_query_which_is_never_empty() {
        let mut q = ParamsMap::new();
        assert_eq!(history_query(&q), AlertQuery { rule_id: None, cursor: None, per_page: Some(PER_PAGE) });
        q.insert("rule", "12".to_owned());
        q.insert("cursor", "abc".to_owned());
        let query = history_query(&q);
        assert_eq!((query.rule_id, query.cursor.as_deref()), (Some(12), Some("abc")));
    }

    #[test]
    fn a_rule_that_is_no_number_shows_every_rule_s_history() {
        let mut q = ParamsMap::new();
        q.insert("rule", "x".to_owned());
        assert_eq!(history_query(&q).rule_id, None);
    }
}
