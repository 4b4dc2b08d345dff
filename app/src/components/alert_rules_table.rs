//! The alert rules' table: each rule's name (a link to its editor), what it
//! watches, its state badge, value now with its unit, condition in words,
//! severity, last evaluation and the sparkline of its latest values; for
//! editors, each row's "silence 1 h", "silence until 09:00 tomorrow" (KST)
//! and, while silenced, "unsilence". Names are shown as text, whatever they
//! contain.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use leptos::prelude::*;

use crate::api::alerts::SilenceAlertRule;
use crate::components::alert_state_badge::{shown_state, AlertStateBadge};
use crate::components::sparkline::{describe, Sparkline};
use crate::i18n::{
    action_on, alert_condition_words, alert_metric_words, alert_term, alert_value_words, format_datetime, state_since,
    t, Msg,
};
use crate::model::range::Zone;
use crate::model::{AlertRule, Role, SilenceInput};
use crate::session::user_can;
use crate::{use_lang, use_prefs};

/// The row actions of the table, shared by every row through context.
#[derive(Clone, Copy)]
pub struct AlertActions {
    /// Silence until a time, or lift the silence.
    pub silence: ServerAction<SilenceAlertRule>,
}

/// 09:00 in Seoul on the day after `now`'s day there: 00:00 UTC of the next
/// KST day (Korea keeps no daylight saving time).
pub fn tomorrow_nine_kst(now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.with_timezone(&Zone::Kst.offset()).date_naive();
    let tomorrow = today.succ_opt().unwrap_or(today);
    tomorrow.and_time(NaiveTime::MIN).and_utc()
}

/// The badge class of a severity.
pub fn severity_class(severity: &str) -> &'static str {
    match severity {
        "critical" => "badge badge-bad",
        "warning" => "badge badge-warn",
        _ => "badge badge-neutral",
    }
}

/// Every rule, in the server's order (firing first); editors get each row's buttons.
#[component]
pub fn AlertRulesTable(
    /// The rules.
    rules: Vec<AlertRule>,
) -> impl IntoView {
    let lang = use_lang();
    let actions = use_context::<AlertActions>().filter(|_| user_can(Role::Editor));
    let hydrated = crate::session::use_hydrated();
    let actions_head = actions.map(|_| view! { <th scope="col">{t(lang, Msg::Actions)}</th> });
    view! {
        <div class="table-scroll">
            <table class="data-table alert-rules-table" data-testid="alert-rules-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::Name)}</th>
                        <th scope="col">{t(lang, Msg::Status)}</th>
                        <th scope="col" class="num">{t(lang, Msg::CurrentValue)}</th>
                        <th scope="col">{t(lang, Msg::Condition)}</th>
                        <th scope="col">{t(lang, Msg::Severity)}</th>
                        <th scope="col">{t(lang, Msg::LastEvaluated)}</th>
                        <th scope="col">{t(lang, Msg::Trend)}</th>
                        {actions_head}
                    </tr>
                </thead>
                <tbody>{rules.into_iter().map(|r| row(r, actions, hydrated)).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn row(rule: AlertRule, actions: Option<AlertActions>, hydrated: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let id = rule.id;
    let shown = shown_state(&rule, Utc::now()).to_owned();
    let builtin = rule.builtin.is_some().then(|| {
        view! { <span class="badge badge-neutral">{t(lang, Msg::BuiltIn)}</span> }
    });
    let watched = alert_metric_words(lang, &rule.metric, rule.filter.as_deref(), rule.window_minutes);
    let value = alert_value_words(lang, &rule.metric, &rule.condition, rule.value);
    let since = rule.state_since.filter(|_| rule.state != "normal").map(|at| {
        view! { <span class="cell-note muted small">{state_since(lang, &format_datetime(lang, at, zone))}</span> }
    });
    let evaluated = rule.last_evaluated_at.map_or_else(|| "–".to_owned(), |at| format_datetime(lang, at, zone));
    let line = {
        let (metric, condition) = (rule.metric.clone(), rule.condition.clone());
        describe(lang, &rule.sparkline, move |v| alert_value_words(lang, &metric, &condition, Some(v)))
    };
    let buttons = actions.map(|actions| row_actions(&rule, actions, hydrated));
    view! {
        <tr data-testid=format!("alert-rule-{id}") data-id=id.to_string() data-state=shown>
            <td class="title-cell">
                <a href=format!("/alerts/{id}") data-testid="alert-rule-link">{rule.name.clone()}</a>
                " "
                {builtin}
                <span class="cell-note muted small">
                    {watched}
                    " · "
                    <a href=format!("/alerts?rule={id}") data-testid="alert-rule-history">{t(lang, Msg::RuleHistory)}</a>
                </span>
            </td>
            <td>
                <AlertStateBadge rule=rule.clone() />
                {since}
            </td>
            <td class="num" data-testid="alert-value">{value}</td>
            <td class="wrap">{alert_condition_words(lang, &rule)}</td>
            <td>
                <span class=severity_class(&rule.severity) data-testid="alert-severity">
                    {alert_term(lang, &rule.severity)}
                </span>
            </td>
            <td>{evaluated}</td>
            <td>
                <Sparkline values=rule.sparkline.clone() label=line />
            </td>
            {buttons}
        </tr>
    }
}

/// Silence for an hour, until 09:00 tomorrow (KST), and lift a running silence.
fn row_actions(rule: &AlertRule, actions: AlertActions, hydrated: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let id = rule.id;
    let name = rule.name.clone();
    let silenced = rule.silenced_until.is_some_and(|until| until > Utc::now());
    let busy = Signal::derive(move || !hydrated.get() || actions.silence.pending().get());
    // The time is taken when the button is pressed, on the viewer's clock.
    let silence = move |until: Option<DateTime<Utc>>| {
        actions.silence.dispatch(SilenceAlertRule { id, input: SilenceInput { until } });
    };
    let unsilence = silenced.then(|| {
        view! {
            <button
                type="button"
                class="button button-quiet button-small"
                data-testid="alert-unsilence"
                aria-label=action_on(lang, Msg::Unsilence, &name)
                disabled=move || busy.get()
                on:click=move |_| silence(None)
            >
                {t(lang, Msg::Unsilence)}
            </button>
        }
    });
    view! {
        <td class="row-actions">
            <button
                type="button"
                class="button button-quiet button-small"
                data-testid="alert-silence-1h"
                aria-label=action_on(lang, Msg::Silence1h, &name)
                disabled=move || busy.get()
                on:click=move |_| silence(Some(Utc::now() + Duration::hours(1)))
            >
                {t(lang, Msg::Silence1h)}
            </button>
            <button
                type="button"
                class="button button-quiet button-small"
                data-testid="alert-silence-tomorrow"
                aria-label=action_on(lang, Msg::SilenceTomorrow, &name)
                disabled=move || busy.get()
                on:click=move |_| silence(Some(tomorrow_nine_kst(Utc::now())))
            >
                {t(lang, Msg::SilenceTomorrow)}
            </button>
            {unsilence}
        </td>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn tomorrow_nine_in_seoul_is_midnight_utc_of_the_next_kst_day() {
        // 23:00 KST on the 1st: 09:00 on the 2nd.
        assert_eq!(tomorrow_nine_kst(at("2026-01-01T14:00:00Z")), at("2026-01-02T00:00:00Z"));
        // 01:00 KST on the 2nd (still the 1st in UTC): 09:00 on the 3rd.
        assert_eq!(tomorrow_nine_kst(at("2026-01-01T16:00:00Z")), at("2026-01-03T00:00:00Z"));
        // Across a month and a year.
        assert_eq!(tomorrow_nine_kst(at("2026-12-31T03:00:00Z")), at("2027-01-01T00:00:00Z"));
    }

    #[test]
    fn louder_severities_get_louder_badges() {
        assert_eq!(severity_class("critical"), "badge badge-bad");
        assert_eq!(severity_class("warning"), "badge badge-warn");
        assert_eq!(severity_class("info"), "badge badge-neutral");
    }
}
