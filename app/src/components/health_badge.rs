//! A coloured label for a health status.

use leptos::prelude::*;

use crate::i18n::{t, Msg};
use crate::model::HealthStatus;
use crate::use_lang;

/// "Healthy", "Degraded" or "Unhealthy", coloured (and named in words, so the
/// colour is never the only signal).
#[component]
pub fn HealthBadge(
    /// The status to show.
    status: HealthStatus,
) -> impl IntoView {
    let lang = use_lang();
    let (class, msg) = match status {
        HealthStatus::Healthy => ("badge badge-ok", Msg::StatusHealthy),
        HealthStatus::Degraded => ("badge badge-warn", Msg::StatusDegraded),
        HealthStatus::Unhealthy => ("badge badge-bad", Msg::StatusUnhealthy),
    };
    view! { <span class=class data-status=format!("{status:?}").to_lowercase()>{t(lang, msg)}</span> }
}
