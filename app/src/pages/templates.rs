//! `/reports/templates`: every report template, the built-ins first, with
//! its category, how many sections it has and how many reports use it; for
//! editors "New template" and each row's clone and delete (delete asks
//! first, and is offered only for a template no report uses and that is not
//! built in).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::reports::{list_templates, CloneTemplate, DeleteTemplate};
use crate::components::confirm_delete::ConfirmDelete;
use crate::components::field_errors::refused;
use crate::components::reports_table::refusal;
use crate::components::widget_status::WidgetStatus;
use crate::i18n::{action_on, format_count, report_count, t, value_name, Lang, Msg};
use crate::model::{Role, Template, TemplateList};
use crate::session::user_can;
use crate::use_lang;

/// The row actions of the list, shared by every row through context.
#[derive(Clone, Copy)]
struct TemplateActions {
    clone: ServerAction<CloneTemplate>,
    delete: ServerAction<DeleteTemplate>,
    confirming: RwSignal<Option<i64>>,
}

impl TemplateActions {
    fn clear(&self) {
        self.clone.value().set(None);
        self.delete.value().set(None);
    }
}

/// Whether a template may be deleted: not built in, and used by no report
/// (the server refuses the others).
fn deletable(template: &Template) -> bool {
    template.builtin.is_none() && template.reports == 0
}

/// The templates page as a route whose code is a WASM chunk of its own.
pub struct TemplatesRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for TemplatesRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <TemplatesPage /> }.into_any()
    }
}

/// The templates page.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    let lang = use_lang();
    let templates = Resource::new(|| (), |_| list_templates());
    let actions = TemplateActions {
        clone: ServerAction::<CloneTemplate>::new(),
        delete: ServerAction::<DeleteTemplate>::new(),
        confirming: RwSignal::new(None),
    };
    provide_context(actions);
    let (cloned, deleted) = (actions.clone.version(), actions.delete.version());
    Effect::watch(move || (cloned.get(), deleted.get()), move |_, _, _| templates.refetch(), false);
    let new_template = user_can(Role::Editor).then(|| {
        view! {
            <a class="button" href="/reports/templates/new" data-testid="new-template">
                {t(lang, Msg::NewTemplate)}
            </a>
        }
    });
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::TemplatesTitle)) />
        <p class="breadcrumb">
            <a href="/reports">{t(lang, Msg::BackToReports)}</a>
        </p>
        <div class="page-head">
            <h1 class="page-title">{t(lang, Msg::TemplatesTitle)}</h1>
            <div class="head-actions">{new_template}</div>
        </div>
        {move || outcome(lang, actions)}
        <section class="panel table-panel" aria-label=t(lang, Msg::TemplatesTitle)>
            <WidgetStatus
                resource=templates
                is_empty={|list: &TemplateList| list.templates.is_empty()}
                empty_message=Msg::NoTemplatesYet
                fallback={|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }.into_any()}
                ready={|list: &TemplateList| templates_table(list.templates.clone()).into_any()}
            />
        </section>
    }
}

/// What the last row action did: a refusal, or the copy made.
fn outcome(lang: Lang, actions: TemplateActions) -> Option<AnyView> {
    let failed = actions
        .clone
        .value()
        .with(|v| refused(v.as_ref()))
        .or_else(|| actions.delete.value().with(|v| refused(v.as_ref())));
    if let Some(error) = failed {
        return Some(refusal(error));
    }
    actions.clone.value().get().and_then(Result::ok).map(|copy| {
        view! {
            <p class="form-note" role="status" data-testid="template-cloned">
                {t(lang, Msg::Cloned)} " " <a href=format!("/reports/templates/{}", copy.id)>{copy.name}</a>
            </p>
        }
        .into_any()
    })
}

/// The templates' table.
fn templates_table(templates: Vec<Template>) -> impl IntoView {
    let lang = use_lang();
    let actions = use_context::<TemplateActions>().filter(|_| user_can(Role::Editor));
    let hydrated = crate::session::use_hydrated();
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="templates-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::Name)}</th>
                        <th scope="col">{t(lang, Msg::Category)}</th>
                        <th scope="col" class="num">{t(lang, Msg::Sections)}</th>
                        <th scope="col">{t(lang, Msg::UsedBy)}</th>
                        {actions.map(|_| view! { <th scope="col">{t(lang, Msg::Actions)}</th> })}
                    </tr>
                </thead>
                <tbody>{templates.into_iter().map(|tpl| row(tpl, actions, hydrated)).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn row(template: Template, actions: Option<TemplateActions>, hydrated: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let id = template.id;
    let builtin = template.builtin.is_some().then(|| {
        view! { <span class="badge badge-neutral" data-testid="template-builtin">{t(lang, Msg::BuiltIn)}</span> }
    });
    let buttons = actions.map(|actions| row_actions(&template, actions, hydrated));
    view! {
        <tr data-testid="template-row" data-id=id.to_string()>
            <td class="title-cell">
                <a href=format!("/reports/templates/{id}")>{template.name.clone()}</a>
                " "
                {builtin}
            </td>
            <td>{value_name(lang, &template.category)}</td>
            <td class="num">{format_count(i64::try_from(template.sections.len()).unwrap_or(i64::MAX))}</td>
            <td data-testid="template-used-by">{report_count(lang, template.reports)}</td>
            {buttons}
        </tr>
    }
}

/// Clone, and delete with its confirmation.
fn row_actions(template: &Template, actions: TemplateActions, hydrated: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let id = template.id;
    let busy =
        Signal::derive(move || !hydrated.get() || actions.clone.pending().get() || actions.delete.pending().get());
    let delete = deletable(template).then(|| {
        let on_confirm = move |()| {
            actions.clear();
            actions.delete.dispatch(DeleteTemplate { id });
        };
        let name = template.name.clone();
        view! { <ConfirmDelete id name confirming=actions.confirming testid="template" busy on_confirm /> }
    });
    view! {
        <td class="row-actions">
            <button
                type="button"
                class="button button-quiet button-small"
                data-testid="template-clone"
                aria-label=action_on(lang, Msg::Clone, &template.name)
                disabled=move || busy.get()
                on:click=move |_| {
                    actions.clear();
                    actions.clone.dispatch(CloneTemplate { id });
                }
            >
                {t(lang, Msg::Clone)}
            </button>
            {delete}
        </td>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Period;

    fn template(builtin: Option<&str>, reports: i64) -> Template {
        Template {
            id: 1,
            name: "t".into(),
            description: String::new(),
            category: "custom".into(),
            period: Period { kind: "yesterday".into(), ..Period::default() },
            sections: Vec::new(),
            builtin: builtin.map(str::to_owned),
            reports,
            created_by: "a@b.c".into(),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn only_unused_templates_of_ones_own_can_be_deleted() {
        assert!(deletable(&template(None, 0)));
        assert!(!deletable(&template(None, 2)));
        assert!(!deletable(&template(Some("daily"), 0)));
    }
}
