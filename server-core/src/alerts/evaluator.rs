//! The evaluators' tick: every replica runs it; each due rule's current slot
//! (its interval's multiple of the epoch) is claimed by inserting its
//! `(rule_id, slot_at)` row, which only one replica can do, so a rule is
//! evaluated once per interval however many replicas tick. The claimer reads
//! the figure, steps the state machine and applies the result in one
//! transaction with its history event and deliveries: a crash before the
//! commit loses that one evaluation (the next slot makes it up), never half of
//! one. Every function takes `now`, so tests move time by hand.

use chrono::{DateTime, Duration, Utc};

use super::figures::{self, Figure, Reading};
use super::machine::{self, Condition, State, Step, Timing};
use super::notice;
use crate::db::alert_rules::{self, AlertRuleRow, Applied, NewEvent, NewState};
use crate::db::Ts;
use crate::error::Result;
use crate::state::AppState;

/// The most due rules one tick handles; the rest wait for the next.
const DUE_PER_TICK: i64 = 500;

/// What happened to one rule in a tick.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    /// The rule.
    pub rule_id: i64,
    /// The value read.
    pub value: Option<f64>,
    /// Its state after.
    pub state: String,
    /// The event recorded, if any.
    pub event: Option<&'static str>,
    /// Whether it was sent to the rule's channels.
    pub sent: bool,
}

/// The slot of `now` for a rule evaluated every `interval_seconds`.
pub fn slot_of(now: DateTime<Utc>, interval_seconds: i64) -> i64 {
    let interval = interval_seconds.max(1);
    now.timestamp().div_euclid(interval) * interval
}

/// The figure a rule reads.
pub fn figure_of(rule: &AlertRuleRow) -> Figure<'_> {
    Figure {
        metric: &rule.fields.metric,
        filter: rule.fields.filter.as_deref(),
        window_minutes: rule.fields.window_minutes,
        previous: rule.fields.condition.starts_with("change_"),
        no_data: rule.fields.condition == "no_data",
    }
}

/// The condition of a stored rule (validated when it was saved).
pub fn condition_of(rule: &AlertRuleRow) -> std::result::Result<Condition, String> {
    Condition::from_parts(
        &rule.fields.condition,
        rule.fields.threshold,
        rule.fields.threshold_high,
        rule.fields.recovery,
        rule.fields.no_data_minutes,
    )
}

/// The timing of a stored rule.
pub fn timing_of(rule: &AlertRuleRow) -> Timing {
    Timing {
        pending: Duration::seconds(rule.fields.pending_seconds),
        repeat: Duration::seconds(rule.fields.repeat_seconds),
    }
}

/// The stored state of a rule.
pub fn state_of(rule: &AlertRuleRow) -> State {
    State {
        state: rule.state.clone(),
        since: rule.state_since.map(|t| t.0),
        incident_since: rule.incident_since.map(|t| t.0),
        notified_at: rule.notified_at.map(|t| t.0),
    }
}

/// What evaluating `rule` on `reading` at `now` would do, without storing it.
pub fn judge(rule: &AlertRuleRow, reading: Reading, now: DateTime<Utc>) -> std::result::Result<Step, String> {
    let condition = condition_of(rule)?;
    let compared = condition.compared(reading.value, reading.previous);
    let silenced = rule.silenced_until.is_some_and(|until| until.0 > now);
    Ok(machine::step(&condition, timing_of(rule), &state_of(rule), compared, silenced, now))
}

/// The message an event of `rule` carries.
pub fn message_of(rule: &AlertRuleRow, step: &Step, value: Option<f64>, now: DateTime<Utc>) -> String {
    let since = step.next.incident_since.or(step.next.since).unwrap_or(now);
    let state = match step.event {
        Some(event) => event.name(),
        None => step.next.state.as_str(),
    };
    notice::fill(&rule.fields.message, rule, state, value, since)
}

/// Evaluates every due rule whose slot this replica claims; returns what
/// happened to each it evaluated.
pub async fn tick(state: &AppState, now: DateTime<Utc>) -> Result<Vec<Evaluated>> {
    let due = alert_rules::due(&state.db, Ts::from(now), DUE_PER_TICK).await?;
    let mut done = Vec::new();
    for rule in due {
        match evaluate(state, &rule, now).await {
            Ok(Some(evaluated)) => done.push(evaluated),
            Ok(None) => {}
            // One rule's trouble (a figure's query failing) must not stop the others.
            Err(error) => tracing::warn!(rule.id = rule.id, %error, "alert rule evaluation failed"),
        }
    }
    Ok(done)
}

/// Claims `rule`'s slot at `now` and, if this replica got it, evaluates it.
pub async fn evaluate(state: &AppState, rule: &AlertRuleRow, now: DateTime<Utc>) -> Result<Option<Evaluated>> {
    let slot = slot_of(now, rule.fields.interval_seconds);
    let next_eval_at = Ts::from_secs(slot + rule.fields.interval_seconds);
    let instance = &state.reports.instance;
    if !alert_rules::claim(&state.db, rule.id, Ts::from_secs(slot), instance, Ts::from(now)).await? {
        alert_rules::set_next_eval(&state.db, rule.id, next_eval_at).await?;
        return Ok(None);
    }
    let reading = figures::read(&state.db, &figure_of(rule), now).await?;
    let step = match judge(rule, reading, now) {
        Ok(step) => step,
        Err(error) => {
            tracing::warn!(rule.id = rule.id, %error, "alert rule has a condition that cannot be evaluated");
            alert_rules::set_next_eval(&state.db, rule.id, next_eval_at).await?;
            return Ok(None);
        }
    };
    let trace_id = crate::trace::generate();
    let event = step.event.map(|event| NewEvent {
        kind: event.name(),
        severity: rule.fields.severity.clone(),
        message: message_of(rule, &step, reading.value, now),
        silenced: event.notifies() && !step.send,
        since: Ts::from(step.next.incident_since.or(step.next.since).unwrap_or(now)),
        trace_id: trace_id.clone(),
    });
    let next = NewState {
        state: step.next.state.clone(),
        state_since: step.next.since.map(Ts::from),
        incident_since: step.next.incident_since.map(Ts::from),
        notified_at: step.next.notified_at.map(Ts::from),
        value: reading.value,
    };
    let applied = alert_rules::apply(
        &state.db,
        rule.id,
        Ts::from_secs(slot),
        &next,
        event.as_ref(),
        step.send,
        next_eval_at,
        Ts::from(now),
    )
    .await?;
    if applied == Applied::Stale {
        return Ok(None);
    }
    if let Some(event) = step.event {
        tracing::info!(event = "alert_state", rule.id = rule.id, rule.name = %rule.fields.name, kind = event.name(),
            value = ?reading.value, sent = step.send, trace_id = %trace_id, "alert {}", event.name());
        if step.send {
            state.reports.kick.notify_one();
        }
    }
    metrics::gauge!("alerts_firing", "rule" => rule.fields.name.clone()).set(if step.next.state == "firing" {
        1.0
    } else {
        0.0
    });
    Ok(Some(Evaluated {
        rule_id: rule.id,
        value: reading.value,
        state: step.next.state,
        event: step.event.map(machine::Event::name),
        sent: step.send,
    }))
}
