//! One labelled form field: the label, the control, an optional hint, and the
//! server's message about the field right beside it. The control comes from the
//! caller (an input, a select, a textarea); this component gives it its id and
//! its `aria-invalid` and `aria-describedby`, so every form wires its labels,
//! hints and errors the same way.

use leptos::attr::{aria_describedby, aria_invalid, id as id_attr};
use leptos::prelude::*;

/// The id of the message under the field whose control has id `id`.
pub fn error_id(id: &str) -> String {
    format!("{id}-error")
}

/// The id of the hint under the field whose control has id `id`.
pub fn hint_id(id: &str) -> String {
    format!("{id}-hint")
}

/// What the control's `aria-describedby` says: its hint, its error message (a
/// field that can have one, even while it has none, so a message that appears
/// is read out) and a note elsewhere on the page, in that order; nothing when
/// there is none of them.
fn described_by(id: &str, hint: bool, error: bool, note: Option<&str>) -> Option<String> {
    let ids: Vec<String> = [hint.then(|| hint_id(id)), error.then(|| error_id(id)), note.map(str::to_owned)]
        .into_iter()
        .flatten()
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A label, a control, an optional hint (test id `hint-<field>`) and, for a
/// field the server can refuse, its error message (test id `error-<field>`;
/// empty, and so hidden, while there is none).
///
/// The control is the only child and carries no `id`: the field sets it (the
/// label's `for`), with `aria-invalid` while there is an error and
/// `aria-describedby` naming the hint, the message and the note.
#[component]
pub fn FormField(
    /// The control's id (the label's `for`; the hint and message ids derive
    /// from it).
    id: &'static str,
    /// The label text.
    label: &'static str,
    /// The field's name as the server reports it (`title`), for the test ids
    /// of the hint and the message; none, none.
    #[prop(optional)]
    field: Option<&'static str>,
    /// The server's message about this field (a signal or a closure), if the
    /// form shows one beside it; a field without it (a filter, the sign-in
    /// card) has no message line.
    #[prop(optional, into)]
    error: Option<Signal<Option<String>>>,
    /// A note under the control (a limit, a format), live if it is a signal;
    /// given as an `Option`, so a wrapper can pass its own optional hint on.
    #[prop(optional_no_strip, into)]
    hint: Option<Signal<String>>,
    /// The id of a note elsewhere that also describes the control (one under
    /// a whole row of filters).
    #[prop(optional)]
    note: Option<&'static str>,
    /// Extra classes (layout: `field-wide`).
    #[prop(optional)]
    class: &'static str,
    /// The control, without an id.
    children: Children,
) -> impl IntoView {
    let invalid = move || error.and_then(|e| e.with(|m| m.is_some().then_some("true")));
    let control = children().add_any_attr((
        id_attr(id),
        aria_invalid(invalid),
        aria_describedby(described_by(id, hint.is_some(), error.is_some(), note)),
    ));
    let testid = move |kind: &str| field.map(|f| format!("{kind}-{f}"));
    let class = if class.is_empty() { "field".to_owned() } else { format!("field {class}") };
    view! {
        <div class=class>
            <label for=id>{label}</label>
            {control}
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id(id) data-testid=testid("hint")>{move || hint.get()}</p> })}
            {error.map(|error| {
                view! {
                    <p class="field-error" id=error_id(id) data-testid=testid("error")>
                        {move || error.get()}
                    </p>
                }
            })}
        </div>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    /// The field's HTML, rendered as the server sends it.
    fn html(view: impl FnOnce() -> AnyView) -> String {
        let owner = Owner::new();
        owner.with(|| view().to_html())
    }

    #[test]
    fn the_control_gets_the_id_the_label_names_and_its_descriptions() {
        let out = html(|| {
            let error = Signal::stored(Some("Too long".to_owned()));
            let hint = Signal::stored("Up to 200".to_owned());
            view! {
                <FormField id="f-title" label="Title" field="title" error=error hint=hint>
                    <input type="text" name="title" />
                </FormField>
            }
            .into_any()
        });
        assert!(out.contains(r#"<label for="f-title">Title</label>"#), "{out}");
        assert!(out.contains(r#"id="f-title""#), "{out}");
        assert!(out.contains(r#"aria-invalid="true""#), "{out}");
        assert!(out.contains(r#"aria-describedby="f-title-hint f-title-error""#), "{out}");
        assert!(out.contains(r#"id="f-title-error" data-testid="error-title""#), "{out}");
        assert!(out.contains(r#"id="f-title-hint" data-testid="hint-title""#), "{out}");
    }

    #[test]
    fn a_field_without_a_message_has_no_message_line_nor_aria() {
        let out = html(|| {
            view! {
                <FormField id="login-email" label="Email">
                    <input type="email" name="email" />
                </FormField>
            }
            .into_any()
        });
        assert!(out.contains(r#"<div class="field">"#), "{out}");
        assert!(out.contains(r#"id="login-email""#), "{out}");
        assert!(!out.contains("aria-"), "{out}");
        assert!(!out.contains("field-error"), "{out}");
    }

    #[test]
    fn a_field_with_a_message_to_come_points_at_it_without_being_invalid() {
        let out = html(|| {
            view! {
                <FormField id="key-name" label="Name" error=Signal::stored(None::<String>) note="row-note">
                    <input type="text" />
                </FormField>
            }
            .into_any()
        });
        assert!(out.contains(r#"aria-describedby="key-name-error row-note""#), "{out}");
        assert!(!out.contains("aria-invalid"), "{out}");
        assert!(out.contains(r#"<p id="key-name-error" class="field-error">"#), "{out}");
    }
}
