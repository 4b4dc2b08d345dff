//! The problem bank's filters: words in the title, subject, difficulty,
//! status, the archive instead of the bank, and the order.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::problems::list_problem_subjects;
use crate::components::filter_bar::FilterBar;
use crate::components::list_pager::given;
use crate::components::query_input::{later, QueryInput};
use crate::components::query_select::{choices, QuerySelect};
use crate::i18n::{t, Msg};
use crate::use_lang;

/// The query keys the problem list reads (and its links and export keep).
pub const PROBLEM_KEYS: &[&str] = &["q", "subject", "difficulty", "status", "archived", "sort", "order"];

/// The filter bar of `/problems`.
#[component]
pub fn ProblemFilters() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let subjects = Resource::new(|| (), |_| list_problem_subjects());
    let archived = Memo::new(move |_| query.with(|q| given(q, "archived")).as_deref() == Some("true"));
    let subject_select = move |subjects: Vec<String>| {
        // The URL's subject stays selectable even if no problem has it any more.
        let current = query.with_untracked(|q| given(q, "subject")).filter(|s| !subjects.contains(s));
        let mut list = vec![(String::new(), t(lang, Msg::All).to_owned())];
        list.extend(subjects.into_iter().chain(current).map(|s| (s.clone(), s)));
        view! { <QuerySelect id="problems-subject" name="subject" label=t(lang, Msg::Subject) choices=list /> }
    };
    let difficulties =
        choices(lang, &[("", Msg::All), ("easy", Msg::Easy), ("medium", Msg::Medium), ("hard", Msg::Hard)]);
    let statuses = choices(
        lang,
        &[
            ("", Msg::All),
            ("active", Msg::StatusActive),
            ("inactive", Msg::StatusInactive),
            ("draft", Msg::StatusDraft),
        ],
    );
    let sorts = choices(
        lang,
        &[("updated_at", Msg::Updated), ("created_at", Msg::Created), ("title", Msg::ProblemTitle), ("id", Msg::Id)],
    );
    let orders = choices(lang, &[("desc", Msg::Descending), ("asc", Msg::Ascending)]);
    view! {
        <FilterBar path="/problems" keys=PROBLEM_KEYS testid="problem-filters">
            <QueryInput id="problems-q" name="q" kind="search" label=t(lang, Msg::Search) />
            <Transition fallback=move || subject_select(Vec::new())>
                {move || Suspend::new(async move { subject_select(subjects.await.unwrap_or_default()) })}
            </Transition>
            <QuerySelect id="problems-difficulty" name="difficulty" label=t(lang, Msg::Difficulty) choices=difficulties />
            <QuerySelect id="problems-status" name="status" label=t(lang, Msg::Status) choices=statuses />
            <QuerySelect id="problems-sort" name="sort" label=t(lang, Msg::SortBy) choices=sorts default="updated_at" />
            <QuerySelect id="problems-order" name="order" label=t(lang, Msg::SortOrder) choices=orders default="desc" />
            <div class="field field-check">
                <label class="checkbox" for="problems-archived">
                    <input
                        id="problems-archived"
                        type="checkbox"
                        name="archived"
                        value="true"
                        checked=move || archived.get()
                        prop:checked=later(move || archived.get())
                    />
                    {t(lang, Msg::ShowArchived)}
                </label>
            </div>
        </FilterBar>
    }
}
