//! The activities list's filters: one activity type (from those recorded so
//! far), one user, and a range of days.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::activities::list_activity_types;
use crate::components::filter_bar::FilterBar;
use crate::components::list_pager::given;
use crate::components::query_input::QueryInput;
use crate::components::query_select::QuerySelect;
use crate::i18n::{t, Msg};
use crate::use_lang;

/// The query keys the activities list reads (and its links and export keep).
pub const ACTIVITY_KEYS: &[&str] = &["activity_type", "user_id", "from", "to"];

/// The type select's choices: "all", then `types`, and the URL's type even
/// when no activity of it is recorded (so the select can show it).
fn type_choices(all: &str, types: Vec<String>, current: Option<String>) -> Vec<(String, String)> {
    let mut choices = vec![(String::new(), all.to_owned())];
    let missing = current.filter(|c| !types.contains(c));
    choices.extend(types.into_iter().chain(missing).map(|ty| (ty.clone(), ty)));
    choices
}

/// The filter bar of `/activities`.
#[component]
pub fn ActivityFilters() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let types = Resource::new(|| (), |_| list_activity_types());
    let current = move || query.with_untracked(|q| given(q, "activity_type"));
    let select = move |types: Vec<String>| {
        view! {
            <QuerySelect
                id="activities-type"
                name="activity_type"
                label=t(lang, Msg::ActivityType)
                choices=type_choices(t(lang, Msg::All), types, current())
            />
        }
    };
    view! {
        <FilterBar path="/activities" keys=ACTIVITY_KEYS testid="activity-filters">
            // A failed type list leaves the select with "all" (and the URL's type).
            <Transition fallback=move || select(Vec::new())>
                {move || Suspend::new(async move { select(types.await.unwrap_or_default()) })}
            </Transition>
            <QueryInput id="activities-user" name="user_id" kind="number" label=t(lang, Msg::UserId) />
            <QueryInput id="activities-from" name="from" kind="date" label=t(lang, Msg::RangeFrom) />
            <QueryInput id="activities-to" name="to" kind="date" label=t(lang, Msg::RangeTo) />
        </FilterBar>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_s_type_is_offered_even_when_unrecorded() {
        let types = vec!["login".to_owned(), "problem_solve".to_owned()];
        let choices = type_choices("All", types.clone(), Some("signup".into()));
        let values: Vec<&str> = choices.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(values, ["", "login", "problem_solve", "signup"]);
        assert_eq!(type_choices("All", types, Some("login".into())).len(), 3);
    }
}
