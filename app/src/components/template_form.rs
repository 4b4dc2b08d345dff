//! The template editor (editors, not for the built-ins): name, description,
//! category, the period its reports cover by default, and its sections in
//! order with their options. The server checks everything at once; each
//! message is shown beside its field, a section's beside that section's
//! option. A new template continues on its own page; an edit says "Saved".

use leptos::prelude::*;

use crate::api::reports::{CreateTemplate, UpdateTemplate};
use crate::components::field_errors::message_of;
use crate::components::form_field::FormField;
use crate::components::form_save::FormSave;
use crate::components::password_form::form_alert;
use crate::components::period_fields::{PeriodDraft, PeriodFields, PeriodSignals};
use crate::components::section_list::{SectionDrafts, SectionList};
use crate::error::AppError;
use crate::i18n::{t, value_name, Msg};
use crate::model::{Section, Template, TemplateInput, MAX_REPORT_DESCRIPTION, MAX_REPORT_NAME, TEMPLATE_CATEGORIES};
use crate::use_lang;

/// The fields whose messages are shown beside them.
const INLINE: [&str; 8] =
    ["name", "description", "category", "period.kind", "period.days", "period.from", "period.to", "sections"];

/// What is sent for the form's values.
pub fn template_input(
    name: &str,
    description: &str,
    category: &str,
    period: &PeriodDraft,
    sections: Vec<Section>,
) -> TemplateInput {
    let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    TemplateInput {
        name: name.trim().to_owned(),
        description: text(description),
        category: text(category),
        period: period.to_period(),
        sections,
    }
}

/// Every field `error` names that the form shows beside a field: the fixed
/// ones and each section's options (`sections[2].limit`).
fn inline_fields(error: &AppError) -> Vec<String> {
    let mut fields: Vec<String> = INLINE.iter().map(|f| (*f).to_owned()).collect();
    if let AppError::Validation { fields: named, .. } = error.kind() {
        fields.extend(named.iter().filter(|f| f.field.starts_with("sections[")).map(|f| f.field.clone()));
    }
    fields
}

/// The form for `template`, or for a new one.
#[component]
pub fn TemplateForm(
    /// The template to edit; none for a new one.
    template: Option<Template>,
    /// Runs with the server's copy after an edit is saved.
    #[prop(optional, into)]
    on_saved: Option<Callback<Template>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = template.as_ref().map(|t| t.id);
    let (start_name, start_description, start_category, start_period, start_sections) = match template {
        Some(t) => (t.name, t.description, t.category, PeriodDraft::of(Some(&t.period)), t.sections),
        None => (
            String::new(),
            String::new(),
            "custom".to_owned(),
            PeriodDraft { kind: "last_7_days".into(), ..PeriodDraft::default() },
            vec![crate::components::section_list::new_section("stat_summary")],
        ),
    };
    let name = RwSignal::new(start_name.clone());
    let description = RwSignal::new(start_description.clone());
    let category = RwSignal::new(start_category.clone());
    let period = PeriodSignals::new(start_period);
    let drafts = SectionDrafts::new(start_sections);
    let sent = RwSignal::new(drafts.keys());
    let create = ServerAction::<CreateTemplate>::new();
    let update = ServerAction::<UpdateTemplate>::new();
    let hydrated = crate::session::use_hydrated();
    let save = FormSave::new(id.is_some(), create, update);
    let FormSave { result, pending, error } = save;
    save.follow(id.is_some(), |saved| format!("/reports/templates/{}", saved.id), on_saved);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The server's `sections[i]` will mean the i-th section as sent now.
        sent.set(drafts.keys());
        let input = template_input(
            &name.get_untracked(),
            &description.get_untracked(),
            &category.get_untracked(),
            &period.draft(),
            drafts.sections(),
        );
        match id {
            Some(id) => {
                update.dispatch(UpdateTemplate { id, input });
            }
            None => {
                create.dispatch(CreateTemplate { input });
            }
        }
    };
    let alert = move || {
        error.with(|e| {
            e.as_ref().and_then(|e| {
                let inline = inline_fields(e);
                let inline: Vec<&str> = inline.iter().map(String::as_str).collect();
                form_alert(e, &inline)
            })
        })
    };
    let saved = move || {
        (id.is_some() && matches!(result.with(|v| v.as_ref().map(Result::is_ok)), Some(true))).then(|| {
            view! { <p class="form-note" role="status" data-testid="template-saved">{t(lang, Msg::Saved)}</p> }
        })
    };
    view! {
        <form class="template-form" method="post" novalidate data-testid="template-form" on:submit=on_submit>
            <fieldset class="form-grid form-wide" disabled=move || !hydrated.get()>
                <FormField id="template-name" label=t(lang, Msg::Name) field="name" error=message_of(error, "name")>
                    <input type="text" required maxlength=MAX_REPORT_NAME autocomplete="off" value=start_name bind:value=name />
                </FormField>
                <FormField id="template-description" label=t(lang, Msg::Description) field="description" error=message_of(error, "description")>
                    <input type="text" maxlength=MAX_REPORT_DESCRIPTION autocomplete="off" value=start_description bind:value=description />
                </FormField>
                <div class="form-row">
                    <FormField id="template-category" label=t(lang, Msg::Category) field="category" error=message_of(error, "category")>
                        <select bind:value=category>
                            {TEMPLATE_CATEGORIES
                                .into_iter()
                                .map(|c| view! { <option value=c selected=start_category == c>{value_name(lang, c)}</option> })
                                .collect_view()}
                        </select>
                    </FormField>
                </div>
                <PeriodFields period error />
                <SectionList drafts error sent />
                {alert}
                {saved}
                <div class="form-actions">
                    <button type="submit" class="button" data-testid="template-save" disabled=move || pending.get()>
                        {t(lang, if id.is_some() { Msg::Save } else { Msg::CreateTemplate })}
                    </button>
                </div>
            </fieldset>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;
    use crate::model::Period;

    #[test]
    fn the_form_becomes_the_input_the_server_reads() {
        let period = PeriodDraft { kind: "last_week".into(), days: "9".into(), ..PeriodDraft::default() };
        let sections = vec![Section { kind: "stat_summary".into(), ..Section::default() }];
        let input = template_input(" Weekly ", "  ", "weekly", &period, sections.clone());
        assert_eq!(input.name, "Weekly");
        assert_eq!(input.description, None);
        assert_eq!(input.category.as_deref(), Some("weekly"));
        assert_eq!(input.period, Some(Period { kind: "last_week".into(), ..Period::default() }));
        assert_eq!(input.sections, sections);
    }

    #[test]
    fn section_messages_are_shown_beside_their_sections_not_above_the_button() {
        let error = AppError::Validation {
            message: "the request has invalid fields".into(),
            fields: vec![FieldError { field: "sections[1].limit".into(), message: "must be 1–50".into() }],
        };
        let inline = inline_fields(&error);
        assert!(inline.iter().any(|f| f == "sections[1].limit"));
        let inline: Vec<&str> = inline.iter().map(String::as_str).collect();
        assert!(form_alert(&error, &inline).is_none());
    }
}
