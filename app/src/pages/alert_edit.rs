//! `/alerts/new` and `/alerts/:id`: an alert rule's editor for editors (a
//! read-only view for viewers), with its state, the link to its history
//! and, for editors, "Delete" (asked first). An unknown id gets the
//! not-found message, with status 404.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::alerts::{get_alert_rule, DeleteAlertRule};
use crate::components::alert_details::AlertDetails;
use crate::components::alert_form::AlertForm;
use crate::components::alert_state_badge::AlertStateBadge;
use crate::components::confirm_delete::ConfirmDelete;
use crate::components::error_card::ErrorCard;
use crate::components::field_errors::refused;
use crate::components::reports_table::refusal;
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::model::{AlertRule, Role};
use crate::pages::not_found_status;
use crate::pages::report_edit::target;
use crate::session::user_can;
use crate::use_lang;

/// The alert rule page (new or existing) as a route whose code is a WASM
/// chunk of its own, fetched the first time the page is shown. On the
/// server it renders like any other page.
pub struct AlertEditRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for AlertEditRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <AlertEditPage /> }.into_any()
    }
}

/// The alert rule page, new or existing.
#[component]
pub fn AlertEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| target(p.get_str("id"))));
    let body = move || match id.get() {
        None => new_rule().into_any(),
        Some(id) => view! { <ExistingRule id /> }.into_any(),
    };
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::AlertsTitle)) />
        <p class="breadcrumb">
            <a href="/alerts">{t(lang, Msg::BackToAlerts)}</a>
        </p>
        {body}
    }
}

/// The empty form (editors; viewers are told they may not).
fn new_rule() -> impl IntoView {
    let lang = use_lang();
    if !user_can(Role::Editor) {
        return view! { <ErrorCard error=AppError::Forbidden /> }.into_any();
    }
    view! {
        <h1 class="page-title">{t(lang, Msg::NewAlertRule)}</h1>
        <section class="panel">
            <AlertForm rule=None />
        </section>
    }
    .into_any()
}

/// The rule with id `id`, once loaded.
#[component]
fn ExistingRule(id: Option<i64>) -> impl IntoView {
    let rule = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_alert_rule(id).await,
                None => Err(AppError::NotFound { what: "alert rule".into() }),
            }
        },
    );
    let body = move || {
        Suspend::new(async move {
            match rule.await {
                Ok(found) => view! { <RuleView rule=found /> }.into_any(),
                Err(error) => {
                    not_found_status(&error);
                    view! { <ErrorCard error on_retry=Callback::new(move |_| rule.refetch()) /> }.into_any()
                }
            }
        })
    };
    view! { <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>{body}</Transition> }
}

/// The heading with the state, the editor's delete, then the editor (or
/// the read-only view).
#[component]
fn RuleView(rule: AlertRule) -> impl IntoView {
    let lang = use_lang();
    let id = rule.id;
    let editor = user_can(Role::Editor);
    let current = RwSignal::new(rule.clone());
    let state = move || current.with(|r| view! { <AlertStateBadge rule=r.clone() /> });
    let builtin = rule.builtin.is_some().then(|| {
        view! { <span class="badge badge-neutral" data-testid="alert-rule-builtin">{t(lang, Msg::BuiltIn)}</span> }
    });
    let toolbar = editor.then(|| view! { <DeleteRule id name=rule.name.clone() /> });
    let body = if editor {
        let on_saved = Callback::new(move |saved: AlertRule| current.set(saved));
        view! { <AlertForm rule=Some(rule) on_saved /> }.into_any()
    } else {
        view! { <AlertDetails rule /> }.into_any()
    };
    view! {
        <div class="page-head">
            <h1 class="page-title" data-testid="alert-rule-heading">
                {move || current.with(|r| r.name.clone())}
            </h1>
            <div class="head-actions">
                {state}
                {builtin}
                <a class="button button-quiet" href=format!("/alerts?rule={id}") data-testid="alert-rule-history-link">
                    {t(lang, Msg::RuleHistory)}
                </a>
            </div>
        </div>
        {toolbar}
        <section class="panel" aria-label=t(lang, Msg::AlertRuleSettings)>
            {body}
        </section>
    }
}

/// "Delete", asked first; once deleted, back to the list. A refusal shows
/// under the button.
#[component]
fn DeleteRule(
    /// The rule's id.
    id: i64,
    /// Its name, for the buttons' accessible names.
    name: String,
) -> impl IntoView {
    let delete = ServerAction::<DeleteAlertRule>::new();
    let confirming = RwSignal::new(None::<i64>);
    let hydrated = crate::session::use_hydrated();
    let busy = Signal::derive(move || !hydrated.get() || delete.pending().get());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate("/alerts", Default::default());
        }
    });
    let on_confirm = move |()| {
        delete.value().set(None);
        delete.dispatch(DeleteAlertRule { id });
    };
    let outcome = move || delete.value().with(|v| refused(v.as_ref())).map(refusal);
    view! {
        <div class="toolbar" data-testid="alert-rule-toolbar">
            <span class="row-actions">
                <ConfirmDelete id name confirming testid="alert-rule" busy on_confirm />
            </span>
        </div>
        <div class="toolbar-outcome" aria-live="polite">{outcome}</div>
    }
}
