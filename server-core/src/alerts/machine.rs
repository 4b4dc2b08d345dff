//! The rule state machine: normal → pending → firing → (resolved) normal, as a
//! pure function of the rule's condition, its stored state, the figure read
//! now and the time. The evaluator stores what it returns; tests drive it on
//! a clock of their own.
//!
//! The condition decides two things: whether a value *breaches* (enter
//! pending, then firing) and whether it has *recovered* (leave firing). For
//! `above`/`below`/`change_*` the recovery threshold sits on the safe side of
//! the threshold, so a value hovering between the two neither fires again
//! nor resolves: no flapping. A missing value (no data) neither breaches nor
//! recovers, except for `no_data`, whose value is the minutes since the last
//! datum.

use chrono::{DateTime, Duration, Utc};

/// What a rule tests, with its numbers (validated by the service).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Condition {
    /// Breaches above `threshold`; recovers at or below `recovery`.
    Above {
        /// Breaches above this.
        threshold: f64,
        /// Recovers at or below this.
        recovery: f64,
    },
    /// Breaches below `threshold`; recovers at or above `recovery`.
    Below {
        /// Breaches below this.
        threshold: f64,
        /// Recovers at or above this.
        recovery: f64,
    },
    /// Breaches outside `[low, high]`; recovers inside it.
    Outside {
        /// The band's low end.
        low: f64,
        /// The band's high end.
        high: f64,
    },
    /// Breaches when the value rose by `percent` or more vs the previous
    /// period; recovers when the rise is below `recovery` percent.
    ChangeUp {
        /// The rise that breaches, in percent.
        percent: f64,
        /// The rise below which it recovers, in percent.
        recovery: f64,
    },
    /// Breaches when the value fell by `percent` or more; recovers when the
    /// fall is less than `recovery` percent.
    ChangeDown {
        /// The fall that breaches, in percent.
        percent: f64,
        /// The fall under which it recovers, in percent.
        recovery: f64,
    },
    /// Breaches when nothing was recorded for `minutes`.
    NoData {
        /// Minutes without data.
        minutes: f64,
    },
}

impl Condition {
    /// The condition of a stored rule, or why it cannot be one.
    pub fn from_parts(
        condition: &str,
        threshold: Option<f64>,
        threshold_high: Option<f64>,
        recovery: Option<f64>,
        no_data_minutes: Option<i64>,
    ) -> Result<Self, String> {
        let need = |v: Option<f64>, what: &str| v.filter(|v| v.is_finite()).ok_or(format!("{condition} needs {what}"));
        Ok(match condition {
            "above" => {
                let threshold = need(threshold, "a threshold")?;
                Condition::Above { threshold, recovery: recovery.unwrap_or(threshold) }
            }
            "below" => {
                let threshold = need(threshold, "a threshold")?;
                Condition::Below { threshold, recovery: recovery.unwrap_or(threshold) }
            }
            "outside" => {
                Condition::Outside { low: need(threshold, "a low end")?, high: need(threshold_high, "a high end")? }
            }
            "change_up" => {
                let percent = need(threshold, "a percent")?;
                Condition::ChangeUp { percent, recovery: recovery.unwrap_or(percent) }
            }
            "change_down" => {
                let percent = need(threshold, "a percent")?;
                Condition::ChangeDown { percent, recovery: recovery.unwrap_or(percent) }
            }
            "no_data" => {
                Condition::NoData { minutes: no_data_minutes.map(|m| m as f64).ok_or("no_data needs no_data_minutes")? }
            }
            other => return Err(format!("unknown condition {other}")),
        })
    }

    /// The value the condition compares: the figure itself, or for
    /// `change_*` its percent change from `previous` (none when there is no
    /// previous figure or it was zero: a change from nothing has no percent).
    pub fn compared(&self, value: Option<f64>, previous: Option<f64>) -> Option<f64> {
        match self {
            Condition::ChangeUp { .. } | Condition::ChangeDown { .. } => match (value, previous) {
                (Some(v), Some(p)) if p != 0.0 => Some((v - p) / p.abs() * 100.0),
                _ => None,
            },
            _ => value,
        }
    }

    /// Whether `compared` (see [`Condition::compared`]) breaches.
    pub fn breaches(&self, compared: Option<f64>) -> bool {
        let Some(v) = compared else { return false };
        match *self {
            Condition::Above { threshold, .. } => v > threshold,
            Condition::Below { threshold, .. } => v < threshold,
            Condition::Outside { low, high } => v < low || v > high,
            Condition::ChangeUp { percent, .. } => v >= percent,
            Condition::ChangeDown { percent, .. } => v <= -percent,
            Condition::NoData { minutes } => v >= minutes,
        }
    }

    /// Whether `compared` is back on the safe side of the recovery threshold.
    pub fn recovers(&self, compared: Option<f64>) -> bool {
        let Some(v) = compared else { return false };
        match *self {
            Condition::Above { recovery, .. } => v <= recovery,
            Condition::Below { recovery, .. } => v >= recovery,
            Condition::Outside { low, high } => (low..=high).contains(&v),
            Condition::ChangeUp { recovery, .. } => v < recovery,
            Condition::ChangeDown { recovery, .. } => v > -recovery,
            Condition::NoData { minutes } => v < minutes,
        }
    }
}

/// A rule's stored state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// `normal`, `pending` or `firing`.
    pub state: String,
    /// When it entered that state.
    pub since: Option<DateTime<Utc>>,
    /// When the current incident began (first pending or firing).
    pub incident_since: Option<DateTime<Utc>>,
    /// When this incident was last notified (none: not yet).
    pub notified_at: Option<DateTime<Utc>>,
}

/// The timing options of a rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// How long a breach must last before firing.
    pub pending: Duration,
    /// How often a firing rule notifies again (zero: never).
    pub repeat: Duration,
}

/// Something to record in the rule's history, and to send unless silenced
/// (`pending` and `cleared` are only recorded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A breach began; it fires if it lasts the pending period.
    Pending,
    /// The rule fires.
    Firing,
    /// Still firing: the repeat interval has passed (or a silence ended
    /// before the incident was ever sent).
    Repeat,
    /// It recovered after firing.
    Resolved,
    /// A pending breach ended before it fired.
    Cleared,
}

impl Event {
    /// The name stored in `alert_events.kind`.
    pub fn name(self) -> &'static str {
        match self {
            Event::Pending => "pending",
            Event::Firing => "firing",
            Event::Repeat => "repeat",
            Event::Resolved => "resolved",
            Event::Cleared => "cleared",
        }
    }

    /// Whether it is sent to the rule's channels.
    pub fn notifies(self) -> bool {
        matches!(self, Event::Firing | Event::Repeat | Event::Resolved)
    }
}

/// What one evaluation does to a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The state to store.
    pub next: State,
    /// What to record in the history, if anything happened.
    pub event: Option<Event>,
    /// Whether to send the event to the rule's channels.
    pub send: bool,
}

/// The rule's next state and what happened, given the value compared now.
/// `silenced` holds notifications back: the state moves as usual, but
/// `notified_at` does not, so the first evaluation after a silence sends
/// what the silence held back (a firing incident; never a resolve of one
/// nobody was told about).
pub fn step(
    condition: &Condition,
    timing: Timing,
    current: &State,
    compared: Option<f64>,
    silenced: bool,
    now: DateTime<Utc>,
) -> Step {
    let normal = || State { state: "normal".into(), since: Some(now), incident_since: None, notified_at: None };
    let quiet = |next: State, event: Option<Event>| Step { next, event, send: false };
    let sent = |mut next: State, event: Event| {
        if silenced {
            return Step { next, event: Some(event), send: false };
        }
        next.notified_at = Some(now);
        Step { next, event: Some(event), send: true }
    };
    match current.state.as_str() {
        "firing" if condition.recovers(compared) => {
            if current.notified_at.is_none() {
                return quiet(normal(), Some(Event::Resolved));
            }
            let mut step = sent(normal(), Event::Resolved);
            step.next.notified_at = None;
            step
        }
        "firing" => {
            let due = match current.notified_at {
                None => true,
                Some(at) => timing.repeat > Duration::zero() && now - at >= timing.repeat,
            };
            if due && !silenced {
                return sent(current.clone(), Event::Repeat);
            }
            quiet(current.clone(), None)
        }
        "pending" if condition.breaches(compared) => {
            let since = current.since.unwrap_or(now);
            if now - since < timing.pending {
                return quiet(current.clone(), None);
            }
            let next = State {
                state: "firing".into(),
                since: Some(now),
                incident_since: current.incident_since.or(Some(since)),
                notified_at: None,
            };
            sent(next, Event::Firing)
        }
        "pending" => quiet(normal(), Some(Event::Cleared)),
        _ if condition.breaches(compared) => {
            let mut next =
                State { state: "pending".into(), since: Some(now), incident_since: Some(now), notified_at: None };
            if timing.pending > Duration::zero() {
                return quiet(next, Some(Event::Pending));
            }
            next.state = "firing".into();
            sent(next, Event::Firing)
        }
        _ => {
            let mut next = current.clone();
            if next.state != "normal" {
                next = normal();
            }
            quiet(next, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap() + Duration::minutes(minute)
    }

    fn timing(pending: i64, repeat: i64) -> Timing {
        Timing { pending: Duration::minutes(pending), repeat: Duration::minutes(repeat) }
    }

    /// Runs values through the machine, a minute apart; returns each minute's
    /// (state, event, sent).
    fn run(condition: Condition, timing: Timing, values: &[Option<f64>]) -> Vec<(String, Option<&'static str>, bool)> {
        let mut state = State { state: "normal".into(), ..State::default() };
        let mut out = Vec::new();
        for (minute, value) in values.iter().enumerate() {
            let step = step(&condition, timing, &state, *value, false, at(minute as i64));
            out.push((step.next.state.clone(), step.event.map(Event::name), step.send));
            state = step.next;
        }
        out
    }

    fn states<'a>(trace: &'a [(String, Option<&'static str>, bool)]) -> Vec<&'a str> {
        trace.iter().map(|(s, ..)| s.as_str()).collect()
    }

    #[test]
    fn pending_then_firing_after_the_pending_period() {
        let above = Condition::Above { threshold: 5.0, recovery: 5.0 };
        let trace = run(above, timing(3, 60), &[Some(6.0), Some(7.0), Some(7.0), Some(8.0), Some(9.0)]);
        assert_eq!(states(&trace), ["pending", "pending", "pending", "firing", "firing"]);
        assert_eq!(trace[0].1, Some("pending"));
        assert!(!trace[0].2, "pending is recorded, not sent");
        assert_eq!(trace[3].1, Some("firing"));
        assert!(trace[3].2);
        assert_eq!(trace[4].1, None, "one message per incident until the repeat interval");
    }

    #[test]
    fn a_breach_shorter_than_the_pending_period_clears_without_a_message() {
        let above = Condition::Above { threshold: 5.0, recovery: 5.0 };
        let trace = run(above, timing(5, 60), &[Some(6.0), Some(6.0), Some(4.0)]);
        assert_eq!(states(&trace), ["pending", "pending", "normal"]);
        assert_eq!(trace[2].1, Some("cleared"));
        assert!(trace.iter().all(|(_, _, sent)| !sent));
    }

    #[test]
    fn no_flapping_between_threshold_and_recovery() {
        let above = Condition::Above { threshold: 5.0, recovery: 3.0 };
        let values = [6.0, 4.9, 5.1, 4.0, 5.2, 3.0, 4.0].map(Some);
        let trace = run(above, timing(0, 0), &values);
        assert_eq!(states(&trace), ["firing", "firing", "firing", "firing", "firing", "normal", "normal"]);
        let sent: Vec<_> = trace.iter().filter(|t| t.2).map(|t| t.1.unwrap()).collect();
        assert_eq!(sent, ["firing", "resolved"]);
    }

    #[test]
    fn below_recovers_at_its_recovery_threshold() {
        let below = Condition::Below { threshold: 10.0, recovery: 20.0 };
        let trace = run(below, timing(0, 0), &[9.0, 15.0, 19.9, 20.0].map(Some));
        assert_eq!(states(&trace), ["firing", "firing", "firing", "normal"]);
    }

    #[test]
    fn repeat_interval_sends_again_while_firing() {
        let above = Condition::Above { threshold: 1.0, recovery: 1.0 };
        let trace = run(above, timing(0, 2), &[Some(2.0); 6]);
        let events: Vec<_> = trace.iter().map(|t| t.1).collect();
        assert_eq!(events, [Some("firing"), None, Some("repeat"), None, Some("repeat"), None]);
    }

    #[test]
    fn a_silence_holds_messages_back_and_sends_the_incident_when_it_ends() {
        let above = Condition::Above { threshold: 1.0, recovery: 1.0 };
        let t = timing(0, 0);
        let normal = State { state: "normal".into(), ..State::default() };
        let fired = step(&above, t, &normal, Some(2.0), true, at(0));
        assert_eq!((fired.next.state.as_str(), fired.event, fired.send), ("firing", Some(Event::Firing), false));
        let still = step(&above, t, &fired.next, Some(2.0), true, at(1));
        assert_eq!((still.event, still.send), (None, false));
        let after = step(&above, t, &still.next, Some(2.0), false, at(2));
        assert_eq!((after.event, after.send), (Some(Event::Repeat), true), "the held-back incident is sent once");
        let again = step(&above, t, &after.next, Some(2.0), false, at(3));
        assert_eq!(again.event, None, "repeat 0: not again");
    }

    #[test]
    fn resolving_an_incident_nobody_was_told_of_sends_nothing() {
        let above = Condition::Above { threshold: 1.0, recovery: 1.0 };
        let t = timing(0, 0);
        let normal = State { state: "normal".into(), ..State::default() };
        let fired = step(&above, t, &normal, Some(2.0), true, at(0));
        let resolved = step(&above, t, &fired.next, Some(0.0), false, at(1));
        assert_eq!(
            (resolved.next.state.as_str(), resolved.event, resolved.send),
            ("normal", Some(Event::Resolved), false)
        );
    }

    #[test]
    fn no_data_fires_after_its_minutes_and_missing_values_hold_the_state() {
        let no_data = Condition::NoData { minutes: 10.0 };
        let trace = run(no_data, timing(0, 0), &[Some(3.0), Some(10.0), Some(11.0), Some(0.5)]);
        assert_eq!(states(&trace), ["normal", "firing", "firing", "normal"]);
        let above = Condition::Above { threshold: 1.0, recovery: 1.0 };
        let trace = run(above, timing(0, 0), &[Some(2.0), None, None, Some(0.0)]);
        assert_eq!(states(&trace), ["firing", "firing", "firing", "normal"], "no data neither fires nor resolves");
    }

    #[test]
    fn percent_change_against_the_previous_period() {
        let down = Condition::ChangeDown { percent: 50.0, recovery: 20.0 };
        assert_eq!(down.compared(Some(40.0), Some(100.0)), Some(-60.0));
        assert!(down.breaches(down.compared(Some(40.0), Some(100.0))));
        assert!(!down.breaches(down.compared(Some(60.0), Some(100.0))));
        assert!(!down.recovers(down.compared(Some(75.0), Some(100.0))), "-25 % is not yet within 20 %");
        assert!(down.recovers(down.compared(Some(85.0), Some(100.0))));
        assert_eq!(down.compared(Some(5.0), Some(0.0)), None, "no percent from zero");
        let up = Condition::ChangeUp { percent: 100.0, recovery: 100.0 };
        assert!(up.breaches(up.compared(Some(200.0), Some(100.0))));
        assert!(!up.breaches(up.compared(Some(199.0), Some(100.0))));
    }

    #[test]
    fn outside_a_band() {
        let band = Condition::Outside { low: 10.0, high: 20.0 };
        let trace = run(band, timing(0, 0), &[15.0, 21.0, 20.0, 9.0, 10.0].map(Some));
        assert_eq!(states(&trace), ["normal", "firing", "normal", "firing", "normal"]);
    }

    #[test]
    fn conditions_from_stored_parts() {
        assert_eq!(
            Condition::from_parts("above", Some(5.0), None, None, None),
            Ok(Condition::Above { threshold: 5.0, recovery: 5.0 })
        );
        assert!(Condition::from_parts("outside", Some(1.0), None, None, None).is_err());
        assert!(Condition::from_parts("above", Some(f64::NAN), None, None, None).is_err());
        assert!(Condition::from_parts("sideways", Some(1.0), None, None, None).is_err());
    }
}
