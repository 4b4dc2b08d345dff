//! Working on runs: take the runs whose lease ran out (new ones, run-now
//! ones, and those of a worker that died), then for each hold the lease with
//! a heartbeat while the figures are gathered and every format is rendered,
//! and complete it with its files in one compare-and-set transaction. A
//! worker that loses its lease stops and writes nothing.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::render;
use super::spec::RunSpec;
use crate::db::report_runs::{self, NewOutput};
use crate::db::Ts;
use crate::error::{AppError, Result};
use crate::state::AppState;

/// After this many workers lost a run, it fails instead of being taken again.
pub const MAX_ATTEMPTS: i64 = 3;

fn lease_end(state: &AppState, now: DateTime<Utc>) -> Ts {
    let lease = chrono::Duration::from_std(state.reports.settings.lease).unwrap_or(chrono::Duration::seconds(60));
    Ts::from(now + lease)
}

/// Takes up to `limit` runs whose lease has run out at `now` for this
/// process; returns (run id, attempt) of each taken.
pub async fn take(state: &AppState, now: DateTime<Utc>, limit: usize) -> Result<Vec<(i64, i64)>> {
    let owner = &state.reports.instance;
    let mut taken = Vec::new();
    if limit == 0 {
        return Ok(taken);
    }
    let now_ts = Ts::from(now);
    for id in report_runs::takeable(&state.db, now_ts, i64::try_from(limit).unwrap_or(i64::MAX)).await? {
        if let Some(attempt) = report_runs::take(&state.db, id, owner, now_ts, lease_end(state, now)).await? {
            taken.push((id, attempt));
        }
    }
    Ok(taken)
}

/// What went wrong, in words for the run's page (details go to the log once).
fn reason(err: &AppError) -> String {
    match err {
        AppError::BusinessRule { message } | AppError::Conflict { message } => message.clone(),
        AppError::Unavailable { dependency } => format!("the {dependency} was unavailable; run it again"),
        other => format!("internal error ({other})"),
    }
}

/// Renews the lease every third of its length until it is lost (returns then).
async fn heartbeat(state: &AppState, id: i64) {
    let every = state.reports.settings.lease / 3;
    loop {
        tokio::time::sleep(every).await;
        match report_runs::renew(&state.db, id, &state.reports.instance, lease_end(state, state.clock.now())).await {
            Ok(true) => {}
            Ok(false) => return,
            // A database hiccup: try again; the lease outlives two misses.
            Err(err) => tracing::warn!(run.id = id, error = %err, "cannot renew a report run's lease"),
        }
    }
}

/// Runs run `id` (taken as `attempt`) to its end: completed with its files,
/// failed with a reason, or dropped when this worker loses the lease.
pub async fn execute(state: &AppState, id: i64, attempt: i64) -> Result<()> {
    let owner = state.reports.instance.clone();
    let Some((spec, slot_at, created_at, trace_id)) = report_runs::work_of(&state.db, id).await? else {
        return Ok(());
    };
    let started = Instant::now();
    if attempt > MAX_ATTEMPTS {
        let error = format!("lost its worker {MAX_ATTEMPTS} times: not tried again");
        report_runs::fail(&state.db, id, None, Ts::from(state.clock.now()), None, &error).await?;
        record_end(id, &trace_id, "failed", started.elapsed(), Some(&error));
        return Ok(());
    }
    tracing::info!(run.id = id, trace_id, attempt, "report run started");
    let work = async {
        let spec: RunSpec = serde_json::from_str(&spec)
            .map_err(|_| AppError::BusinessRule { message: "the run's saved specification cannot be read".into() })?;
        produce(state, id, &owner, &spec, slot_at.unwrap_or(created_at).0).await
    };
    let outcome = tokio::select! {
        outcome = work => Some(outcome),
        () = heartbeat(state, id) => None,
    };
    let elapsed = started.elapsed();
    let duration_ms = i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX);
    let now = Ts::from(state.clock.now());
    match outcome {
        None => tracing::warn!(run.id = id, trace_id, "report run's lease lost: another worker has it"),
        Some(Ok(Produced { outputs, timings, summary, destinations })) => {
            let done = report_runs::complete(
                &state.db,
                id,
                &owner,
                now,
                duration_ms,
                &timings,
                &summary,
                &outputs,
                &destinations,
            );
            if done.await? {
                record_end(id, &trace_id, "completed", elapsed, None);
            } else {
                tracing::warn!(run.id = id, trace_id, "report run finished after its lease was lost: discarded");
            }
        }
        Some(Err(err)) => {
            let error = reason(&err);
            if report_runs::fail(&state.db, id, Some(&owner), now, Some(duration_ms), &error).await? {
                record_end(id, &trace_id, "failed", elapsed, Some(&error));
            }
        }
    }
    Ok(())
}

/// The lifecycle log line and the metrics of a run's end.
fn record_end(id: i64, trace_id: &str, status: &'static str, elapsed: Duration, error: Option<&str>) {
    metrics::counter!("reports_generated_total", "status" => status).increment(1);
    metrics::histogram!("report_generation_duration_seconds").record(elapsed.as_secs_f64());
    let duration_ms = elapsed.as_millis() as u64;
    match error {
        None => tracing::info!(run.id = id, trace_id, duration_ms, "report run completed"),
        Some(error) => tracing::warn!(run.id = id, trace_id, duration_ms, error, "report run failed"),
    }
}

/// What a run made.
struct Produced {
    /// The files.
    outputs: Vec<NewOutput>,
    /// Each format's time and size, JSON.
    timings: String,
    /// The headline figures, JSON.
    summary: String,
    /// The channels to deliver to.
    destinations: Vec<i64>,
}

/// Gathers the figures and renders every format of `spec`, recording progress.
async fn produce(state: &AppState, id: i64, owner: &str, spec: &RunSpec, at: DateTime<Utc>) -> Result<Produced> {
    let step = |percent: i64, stage: &'static str| async move {
        report_runs::progress(&state.db, id, owner, percent, stage, Ts::from(state.clock.now())).await
    };
    step(10, "figures").await?;
    let data = std::sync::Arc::new(super::figures::gather(&state.db, &state.countries, spec, at).await?);
    let mut outputs = Vec::with_capacity(spec.formats.len());
    let mut timings = serde_json::Map::new();
    let count = spec.formats.len().max(1) as i64;
    for (i, format) in spec.formats.iter().enumerate() {
        step(40 + 50 * i as i64 / count, stage_name(format)).await?;
        let permit = state.reports.renders.acquire().await.map_err(|_| AppError::Internal)?;
        let started = Instant::now();
        let (shared, format_owned) = (data.clone(), format.clone());
        let rendered = tokio::task::spawn_blocking(move || render::render(&shared, &format_owned))
            .await
            .map_err(|_| AppError::Internal)?
            .map_err(|message| AppError::BusinessRule { message })?;
        drop(permit);
        let max = state.reports.settings.output_max_bytes;
        if rendered.body.len() > max {
            return Err(AppError::BusinessRule {
                message: format!(
                    "the {format} file is {} MB, over the {} MB limit",
                    rendered.body.len().div_ceil(1 << 20),
                    max >> 20
                ),
            });
        }
        timings.insert(
            format.clone(),
            serde_json::json!({ "ms": started.elapsed().as_millis() as u64, "bytes": rendered.body.len() }),
        );
        outputs.push(NewOutput {
            format: rendered.format.to_owned(),
            content_type: rendered.content_type.to_owned(),
            filename: render::filename(&data, rendered.extension),
            sha256: hex(&Sha256::digest(&rendered.body)),
            body: rendered.body,
        });
    }
    step(95, "storing").await?;
    let summary = serde_json::to_string(&data.key_figures()).map_err(|_| AppError::Internal)?;
    Ok(Produced {
        outputs,
        timings: serde_json::Value::Object(timings).to_string(),
        summary,
        destinations: spec.destinations.clone(),
    })
}

fn stage_name(format: &str) -> &'static str {
    match format {
        "html" => "html",
        "markdown" => "markdown",
        "csv" => "csv",
        _ => "pdf",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
