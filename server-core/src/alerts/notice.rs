//! What an alert notification says: the rule's message template filled in,
//! and the facts every channel shows (what, how much, since when, a link back
//! to the rule). The channel modules lay it out (`webhook::alert`,
//! `slack::alert`, `email::alert`); the dispatcher makes it from the stored
//! event when a delivery's first attempt is made.

use chrono::{DateTime, Utc};

use crate::db::alert_events::AlertEventRow;
use crate::db::alert_rules::AlertRuleRow;

/// The message a rule sends when it has none of its own.
pub const DEFAULT_MESSAGE: &str = "{name}: {metric} is {value} ({condition} {threshold})";

/// One notification's facts.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// The rule's id.
    pub rule_id: i64,
    /// The rule's name.
    pub rule_name: String,
    /// `firing`, `repeat` or `resolved`.
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// The figure's name in words ("5xx rate").
    pub metric: String,
    /// The value with its unit ("7.5 %"), or "no data".
    pub value: String,
    /// The condition in words ("above 5 %").
    pub condition: String,
    /// The filled-in message.
    pub message: String,
    /// When the incident began.
    pub since: DateTime<Utc>,
    /// When this happened.
    pub at: DateTime<Utc>,
    /// The rule on the Alerts page.
    pub url: String,
}

impl Notice {
    /// The notice of `event` of `rule`, linking to `url`.
    pub fn new(rule: &AlertRuleRow, event: &AlertEventRow, url: String) -> Self {
        Self {
            rule_id: rule.id,
            rule_name: rule.fields.name.clone(),
            kind: event.kind.clone(),
            severity: event.severity.clone(),
            metric: metric_words(&rule.fields.metric, rule.fields.filter.as_deref()),
            value: value_words(&rule.fields.metric, &rule.fields.condition, event.value),
            condition: condition_words(rule),
            message: event.message.clone(),
            since: event.since.0,
            at: event.at.0,
            url,
        }
    }

    /// `FIRING`, `FIRING (still)` or `RESOLVED`, for subjects and headlines.
    pub fn headline(&self) -> String {
        let state = match self.kind.as_str() {
            "resolved" => "RESOLVED",
            "repeat" => "FIRING (still)",
            _ => "FIRING",
        };
        format!("[{state}] {}", self.rule_name)
    }
}

/// The unit a metric's values are in.
pub fn unit(metric: &str) -> &'static str {
    match metric {
        "solve_rate" | "error_rate" => " %",
        "latency_p95" => " ms",
        "report_duration_p95" | "ingestion_lag" => " s",
        _ => "",
    }
}

/// A metric in words, with its narrowing.
pub fn metric_words(metric: &str, filter: Option<&str>) -> String {
    let name = match metric {
        "users_online" => "users online",
        "active_today" => "users active today",
        "new_signups" => "new sign-ups",
        "activities" => "activities",
        "solve_rate" => "problem solve rate",
        "error_rate" => "5xx rate",
        "latency_p95" => "p95 latency",
        "report_failures" => "failed report runs",
        "report_duration_p95" => "p95 report generation time",
        "ingestion_lag" => "ingestion lag",
        "db_pool_waiting" => "database pool waiting",
        other => other,
    };
    match filter {
        Some(filter) => format!("{name} ({filter})"),
        None => name.to_owned(),
    }
}

/// A value with its unit, to two decimals at most; `no_data` values are minutes.
pub fn value_words(metric: &str, condition: &str, value: Option<f64>) -> String {
    match value {
        None => "no data".to_owned(),
        Some(v) if condition == "no_data" && v >= 1e9 => "no data ever".to_owned(),
        Some(v) if condition == "no_data" => format!("{} min without data", number(v)),
        Some(v) => format!("{}{}", number(v), unit(metric)),
    }
}

/// The rule's condition in words ("above 5 %", "outside 10–20", "down 50 % or more").
pub fn condition_words(rule: &AlertRuleRow) -> String {
    let unit = unit(&rule.fields.metric);
    let n = |v: Option<f64>| v.map_or_else(|| "?".to_owned(), number);
    match rule.fields.condition.as_str() {
        "above" => format!("above {}{unit}", n(rule.fields.threshold)),
        "below" => format!("below {}{unit}", n(rule.fields.threshold)),
        "outside" => format!("outside {}–{}{unit}", n(rule.fields.threshold), n(rule.fields.threshold_high)),
        "change_up" => format!("up {} % or more vs the previous period", n(rule.fields.threshold)),
        "change_down" => format!("down {} % or more vs the previous period", n(rule.fields.threshold)),
        "no_data" => format!("no data for {} min", rule.fields.no_data_minutes.unwrap_or(0)),
        other => other.to_owned(),
    }
}

/// A number without trailing zeros: 7, 7.5, 7.25.
pub fn number(v: f64) -> String {
    let text = format!("{v:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// `template` with `{name}`, `{metric}`, `{value}`, `{condition}`,
/// `{threshold}`, `{state}`, `{severity}` and `{since}` filled in; anything
/// else in braces stays as written.
pub fn fill(template: &str, rule: &AlertRuleRow, state: &str, value: Option<f64>, since: DateTime<Utc>) -> String {
    let template = if template.trim().is_empty() { DEFAULT_MESSAGE } else { template };
    let threshold = match rule.fields.condition.as_str() {
        "outside" => format!(
            "{}–{}",
            rule.fields.threshold.map_or_else(|| "?".to_owned(), number),
            rule.fields.threshold_high.map_or_else(|| "?".to_owned(), number)
        ),
        "no_data" => format!("{} min", rule.fields.no_data_minutes.unwrap_or(0)),
        _ => rule.fields.threshold.map_or_else(|| "?".to_owned(), number),
    };
    let condition = condition_words(rule);
    let condition = condition.split(' ').next().unwrap_or_default();
    let pairs = [
        ("{name}", rule.fields.name.clone()),
        ("{metric}", metric_words(&rule.fields.metric, rule.fields.filter.as_deref())),
        ("{value}", value_words(&rule.fields.metric, &rule.fields.condition, value)),
        ("{condition}", condition.to_owned()),
        ("{threshold}", threshold),
        ("{state}", state.to_owned()),
        ("{severity}", rule.fields.severity.clone()),
        ("{since}", since.format("%Y-%m-%d %H:%M UTC").to_string()),
    ];
    // One pass, so a value that itself contains `{name}` is not filled again.
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    'outer: while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        for (key, value) in &pairs {
            if rest[open..].starts_with(key) {
                out.push_str(value);
                rest = &rest[open + key.len()..];
                continue 'outer;
            }
        }
        out.push('{');
        rest = &rest[open + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::alert_rules::Fields;
    use crate::db::Ts;

    fn rule() -> AlertRuleRow {
        let fields = Fields {
            name: "HighErrorRate".into(),
            metric: "error_rate".into(),
            window_minutes: Some(5),
            condition: "above".into(),
            threshold: Some(5.0),
            interval_seconds: 60,
            severity: "critical".into(),
            status: "active".into(),
            ..Fields::default()
        };
        AlertRuleRow::draft(fields, Ts::from_secs(0))
    }

    #[test]
    fn the_default_message_names_rule_figure_and_threshold() {
        let since = Ts::from_secs(1_764_720_000).0;
        let text = fill("", &rule(), "firing", Some(7.5), since);
        assert_eq!(text, "HighErrorRate: 5xx rate is 7.5 % (above 5)");
    }

    #[test]
    fn placeholders_fill_once_and_unknown_ones_stay() {
        let mut r = rule();
        r.fields.name = "{value} {name}".into();
        let since = Ts::from_secs(1_764_720_000).0;
        let text = fill("{name} / {state} since {since} {other} {", &r, "firing", None, since);
        assert_eq!(text, "{value} {name} / firing since 2025-12-03 00:00 UTC {other} {");
    }

    #[test]
    fn numbers_and_units() {
        assert_eq!(number(7.0), "7");
        assert_eq!(number(7.25), "7.25");
        assert_eq!(number(-0.001), "0");
        assert_eq!(value_words("latency_p95", "above", Some(250.0)), "250 ms");
        assert_eq!(value_words("activities", "no_data", Some(12.0)), "12 min without data");
        assert_eq!(value_words("activities", "above", None), "no data");
    }
}
