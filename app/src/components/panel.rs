//! A titled dashboard panel that holds one widget.

use leptos::prelude::*;

/// A `<section>` with a heading (which names the section for screen readers)
/// and an optional subtitle.
#[component]
pub fn Panel(
    /// The heading's element id, referenced by `aria-labelledby`.
    id: &'static str,
    title: &'static str,
    #[prop(optional)] subtitle: Option<&'static str>,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <section class=format!("panel {class}") aria-labelledby=id>
            <header class="panel-header">
                <h2 id=id>{title}</h2>
                {subtitle.map(|s| view! { <span class="muted">{s}</span> })}
            </header>
            {children()}
        </section>
    }
}
