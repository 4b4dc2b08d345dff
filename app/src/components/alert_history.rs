//! The alert history: a page of what the rules did, newest first — when,
//! which rule (a link to its editor), what happened (pending, firing,
//! repeated, resolved, cleared), the value then with its unit, the message
//! sent and whether a silence held it back — and the paging links.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::components::alert_rules_table::severity_class;
use crate::components::list_pager::ListPager;
use crate::i18n::{alert_term, alert_value_words, format_datetime, t, total_of, Counted, Msg};
use crate::model::{AlertEvent, AlertPage, AlertRule};
use crate::{use_lang, use_prefs};

/// The query keys the history reads (and its links keep).
pub const HISTORY_KEYS: &[&str] = &["rule"];

/// The badge class of an event's kind.
pub fn event_class(kind: &str) -> &'static str {
    match kind {
        "firing" | "repeat" => "badge badge-bad",
        "pending" => "badge badge-warn",
        "resolved" => "badge badge-ok",
        _ => "badge badge-neutral",
    }
}

/// A page of the history; `rules` give the values their units.
#[component]
pub fn AlertHistory(
    /// The page.
    page: AlertPage,
    /// Every rule (a deleted rule's events are gone with it).
    rules: Vec<AlertRule>,
) -> impl IntoView {
    let lang = use_lang();
    let measures: HashMap<i64, (String, String)> = rules.into_iter().map(|r| (r.id, (r.metric, r.condition))).collect();
    let rows = page.events.into_iter().map(|event| row(event, &measures)).collect_view();
    view! {
        <p class="list-total" data-testid="alert-events-total">
            {total_of(lang, Counted::AlertEvents, page.meta.total)}
        </p>
        <div class="table-scroll">
            <table class="data-table" data-testid="alert-history-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::Time)}</th>
                        <th scope="col">{t(lang, Msg::RuleColumn)}</th>
                        <th scope="col">{t(lang, Msg::EventColumn)}</th>
                        <th scope="col" class="num">{t(lang, Msg::ValueColumn)}</th>
                        <th scope="col">{t(lang, Msg::MessageColumn)}</th>
                        <th scope="col">{t(lang, Msg::Silenced)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <ListPager path="/alerts" keys=HISTORY_KEYS next_cursor=page.meta.next_cursor testid="alert-events" />
    }
}

fn row(event: AlertEvent, measures: &HashMap<i64, (String, String)>) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let value = match measures.get(&event.rule_id) {
        Some((metric, condition)) => alert_value_words(lang, metric, condition, event.value),
        None => alert_value_words(lang, "", "", event.value),
    };
    let silenced = event.silenced.then(|| {
        view! { <span class="badge badge-neutral" data-testid="alert-event-silenced">{t(lang, Msg::Silenced)}</span> }
    });
    view! {
        <tr
            data-testid="alert-event-row"
            data-id=event.id.to_string()
            data-rule-id=event.rule_id.to_string()
            data-kind=event.kind.clone()
            data-silenced=event.silenced.to_string()
        >
            <td>
                <time datetime=event.at.to_rfc3339()>{format_datetime(lang, event.at, zone)}</time>
            </td>
            <td class="title-cell">
                <a href=format!("/alerts/{}", event.rule_id)>{event.rule_name.clone()}</a>
                " "
                <span class=severity_class(&event.severity)>{alert_term(lang, &event.severity)}</span>
            </td>
            <td>
                <span class=event_class(&event.kind) data-testid="alert-event-kind">{alert_term(lang, &event.kind)}</span>
            </td>
            <td class="num">{value}</td>
            <td class="wrap">{event.message.clone()}</td>
            <td>{silenced}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_get_the_badge_of_what_happened() {
        assert_eq!(event_class("firing"), "badge badge-bad");
        assert_eq!(event_class("repeat"), "badge badge-bad");
        assert_eq!(event_class("pending"), "badge badge-warn");
        assert_eq!(event_class("resolved"), "badge badge-ok");
        assert_eq!(event_class("cleared"), "badge badge-neutral");
    }
}
