//! `/reports/templates/new` and `/reports/templates/:id`: a template's
//! editor for editors; viewers, and everyone for a built-in, get the
//! read-only view. Editors can clone any template (the copy opens on its own
//! page, editable). An unknown id gets the not-found message, with status 404.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::reports::{get_template, CloneTemplate};
use crate::components::error_card::ErrorCard;
use crate::components::template_details::TemplateDetails;
use crate::components::template_form::TemplateForm;
use crate::error::AppError;
use crate::i18n::{action_on, t, value_name, Msg};
use crate::model::{Role, Template};
use crate::pages::not_found_status;
use crate::pages::report_edit::target;
use crate::session::user_can;
use crate::use_lang;

/// Whether `template` opens in the editor for someone who may (`editor`):
/// built-ins never do.
fn editable(template: &Template, editor: bool) -> bool {
    editor && template.builtin.is_none()
}

/// The template page (new or existing) as a route whose code is a WASM chunk
/// of its own. On the server it renders like any other page.
pub struct TemplateEditRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for TemplateEditRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <TemplateEditPage /> }.into_any()
    }
}

/// The template page, new or existing.
#[component]
pub fn TemplateEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| target(p.get_str("id"))));
    let body = move || match id.get() {
        None => new_template().into_any(),
        Some(id) => view! { <ExistingTemplate id /> }.into_any(),
    };
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::TemplatesTitle)) />
        <p class="breadcrumb">
            <a href="/reports/templates">{t(lang, Msg::BackToTemplates)}</a>
        </p>
        {body}
    }
}

/// The empty form (editors; viewers are told they may not).
fn new_template() -> impl IntoView {
    let lang = use_lang();
    if !user_can(Role::Editor) {
        return view! { <ErrorCard error=AppError::Forbidden /> }.into_any();
    }
    view! {
        <h1 class="page-title">{t(lang, Msg::NewTemplate)}</h1>
        <section class="panel">
            <TemplateForm template=None />
        </section>
    }
    .into_any()
}

/// The template with id `id`, once loaded.
#[component]
fn ExistingTemplate(id: Option<i64>) -> impl IntoView {
    let template = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_template(id).await,
                None => Err(AppError::NotFound { what: "template".into() }),
            }
        },
    );
    let body = move || {
        Suspend::new(async move {
            match template.await {
                Ok(found) => view! { <TemplateView template=found /> }.into_any(),
                Err(error) => {
                    not_found_status(&error);
                    view! { <ErrorCard error on_retry=Callback::new(move |_| template.refetch()) /> }.into_any()
                }
            }
        })
    };
    view! { <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>{body}</Transition> }
}

/// The heading with its badges and the clone button, then the editor or the
/// read-only view.
#[component]
fn TemplateView(template: Template) -> impl IntoView {
    let lang = use_lang();
    let editor = user_can(Role::Editor);
    let current = RwSignal::new(template.clone());
    let builtin = template.builtin.is_some().then(|| {
        view! { <span class="badge badge-neutral" data-testid="template-builtin">{t(lang, Msg::BuiltIn)}</span> }
    });
    let clone = editor.then(|| view! { <CloneButton template=current /> });
    let body = if editable(&template, editor) {
        let on_saved = Callback::new(move |saved: Template| current.set(saved));
        view! { <TemplateForm template=Some(template) on_saved /> }.into_any()
    } else {
        let note = template.builtin.is_some().then(|| {
            view! { <p class="muted" data-testid="template-readonly">{t(lang, Msg::BuiltinTemplateReadOnly)}</p> }
        });
        view! {
            {note}
            <TemplateDetails template />
        }
        .into_any()
    };
    view! {
        <div class="page-head">
            <h1 class="page-title" data-testid="template-heading">
                {move || current.with(|t| t.name.clone())}
            </h1>
            <div class="head-actions">
                <span class="badge badge-neutral">{move || current.with(|tpl| value_name(lang, &tpl.category))}</span>
                {builtin}
                {clone}
            </div>
        </div>
        <section class="panel">{body}</section>
    }
}

/// "Clone": copies the template and opens the copy.
#[component]
fn CloneButton(template: RwSignal<Template>) -> impl IntoView {
    let lang = use_lang();
    let clone = ServerAction::<CloneTemplate>::new();
    let hydrated = crate::session::use_hydrated();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(copy)) = clone.value().get() {
            navigate(&format!("/reports/templates/{}", copy.id), Default::default());
        }
    });
    let error = move || clone.value().get().and_then(Result::err).map(|error| view! { <ErrorCard error /> });
    view! {
        <button
            type="button"
            class="button button-quiet"
            data-testid="template-clone"
            aria-label=move || template.with(|tpl| action_on(lang, Msg::Clone, &tpl.name))
            disabled=move || !hydrated.get() || clone.pending().get()
            on:click=move |_| {
                clone.dispatch(CloneTemplate { id: template.with_untracked(|tpl| tpl.id) });
            }
        >
            {t(lang, Msg::Clone)}
        </button>
        {error}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Period;

    #[test]
    fn built_ins_open_read_only_even_for_editors() {
        let mut template = Template {
            id: 1,
            name: "Daily".into(),
            description: String::new(),
            category: "daily".into(),
            period: Period { kind: "yesterday".into(), ..Period::default() },
            sections: Vec::new(),
            builtin: Some("daily".into()),
            reports: 1,
            created_by: "system".into(),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        };
        assert!(!editable(&template, true));
        template.builtin = None;
        assert!(editable(&template, true));
        assert!(!editable(&template, false));
    }
}
