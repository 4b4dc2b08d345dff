//! Live updates: a hub that fans events out to every open
//! `/api/v1/stream` in this process. The activity-tail job feeds it by following
//! the `activities` table, so writes from any process or replica (ingestion,
//! the simulator, another server) reach every dashboard; the report-run tail
//! does the same with `report_runs`, and the alert tail with `alert_rules`.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::{broadcast, watch};

use crate::model::{ActivityItem, RunProgress};

/// Events a slow subscriber may fall behind by before it skips ahead (it then
/// refetches, so nothing shown stays wrong).
const BACKLOG: usize = 1024;

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A new activity.
    Activity(ActivityItem),
    /// The dashboard's figures changed: refetch them.
    Stats,
    /// A report run moved on (status, progress or stage).
    ReportRun(RunProgress),
    /// How many alert rules fire (not silenced) changed.
    Alerts {
        /// Rules firing and not silenced.
        firing: i64,
    },
}

impl LiveEvent {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            LiveEvent::Activity(_) => "activity",
            LiveEvent::Stats => "stats",
            LiveEvent::ReportRun(_) => "report_run",
            LiveEvent::Alerts { .. } => "alerts",
        }
    }
}

/// The fan-out point. Cheap to clone.
#[derive(Clone, Debug)]
pub struct LiveHub {
    tx: broadcast::Sender<LiveEvent>,
    /// Set once when the server starts to stop: every stream ends, so the
    /// graceful shutdown is not held up by connections that never finish.
    closing: Arc<watch::Sender<bool>>,
}

impl Default for LiveHub {
    fn default() -> Self {
        Self { tx: broadcast::channel(BACKLOG).0, closing: Arc::new(watch::channel(false).0) }
    }
}

impl LiveHub {
    /// A new subscription, receiving every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }

    /// Ends every open stream now and any opened later (the server is
    /// stopping; browsers reconnect, to another replica behind a balancer).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once [`LiveHub::close`] was called (at once if it already was).
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut closing = self.closing.subscribe();
        async move {
            let _ = closing.wait_for(|closing| *closing).await;
        }
    }

    /// Whether any stream is open in this process (jobs that only feed the
    /// streams skip their work otherwise).
    pub fn has_subscribers(&self) -> bool {
        self.tx.receiver_count() > 0
    }

    /// Sends `event` to every subscriber (none is fine).
    pub fn publish(&self, event: LiveEvent) {
        let _ = self.tx.send(event);
    }
}
