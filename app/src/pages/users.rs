//! `/users`: the platform's users, searchable and filterable by
//! tier, country (where a click on the map leads: `?country=KR`), online state
//! and sign-up range, in a chosen order, a keyset page at a time. Every filter
//! lives in the URL query, so a view can be shared and the browser's back
//! button returns to it; the CSV export takes the same filters.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::users::list_users;
use crate::components::export_link::ExportLink;
use crate::components::list_pager::{given, list_href, ListPager};
use crate::components::user_filters::{UserFilters, USER_KEYS};
use crate::components::widget_status::WidgetStatus;
use crate::i18n::{format_datetime, t, total_of, value_name, Counted, Msg};
use crate::model::range::Zone;
use crate::model::{UserPage, UserQuery, UserSummary};
use crate::{use_lang, use_prefs};

/// The list's query from the URL's. Values are passed on as given: the server
/// checks them and names a bad one in its answer.
fn user_query(query: &ParamsMap, zone: Zone) -> UserQuery {
    UserQuery {
        q: given(query, "q"),
        user_type: given(query, "user_type"),
        country: given(query, "country").map(|c| c.to_ascii_uppercase()),
        online: given(query, "online"),
        signed_up_from: given(query, "signed_up_from"),
        signed_up_to: given(query, "signed_up_to"),
        tz: Some(given(query, "tz").unwrap_or_else(|| zone.as_str().to_owned())),
        sort: given(query, "sort"),
        order: given(query, "order"),
        cursor: given(query, "cursor"),
        per_page: None,
    }
}

/// The users page as a route whose code is a WASM chunk of its own, fetched
/// the first time the page is shown: the dashboard loads without it. On the
/// server it renders like any other page.
pub struct UsersRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for UsersRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <UsersPage /> }.into_any()
    }
}

/// The users page.
#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| user_query(q, zone)));
    let users = Resource::new(move || filters.get(), list_users);
    // The chip the map's link leads to says which country is shown and drops it.
    let country_chip = move || {
        filters.get().country.map(|c| {
            let without = query.with(|q| {
                let keys: Vec<&str> = USER_KEYS.iter().copied().filter(|k| *k != "country").collect();
                list_href("/users", q, &keys, &[])
            });
            view! {
                <p class="filter-chip" data-testid="country-filter">
                    {t(lang, Msg::Country)}": "<strong>{c}</strong>" "
                    <a href=without>{t(lang, Msg::ClearFilter)}</a>
                </p>
            }
        })
    };
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::UsersTitle)) />
        <div class="page-head">
            <h1 class="page-title">{t(lang, Msg::UsersTitle)}</h1>
            <ExportLink path="/api/v1/users/export.csv" keys=USER_KEYS testid="users-export" />
        </div>
        <UserFilters />
        {country_chip}
        <section class="panel table-panel" aria-label=t(lang, Msg::UsersTitle)>
            <WidgetStatus
                resource=users
                is_empty={|page: &UserPage| page.users.is_empty()}
                empty_message=Msg::NoUsersMatch
                fallback={|| view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }.into_any()}
                ready={|page: &UserPage| users_view(page.clone()).into_any()}
            />
        </section>
    }
}

/// A page of users: the total, the table and the paging links.
fn users_view(page: UserPage) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="list-total" data-testid="users-total">
            {total_of(lang, Counted::Users, page.meta.total)}
        </p>
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
                <tbody>{page.users.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
        <ListPager path="/users" keys=USER_KEYS next_cursor=page.meta.next_cursor testid="users" />
    }
}

fn row(user: UserSummary) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let country = user.country.unwrap_or_default();
    let (country_attr, type_attr) = (country.clone(), user.user_type.clone());
    view! {
        <tr data-testid="user-row" data-id=user.id.to_string() data-country=country_attr data-user-type=type_attr>
            <td>
                <a href=format!("/users/{}", user.id)>{user.username}</a>
            </td>
            <td>{user.email}</td>
            <td>{value_name(lang, &user.user_type)}</td>
            <td>{country}</td>
            <td>{format_datetime(lang, user.created_at, zone)}</td>
            <td>{user.last_activity.map(|at| format_datetime(lang, at, zone)).unwrap_or_default()}</td>
            <td>
                {user.is_online.then(|| view! { <span class="badge badge-ok">{t(lang, Msg::Online)}</span> })}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_becomes_the_list_query_in_the_viewer_s_zone() {
        let mut q = ParamsMap::new();
        q.insert("country", "kr".to_owned());
        q.insert("q", "".to_owned());
        q.insert("sort", "username".to_owned());
        let query = user_query(&q, Zone::Utc);
        assert_eq!(query.country.as_deref(), Some("KR"));
        assert_eq!(query.q, None);
        assert_eq!(query.sort.as_deref(), Some("username"));
        assert_eq!(query.tz.as_deref(), Some("utc"));
        assert_eq!(query.cursor, None);
    }
}
