//! The users list's filters: the start of an e-mail or username,
//! tier, country, online or not, a sign-up range, and the order.

use leptos::prelude::*;

use crate::components::filter_bar::FilterBar;
use crate::components::query_input::QueryInput;
use crate::components::query_select::{choices, QuerySelect};
use crate::i18n::{t, Msg};
use crate::use_lang;

/// The query keys the users list reads (and its links and export keep).
pub const USER_KEYS: &[&str] =
    &["q", "user_type", "country", "online", "signed_up_from", "signed_up_to", "sort", "order"];

/// The filter bar of `/users`.
#[component]
pub fn UserFilters() -> impl IntoView {
    let lang = use_lang();
    let tiers = choices(lang, &[("", Msg::All), ("free", Msg::Free), ("paid", Msg::Paid), ("premium", Msg::Premium)]);
    let online = choices(lang, &[("", Msg::All), ("true", Msg::Online), ("false", Msg::Offline)]);
    let sorts = choices(
        lang,
        &[
            ("created_at", Msg::SignedUp),
            ("last_activity", Msg::LastActivity),
            ("username", Msg::Username),
            ("email", Msg::Email),
        ],
    );
    let orders = choices(lang, &[("desc", Msg::Descending), ("asc", Msg::Ascending)]);
    view! {
        <FilterBar path="/users" keys=USER_KEYS testid="user-filters">
            <QueryInput id="users-q" name="q" kind="search" label=t(lang, Msg::Search) hint=t(lang, Msg::SearchUsersHint) />
            <QuerySelect id="users-type" name="user_type" label=t(lang, Msg::UserType) choices=tiers />
            <QueryInput
                id="users-country"
                name="country"
                label=t(lang, Msg::Country)
                hint=t(lang, Msg::CountryHint)
                maxlength=2
            />
            <QuerySelect id="users-online" name="online" label=t(lang, Msg::OnlineStatus) choices=online />
            <QueryInput id="users-from" name="signed_up_from" kind="date" label=t(lang, Msg::SignedUpFrom) />
            <QueryInput id="users-to" name="signed_up_to" kind="date" label=t(lang, Msg::SignedUpTo) />
            <QuerySelect id="users-sort" name="sort" label=t(lang, Msg::SortBy) choices=sorts default="created_at" />
            <QuerySelect id="users-order" name="order" label=t(lang, Msg::SortOrder) choices=orders default="desc" />
        </FilterBar>
    }
}
