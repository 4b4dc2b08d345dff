//! A titled dashboard panel that holds one widget.

use leptos::prelude::*;

/// A `<section>` with a heading (which names the section for screen readers)
/// and an optional subtitle.
#[component]
pub fn Panel(
    /// The heading's element id, referenced by `aria-labelledby`.
    id: &'static str,
    /// The heading.
    title: &'static str,
    /// A short note beside the heading (a time range, say).
    #[prop(optional, into)]
    subtitle: Option<Signal<String>>,
    /// Extra classes for the section (layout).
    #[prop(optional)]
    class: &'static str,
    /// The widget.
    children: Children,
) -> impl IntoView {
    view! {
        <section class=format!("panel {class}") aria-labelledby=id>
            <header class="panel-header">
                <h2 id=id>{title}</h2>
                {subtitle.map(|s| view! { <span class="muted" data-testid="panel-subtitle">{move || s.get()}</span> })}
            </header>
            {children()}
        </section>
    }
}
