//! One labelled form field: the label, the control, an optional hint, and the
//! server's message about the field right beside it. The control itself comes
//! from the caller, which points its `aria-describedby` at [`described_by`] and
//! sets `aria-invalid` from the same error.

use leptos::prelude::*;

/// The id of the message under the field whose control has id `id`.
pub fn error_id(id: &str) -> String {
    format!("{id}-error")
}

/// The id of the hint under the field whose control has id `id`.
pub fn hint_id(id: &str) -> String {
    format!("{id}-hint")
}

/// What the control's `aria-describedby` says: its hint (when it has one) and
/// its error message.
pub fn described_by(id: &str, with_hint: bool) -> String {
    if with_hint {
        format!("{} {}", hint_id(id), error_id(id))
    } else {
        error_id(id)
    }
}

/// A label, a control, an optional hint (test id `hint-<field>`) and the
/// field's error message (test id `error-<field>`; empty, and so hidden, while
/// there is none).
#[component]
pub fn FormField(
    /// The control's id (the label's `for`).
    id: &'static str,
    /// The label text.
    label: &'static str,
    /// The field's name as the server reports it (`title`).
    field: &'static str,
    /// The server's message about this field, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// A note under the control (a limit, a format), live if it is a signal.
    #[prop(optional, into)]
    hint: Option<Signal<String>>,
    /// Extra classes (layout: `field-wide`).
    #[prop(optional)]
    class: &'static str,
    /// The control.
    children: Children,
) -> impl IntoView {
    view! {
        <div class=format!("field {class}")>
            <label for=id>{label}</label>
            {children()}
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id(id) data-testid=format!("hint-{field}")>{move || hint.get()}</p> })}
            <p class="field-error" id=error_id(id) data-testid=format!("error-{field}")>
                {move || error.get()}
            </p>
        </div>
    }
}
