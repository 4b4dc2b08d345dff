//! What "Test now" found: the value now and of the previous period (with
//! the metric's unit), whether the condition holds, the state the rule
//! would take and the message a notification would carry. Nothing was
//! stored or sent.

use leptos::prelude::*;

use crate::components::alert_state_badge::state_class;
use crate::i18n::{alert_term, alert_value_words, t, Msg};
use crate::model::AlertTest;
use crate::use_lang;

/// The test's answer for a rule on `metric` with `condition`.
#[component]
pub fn AlertTestResult(
    /// The server's answer.
    result: AlertTest,
    /// The metric tested (for the unit).
    metric: String,
    /// The condition tested (`no_data` values are minutes).
    condition: String,
) -> impl IntoView {
    let lang = use_lang();
    let value = alert_value_words(lang, &metric, &condition, result.value);
    let previous =
        result.previous.map_or_else(|| "–".to_owned(), |p| alert_value_words(lang, &metric, &condition, Some(p)));
    let breaching = t(lang, if result.breaching { Msg::Yes } else { Msg::No });
    view! {
        <div
            class="alert-test-result"
            role="status"
            data-testid="alert-test-result"
            data-breaching=result.breaching.to_string()
            data-state=result.state.clone()
        >
            <dl class="facts">
                <div>
                    <dt>{t(lang, Msg::CurrentValue)}</dt>
                    <dd data-testid="alert-test-value">{value}</dd>
                </div>
                <div>
                    <dt>{t(lang, Msg::PreviousValue)}</dt>
                    <dd data-testid="alert-test-previous">{previous}</dd>
                </div>
                <div>
                    <dt>{t(lang, Msg::Breaching)}</dt>
                    <dd data-testid="alert-test-breaching">{breaching}</dd>
                </div>
                <div>
                    <dt>{t(lang, Msg::WouldBecome)}</dt>
                    <dd>
                        <span class=state_class(&result.state) data-testid="alert-test-state">
                            {alert_term(lang, &result.state)}
                        </span>
                    </dd>
                </div>
            </dl>
            <p class="text-block" data-testid="alert-test-message">{result.message}</p>
        </div>
    }
}
