//! `/settings`: one's own account (password, two-factor sign-in) and the
//! way to the delivery channels for everyone; API keys for owners and
//! admins; accounts for admins. A section the role cannot use is not
//! rendered at all (the server refuses its calls anyway).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::who_am_i;
use crate::components::accounts_panel::AccountsPanel;
use crate::components::api_keys_panel::ApiKeysPanel;
use crate::components::error_card::ErrorCard;
use crate::components::panel::Panel;
use crate::components::password_form::PasswordForm;
use crate::components::totp_panel::TotpPanel;
use crate::i18n::{role_name, t, Msg};
use crate::model::Role;
use crate::session::{use_current_user, user_can};
use crate::use_lang;

/// The settings page as a route whose code is a WASM chunk of its own, fetched
/// the first time the page is shown: the dashboard loads without it. On the
/// server it renders like any other page.
pub struct SettingsRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for SettingsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <SettingsPage /> }.into_any()
    }
}

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let lang = use_lang();
    let user = use_current_user();
    // Sent here by the server until a generated password is replaced: only the
    // password form matters (everything else is refused meanwhile).
    let must_change = use_query_map().with_untracked(|q| q.get("must_change").is_some());
    let notice = must_change.then(|| {
        view! {
            <p class="notice" role="alert" data-testid="must-change-password">
                {t(lang, Msg::MustChangePassword)}
            </p>
        }
    });
    // Whether two-factor sign-in is on is not in the page's session data.
    let account = Resource::new(|| (), |_| who_am_i());
    let facts = user.map(|user| {
        view! {
            <dl class="facts" data-testid="my-account">
                <div>
                    <dt>{t(lang, Msg::Email)}</dt>
                    <dd>{user.email}</dd>
                </div>
                <div>
                    <dt>{t(lang, Msg::RoleLabel)}</dt>
                    <dd>{role_name(lang, user.role)}</dd>
                </div>
            </dl>
        }
    });
    let totp = move || {
        Suspend::new(async move {
            match account.await {
                Ok(me) => view! { <TotpPanel enabled=me.account.is_some_and(|a| a.totp_enabled) /> }.into_any(),
                Err(error) => {
                    view! { <ErrorCard error on_retry=Callback::new(move |_| account.refetch()) /> }.into_any()
                }
            }
        })
    };
    // Everyone reads the channels; editors change them (on their own page).
    let channels = (!must_change).then(|| {
        view! {
            <Panel id="channels-title" title=t(lang, Msg::ChannelsTitle)>
                <p class="muted">{t(lang, Msg::ChannelsIntro)}</p>
                <a class="button button-quiet" href="/settings/channels" data-testid="channels-link">
                    {t(lang, Msg::ManageChannels)}
                </a>
            </Panel>
        }
    });
    let api_keys = (!must_change && user_can(Role::Owner)).then(|| {
        view! {
            <Panel id="api-keys-title" title=t(lang, Msg::ApiKeys)>
                <ApiKeysPanel />
            </Panel>
        }
    });
    let accounts = (!must_change && user_can(Role::Admin)).then(|| {
        view! {
            <Panel id="accounts-title" title=t(lang, Msg::Accounts)>
                <AccountsPanel />
            </Panel>
        }
    });

    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::SettingsTitle)) />
        <h1 class="page-title">{t(lang, Msg::SettingsTitle)}</h1>
        {notice}
        <div class="settings">
            <Panel id="my-account-title" title=t(lang, Msg::MyAccount)>
                {facts}
                <h3 class="section-title">{t(lang, Msg::ChangePassword)}</h3>
                <PasswordForm />
                <h3 class="section-title">{t(lang, Msg::TwoFactor)}</h3>
                <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>
                    {totp}
                </Transition>
            </Panel>
            {channels}
            {api_keys}
            {accounts}
        </div>
    }
}
