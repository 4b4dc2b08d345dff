//! Logging: `tracing` to stdout, JSON lines or pretty text (SPEC §5.9).

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

/// Installs the global subscriber. `filter` is a tracing filter directive
/// (already validated by the configuration).
pub fn init(filter: &str, format: LogFormat) {
    // The configuration has validated the filter; "info" only guards a bug there.
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_target(true);
    // A second init (tests, a subcommand after another) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}
