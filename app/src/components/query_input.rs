//! A filter's text, search or date input whose value lives in the URL query:
//! rendered with it (so it shows before the WASM loads) and kept in step with
//! it (back and forward).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form_field::FormField;
use crate::components::list_pager::given;

/// `value`'s later values, for a control's property: nothing on the first run,
/// so hydration (and a first render) leave the control as its HTML attributes
/// made it, with whatever was typed before the WASM ran; after that the
/// property follows the URL (back and forward), even once the viewer has
/// changed the control, which attributes alone no longer would.
pub fn later<T>(value: impl Fn() -> T + Send + Sync + 'static) -> impl Fn() -> Option<T> + Send + Sync + 'static {
    let first = Arc::new(AtomicBool::new(true));
    move || {
        let v = value();
        (!first.swap(false, Ordering::Relaxed)).then_some(v)
    }
}

/// A labelled input named `name` showing the URL's value of `name`.
#[component]
pub fn QueryInput(
    /// The control's id.
    id: &'static str,
    /// The query key it sets.
    name: &'static str,
    /// The label text.
    label: &'static str,
    /// The input type (`search`, `text`, `date`, `number`).
    #[prop(default = "text")]
    kind: &'static str,
    /// A note under the control, which describes it.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The longest value the field takes.
    #[prop(optional)]
    maxlength: Option<u32>,
    /// What the field is for, to browsers that fill forms (`off` by default).
    #[prop(default = "off")]
    autocomplete: &'static str,
) -> impl IntoView {
    let query = use_query_map();
    let current = Memo::new(move |_| query.with(|q| given(q, name)).unwrap_or_default());
    view! {
        <FormField id=id label=label hint=hint.map(Signal::<String>::from)>
            <input
                type=kind
                name=name
                maxlength=maxlength
                autocomplete=autocomplete
                value=move || current.get()
                prop:value=later(move || current.get())
            />
        </FormField>
    }
}
