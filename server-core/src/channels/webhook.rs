//! Webhook channels: the JSON body POSTed with Standard Webhooks headers
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`), the run's
//! `X-Trace-Id` and our `User-Agent`; and the `report.completed` body.

use ::http::HeaderName;
use serde_json::{json, Value};

use super::http::{self, Policy};
use super::{from_send_error, Channel, ChannelSettings, Outcome, Outgoing};
use crate::db::report_runs::{OutputRow, RunRow};
use crate::secrets::Secret;

/// `User-Agent` of every delivery.
pub fn user_agent() -> String {
    format!("DreamSeed-Admin/{}", env!("CARGO_PKG_VERSION"))
}

/// A signed webhook.
#[derive(Debug)]
pub struct Webhook {
    /// Where to POST.
    pub url: Secret<String>,
    /// The signing key (decoded from `whsec_…`).
    pub key: Secret<Vec<u8>>,
    /// Which targets it may reach.
    pub policy: Policy,
}

impl Webhook {
    /// The headers of one attempt at `message`, signed at `timestamp`
    /// (Unix seconds: the attempt's own time, which receivers check).
    pub fn headers(&self, message: &Outgoing<'_>, timestamp: i64) -> Vec<(HeaderName, String)> {
        let mut headers = vec![
            (HeaderName::from_static("webhook-id"), message.message_id.to_owned()),
            (HeaderName::from_static("webhook-timestamp"), timestamp.to_string()),
            (
                HeaderName::from_static("webhook-signature"),
                super::signing::sign(self.key.expose(), message.message_id, timestamp, message.payload),
            ),
            (::http::header::USER_AGENT, user_agent()),
        ];
        if let Some(trace_id) = message.trace_id {
            headers.push((HeaderName::from_static("x-trace-id"), trace_id.to_owned()));
        }
        headers
    }
}

impl Channel for Webhook {
    async fn send(&self, message: &Outgoing<'_>) -> Outcome {
        // The wall clock, not the scheduler's `now`: receivers compare it with theirs.
        let headers = self.headers(message, chrono::Utc::now().timestamp());
        let body = hyper::body::Bytes::from(message.payload.to_owned());
        match http::post(self.url.expose(), &headers, body, self.policy).await {
            Ok(reply) => super::classify(&reply),
            Err(error) => from_send_error(&error),
        }
    }
}

/// The outputs of a run as payloads list them, links absolute with `PUBLIC_URL`.
pub fn outputs(run_id: i64, outputs: &[OutputRow], settings: &ChannelSettings) -> Vec<Value> {
    outputs
        .iter()
        .map(|(_, format, content_type, _, size_bytes, sha256)| {
            json!({
                "format": format,
                "url": settings.link(&format!("/api/v1/runs/{run_id}/outputs/{format}")),
                "content_type": content_type,
                "size_bytes": size_bytes,
                "sha256": sha256,
            })
        })
        .collect()
}

fn rfc3339(ts: Option<crate::db::Ts>) -> Value {
    ts.map_or(Value::Null, |t| Value::String(t.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
}

/// The `report.completed` body of run `run` with its `outputs`, made at `now`.
pub fn report_completed(
    run: &RunRow,
    outputs: &[OutputRow],
    settings: &ChannelSettings,
    now: chrono::DateTime<chrono::Utc>,
) -> Value {
    json!({
        "type": "report.completed",
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "report": { "id": run.report_id, "name": run.report_name },
        "run": {
            "id": run.id,
            "slot_at": rfc3339(run.slot_at),
            "trigger": run.trigger,
            "started_at": rfc3339(run.started_at),
            "finished_at": rfc3339(run.finished_at),
            "duration_ms": run.duration_ms,
            "trace_id": run.trace_id,
            "note": run.note,
        },
        "figures": crate::reports::data::RunSummary::parse(run.summary.as_deref()).figures,
        "outputs": self::outputs(run.id, outputs, settings),
    })
}

/// The `report.test` body a channel's "send a test" sends: the shape of
/// `report.completed` with sample values.
pub fn report_test(channel_id: i64, channel_name: &str, trace_id: &str, now: chrono::DateTime<chrono::Utc>) -> Value {
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    json!({
        "type": "report.test",
        "timestamp": at,
        "channel": { "id": channel_id, "name": channel_name },
        "report": { "id": 0, "name": "Sample report" },
        "run": {
            "id": 0, "slot_at": null, "trigger": "manual", "started_at": at, "finished_at": at,
            "duration_ms": 0, "trace_id": trace_id, "note": "A test delivery from DreamSeed Admin: nothing ran.",
        },
        "figures": [],
        "outputs": [],
    })
}

/// The `alert.firing`, `alert.repeat` or `alert.resolved` body of a notice.
pub fn alert(notice: &crate::alerts::notice::Notice) -> Value {
    let at = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    json!({
        "type": format!("alert.{}", notice.kind),
        "timestamp": at(notice.at),
        "rule": { "id": notice.rule_id, "name": notice.rule_name, "severity": notice.severity },
        "metric": notice.metric,
        "value": notice.value,
        "condition": notice.condition,
        "since": at(notice.since),
        "message": notice.message,
        "url": notice.url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attempt_carries_the_standard_webhooks_headers() {
        let hook = Webhook {
            url: Secret::new("https://example.com/hook".into()),
            key: Secret::new(b"key".to_vec()),
            policy: Policy { allow_private: false },
        };
        let message = Outgoing { message_id: "msg_1", payload: "{}", trace_id: Some("trace-1"), attachments: &[] };
        let headers = hook.headers(&message, 1_700_000_000);
        let get = |name: &str| headers.iter().find(|(n, _)| n.as_str() == name).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(get("webhook-id"), "msg_1");
        assert_eq!(get("webhook-timestamp"), "1700000000");
        assert_eq!(get("webhook-signature"), super::super::signing::sign(b"key", "msg_1", 1_700_000_000, "{}"));
        assert_eq!(get("x-trace-id"), "trace-1");
        assert!(get("user-agent").starts_with("DreamSeed-Admin/"));
        assert!(!format!("{hook:?}").contains("example.com"), "the URL is a secret");
    }
}
