//! An alert rule as viewers see it: what it watches and when it fires, in
//! words, its timing, severity, the channels it notifies by name, its
//! message template and status; no controls.

use leptos::prelude::*;

use crate::api::channels::all_channels;
use crate::i18n::{alert_condition_words, alert_metric_words, alert_term, channel_name, t, Lang, Msg};
use crate::model::{AlertRule, Channel};
use crate::use_lang;

/// The channels `ids` by name (by number when not among `channels`), or
/// "No channels yet".
fn channel_names(lang: Lang, ids: &[i64], channels: &[Channel]) -> String {
    if ids.is_empty() {
        return t(lang, Msg::NoChannelsYet).to_owned();
    }
    ids.iter()
        .map(|id| channels.iter().find(|c| c.id == *id).map_or_else(|| channel_name(lang, *id), |c| c.name.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The read-only view of `rule`.
#[component]
pub fn AlertDetails(
    /// The rule.
    rule: AlertRule,
) -> impl IntoView {
    let lang = use_lang();
    let ids = rule.channels.clone();
    let channels = Resource::new(|| (), |_| all_channels());
    let notified = move || {
        let ids = ids.clone();
        Suspend::new(async move { channel_names(lang, &ids, &channels.await.unwrap_or_default()) })
    };
    let fact = |label: Msg, testid: &'static str, value: String| {
        view! {
            <div>
                <dt>{t(lang, label)}</dt>
                <dd data-testid=testid>{value}</dd>
            </div>
        }
    };
    let seconds = |n: i64| format!("{n} s");
    let watched = alert_metric_words(lang, &rule.metric, rule.filter.as_deref(), rule.window_minutes);
    let message = if rule.message.trim().is_empty() { "–".to_owned() } else { rule.message.clone() };
    view! {
        <dl class="facts" data-testid="alert-details">
            {fact(Msg::AlertMetric, "alert-details-metric", watched)}
            {fact(Msg::Condition, "alert-details-condition", alert_condition_words(lang, &rule))}
            {fact(Msg::IntervalSeconds, "alert-details-interval", seconds(rule.interval_seconds))}
            {fact(Msg::PendingSeconds, "alert-details-pending", seconds(rule.pending_seconds))}
            {fact(Msg::RepeatSeconds, "alert-details-repeat", seconds(rule.repeat_seconds))}
            {fact(Msg::Severity, "alert-details-severity", alert_term(lang, &rule.severity))}
            <div>
                <dt>{t(lang, Msg::AlertChannels)}</dt>
                <dd data-testid="alert-details-channels">
                    <Transition fallback=|| "…">{notified}</Transition>
                </dd>
            </div>
            {fact(Msg::Status, "alert-details-status", alert_term(lang, &rule.status))}
        </dl>
        <h3 class="section-title">{t(lang, Msg::MessageTemplate)}</h3>
        <p class="text-block" data-testid="alert-details-message">{message}</p>
        {(!rule.description.is_empty())
            .then(|| {
                view! {
                    <h3 class="section-title">{t(lang, Msg::Description)}</h3>
                    <p class="text-block">{rule.description.clone()}</p>
                }
            })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_named_and_unknown_ones_numbered() {
        let list = vec![Channel { id: 2, name: "Ops".into(), ..Channel::default() }];
        assert_eq!(channel_names(Lang::En, &[2, 7], &list), "Ops, Channel #7");
        assert_eq!(channel_names(Lang::En, &[], &list), "No channels yet.");
    }
}
