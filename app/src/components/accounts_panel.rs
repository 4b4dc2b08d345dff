//! Accounts (admins): every person who can sign in, with a role select and a
//! disable/enable button per row, and a form that creates an account. One's own
//! row cannot be changed here, so an admin cannot lock themselves out by a slip.

use leptos::prelude::*;

use crate::api::accounts::{list_accounts, CreateAccount, UpdateAccount};
use crate::components::error_card::ErrorCard;
use crate::components::form_field::FormField;
use crate::components::form_reset::reset_and_refetch;
use crate::components::password_form::{field_message, form_alert};
use crate::i18n::{action_on, format_datetime, role_name, role_of, t, Msg};
use crate::model::{Account, AccountStatus, AccountUpdate, NewAccount, Role};
use crate::session::use_current_user;
use crate::{use_lang, use_prefs};

/// The fields of the create form, as the server names them.
const EMAIL: &[&str] = &["email"];
const PASSWORD: &[&str] = &["password"];
const ROLE: &[&str] = &["role"];

/// The accounts section.
#[component]
pub fn AccountsPanel() -> impl IntoView {
    let lang = use_lang();
    let accounts = Resource::new(|| (), |_| list_accounts());
    let create = ServerAction::<CreateAccount>::new();
    let update = ServerAction::<UpdateAccount>::new();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer);
    let hydrated = crate::session::use_hydrated();
    reset_and_refetch(
        create.value(),
        move || {
            email.set(String::new());
            password.set(String::new());
            role.set(Role::Viewer);
        },
        accounts,
    );
    // After a refused change too: the table shows what the server holds.
    Effect::new(move |_| {
        if update.value().with(Option::is_some) {
            accounts.refetch();
        }
    });

    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateAccount {
            account: NewAccount {
                email: email.get_untracked().trim().to_owned(),
                password: password.get_untracked(),
                role: role.get_untracked().as_str().to_owned(),
            },
        });
    };
    let on_change = move |id: i64, change: AccountUpdate| {
        update.dispatch(UpdateAccount { id, change });
    };
    let create_error = move |fields: &'static [&'static str]| {
        move || {
            create.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err()).and_then(|e| field_message(e, fields)))
        }
    };
    let list = move || {
        Suspend::new(async move {
            match accounts.await {
                Err(error) => {
                    view! { <ErrorCard error on_retry=Callback::new(move |_| accounts.refetch()) /> }.into_any()
                }
                Ok(page) => table(page.accounts, on_change, hydrated).into_any(),
            }
        })
    };

    view! {
        {move || {
            update.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err()).map(|e| view! { <ErrorCard error=e.clone() /> }))
        }}
        <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>{list}</Transition>
        <h3 class="section-title">{t(lang, Msg::CreateAccount)}</h3>
        <form method="post" data-testid="create-account-form" on:submit=on_create>
            // Until the WASM runs, the fields would lose what is typed and the form
            // could not be sent: nothing can be used before then.
            <fieldset class="form-grid form-row" disabled=move || !hydrated.get()>
                <FormField id="account-email" label=t(lang, Msg::Email) error=create_error(EMAIL)>
                    <input type="email" required autocomplete="off" bind:value=email />
                </FormField>
                <FormField id="account-password" label=t(lang, Msg::FirstPassword) error=create_error(PASSWORD)>
                    <input type="password" required minlength="8" autocomplete="new-password" bind:value=password />
                </FormField>
                <FormField id="account-role" label=t(lang, Msg::RoleLabel) error=create_error(ROLE)>
                    <select on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Viewer))>
                        {Role::ALL
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <option value=r.as_str() selected=move || role.get() == r>
                                        {role_name(lang, r)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </FormField>
                {move || {
                    create
                        .value()
                        .with(|v| {
                            v.as_ref().and_then(|r| r.as_ref().err()).and_then(|e| form_alert(e, &[EMAIL, PASSWORD, ROLE].concat()))
                        })
                }}
                {move || {
                    matches!(create.value().with(|v| v.as_ref().map(Result::is_ok)), Some(true))
                        .then(|| view! { <p class="form-note" role="status">{t(lang, Msg::AccountCreated)}</p> })
                }}
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || create.pending().get()>
                        {t(lang, Msg::CreateAccount)}
                    </button>
                </div>
            </fieldset>
        </form>
    }
}

/// The accounts, with their controls.
fn table(
    rows: Vec<Account>,
    on_change: impl Fn(i64, AccountUpdate) + Copy + Send + Sync + 'static,
    hydrated: RwSignal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let me = use_current_user().map(|u| u.email).unwrap_or_default();
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="accounts-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::Email)}</th>
                        <th scope="col">{t(lang, Msg::RoleLabel)}</th>
                        <th scope="col">{t(lang, Msg::Status)}</th>
                        <th scope="col">{t(lang, Msg::LastLogin)}</th>
                        <th scope="col">{t(lang, Msg::Actions)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|account| {
                            let id = account.id;
                            let is_me = account.email == me;
                            let active = account.status == AccountStatus::Active;
                            let (status, badge) = if active {
                                (Msg::AccountActive, "badge badge-ok")
                            } else {
                                (Msg::AccountDisabled, "badge badge-bad")
                            };
                            let (toggle, next_status) = if active {
                                (Msg::Disable, AccountStatus::Disabled)
                            } else {
                                (Msg::Enable, AccountStatus::Active)
                            };
                            let current_role = account.role;
                            let on_role = move |ev: leptos::ev::Event| {
                                if let Some(r) = Role::parse(&event_target_value(&ev)).filter(|r| *r != current_role) {
                                    on_change(id, AccountUpdate { role: Some(r.as_str().to_owned()), status: None });
                                }
                            };
                            let on_toggle = move |_| {
                                on_change(id, AccountUpdate { role: None, status: Some(next_status.as_str().to_owned()) });
                            };
                            view! {
                                <tr data-account=account.email.clone()>
                                    <td>
                                        {account.email.clone()}
                                        {is_me.then(|| view! { <span class="muted">" " {t(lang, Msg::You)}</span> })}
                                    </td>
                                    <td>
                                        <select
                                            aria-label=role_of(lang, &account.email)
                                            disabled=move || is_me || !hydrated.get()
                                            on:change=on_role
                                        >
                                            {Role::ALL
                                                .into_iter()
                                                .map(|r| {
                                                    view! {
                                                        <option value=r.as_str() selected=r == current_role>
                                                            {role_name(lang, r)}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                    </td>
                                    <td>
                                        <span class=badge>{t(lang, status)}</span>
                                    </td>
                                    <td>
                                        {account
                                            .last_login_at
                                            .map_or_else(|| t(lang, Msg::Never).to_owned(), |at| format_datetime(lang, at, zone))}
                                    </td>
                                    <td>
                                        <button
                                            type="button"
                                            class="button button-quiet button-small"
                                            aria-label=action_on(lang, toggle, &account.email)
                                            disabled=move || is_me || !hydrated.get()
                                            on:click=on_toggle
                                        >
                                            {t(lang, toggle)}
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
