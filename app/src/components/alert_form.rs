//! The alert rule editor (editors): name and description, the metric (with
//! what it measures), what it is narrowed to and its window, the condition
//! with the numbers it needs, how often it is evaluated, how long it waits
//! and repeats, its severity, channels, message template and status. Fields
//! a metric or condition does not use are hidden and not sent. "Test now"
//! evaluates the form as it stands, nothing stored or sent. The server checks
//! every field; its message is shown beside the field it is about. A new
//! rule continues on its own page; an edit says "Saved".

use leptos::prelude::*;

use crate::api::alerts::{CreateAlertRule, TestAlertRule, UpdateAlertRule};
use crate::components::alert_test_result::AlertTestResult;
use crate::components::destination_picker::DestinationPicker;
use crate::components::field_errors::{message_of, refused};
use crate::components::form_field::FormField;
use crate::components::form_save::FormSave;
use crate::components::password_form::form_alert;
use crate::components::section_options::textarea_text;
use crate::i18n::{alert_term, t, window_hint, Msg};
use crate::model::{
    alert_default_window, AlertRule, AlertRuleInput, ALERT_CONDITIONS, ALERT_METRICS, ALERT_SEVERITIES,
    MAX_ALERT_MESSAGE, MAX_ALERT_NAME, MAX_REPORT_DESCRIPTION,
};
use crate::use_lang;

/// The fields whose messages are shown beside them (the rest go above the buttons).
const INLINE: [&str; 17] = [
    "name",
    "description",
    "metric",
    "filter",
    "window_minutes",
    "condition",
    "threshold",
    "threshold_high",
    "recovery",
    "no_data_minutes",
    "interval_seconds",
    "pending_seconds",
    "repeat_seconds",
    "severity",
    "channels",
    "message",
    "status",
];

/// What a metric can be narrowed to, as the hint under the field says it:
/// an activity type, a route, or nothing.
pub fn filter_hint(metric: &str) -> Option<Msg> {
    match metric {
        "activities" => Some(Msg::FilterActivityHint),
        "error_rate" | "latency_p95" => Some(Msg::FilterRouteHint),
        _ => None,
    }
}

/// What a metric measures, under its select.
pub fn metric_hint(metric: &str) -> Option<Msg> {
    Some(match metric {
        "users_online" => Msg::MetricHintUsersOnline,
        "active_today" => Msg::MetricHintActiveToday,
        "new_signups" => Msg::MetricHintNewSignups,
        "activities" => Msg::MetricHintActivities,
        "solve_rate" => Msg::MetricHintSolveRate,
        "error_rate" => Msg::MetricHintErrorRate,
        "latency_p95" => Msg::MetricHintLatencyP95,
        "report_failures" => Msg::MetricHintReportFailures,
        "report_duration_p95" => Msg::MetricHintReportDurationP95,
        "ingestion_lag" => Msg::MetricHintIngestionLag,
        "db_pool_waiting" => Msg::MetricHintDbPoolWaiting,
        _ => return None,
    })
}

/// Whether the window applies: a metric with one, and not `no_data` (whose
/// value is the minutes since the last datum).
pub fn takes_window(metric: &str, condition: &str) -> bool {
    alert_default_window(metric).is_some() && condition != "no_data"
}

/// The threshold field's label for `condition`; none when it takes none.
pub fn threshold_label(condition: &str) -> Option<Msg> {
    match condition {
        "no_data" => None,
        "outside" => Some(Msg::ThresholdLow),
        "change_up" | "change_down" => Some(Msg::ChangePercent),
        _ => Some(Msg::Threshold),
    }
}

/// Whether `condition` takes a recovery level.
pub fn takes_recovery(condition: &str) -> bool {
    matches!(condition, "above" | "below" | "change_up" | "change_down")
}

/// A number as the form shows it: as short as it stays exact (`5`, `0.125`).
fn shown(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// A rule as the form holds it: every field as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertDraft {
    /// The name.
    pub name: String,
    /// The description.
    pub description: String,
    /// One of `ALERT_METRICS`.
    pub metric: String,
    /// The activity type or route.
    pub filter: String,
    /// Minutes, as typed (empty: the metric's default).
    pub window_minutes: String,
    /// One of `ALERT_CONDITIONS`.
    pub condition: String,
    /// The threshold (a band's low end, a change's percent), as typed.
    pub threshold: String,
    /// A band's high end, as typed.
    pub threshold_high: String,
    /// The recovery level, as typed.
    pub recovery: String,
    /// `no_data`: minutes, as typed.
    pub no_data_minutes: String,
    /// Seconds, as typed.
    pub interval_seconds: String,
    /// Seconds, as typed.
    pub pending_seconds: String,
    /// Seconds, as typed.
    pub repeat_seconds: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// The channels ticked.
    pub channels: Vec<i64>,
    /// The message template.
    pub message: String,
    /// `active` or `paused`.
    pub status: String,
}

impl AlertDraft {
    /// The form's starting values: the rule's, or a new one's (activities
    /// above a threshold, evaluated every minute, a warning, active).
    pub fn of(rule: Option<&AlertRule>) -> Self {
        match rule {
            Some(r) => Self {
                name: r.name.clone(),
                description: r.description.clone(),
                metric: r.metric.clone(),
                filter: r.filter.clone().unwrap_or_default(),
                window_minutes: r.window_minutes.map(|w| w.to_string()).unwrap_or_default(),
                condition: r.condition.clone(),
                threshold: shown(r.threshold),
                threshold_high: shown(r.threshold_high),
                recovery: shown(r.recovery),
                no_data_minutes: r.no_data_minutes.map(|m| m.to_string()).unwrap_or_default(),
                interval_seconds: r.interval_seconds.to_string(),
                pending_seconds: r.pending_seconds.to_string(),
                repeat_seconds: r.repeat_seconds.to_string(),
                severity: r.severity.clone(),
                channels: r.channels.clone(),
                message: r.message.clone(),
                status: r.status.clone(),
            },
            None => Self {
                name: String::new(),
                description: String::new(),
                metric: "activities".into(),
                filter: String::new(),
                window_minutes: String::new(),
                condition: "above".into(),
                threshold: String::new(),
                threshold_high: String::new(),
                recovery: String::new(),
                no_data_minutes: String::new(),
                interval_seconds: "60".into(),
                pending_seconds: "0".into(),
                repeat_seconds: "3600".into(),
                severity: "warning".into(),
                channels: Vec::new(),
                message: String::new(),
                status: "active".into(),
            },
        }
    }

    /// What is sent: the fields the metric and condition use (the others as
    /// absent, so a hidden field never refuses the save), numbers parsed
    /// (what is no number is left for the server to name), empty text absent.
    pub fn to_input(&self) -> AlertRuleInput {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let real = |v: &str| v.trim().parse::<f64>().ok();
        let whole = |v: &str| v.trim().parse::<i64>().ok();
        let metric = self.metric.trim();
        let condition = self.condition.trim();
        AlertRuleInput {
            name: self.name.trim().to_owned(),
            description: text(&self.description),
            metric: metric.to_owned(),
            filter: text(&self.filter).filter(|_| filter_hint(metric).is_some()),
            window_minutes: whole(&self.window_minutes).filter(|_| takes_window(metric, condition)),
            condition: condition.to_owned(),
            threshold: real(&self.threshold).filter(|_| threshold_label(condition).is_some()),
            threshold_high: real(&self.threshold_high).filter(|_| condition == "outside"),
            recovery: real(&self.recovery).filter(|_| takes_recovery(condition)),
            no_data_minutes: whole(&self.no_data_minutes).filter(|_| condition == "no_data"),
            interval_seconds: whole(&self.interval_seconds),
            pending_seconds: whole(&self.pending_seconds),
            repeat_seconds: whole(&self.repeat_seconds),
            severity: text(&self.severity),
            channels: self.channels.clone(),
            // Sent as typed: the server trims it, and an empty one means the default.
            message: Some(self.message.clone()).filter(|m| !m.trim().is_empty()),
            status: text(&self.status),
        }
    }
}

/// The form for `rule`, or for a new one.
#[component]
pub fn AlertForm(
    /// The rule to edit; none for a new one.
    rule: Option<AlertRule>,
    /// Runs with the server's copy after an edit is saved.
    #[prop(optional, into)]
    on_saved: Option<Callback<AlertRule>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = rule.as_ref().map(|r| r.id);
    let start = AlertDraft::of(rule.as_ref());
    let name = RwSignal::new(start.name.clone());
    let description = RwSignal::new(start.description.clone());
    let metric = RwSignal::new(start.metric.clone());
    let filter = RwSignal::new(start.filter.clone());
    let window_minutes = RwSignal::new(start.window_minutes.clone());
    let condition = RwSignal::new(start.condition.clone());
    let threshold = RwSignal::new(start.threshold.clone());
    let threshold_high = RwSignal::new(start.threshold_high.clone());
    let recovery = RwSignal::new(start.recovery.clone());
    let no_data_minutes = RwSignal::new(start.no_data_minutes.clone());
    let interval_seconds = RwSignal::new(start.interval_seconds.clone());
    let pending_seconds = RwSignal::new(start.pending_seconds.clone());
    let repeat_seconds = RwSignal::new(start.repeat_seconds.clone());
    let severity = RwSignal::new(start.severity.clone());
    let channels = RwSignal::new(start.channels.clone());
    let message = RwSignal::new(start.message.clone());
    let status = RwSignal::new(start.status.clone());
    let draft = move || AlertDraft {
        name: name.get_untracked(),
        description: description.get_untracked(),
        metric: metric.get_untracked(),
        filter: filter.get_untracked(),
        window_minutes: window_minutes.get_untracked(),
        condition: condition.get_untracked(),
        threshold: threshold.get_untracked(),
        threshold_high: threshold_high.get_untracked(),
        recovery: recovery.get_untracked(),
        no_data_minutes: no_data_minutes.get_untracked(),
        interval_seconds: interval_seconds.get_untracked(),
        pending_seconds: pending_seconds.get_untracked(),
        repeat_seconds: repeat_seconds.get_untracked(),
        severity: severity.get_untracked(),
        channels: channels.get_untracked(),
        message: message.get_untracked(),
        status: status.get_untracked(),
    };

    let create = ServerAction::<CreateAlertRule>::new();
    let update = ServerAction::<UpdateAlertRule>::new();
    let test = ServerAction::<TestAlertRule>::new();
    let hydrated = crate::session::use_hydrated();
    let save = FormSave::new(id.is_some(), create, update);
    let FormSave { result, pending, error: save_error } = save;
    save.follow(id.is_some(), |saved| format!("/alerts/{}", saved.id), on_saved);
    // What the saved rule is: a test of an unchanged form tests the rule
    // itself, from the state it is in.
    let saved_input = StoredValue::new(start.to_input());
    Effect::new(move |_| {
        if let Some(Ok(saved)) = result.get() {
            saved_input.set_value(AlertDraft::of(Some(&saved)).to_input());
        }
    });
    // The fields show the refusal of whichever ran last: a save or a test.
    let test_error = Signal::derive(move || test.value().with(|v| refused(v.as_ref())));
    let error = Signal::derive(move || test_error.get().or_else(|| save_error.get()));
    let tested = RwSignal::new((String::new(), String::new()));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        test.value().set(None);
        let input = draft().to_input();
        match id {
            Some(id) => {
                update.dispatch(UpdateAlertRule { id, input });
            }
            None => {
                create.dispatch(CreateAlertRule { input });
            }
        }
    };
    let on_test = move |_| {
        create.value().set(None);
        update.value().set(None);
        let input = draft().to_input();
        tested.set((input.metric.clone(), input.condition.clone()));
        let unchanged = id.is_some() && saved_input.with_value(|saved| *saved == input);
        if unchanged {
            test.dispatch(TestAlertRule { id, draft: None });
        } else {
            test.dispatch(TestAlertRule { id: None, draft: Some(input) });
        }
    };

    // Which fields show, recomputed only when the metric or condition changes.
    let filter_shown = Memo::new(move |_| filter_hint(&metric.get()));
    let window_shown = Memo::new(move |_| {
        let (m, c) = (metric.get(), condition.get());
        alert_default_window(&m).filter(|_| takes_window(&m, &c))
    });
    let threshold_shown = Memo::new(move |_| threshold_label(&condition.get()));
    let high_shown = Memo::new(move |_| condition.get() == "outside");
    let recovery_shown = Memo::new(move |_| takes_recovery(&condition.get()));
    let no_data_shown = Memo::new(move |_| condition.get() == "no_data");
    let metric_words =
        Signal::derive(move || metric_hint(&metric.get()).map(|m| t(lang, m).to_owned()).unwrap_or_default());

    let filter_field = move || {
        filter_shown.get().map(|hint| {
            view! {
                <FormField id="alert-filter" label=t(lang, Msg::AlertFilter) field="filter" error=message_of(error, "filter") hint=Signal::stored(t(lang, hint).to_owned())>
                    <input type="text" autocomplete="off" spellcheck="false" maxlength="200" data-testid="alert-filter" value=filter.get_untracked() bind:value=filter />
                </FormField>
            }
        })
    };
    let window_field = move || {
        window_shown.get().map(|default| {
            view! {
                <FormField id="alert-window" label=t(lang, Msg::WindowMinutes) field="window_minutes" error=message_of(error, "window_minutes") hint=Signal::stored(window_hint(lang, default))>
                    <input type="number" min="1" max="1440" step="1" inputmode="numeric" data-testid="alert-window" placeholder=default.to_string() value=window_minutes.get_untracked() bind:value=window_minutes />
                </FormField>
            }
        })
    };
    let threshold_field = move || {
        threshold_shown.get().map(|label| {
            view! {
                <FormField id="alert-threshold" label=t(lang, label) field="threshold" error=message_of(error, "threshold")>
                    <input type="number" step="any" inputmode="decimal" data-testid="alert-threshold" value=threshold.get_untracked() bind:value=threshold />
                </FormField>
            }
        })
    };
    let high_field = move || {
        high_shown.get().then(|| {
            view! {
                <FormField id="alert-threshold-high" label=t(lang, Msg::ThresholdHigh) field="threshold_high" error=message_of(error, "threshold_high")>
                    <input type="number" step="any" inputmode="decimal" data-testid="alert-threshold-high" value=threshold_high.get_untracked() bind:value=threshold_high />
                </FormField>
            }
        })
    };
    let recovery_field = move || {
        recovery_shown.get().then(|| {
            view! {
                <FormField id="alert-recovery" label=t(lang, Msg::Recovery) field="recovery" error=message_of(error, "recovery") hint=Signal::stored(t(lang, Msg::RecoveryHint).to_owned())>
                    <input type="number" step="any" inputmode="decimal" data-testid="alert-recovery" value=recovery.get_untracked() bind:value=recovery />
                </FormField>
            }
        })
    };
    let no_data_field = move || {
        no_data_shown.get().then(|| {
            view! {
                <FormField id="alert-no-data" label=t(lang, Msg::NoDataMinutes) field="no_data_minutes" error=message_of(error, "no_data_minutes")>
                    <input type="number" min="1" max="1440" step="1" inputmode="numeric" data-testid="alert-no-data" value=no_data_minutes.get_untracked() bind:value=no_data_minutes />
                </FormField>
            }
        })
    };

    let alert = move || error.with(|e| e.as_ref().and_then(|e| form_alert(e, &INLINE)));
    let saved = move || {
        (id.is_some() && matches!(result.with(|v| v.as_ref().map(Result::is_ok)), Some(true)))
            .then(|| view! { <p class="form-note" role="status" data-testid="alert-saved">{t(lang, Msg::Saved)}</p> })
    };
    let test_result = move || {
        test.value().get().and_then(Result::ok).map(|result| {
            let (metric, condition) = tested.get_untracked();
            view! { <AlertTestResult result metric condition /> }
        })
    };
    let channels_error = message_of(error, "channels");

    view! {
        // The server's checks are the ones shown (beside each field), so the
        // browser's own bubbles are off.
        <form class="alert-form" method="post" novalidate data-testid="alert-form" on:submit=on_submit>
            <fieldset class="form-grid form-wide" disabled=move || !hydrated.get()>
                <FormField id="alert-name" label=t(lang, Msg::Name) field="name" error=message_of(error, "name")>
                    <input type="text" required maxlength=MAX_ALERT_NAME autocomplete="off" data-testid="alert-name" value=start.name bind:value=name />
                </FormField>
                <FormField id="alert-description" label=t(lang, Msg::Description) field="description" error=message_of(error, "description")>
                    <input type="text" maxlength=MAX_REPORT_DESCRIPTION autocomplete="off" data-testid="alert-description" value=start.description bind:value=description />
                </FormField>
                <div class="form-grid form-row">
                    <FormField id="alert-metric" label=t(lang, Msg::AlertMetric) field="metric" error=message_of(error, "metric") hint=metric_words>
                        <select bind:value=metric data-testid="alert-metric">
                            {ALERT_METRICS
                                .into_iter()
                                .map(|m| view! { <option value=m selected=start.metric == m>{alert_term(lang, m)}</option> })
                                .collect_view()}
                        </select>
                    </FormField>
                    {filter_field}
                    {window_field}
                </div>
                <div class="form-grid form-row">
                    <FormField id="alert-condition" label=t(lang, Msg::Condition) field="condition" error=message_of(error, "condition")>
                        <select bind:value=condition data-testid="alert-condition">
                            {ALERT_CONDITIONS
                                .into_iter()
                                .map(|c| view! { <option value=c selected=start.condition == c>{alert_term(lang, c)}</option> })
                                .collect_view()}
                        </select>
                    </FormField>
                    {threshold_field}
                    {high_field}
                    {recovery_field}
                    {no_data_field}
                </div>
                <div class="form-grid form-row">
                    <FormField id="alert-interval" label=t(lang, Msg::IntervalSeconds) field="interval_seconds" error=message_of(error, "interval_seconds") hint=Signal::stored(t(lang, Msg::IntervalHint).to_owned())>
                        <input type="number" min="10" max="86400" step="1" inputmode="numeric" data-testid="alert-interval" value=start.interval_seconds bind:value=interval_seconds />
                    </FormField>
                    <FormField id="alert-pending" label=t(lang, Msg::PendingSeconds) field="pending_seconds" error=message_of(error, "pending_seconds") hint=Signal::stored(t(lang, Msg::PendingHint).to_owned())>
                        <input type="number" min="0" max="604800" step="1" inputmode="numeric" data-testid="alert-pending" value=start.pending_seconds bind:value=pending_seconds />
                    </FormField>
                    <FormField id="alert-repeat" label=t(lang, Msg::RepeatSeconds) field="repeat_seconds" error=message_of(error, "repeat_seconds") hint=Signal::stored(t(lang, Msg::RepeatHint).to_owned())>
                        <input type="number" min="0" max="604800" step="1" inputmode="numeric" data-testid="alert-repeat" value=start.repeat_seconds bind:value=repeat_seconds />
                    </FormField>
                </div>
                <div class="form-grid form-row">
                    <FormField id="alert-severity" label=t(lang, Msg::Severity) field="severity" error=message_of(error, "severity")>
                        <select bind:value=severity data-testid="alert-severity">
                            {ALERT_SEVERITIES
                                .into_iter()
                                .map(|s| view! { <option value=s selected=start.severity == s>{alert_term(lang, s)}</option> })
                                .collect_view()}
                        </select>
                    </FormField>
                    <FormField id="alert-status" label=t(lang, Msg::Status) field="status" error=message_of(error, "status")>
                        <select bind:value=status data-testid="alert-status">
                            <option value="active" selected=start.status == "active">{t(lang, Msg::StatusActive)}</option>
                            <option value="paused" selected=start.status == "paused">{t(lang, Msg::StatusPaused)}</option>
                        </select>
                    </FormField>
                </div>
                <fieldset class="field choice-group" aria-describedby="alert-channels-hint alert-channels-error">
                    <legend>{t(lang, Msg::AlertChannels)}</legend>
                    <DestinationPicker destinations=channels />
                    <p class="field-hint" id="alert-channels-hint">{t(lang, Msg::AlertChannelsHint)}</p>
                    <p class="field-error" id="alert-channels-error" data-testid="error-channels">
                        {move || channels_error.get()}
                    </p>
                </fieldset>
                <FormField id="alert-message" label=t(lang, Msg::MessageTemplate) field="message" error=message_of(error, "message") hint=Signal::stored(t(lang, Msg::MessageTemplateHint).to_owned())>
                    <textarea rows="3" maxlength=MAX_ALERT_MESSAGE spellcheck="false" data-testid="alert-message" bind:value=message>
                        {textarea_text(start.message)}
                    </textarea>
                </FormField>
                {alert}
                {saved}
                <div class="form-actions">
                    <button type="submit" class="button" data-testid="alert-save" disabled=move || pending.get()>
                        {t(lang, if id.is_some() { Msg::Save } else { Msg::CreateAlertRule })}
                    </button>
                    <button type="button" class="button button-quiet" data-testid="alert-test" disabled=move || test.pending().get() on:click=on_test>
                        {t(lang, Msg::TestRule)}
                    </button>
                </div>
                <p class="field-hint">{t(lang, Msg::TestRuleHint)}</p>
                <div aria-live="polite">{test_result}</div>
            </fieldset>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_rule_starts_active_on_activities_above_a_threshold() {
        let draft = AlertDraft::of(None);
        assert_eq!(
            (draft.metric.as_str(), draft.condition.as_str(), draft.status.as_str()),
            ("activities", "above", "active")
        );
        assert_eq!(draft.interval_seconds, "60");
    }

    #[test]
    fn the_form_sends_only_what_the_metric_and_condition_use() {
        let mut draft = AlertDraft::of(None);
        draft.name = "  Quiet logins ".into();
        draft.filter = " login ".into();
        draft.window_minutes = "5".into();
        draft.threshold = "0".into();
        draft.threshold_high = "9".into();
        draft.no_data_minutes = "30".into();
        draft.interval_seconds = "10".into();
        draft.channels = vec![4];
        let input = draft.to_input();
        assert_eq!(input.name, "Quiet logins");
        assert_eq!(input.filter.as_deref(), Some("login"));
        assert_eq!((input.window_minutes, input.threshold), (Some(5), Some(0.0)));
        assert_eq!(input.threshold_high, None, "only a band has a high end");
        assert_eq!(input.no_data_minutes, None, "only no_data has minutes");
        assert_eq!(input.recovery, None, "an empty recovery is the threshold");
        assert_eq!(
            (input.interval_seconds, input.pending_seconds, input.repeat_seconds),
            (Some(10), Some(0), Some(3600))
        );
        assert_eq!(input.message, None, "an empty template is the default");
        assert_eq!(input.channels, vec![4]);

        draft.metric = "users_online".into();
        draft.condition = "outside".into();
        let input = draft.to_input();
        assert_eq!((input.filter, input.window_minutes), (None, None), "users online has neither");
        assert_eq!((input.threshold, input.threshold_high), (Some(0.0), Some(9.0)));

        draft.metric = "activities".into();
        draft.condition = "no_data".into();
        let input = draft.to_input();
        assert_eq!((input.threshold, input.window_minutes, input.no_data_minutes), (None, None, Some(30)));
    }

    #[test]
    fn numbers_are_shown_as_exactly_as_they_are_stored() {
        let mut draft = AlertDraft::of(None);
        draft.name = "p95".into();
        draft.metric = "latency_p95".into();
        draft.filter = "GET /api/v1/users".into();
        draft.threshold = "0.125".into();
        draft.recovery = "0.1".into();
        let input = draft.to_input();
        assert_eq!(input.threshold, Some(0.125));
        assert_eq!(shown(input.threshold), "0.125", "shown as exactly as it is stored");
        assert_eq!(shown(Some(5.0)), "5");
        assert_eq!(shown(None), "");
    }

    #[test]
    fn metrics_know_their_window_filter_and_words() {
        assert_eq!(alert_default_window("users_online"), None);
        assert_eq!(alert_default_window("activities"), Some(60));
        assert_eq!(alert_default_window("report_failures"), Some(10));
        assert_eq!(alert_default_window("error_rate"), Some(5));
        assert_eq!(filter_hint("latency_p95"), Some(Msg::FilterRouteHint));
        assert_eq!(filter_hint("new_signups"), None);
        assert!(ALERT_METRICS.iter().all(|m| metric_hint(m).is_some()));
        assert!(!takes_window("activities", "no_data"));
        assert_eq!(threshold_label("change_up"), Some(Msg::ChangePercent));
        assert!(takes_recovery("below") && !takes_recovery("outside"));
    }
}
