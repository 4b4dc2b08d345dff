//! API keys (owners and admins): the list with each key's state, a form that
//! creates one, and a revoke button on every key still in use. A new key is
//! shown once, right after it is created: the server keeps only its hash.

use leptos::prelude::*;

use crate::api::accounts::{list_api_keys, CreateApiKey, RevokeApiKey};
use crate::components::error_card::ErrorCard;
use crate::components::form_field::FormField;
use crate::components::form_reset::reset_and_refetch;
use crate::components::password_form::{field_message, form_alert};
use crate::i18n::{action_on, format_datetime, role_name, t, Msg};
use crate::model::{ApiKey, NewApiKey, Role};
use crate::session::use_current_user;
use crate::{use_lang, use_prefs};

/// The fields of the create form, as the server names them.
const NAME: &[&str] = &["name"];
const ROLE: &[&str] = &["role"];
const DAYS: &[&str] = &["expires_in_days"];

/// The lifetime a new key gets unless changed (the server's default too).
const DEFAULT_DAYS: u32 = 90;

/// Where a key stands now.
fn key_state(key: &ApiKey, now: chrono::DateTime<chrono::Utc>) -> (Msg, &'static str) {
    if key.revoked_at.is_some() {
        (Msg::KeyRevoked, "badge badge-bad")
    } else if key.expires_at <= now {
        (Msg::KeyExpired, "badge badge-warn")
    } else {
        (Msg::KeyActive, "badge badge-ok")
    }
}

/// Asks the viewer to confirm `question` (only in the browser; nothing is
/// revoked without an answer).
fn confirmed(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        false
    }
}

/// The API keys section.
#[component]
pub fn ApiKeysPanel() -> impl IntoView {
    let lang = use_lang();
    // A key may do at most what its creator may (the server checks it too).
    let own = use_current_user().map_or(Role::Viewer, |u| u.role);
    let keys = Resource::new(|| (), |_| list_api_keys());
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer);
    let ingest = RwSignal::new(false);
    let days = RwSignal::new(DEFAULT_DAYS.to_string());
    let hydrated = crate::session::use_hydrated();
    reset_and_refetch(
        create.value(),
        move || {
            name.set(String::new());
            ingest.set(false);
        },
        keys,
    );
    Effect::new(move |_| {
        if revoke.value().with(Option::is_some) {
            keys.refetch();
        }
    });

    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateApiKey {
            key: NewApiKey {
                name: name.get_untracked().trim().to_owned(),
                role: role.get_untracked().as_str().to_owned(),
                scopes: if ingest.get_untracked() { vec!["ingest".to_owned()] } else { Vec::new() },
                expires_in_days: days.get_untracked().trim().parse().ok(),
            },
        });
    };
    let on_revoke = move |id: i64| {
        if confirmed(t(lang, Msg::RevokeConfirm)) {
            revoke.dispatch(RevokeApiKey { id });
        }
    };
    let create_error = move |fields: &'static [&'static str]| {
        move || {
            create.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err()).and_then(|e| field_message(e, fields)))
        }
    };
    let new_key = move || {
        create.value().get().and_then(Result::ok).map(|created| {
            view! {
                <div class="new-key" data-testid="new-api-key" role="status">
                    <p class="new-key-title">
                        {t(lang, Msg::NewApiKey)} ": " <strong>{created.api_key.name}</strong>
                    </p>
                    <code class="mono">{created.key}</code>
                    <p class="new-key-note">{t(lang, Msg::NewKeyOnce)}</p>
                </div>
            }
        })
    };
    let list = move || {
        Suspend::new(async move {
            match keys.await {
                Err(error) => view! { <ErrorCard error on_retry=Callback::new(move |_| keys.refetch()) /> }.into_any(),
                Ok(page) if page.api_keys.is_empty() => {
                    view! { <p class="empty-note">{t(lang, Msg::NoApiKeys)}</p> }.into_any()
                }
                Ok(page) => table(page.api_keys, on_revoke).into_any(),
            }
        })
    };

    view! {
        {new_key}
        {move || {
            revoke.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err()).map(|e| view! { <ErrorCard error=e.clone() /> }))
        }}
        <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>{list}</Transition>
        <h3 class="section-title">{t(lang, Msg::CreateApiKey)}</h3>
        <form method="post" data-testid="create-api-key-form" on:submit=on_create>
            // Until the WASM runs, the fields would lose what is typed and the form
            // could not be sent: nothing can be used before then.
            <fieldset class="form-grid form-row" disabled=move || !hydrated.get()>
                <FormField id="key-name" label=t(lang, Msg::KeyName) error=create_error(NAME)>
                    <input type="text" maxlength="100" required autocomplete="off" bind:value=name />
                </FormField>
                <FormField id="key-role" label=t(lang, Msg::RoleLabel) error=create_error(ROLE)>
                    <select on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Viewer))>
                        {Role::ALL
                            .into_iter()
                            .filter(|r| *r <= own)
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
                <FormField id="key-days" label=t(lang, Msg::ValidDays) error=create_error(DAYS)>
                    <input type="number" min="1" max="365" step="1" required bind:value=days />
                </FormField>
                <label class="checkbox">
                    <input type="checkbox" bind:checked=ingest />
                    {t(lang, Msg::ScopeIngest)}
                </label>
                {move || {
                    create
                        .value()
                        .with(|v| v.as_ref().and_then(|r| r.as_ref().err()).and_then(|e| form_alert(e, &[NAME, ROLE, DAYS].concat())))
                }}
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || create.pending().get()>
                        {t(lang, Msg::CreateApiKey)}
                    </button>
                </div>
            </fieldset>
        </form>
    }
}

/// The keys, newest first as the server sends them.
fn table(rows: Vec<ApiKey>, on_revoke: impl Fn(i64) + Copy + Send + Sync + 'static) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let when = move |at| format_datetime(lang, at, zone);
    let now = chrono::Utc::now();
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="api-keys-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::KeyName)}</th>
                        <th scope="col">{t(lang, Msg::KeyPrefix)}</th>
                        <th scope="col">{t(lang, Msg::RoleLabel)}</th>
                        <th scope="col">{t(lang, Msg::Scopes)}</th>
                        <th scope="col">{t(lang, Msg::Created)}</th>
                        <th scope="col">{t(lang, Msg::LastUsed)}</th>
                        <th scope="col">{t(lang, Msg::Expires)}</th>
                        <th scope="col">{t(lang, Msg::Status)}</th>
                        <th scope="col">{t(lang, Msg::Actions)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|key| {
                            let (state, class) = key_state(&key, now);
                            let live = state == Msg::KeyActive;
                            let id = key.id;
                            let revoke_label = action_on(lang, Msg::Revoke, &key.name);
                            let prefix = key.prefix.clone();
                            view! {
                                <tr data-key=prefix>
                                    <td>{key.name}</td>
                                    <td class="mono">{key.prefix}</td>
                                    <td>{role_name(lang, key.role)}</td>
                                    <td class="mono">{key.scopes.join(", ")}</td>
                                    <td>{when(key.created_at)}</td>
                                    <td>{key.last_used_at.map_or_else(|| t(lang, Msg::Never).to_owned(), when)}</td>
                                    <td>{when(key.expires_at)}</td>
                                    <td>
                                        <span class=class>{t(lang, state)}</span>
                                    </td>
                                    <td>
                                        {live
                                            .then(|| {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="button button-danger button-small"
                                                        aria-label=revoke_label
                                                        on:click=move |_| on_revoke(id)
                                                    >
                                                        {t(lang, Msg::Revoke)}
                                                    </button>
                                                }
                                            })}
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
