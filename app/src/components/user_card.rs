//! A user's facts on their page: who they are, their tier (which editors can
//! change here), country, sign-up, last activity, online state, how many
//! activities they have, and the platform's metadata about them as text.

use leptos::prelude::*;

use crate::components::user_type_form::UserTypeForm;
use crate::i18n::{format_count, format_datetime, t, value_name, Msg};
use crate::model::{Role, UserDetail};
use crate::session::user_can;
use crate::{use_lang, use_prefs};

/// The card of `user`.
#[component]
pub fn UserCard(
    /// The user, as the server last sent them.
    user: UserDetail,
) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let user = RwSignal::new(user);
    let fact = move |label: Msg, testid: &'static str, value: Signal<String>| {
        view! {
            <div>
                <dt>{t(lang, label)}</dt>
                <dd data-testid=testid>{move || value.get()}</dd>
            </div>
        }
    };
    let field = move |f: fn(&UserDetail) -> String| Signal::derive(move || user.with(f));
    let when = move |at| format_datetime(lang, at, zone);
    let editor = user_can(Role::Editor).then(|| view! { <UserTypeForm user /> });
    let metadata = move || {
        user.with(|u| u.metadata.clone()).filter(|m| !m.is_empty()).map(|m| {
            view! {
                <h3 class="section-title">{t(lang, Msg::Metadata)}</h3>
                <pre class="text-block" data-testid="user-metadata">{m}</pre>
            }
        })
    };
    view! {
        <dl class="facts" data-testid="user-card">
            {fact(Msg::UserId, "user-id", field(|u| u.id.to_string()))}
            {fact(Msg::Username, "user-username", field(|u| u.username.clone()))}
            {fact(Msg::Email, "user-email", field(|u| u.email.clone()))}
            {fact(Msg::UserType, "user-type", Signal::derive(move || user.with(|u| value_name(lang, &u.user_type))))}
            {fact(Msg::Country, "user-country", field(|u| u.country.clone().unwrap_or_default()))}
            {fact(Msg::SignedUp, "user-signed-up", Signal::derive(move || user.with(|u| when(u.created_at))))}
            {fact(
                Msg::LastActivity,
                "user-last-activity",
                Signal::derive(move || user.with(|u| u.last_activity.map(when).unwrap_or_else(|| t(lang, Msg::Never).to_owned()))),
            )}
            {fact(
                Msg::Online,
                "user-online",
                Signal::derive(move || t(lang, if user.with(|u| u.is_online) { Msg::Yes } else { Msg::No }).to_owned()),
            )}
            {fact(Msg::ActivityCount, "user-activity-count", field(|u| format_count(u.activity_count)))}
        </dl>
        {editor}
        {metadata}
    }
}
