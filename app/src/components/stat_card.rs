//! One stat card: a label, a big number, its change against the previous
//! period, and a detail line or breakdown.

use leptos::prelude::*;

use crate::i18n::{format_change, t, Msg};

/// A single figure. `testid` names the card for end-to-end tests; `children`,
/// if any, render below the figure (a breakdown).
#[component]
pub fn StatCard(
    /// What the figure is (also the card's accessible name).
    label: &'static str,
    /// The figure, formatted.
    #[prop(optional, into)]
    value: Option<String>,
    /// A line of context under the figure.
    #[prop(optional, into)]
    detail: Option<String>,
    /// The change against the previous period: (figure now, figure then).
    #[prop(optional)]
    change: Option<(i64, i64)>,
    /// The `data-testid` of the card.
    testid: &'static str,
    /// A breakdown shown under the figure.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <article class="stat-card" data-testid=testid aria-label=label>
            <h3 class="stat-label">{label}</h3>
            {value.map(|v| view! { <p class="stat-value">{v}</p> })}
            {detail.map(|d| view! { <p class="stat-detail muted">{d}</p> })}
            {change.map(|(now, then)| view! { <Change now then /> })}
            {children.map(|c| c())}
        </article>
    }
}

/// "+120 (+4.8%) vs. same time yesterday", coloured by direction; the arrow is
/// decoration, the words carry the meaning for screen readers.
#[component]
fn Change(now: i64, then: i64) -> impl IntoView {
    let lang = crate::use_lang();
    let (class, arrow) = match now.cmp(&then) {
        std::cmp::Ordering::Greater => ("stat-change up", "▲"),
        std::cmp::Ordering::Less => ("stat-change down", "▼"),
        std::cmp::Ordering::Equal => ("stat-change flat", "–"),
    };
    let text = format_change(now, then).unwrap_or_else(|| t(lang, Msg::NoChange).to_owned());
    view! {
        <p class=class data-testid="change">
            <span aria-hidden="true">{arrow}" "</span>
            {text}
            " "
            <span class="muted">{t(lang, Msg::VsYesterday)}</span>
        </p>
    }
}

/// The placeholder shown while the figures load.
#[component]
pub fn StatCardSkeleton() -> impl IntoView {
    view! {
        <article class="stat-card skeleton" aria-hidden="true">
            <span class="skeleton-line short"></span>
            <span class="skeleton-line tall"></span>
        </article>
    }
}
