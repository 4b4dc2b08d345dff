//! An alert rule's state as a badge: normal, pending, firing, silenced until
//! a time (shown over the state while the silence lasts, the state beside
//! it) or paused. `data-state` holds what the badge shows, for tests.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::i18n::{alert_term, format_datetime, silenced_until, t, Msg};
use crate::model::AlertRule;
use crate::{use_lang, use_prefs};

/// What a rule shows at `now`: `paused`, `silenced`, or its state.
pub fn shown_state(rule: &AlertRule, now: DateTime<Utc>) -> &str {
    if rule.status == "paused" {
        "paused"
    } else if rule.silenced_until.is_some_and(|until| until > now) {
        "silenced"
    } else {
        &rule.state
    }
}

/// The badge class of a shown state.
pub fn state_class(shown: &str) -> &'static str {
    match shown {
        "firing" => "badge badge-bad",
        "pending" => "badge badge-warn",
        "normal" => "badge badge-ok",
        _ => "badge badge-neutral",
    }
}

/// The badge of `rule`'s state; while silenced, the state under it.
#[component]
pub fn AlertStateBadge(
    /// The rule.
    rule: AlertRule,
) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let shown = shown_state(&rule, Utc::now()).to_owned();
    let text = match (shown.as_str(), rule.silenced_until) {
        ("silenced", Some(until)) => silenced_until(lang, &format_datetime(lang, until, zone)),
        ("paused", _) => t(lang, Msg::StatusPaused).to_owned(),
        (state, _) => alert_term(lang, state),
    };
    let under = (shown == "silenced").then(|| {
        view! {
            <span class="muted small" data-testid="alert-underlying-state">
                {alert_term(lang, &rule.state)}
            </span>
        }
    });
    view! {
        <span class="alert-state">
            <span class=state_class(&shown) data-testid="alert-state" data-state=shown.clone()>
                {text}
            </span>
            {under}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(state: &str, status: &str, silenced_until: Option<DateTime<Utc>>) -> AlertRule {
        let at = DateTime::parse_from_rfc3339("2026-11-21T00:00:00Z").unwrap().with_timezone(&Utc);
        AlertRule {
            id: 1,
            name: "r".into(),
            description: String::new(),
            metric: "activities".into(),
            filter: None,
            window_minutes: Some(5),
            condition: "above".into(),
            threshold: Some(0.0),
            threshold_high: None,
            recovery: None,
            no_data_minutes: None,
            interval_seconds: 10,
            pending_seconds: 0,
            repeat_seconds: 3600,
            severity: "warning".into(),
            channels: Vec::new(),
            message: String::new(),
            status: status.into(),
            builtin: None,
            state: state.into(),
            state_since: None,
            silenced_until,
            value: None,
            last_evaluated_at: None,
            sparkline: Vec::new(),
            created_by: String::new(),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn paused_wins_then_a_running_silence_then_the_state() {
        let now = DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z").unwrap().with_timezone(&Utc);
        let later = now + chrono::Duration::hours(1);
        let earlier = now - chrono::Duration::hours(1);
        assert_eq!(shown_state(&rule("firing", "paused", Some(later)), now), "paused");
        assert_eq!(shown_state(&rule("firing", "active", Some(later)), now), "silenced");
        assert_eq!(shown_state(&rule("firing", "active", Some(earlier)), now), "firing", "a silence that ended");
        assert_eq!(shown_state(&rule("normal", "active", None), now), "normal");
        assert_eq!(state_class("firing"), "badge badge-bad");
        assert_eq!(state_class("silenced"), "badge badge-neutral");
    }
}
