//! Report runs as they move: one `EventSource` on `/api/v1/stream` for the
//! life of the page that asks, keeping each run's latest progress from the
//! `report_run` events, and counting the runs that ended (a run table
//! refetches then, to show the files and the duration).

use std::collections::HashMap;

use leptos::prelude::*;

use crate::model::RunProgress;

/// What a run table reacts to.
#[derive(Clone, Copy, Debug)]
pub struct RunEvents {
    /// The latest progress of each run heard of since the page opened.
    pub progress: RwSignal<HashMap<i64, RunProgress>>,
    /// Bumped each time a run completes or fails.
    pub ended: RwSignal<u64>,
}

impl RunEvents {
    /// Starts listening (in the browser) for the life of the calling component.
    pub fn start() -> Self {
        let events = Self { progress: RwSignal::new(HashMap::new()), ended: RwSignal::new(0) };
        #[cfg(feature = "hydrate")]
        crate::browser::listen_to_stream("report_run", move |data| {
            if let Ok(progress) = serde_json::from_str::<RunProgress>(&data) {
                events.apply(progress);
            }
        });
        events
    }

    /// Records one event.
    pub fn apply(&self, progress: RunProgress) {
        let ended = matches!(progress.status.as_str(), "completed" | "failed");
        self.progress.update(|all| {
            all.insert(progress.run_id, progress);
        });
        if ended {
            self.ended.update(|n| *n += 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_event_wins_and_ends_are_counted() {
        let owner = Owner::new();
        owner.set();
        let events = RunEvents::start();
        let at = |status: &str, progress: i64| RunProgress {
            run_id: 7,
            report_id: 1,
            status: status.into(),
            progress,
            stage: None,
        };
        events.apply(at("running", 40));
        assert_eq!(events.progress.with_untracked(|p| p[&7].progress), 40);
        assert_eq!(events.ended.get_untracked(), 0);
        events.apply(at("completed", 100));
        assert_eq!(events.progress.with_untracked(|p| p[&7].status.clone()), "completed");
        assert_eq!(events.ended.get_untracked(), 1);
    }
}
