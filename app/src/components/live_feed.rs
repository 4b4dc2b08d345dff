//! The live side of the dashboard: one `EventSource` on
//! `/api/v1/stream` per open dashboard, reconnected with backoff; a "live"
//! indicator; the fallback refresh interval; the recent-activity feed that
//! new activities are prepended to as they arrive; and the firing-alerts
//! count for the header's badge, on the same connection.

use leptos::prelude::*;

use crate::components::alert_stream::AlertStream;
use crate::components::widget_status::WidgetStatus;
use crate::error::AppError;
use crate::i18n::{format_datetime, t, Msg};
use crate::model::ActivityItem;
use crate::{use_lang, use_prefs};

/// How many activities the feed shows.
pub const FEED_LEN: usize = 20;

/// The state of the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveStatus {
    /// Not connected yet (or no browser: the server render).
    Connecting,
    /// Events flow.
    Live,
    /// Lost; trying again after a backoff.
    Reconnecting,
}

/// What the page's widgets react to.
#[derive(Clone, Copy, Debug)]
pub struct Live {
    /// Bumped when the figures changed (a `stats` event, or the fallback
    /// interval): resources that read it refetch.
    pub tick: RwSignal<u64>,
    /// The stream's state, for the indicator.
    pub status: RwSignal<LiveStatus>,
    /// Activities received since the page loaded, newest first.
    pub arrived: RwSignal<Vec<ActivityItem>>,
    /// Seconds between fallback refreshes, 0 for off.
    pub refresh_secs: RwSignal<u32>,
    /// The `alerts` events, for the badge (one stream per page, not two).
    pub alerts: AlertStream,
}

impl Live {
    /// Opens the stream (in the browser) for the life of the calling component.
    pub fn start() -> Self {
        let live = Live {
            tick: RwSignal::new(0),
            status: RwSignal::new(LiveStatus::Connecting),
            arrived: RwSignal::new(Vec::new()),
            refresh_secs: RwSignal::new(use_prefs().refresh_secs),
            alerts: AlertStream::idle(),
        };
        #[cfg(feature = "hydrate")]
        browser::connect(live);
        live
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The `EventSource`, its reconnection, and the fallback timer.

    use std::time::Duration;

    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::EventSource;

    use super::{Live, LiveStatus, FEED_LEN};
    use crate::model::ActivityItem;

    /// The longest wait between reconnection attempts.
    const MAX_BACKOFF: Duration = Duration::from_secs(30);

    /// The open source and its listeners (dropping the closures would detach them).
    struct Connection {
        source: EventSource,
        _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    }

    pub fn connect(live: Live) {
        let connection = StoredValue::new_local(None::<Connection>);
        let backoff = StoredValue::new_local(Duration::from_secs(1));
        let alive = StoredValue::new_local(true);

        // Opens the stream; on error, closes it and tries again after a
        // doubling wait (EventSource's own retry has no backoff and gives up
        // on some errors).
        let open: StoredValue<Option<Box<dyn Fn()>>, LocalStorage> = StoredValue::new_local(None);
        let open_fn = move || {
            if !alive.get_value() {
                return;
            }
            let Ok(source) = EventSource::new("/api/v1/stream") else { return };
            let on_ready = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                backoff.set_value(Duration::from_secs(1));
                live.status.set(LiveStatus::Live);
            });
            let on_activity = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let Some(data) = crate::browser::event_data(&event) else { return };
                if let Ok(item) = serde_json::from_str::<ActivityItem>(&data) {
                    live.arrived.update(|items| {
                        items.insert(0, item);
                        items.truncate(FEED_LEN);
                    });
                }
            });
            let on_stats = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| live.tick.update(|t| *t += 1));
            let on_alerts = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                if let Some(data) = crate::browser::event_data(&event) {
                    live.alerts.apply(&data);
                }
            });
            let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                live.status.set(LiveStatus::Reconnecting);
                connection.update_value(|c| {
                    if let Some(c) = c.take() {
                        c.source.close();
                    }
                });
                let wait = backoff.get_value();
                backoff.set_value((wait * 2).min(MAX_BACKOFF));
                set_timeout(
                    move || {
                        // Figures may have changed while we were away.
                        live.tick.update(|t| *t += 1);
                        open.with_value(|f| {
                            if let Some(f) = f {
                                f();
                            }
                        });
                    },
                    wait,
                );
            });
            let add = |name: &str, f: &Closure<dyn FnMut(web_sys::Event)>| {
                let _ = source.add_event_listener_with_callback(name, f.as_ref().unchecked_ref());
            };
            add("ready", &on_ready);
            add("activity", &on_activity);
            add("stats", &on_stats);
            add("alerts", &on_alerts);
            add("error", &on_error);
            let listeners = vec![on_ready, on_activity, on_stats, on_alerts, on_error];
            connection.set_value(Some(Connection { source, _listeners: listeners }));
        };
        open.set_value(Some(Box::new(open_fn)));
        open.with_value(|f| {
            if let Some(f) = f {
                f();
            }
        });

        // The fallback refresh, restarted whenever its interval changes.
        let timer = StoredValue::new_local(None::<IntervalHandle>);
        Effect::new(move |_| {
            let secs = live.refresh_secs.get();
            timer.update_value(|t| {
                if let Some(handle) = t.take() {
                    handle.clear();
                }
                if secs > 0 {
                    *t = set_interval_with_handle(
                        move || live.tick.update(|t| *t += 1),
                        Duration::from_secs(u64::from(secs)),
                    )
                    .ok();
                }
            });
        });

        on_cleanup(move || {
            alive.set_value(false);
            connection.update_value(|c| {
                if let Some(c) = c.take() {
                    c.source.close();
                }
            });
            timer.update_value(|t| {
                if let Some(handle) = t.take() {
                    handle.clear();
                }
            });
        });
    }
}

/// The indicator and the fallback-interval switch.
#[component]
pub fn LiveControls(
    /// The page's live state.
    live: Live,
) -> impl IntoView {
    let lang = use_lang();
    let label = move || match live.status.get() {
        LiveStatus::Live => t(lang, Msg::Live),
        LiveStatus::Connecting | LiveStatus::Reconnecting => t(lang, Msg::Reconnecting),
    };
    let class = move || match live.status.get() {
        LiveStatus::Live => "live-indicator on",
        _ => "live-indicator off",
    };
    let on_change = move |ev: leptos::ev::Event| {
        let secs: u32 = event_target_value(&ev).parse().unwrap_or(0);
        live.refresh_secs.set(secs);
        #[cfg(feature = "hydrate")]
        crate::prefs::save(crate::prefs::REFRESH_COOKIE, &secs.to_string());
    };
    let current = live.refresh_secs.get_untracked();
    view! {
        <div class="live-controls">
            <span class=class role="status" data-testid="live-indicator" data-status=move || format!("{:?}", live.status.get()).to_lowercase()>
                <span class="dot" aria-hidden="true"></span>
                {label}
            </span>
            <label class="pref">
                {t(lang, Msg::AutoRefresh)}
                <select on:change=on_change data-testid="refresh-select">
                    {[0_u32, 10, 30, 60]
                        .into_iter()
                        .map(|secs| {
                            let text = if secs == 0 { t(lang, Msg::Off).to_owned() } else { format!("{secs}s") };
                            view! {
                                <option value=secs.to_string() selected=secs == current>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        </div>
    }
}

/// The recent-activity feed: what the page loaded with, under what arrived live.
#[component]
pub fn ActivityFeed(
    /// The newest activities when the page loaded.
    initial: Resource<Result<Vec<ActivityItem>, AppError>>,
    /// The page's live state.
    live: Live,
) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let row = move |item: ActivityItem| {
        let when = format_datetime(lang, item.created_at, zone);
        view! {
            <li class="feed-item" data-activity-id=item.id>
                <span class="feed-type">{item.activity_type}</span>
                <span class="feed-user">{item.username}</span>
                <span class="feed-desc muted">{item.description}</span>
                <time class="feed-time muted" datetime=item.created_at.to_rfc3339()>{when}</time>
            </li>
        }
    };
    view! {
        <div class="feed-box">
            <WidgetStatus
                resource=initial
                is_empty={|items: &Vec<ActivityItem>| items.is_empty()}
                empty_message=Msg::NoActivityYet
            />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let loaded = initial.await.unwrap_or_default();
                    view! {
                        <ol class="feed" aria-live="polite" data-testid="activity-feed">
                            {move || {
                                let arrived = live.arrived.get();
                                // `arrived` is newest first; what the page loaded with
                                // continues below its oldest item.
                                let oldest_live = arrived.last().map_or(i64::MAX, |i| i.id);
                                arrived
                                    .into_iter()
                                    .chain(loaded.iter().filter(|i| i.id < oldest_live).cloned())
                                    .take(FEED_LEN)
                                    .map(row)
                                    .collect_view()
                            }}
                        </ol>
                    }
                })}
            </Transition>
        </div>
    }
}
