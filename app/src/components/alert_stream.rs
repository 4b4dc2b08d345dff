//! How many alert rules fire, live: one `EventSource` on `/api/v1/stream`
//! for the life of the component that asks, keeping the count the `alerts`
//! events carry (`{"type":"alerts","firing":N}`, sent when it changes and
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
        let stream = Self { firing: RwSignal::new(None) };
        #[cfg(feature = "hydrate")]
        browser::listen(stream);
        stream
    }

    /// Records one event's data; anything else is ignored.
    pub fn apply(&self, data: &str) {
        if let Ok(event) = serde_json::from_str::<FiringEvent>(data) {
            self.firing.set(Some(event.firing.max(0)));
        }
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The `EventSource` and its listener. The browser reconnects by itself
    //! (the server asks for a retry after a second), and the server sends
    //! the count again on each connection.

    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    use super::AlertStream;

    /// The open source and its listener (dropping the closure would detach it).
    struct Connection {
        source: EventSource,
        _listener: Closure<dyn FnMut(web_sys::Event)>,
    }

    pub fn listen(stream: AlertStream) {
        let Ok(source) = EventSource::new("/api/v1/stream") else { return };
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            if let Some(data) = event.dyn_ref::<MessageEvent>().and_then(|m| m.data().as_string()) {
                stream.apply(&data);
            }
        });
        let _ = source.add_event_listener_with_callback("alerts", listener.as_ref().unchecked_ref());
        let connection = StoredValue::new_local(Some(Connection { source, _listener: listener }));
        on_cleanup(move || {
            connection.update_value(|c| {
                if let Some(c) = c.take() {
                    c.source.close();
                }
            });
        });
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
