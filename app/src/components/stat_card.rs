//! One stat card: a label, a big number, and a detail line or breakdown.

use leptos::prelude::*;

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
            {children.map(|c| c())}
        </article>
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
