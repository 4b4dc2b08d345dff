//! A problem as viewers see it: every field as text (content and answer keep
//! their line breaks), no controls.

use leptos::prelude::*;

use crate::i18n::{t, value_name, Msg};
use crate::model::Problem;
use crate::use_lang;

/// The read-only view of `problem`.
#[component]
pub fn ProblemDetails(
    /// The problem.
    problem: Problem,
) -> impl IntoView {
    let lang = use_lang();
    let not_set = move || t(lang, Msg::NotSet).to_owned();
    view! {
        <dl class="facts" data-testid="problem-details">
            <div>
                <dt>{t(lang, Msg::Subject)}</dt>
                <dd>{problem.subject.unwrap_or_else(not_set)}</dd>
            </div>
            <div>
                <dt>{t(lang, Msg::Difficulty)}</dt>
                <dd>{problem.difficulty.map_or_else(not_set, |d| value_name(lang, &d))}</dd>
            </div>
            <div>
                <dt>{t(lang, Msg::Status)}</dt>
                <dd>{value_name(lang, &problem.status)}</dd>
            </div>
        </dl>
        <h3 class="section-title">{t(lang, Msg::ProblemContent)}</h3>
        <pre class="text-block" data-testid="problem-content">{problem.content}</pre>
        <h3 class="section-title">{t(lang, Msg::ProblemAnswer)}</h3>
        <pre class="text-block" data-testid="problem-answer">{problem.answer.unwrap_or_else(not_set)}</pre>
    }
}
