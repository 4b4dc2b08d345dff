//! A table of activities, newest first: time, who (a link to their page, unless
//! the table is on that page), type and description. Descriptions come from
//! the platform and are shown as text.

use leptos::prelude::*;

use crate::i18n::{format_datetime, t, Msg};
use crate::model::ActivityItem;
use crate::{use_lang, use_prefs};

/// The activities in `rows`, growing as they do.
#[component]
pub fn ActivityTable(
    /// The activities, newest first.
    #[prop(into)]
    rows: Signal<Vec<ActivityItem>>,
    /// Whether to show whose each activity is (not on a user's own page).
    #[prop(default = true)]
    show_user: bool,
    /// The table's test id.
    testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let user_head = show_user.then(|| view! { <th scope="col">{t(lang, Msg::Username)}</th> });
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::Time)}</th>
                        {user_head}
                        <th scope="col">{t(lang, Msg::ActivityType)}</th>
                        <th scope="col">{t(lang, Msg::Description)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|a| a.id children=move |a| row(a, show_user) />
                </tbody>
            </table>
        </div>
    }
}

fn row(activity: ActivityItem, show_user: bool) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let user = show_user.then(|| {
        view! {
            <td>
                <a href=format!("/users/{}", activity.user_id)>{activity.username}</a>
            </td>
        }
    });
    let kind = activity.activity_type.clone();
    view! {
        <tr data-testid="activity-row" data-user-id=activity.user_id.to_string() data-activity-type=kind>
            <td>{format_datetime(lang, activity.created_at, zone)}</td>
            {user}
            <td class="mono">{activity.activity_type}</td>
            <td class="wrap">{activity.description}</td>
        </tr>
    }
}
