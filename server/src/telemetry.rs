//! Logging (`tracing` to stdout, JSON lines or pretty text, written by a
//! thread of its own) and the Prometheus metrics recorder.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

mod batch_writer;
mod json_line;
pub mod request_scope;

pub use json_line::{JsonLine, JsonSpanFields};

/// Keeps the log writer's thread: dropping it writes out what is still queued.
/// Hold it until the process ends.
#[must_use = "dropping the guard stops the log writer"]
pub struct LogGuard {
    _writer: Option<batch_writer::BatchGuard>,
}

/// Installs the global subscriber. `filter` is a tracing filter directive
/// (already validated by the configuration).
///
/// Lines are formatted on the thread that logs and written by one writer
/// thread, in batches (see [`batch_writer`]): a request pays neither a
/// `write(2)` for its access-log line nor a wake-up of the writer, and a slow
/// reader of stdout slows the writer, not the runtime. Nothing is dropped: when
/// 4 MiB are waiting, loggers wait. A line appears within 50 ms.
pub fn init(filter: &str, format: LogFormat) -> LogGuard {
    // The configuration has validated the filter; "info" only guards a bug there.
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, guard) = batch_writer::spawn(std::io::stdout());
    let builder = fmt().with_env_filter(filter).with_target(true).with_writer(writer);
    // A second init (tests, a subcommand after another) keeps the first subscriber.
    let installed = match format {
        // The shape of tracing-subscriber's flattened JSON, at a fraction of its cost.
        LogFormat::Json => builder.fmt_fields(JsonSpanFields).event_format(JsonLine).try_init(),
        LogFormat::Pretty => {
            let compact = fmt::format().compact().with_target(true);
            builder.event_format(request_scope::WithRequest(compact)).try_init()
        }
    };
    LogGuard { _writer: guard.filter(|_| installed.is_ok()) }
}

/// Response-time buckets, in seconds: fine below 10 ms, where cached reads land.
const LATENCY_BUCKETS: [f64; 14] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Report generation buckets, in seconds (the seed's, 0.1 s to a minute).
const REPORT_BUCKETS: [f64; 9] = [0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

static METRICS: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's metrics, installing the recorder on first use. Histograms with
/// fixed buckets (not summaries) so that replicas can be aggregated.
pub fn metrics() -> &'static PrometheusHandle {
    METRICS.get_or_init(|| {
        // Full names, not a suffix: the exporter does not promise which of two
        // matching rules wins, and report runs need buckets of their own.
        let builder = [
            ("http_request_duration_seconds", &LATENCY_BUCKETS[..]),
            ("cache_load_duration_seconds", &LATENCY_BUCKETS[..]),
            ("report_generation_duration_seconds", &REPORT_BUCKETS[..]),
        ]
        .into_iter()
        .try_fold(PrometheusBuilder::new(), |builder, (name, buckets)| {
            builder.set_buckets_for_metric(Matcher::Full(name.into()), buckets)
        })
        .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Only fails if another recorder was installed first; ours then renders
        // nothing, which /metrics makes visible rather than hiding.
        let _ = metrics::set_global_recorder(recorder);
        describe();
        handle
    })
}

fn describe() {
    // Every label takes few values whatever clients send (see `middleware::trace`):
    // a known method or `other`, a route pattern or `unmatched`, a status code.
    metrics::describe_counter!("http_requests_total", "HTTP requests by method (or other), route pattern and status");
    metrics::describe_histogram!(
        "http_request_duration_seconds",
        metrics::Unit::Seconds,
        "HTTP response time by method (or other) and route pattern"
    );
    metrics::describe_counter!("cache_hits_total", "Cache hits by layer (memory, redis)");
    metrics::describe_counter!("cache_misses_total", "Cache misses (loaded from the database)");
    metrics::describe_histogram!(
        "cache_load_duration_seconds",
        metrics::Unit::Seconds,
        "Time to compute a value on a cache miss"
    );
    metrics::describe_counter!("reports_generated_total", "Report runs ended, by status (completed, failed)");
    metrics::describe_histogram!(
        "report_generation_duration_seconds",
        metrics::Unit::Seconds,
        "Time from a report run's start to its end"
    );
    metrics::describe_gauge!("alerts_firing", "1 while an alert rule fires, by rule name");
    metrics::describe_counter!(
        "alert_notifications_total",
        "Alert notification attempts, by outcome (delivered, retry, failed, lost)"
    );
    metrics::describe_gauge!("dreamseed_users_online", "Platform users flagged online");
    metrics::describe_gauge!("dreamseed_build_info", "Always 1; the version is a label");
    metrics::gauge!("dreamseed_build_info", "version" => server_core::observability::VERSION).set(1.0);
}

/// Keeps the recorder's buckets trimmed; run for the life of the process.
pub async fn metrics_upkeep() {
    let handle = metrics();
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        handle.run_upkeep();
    }
}
