//! Slack channels (incoming webhooks): `{"text", "blocks"}` POSTed unsigned
//! (the URL is the secret). The text is what notifications show; the blocks
//! hold the run's facts, links to its files and its trace id.

use serde_json::{json, Value};

use super::http::{self, Policy};
use super::{from_send_error, Channel, ChannelSettings, Outcome, Outgoing};
use crate::db::report_runs::{OutputRow, RunRow};
use crate::reports::data::RunSummary;
use crate::reports::text;
use crate::secrets::Secret;

/// A Slack incoming webhook.
#[derive(Debug)]
pub struct Slack {
    /// Where to POST (`https://hooks.slack.com/services/…`).
    pub url: Secret<String>,
    /// Which targets it may reach.
    pub policy: Policy,
}

impl Channel for Slack {
    async fn send(&self, message: &Outgoing<'_>) -> Outcome {
        let headers = vec![(::http::header::USER_AGENT, super::webhook::user_agent())];
        let body = hyper::body::Bytes::from(message.payload.to_owned());
        match http::post(self.url.expose(), &headers, body, self.policy).await {
            Ok(reply) => super::classify(&reply),
            Err(error) => from_send_error(&error),
        }
    }
}

/// Slack's mrkdwn escapes (`&`, `<`, `>`), so names cannot inject links.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn when(ts: Option<crate::db::Ts>) -> String {
    ts.map_or_else(|| "—".to_owned(), |t| t.0.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// The message for run `run` with its `outputs`.
pub fn report_completed(run: &RunRow, outputs: &[OutputRow], settings: &ChannelSettings) -> Value {
    let name = escape(&run.report_name);
    let slot = when(run.slot_at.or(Some(run.created_at)));
    let text = format!("{name} — {slot}");
    let duration = run.duration_ms.map_or_else(|| "—".to_owned(), |ms| format!("{:.1} s", ms as f64 / 1000.0));
    let fields = vec![
        json!({ "type": "mrkdwn", "text": format!("*Run*\n#{}", run.id) }),
        json!({ "type": "mrkdwn", "text": format!("*Trigger*\n{}", run.trigger) }),
        json!({ "type": "mrkdwn", "text": format!("*Finished*\n{}", when(run.finished_at)) }),
        json!({ "type": "mrkdwn", "text": format!("*Took*\n{duration}") }),
    ];
    let links: Vec<String> = outputs
        .iter()
        .map(|(_, format, ..)| {
            let url = settings.link(&format!("/api/v1/runs/{}/outputs/{format}", run.id));
            format!("<{url}|{}>", format.to_uppercase())
        })
        .collect();
    let mut blocks =
        vec![json!({ "type": "header", "text": { "type": "plain_text", "text": truncate(&run.report_name, 150) } })];
    // The headline figures with their changes (Slack shows at most 10 fields a section).
    let figures: Vec<Value> = RunSummary::parse(run.summary.as_deref())
        .figures
        .iter()
        .map(|f| {
            let line = format!("*{}*\n{} ({})", escape(&f.label), text::count(f.value), f.change);
            json!({ "type": "mrkdwn", "text": line })
        })
        .collect();
    if !figures.is_empty() {
        blocks.push(json!({ "type": "section", "fields": figures }));
    }
    blocks.push(json!({ "type": "section", "fields": fields }));
    if !links.is_empty() {
        blocks.push(json!({ "type": "section", "text": { "type": "mrkdwn", "text": links.join(" · ") } }));
    }
    let mut context = format!("{slot} · trace {}", run.trace_id);
    if let Some(note) = &run.note {
        context.push_str(&format!(" · {}", escape(note)));
    }
    blocks.push(json!({ "type": "context", "elements": [{ "type": "mrkdwn", "text": context }] }));
    json!({ "text": text, "blocks": blocks })
}

/// The message "send a test" posts.
pub fn report_test(channel_name: &str, trace_id: &str) -> Value {
    let text = format!("DreamSeed Admin: a test message for {}", escape(channel_name));
    json!({
        "text": text,
        "blocks": [
            { "type": "header", "text": { "type": "plain_text", "text": "DreamSeed Admin test" } },
            { "type": "section", "text": { "type": "mrkdwn", "text": text } },
            { "type": "context", "elements": [{ "type": "mrkdwn", "text": format!("trace {trace_id}") }] },
        ],
    })
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The message of an alert notice: the headline as text, then the message,
/// the facts and the link.
pub fn alert(notice: &crate::alerts::notice::Notice) -> Value {
    let headline = escape(&notice.headline());
    let since = notice.since.format("%Y-%m-%d %H:%M UTC");
    let fields = vec![
        json!({ "type": "mrkdwn", "text": format!("*Value*\n{}", escape(&notice.value)) }),
        json!({ "type": "mrkdwn", "text": format!("*Condition*\n{}", escape(&notice.condition)) }),
        json!({ "type": "mrkdwn", "text": format!("*Severity*\n{}", notice.severity) }),
        json!({ "type": "mrkdwn", "text": format!("*Since*\n{since}") }),
    ];
    json!({
        "text": format!("{headline}: {}", escape(&notice.message)),
        "blocks": [
            { "type": "header", "text": { "type": "plain_text", "text": truncate(&notice.headline(), 150) } },
            { "type": "section", "text": { "type": "mrkdwn", "text": escape(&notice.message) } },
            { "type": "section", "fields": fields },
            { "type": "section", "text": { "type": "mrkdwn", "text": format!("<{}|Open the rule>", notice.url) } },
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Ts;

    #[test]
    fn a_run_message_has_text_blocks_and_links() {
        let run = RunRow {
            id: 7,
            report_id: 1,
            report_name: "Weekly <summary>".into(),
            slot_at: Some(Ts::from_secs(1_764_720_000)),
            trigger: "schedule".into(),
            requested_by: "scheduler".into(),
            status: "completed".into(),
            progress: 100,
            stage: None,
            attempt: 1,
            trace_id: "t-1".into(),
            note: None,
            error: None,
            created_at: Ts::from_secs(1_764_720_000),
            started_at: Some(Ts::from_secs(1_764_720_001)),
            finished_at: Some(Ts::from_secs(1_764_720_003)),
            duration_ms: Some(2_000),
            lease_owner: None,
            summary: Some(
                r#"{"figures":[{"key":"active_users","label":"Active users","value":1234,"previous":1000,"change":"▲ 23.4 %"}]}"#
                    .into(),
            ),
        };
        let outputs = vec![(7, "html".to_owned(), "text/html".to_owned(), "r.html".to_owned(), 10, "ab".to_owned())];
        let settings = ChannelSettings { public_url: Some("https://admin.example.com".into()), ..Default::default() };
        let message = report_completed(&run, &outputs, &settings);
        assert!(message["text"].as_str().unwrap().starts_with("Weekly &lt;summary&gt; — "));
        let blocks = message["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["type"], "header");
        assert_eq!(blocks[1]["fields"][0]["text"], "*Active users*\n1,234 (▲ 23.4 %)");
        assert_eq!(blocks[3]["text"]["text"], "<https://admin.example.com/api/v1/runs/7/outputs/html|HTML>");
        assert!(blocks[4]["elements"][0]["text"].as_str().unwrap().contains("trace t-1"));
    }
}
