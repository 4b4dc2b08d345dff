//! This process's part in running reports: its instance id (the lease owner
//! other replicas see), the settings of the scheduler and workers, and the
//! signal that wakes the local worker when a run is asked for.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};

/// How the scheduler and the workers behave (`REPORTS_*` variables).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSettings {
    /// Whether this process schedules and runs reports (`REPORTS_SCHEDULER`;
    /// web-only replicas turn it off).
    pub enabled: bool,
    /// How often due schedules are looked for (`REPORTS_TICK_SECONDS`).
    pub tick: Duration,
    /// How long a worker holds a run without renewing (`REPORTS_LEASE_SECONDS`);
    /// a replica that dies gives its runs up after this long.
    pub lease: Duration,
    /// How far back missed slots still run after an outage (`REPORTS_CATCH_UP_HOURS`).
    pub catch_up: Duration,
    /// Runs one process works on at once (`REPORTS_MAX_ACTIVE`).
    pub max_active: usize,
    /// Renders (CPU-bound) at once (`REPORTS_RENDER_THREADS`).
    pub render_threads: usize,
    /// The largest file a run may make (`REPORT_OUTPUT_MAX_MB`).
    pub output_max_bytes: usize,
    /// How long finished runs, their files and their deliveries are kept
    /// (`REPORT_RETENTION_DAYS`).
    pub retention: Duration,
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            tick: Duration::from_secs(10),
            lease: Duration::from_secs(60),
            catch_up: Duration::from_secs(24 * 3600),
            max_active: 32,
            render_threads: std::thread::available_parallelism().map_or(2, usize::from),
            output_max_bytes: 20 * 1024 * 1024,
            retention: Duration::from_secs(90 * 24 * 3600),
        }
    }
}

/// The reports machinery of one process.
#[derive(Debug)]
pub struct ReportsRuntime {
    /// `{host}:{pid}:{random}`: who holds a lease, in the runs' notes and logs.
    pub instance: String,
    /// The settings.
    pub settings: ReportSettings,
    /// Wakes the worker at once (a run asked for now).
    pub kick: Notify,
    /// Bounds the renders running at once.
    pub renders: Semaphore,
    /// Bounds the runs worked on at once.
    pub active: Arc<Semaphore>,
}

impl ReportsRuntime {
    /// The machinery with `settings` and a fresh instance id.
    pub fn new(settings: ReportSettings) -> Self {
        let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "host".into());
        let mut random = [0_u8; 4];
        // Only tells two processes on one host apart: no need to fail without entropy.
        let _ = getrandom::fill(&mut random);
        let instance = format!("{host}:{}:{:08x}", std::process::id(), u32::from_be_bytes(random));
        Self {
            instance,
            renders: Semaphore::new(settings.render_threads.max(1)),
            active: Arc::new(Semaphore::new(settings.max_active.max(1))),
            settings,
            kick: Notify::new(),
        }
    }
}

impl Default for ReportsRuntime {
    fn default() -> Self {
        Self::new(ReportSettings::default())
    }
}
