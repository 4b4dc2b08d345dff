//! `/users`: the newest users, optionally of one country (`?country=KR`, where a
//! click on the map leads). A plain table for now; searching, sorting and
//! paging arrive with the users issue.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::users::list_users;
use crate::components::widget_status::WidgetStatus;
use crate::i18n::{format_datetime, t, Msg};
use crate::model::UserSummary;
use crate::{use_lang, use_prefs};

/// How many rows the page shows.
const ROWS: i64 = 50;

/// The users page.
#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let country = Memo::new(move |_| query.with(|q| q.get("country")).filter(|c| !c.is_empty()));
    let users = Resource::new(move || country.get(), |country| list_users(country, ROWS));
    let filter = move || {
        country.get().map(|c| {
            view! {
                <p class="filter-chip" data-testid="country-filter">
                    {t(lang, Msg::Country)}": "<strong>{c}</strong>" "
                    <A href="/users">{t(lang, Msg::ClearFilter)}</A>
                </p>
            }
        })
    };
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::UsersTitle)) />
        <h1 class="page-title">{t(lang, Msg::UsersTitle)}</h1>
        <p class="muted">{t(lang, Msg::ShowingFirst)}</p>
        {filter}
        <section class="panel table-panel">
            <WidgetStatus
                resource=users
                is_empty={|rows: &Vec<UserSummary>| rows.is_empty()}
                empty_message=Msg::NoUsersMatch
                fallback={|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }.into_any()}
                ready={|rows: &Vec<UserSummary>| table(rows.clone()).into_any()}
            />
        </section>
    }
}

fn table(rows: Vec<UserSummary>) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let when = move |at| format_datetime(lang, at, zone);
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="users-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::Username)}</th>
                        <th scope="col">{t(lang, Msg::Email)}</th>
                        <th scope="col">{t(lang, Msg::UserType)}</th>
                        <th scope="col">{t(lang, Msg::Country)}</th>
                        <th scope="col">{t(lang, Msg::SignedUp)}</th>
                        <th scope="col">{t(lang, Msg::LastActivity)}</th>
                        <th scope="col">{t(lang, Msg::Online)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|u| {
                            let country = u.country.unwrap_or_default();
                            let country_attr = country.clone();
                            view! {
                                <tr data-country=country_attr>
                                    <td>{u.username}</td>
                                    <td>{u.email}</td>
                                    <td>{u.user_type}</td>
                                    <td>{country}</td>
                                    <td>{when(u.created_at)}</td>
                                    <td>{u.last_activity.map(when).unwrap_or_default()}</td>
                                    <td>{if u.is_online { "●" } else { "" }}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
