//! Sending queued deliveries (design §4 "Dispatcher"): take the due ones
//! under a compare-and-set lease, claim the next attempt (a dead worker's
//! attempt without outcome becomes `lost`), make the payload once and keep
//! it, send, then record the outcome and the delivery's new status in one
//! transaction that holds only while this worker still has the lease. Every
//! function takes `now`, so tests move time by hand.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::StreamExt as _;

use super::{
    backoff, email, slack, webhook, AnyChannel, Channel as _, ChannelConfig, ChannelSecrets, ChannelSettings, Outcome,
    Outgoing,
};
use crate::alerts::notice::Notice;
use crate::db::deliveries::{self, Take, Taken};
use crate::db::{alert_events, alert_rules, audit, channels, report_runs, Ts};
use crate::error::Result;
use crate::secrets::SecretBox;
use crate::state::AppState;

/// How long a dispatcher holds a delivery: well over one attempt (15 s).
pub const LEASE: Duration = Duration::from_secs(60);

/// The most deliveries one pass takes.
const PER_PASS: i64 = 50;

/// How many a pass sends at once.
const CONCURRENCY: usize = 8;

/// How long "send a test" waits for its one attempt.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(20);

fn lease_end(now: DateTime<Utc>) -> Ts {
    Ts::from(now + chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::seconds(60)))
}

/// One pass at `now`: takes up to 50 due deliveries for this process (its
/// `reports.instance` is the lease owner) and makes one attempt at each;
/// returns (delivery id, `delivered`/`retry`/`failed`) of each attempted.
pub async fn run_due(
    state: &AppState,
    settings: &ChannelSettings,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, &'static str)>> {
    let ids = deliveries::due(&state.db, Ts::from(now), PER_PASS).await?;
    let results: Vec<Result<Option<(i64, &'static str)>>> = futures::stream::iter(ids)
        .map(|id| async move { one(state, settings, id, now).await.map(|r| r.map(|status| (id, status))) })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut done = Vec::new();
    for result in results {
        if let Some(row) = result? {
            done.push(row);
        }
    }
    done.sort_unstable();
    Ok(done)
}

/// Takes delivery `id` and attempts it, if it is ours to take.
async fn one(
    state: &AppState,
    settings: &ChannelSettings,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<&'static str>> {
    let owner = &state.reports.instance;
    match deliveries::take(&state.db, id, owner, Ts::from(now), lease_end(now), super::MAX_ATTEMPTS).await? {
        None => Ok(None),
        Some(Take::Exhausted { channel_id }) => {
            let kind = channels::by_id(&state.db, channel_id).await?.map_or_else(|| "unknown".to_owned(), |c| c.kind);
            tracing::warn!(
                event = "delivery_failed",
                delivery.id = id,
                channel.id = channel_id,
                "delivery failed: its attempts ran out (the last ones lost with their worker)"
            );
            metrics::counter!("deliveries_total", "kind" => kind, "status" => "failed").increment(1);
            Ok(Some("failed"))
        }
        Some(Take::Taken(taken)) => attempt(state, settings, &taken, now, super::MAX_ATTEMPTS).await.map(Some),
    }
}

/// The body of `taken` for a channel of `kind`: its stored payload, or one
/// made now and stored (so every later attempt sends the same bytes).
async fn payload(
    state: &AppState,
    settings: &ChannelSettings,
    kind: &str,
    taken: &Taken,
    now: DateTime<Utc>,
) -> Result<std::result::Result<String, String>> {
    if let Some(payload) = &taken.payload {
        return Ok(Ok(payload.clone()));
    }
    let body = match (taken.subject_kind.as_str(), taken.subject_id) {
        ("report_run", Some(run_id)) => {
            let Some(run) = report_runs::by_id(&state.db, run_id).await? else {
                return Ok(Err(format!("run {run_id} no longer exists")));
            };
            let outputs = report_runs::outputs(&state.db, &[run_id]).await?;
            match kind {
                "slack" => slack::report_completed(&run, &outputs, settings),
                "email" => email::report_completed(&run, &outputs, settings),
                _ => webhook::report_completed(&run, &outputs, settings, now),
            }
        }
        ("alert", Some(event_id)) => {
            let Some(event) = alert_events::by_id(&state.db, event_id).await? else {
                return Ok(Err(format!("alert event {event_id} no longer exists")));
            };
            let Some(rule) = alert_rules::by_id(&state.db, event.rule_id).await? else {
                return Ok(Err(format!("alert rule {} no longer exists", event.rule_id)));
            };
            let url = settings.link(&format!("/alerts?rule={}", rule.id));
            let notice = Notice::new(&rule, &event, url);
            match kind {
                "slack" => slack::alert(&notice),
                "email" => email::alert(&notice),
                _ => webhook::alert(&notice),
            }
        }
        (other, _) => return Ok(Err(format!("nothing to send for a {other} delivery"))),
    };
    let body = body.to_string();
    let stored = deliveries::fix_payload(&state.db, taken.id, &state.reports.instance, &body).await?;
    Ok(Ok(stored.unwrap_or(body)))
}

/// Makes attempt `taken.attempt` of a delivery this process holds and
/// records it; returns `delivered`, `retry` or `failed` (the attempt's
/// outcome; with `max_attempts` reached a retry ends the delivery as failed).
pub async fn attempt(
    state: &AppState,
    settings: &ChannelSettings,
    taken: &Taken,
    now: DateTime<Utc>,
    max_attempts: i64,
) -> Result<&'static str> {
    let started = Instant::now();
    let trace_id = taken.trace_id.as_deref().unwrap_or("");
    let Some(channel) = channels::by_id(&state.db, taken.channel_id).await? else {
        // The channel was deleted meanwhile, and its deliveries with it.
        return Ok("failed");
    };
    let kind = channel.kind.clone();
    if taken.lost > 0 {
        tracing::warn!(
            delivery.id = taken.id,
            channel.id = channel.id,
            trace_id,
            lost = taken.lost,
            "delivery taken over: an earlier attempt's worker stopped before it knew the outcome"
        );
        metrics::counter!("deliveries_total", "kind" => kind.clone(), "status" => "lost").increment(taken.lost as u64);
    }
    tracing::info!(event = "delivery_attempted", delivery.id = taken.id, channel.id = channel.id, channel.kind = %kind,
        attempt = taken.attempt, trace_id, "delivery attempt");
    let outcome = match payload(state, settings, &kind, taken, now).await? {
        Err(error) => Outcome::Failed { code: None, error, excerpt: None },
        Ok(body) => send(state, settings, &channel, taken, &body).await?,
    };
    finish(state, taken, &kind, &outcome, now, max_attempts, started.elapsed()).await
}

/// Opens the channel's secrets and makes one attempt.
async fn send(
    state: &AppState,
    settings: &ChannelSettings,
    channel: &channels::ChannelRow,
    taken: &Taken,
    body: &str,
) -> Result<Outcome> {
    let sealed_box = SecretBox::for_state(state);
    let secrets = match ChannelSecrets::open(&sealed_box, channel.id, &channel.secrets) {
        Ok(secrets) => secrets,
        Err(error) => return Ok(Outcome::Failed { code: None, error: error.to_string(), excerpt: None }),
    };
    let config = ChannelConfig::parse(&channel.config);
    let target = match AnyChannel::new(&channel.kind, &config, &secrets, settings) {
        Ok(target) => target,
        Err(error) => return Ok(Outcome::Failed { code: None, error, excerpt: None }),
    };
    let attachments = match (channel.kind.as_str(), taken.subject_kind.as_str(), taken.subject_id) {
        ("email", "report_run", Some(run_id)) => attachments(state, run_id).await?,
        _ => Vec::new(),
    };
    let message = Outgoing {
        message_id: &taken.message_id,
        payload: body,
        trace_id: taken.trace_id.as_deref(),
        attachments: &attachments,
    };
    Ok(target.send(&message).await)
}

/// Run `run_id`'s stored outputs as files to attach, within the size limit
/// (those left out are linked in the text).
async fn attachments(state: &AppState, run_id: i64) -> Result<Vec<email::Attachment>> {
    let mut files = Vec::new();
    for (_, format, ..) in report_runs::outputs(&state.db, &[run_id]).await? {
        if let Some((content_type, filename, bytes)) = report_runs::output(&state.db, run_id, &format).await? {
            files.push(email::Attachment { filename, content_type, bytes });
        }
    }
    let (kept, left) = email::within_limit(files);
    if !left.is_empty() {
        tracing::info!(run.id = run_id, left_out = ?left, "files over the e-mail size limit are linked, not attached");
    }
    Ok(kept)
}

/// Records `outcome` with the delivery's new status, logs it and counts it.
async fn finish(
    state: &AppState,
    taken: &Taken,
    kind: &str,
    outcome: &Outcome,
    now: DateTime<Utc>,
    max_attempts: i64,
    elapsed: Duration,
) -> Result<&'static str> {
    let (status, next_attempt_at) = match outcome {
        Outcome::Delivered { .. } => ("delivered", None),
        Outcome::Retry { after, .. } if taken.attempt < max_attempts => {
            let wait = after.unwrap_or_else(|| backoff::delay(taken.attempt));
            let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(6));
            ("pending", Some(Ts::from(now + wait)))
        }
        _ => ("failed", None),
    };
    let duration_ms = i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX);
    let error = outcome.error().map(|e| truncate(e, 500));
    let excerpt = outcome.excerpt().map(|e| truncate(e, 500));
    let record = deliveries::Outcome {
        attempt: taken.attempt,
        duration_ms,
        // A retryable answer on the last allowed attempt (or a test's only
        // one) ends the delivery: the log says so rather than "retry".
        outcome: if status == "failed" { "failed" } else { outcome.name() },
        status_code: outcome.code().map(i64::from),
        error: error.as_deref(),
        response_excerpt: excerpt.as_deref(),
        status,
        next_attempt_at,
    };
    let trace_id = taken.trace_id.as_deref().unwrap_or("");
    if !deliveries::record(&state.db, taken.id, &state.reports.instance, &record, Ts::from(now)).await? {
        tracing::warn!(
            delivery.id = taken.id,
            trace_id,
            "delivery attempt finished after its lease was lost: not recorded"
        );
        return Ok(outcome.name());
    }
    metrics::counter!("deliveries_total", "kind" => kind.to_owned(), "status" => outcome.name()).increment(1);
    if taken.subject_kind == "alert" {
        metrics::counter!("alert_notifications_total", "status" => outcome.name()).increment(1);
    }
    let code = outcome.code().unwrap_or(0);
    match status {
        "delivered" => tracing::info!(
            event = "delivery_succeeded",
            delivery.id = taken.id,
            channel.id = taken.channel_id,
            attempt = taken.attempt,
            status_code = code,
            duration_ms,
            trace_id,
            "delivered"
        ),
        "pending" => tracing::info!(
            event = "delivery_retry",
            delivery.id = taken.id,
            channel.id = taken.channel_id,
            attempt = taken.attempt,
            status_code = code,
            duration_ms,
            trace_id,
            error = error.as_deref().unwrap_or(""),
            "delivery attempt failed: will retry"
        ),
        _ => tracing::warn!(
            event = "delivery_failed",
            delivery.id = taken.id,
            channel.id = taken.channel_id,
            attempt = taken.attempt,
            status_code = code,
            duration_ms,
            trace_id,
            error = error.as_deref().unwrap_or(""),
            "delivery failed"
        ),
    }
    Ok(outcome.name())
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Sends a test message to `channel` now, in the request: one attempt
/// (at most 20 s, never retried), logged as a `test` delivery with the audit
/// record `entry`; returns the delivery's id.
pub async fn send_test(
    state: &AppState,
    settings: &ChannelSettings,
    channel: &channels::ChannelRow,
    trace_id: &str,
    now: DateTime<Utc>,
    entry: &audit::NewEntry<'_>,
) -> Result<i64> {
    let body = match channel.kind.as_str() {
        "slack" => slack::report_test(&channel.name, trace_id),
        "email" => email::report_test(&channel.name, trace_id),
        _ => webhook::report_test(channel.id, &channel.name, trace_id, now),
    }
    .to_string();
    let message_id = uuid::Uuid::now_v7().simple().to_string();
    let test = deliveries::NewTest {
        channel_id: channel.id,
        message_id: &message_id,
        payload: &body,
        trace_id: Some(trace_id),
    };
    let owner = state.reports.instance.clone();
    let id = deliveries::insert_test(&state.db, &test, &owner, Ts::from(now), lease_end(now), entry).await?;
    let taken = Taken {
        id,
        message_id,
        channel_id: channel.id,
        subject_kind: "test".into(),
        subject_id: None,
        payload: Some(body),
        trace_id: Some(trace_id.to_owned()),
        attempt: 1,
        lost: 0,
    };
    let started = Instant::now();
    if tokio::time::timeout(TEST_TIMEOUT, attempt(state, settings, &taken, now, 1)).await.is_err() {
        let outcome = Outcome::Failed {
            code: None,
            error: format!("no answer within {} s", TEST_TIMEOUT.as_secs()),
            excerpt: None,
        };
        finish(state, &taken, &channel.kind, &outcome, now, 1, started.elapsed()).await?;
    }
    Ok(id)
}
