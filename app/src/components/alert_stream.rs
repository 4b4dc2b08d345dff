//! How many alert rules fire, live: the count the `alerts` events of
//! `/api/v1/stream` carry, heard on an `EventSource` of its own for the life
//! of the component that asks, or fed by a page's existing one (the
//! dashboard's live feed) (`{"type":"alerts","firing":N}`, sent when it changes and
//! once right after connecting, so a reconnection catches up at once).

use leptos::prelude::*;
use serde::Deserialize;

/// An `alerts` event's data (its `type` is the event's name again).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct FiringEvent {
    /// Rules firing and not silenced.
    pub firing: i64,
}

/// What the badge and the alerts page react to.
#[derive(Clone, Copy, Debug)]
pub struct AlertStream {
    /// The latest count heard; none before the first event (and on the server).
    pub firing: RwSignal<Option<i64>>,
}

impl AlertStream {
    /// Starts listening (in the browser) for the life of the calling component.
    pub fn start() -> Self {
        let stream = Self::idle();
        #[cfg(feature = "hydrate")]
        crate::browser::listen_to_stream("alerts", move |data| stream.apply(&data));
        stream
    }

    /// A count that another connection feeds (through [`AlertStream::apply`]).
    pub fn idle() -> Self {
        Self { firing: RwSignal::new(None) }
    }

    /// Records one event's data; anything else is ignored.
    pub fn apply(&self, data: &str) {
        if let Ok(event) = serde_json::from_str::<FiringEvent>(data) {
            self.firing.set(Some(event.firing.max(0)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_count_wins_and_other_data_is_ignored() {
        let owner = Owner::new();
        owner.set();
        let stream = AlertStream::start();
        assert_eq!(stream.firing.get_untracked(), None);
        stream.apply(r#"{"type":"alerts","firing":3}"#);
        assert_eq!(stream.firing.get_untracked(), Some(3));
        stream.apply("{}");
        stream.apply("not json");
        assert_eq!(stream.firing.get_untracked(), Some(3));
        stream.apply(r#"{"type":"alerts","firing":0}"#);
        assert_eq!(stream.firing.get_untracked(), Some(0));
    }
}
