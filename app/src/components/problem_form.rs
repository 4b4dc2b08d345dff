//! The problem editor (editors): title with its length, content, answer,
//! subject (with the subjects in use offered), difficulty and status. The
//! server checks every field and its message is shown beside the field it is
//! about. A new problem opens its own page once created; an edit says "Saved".
//! Everything typed is sent and shown as text, never as HTML.

use leptos::prelude::*;

use crate::api::problems::{list_problem_subjects, CreateProblem, UpdateProblem};
use crate::components::form_field::FormField;
use crate::components::form_save::FormSave;
use crate::components::password_form::{field_message, form_alert};
use crate::i18n::{t, value_name, Msg};
use crate::model::{
    Problem, ProblemInput, ProblemPatch, DIFFICULTIES, MAX_ANSWER, MAX_CONTENT, MAX_SUBJECT, MAX_TITLE, STATUSES,
};
use crate::use_lang;

/// The fields, as the server names them in its errors.
const FIELDS: [&str; 6] = ["title", "content", "answer", "subject", "difficulty", "status"];

/// `None` for an empty optional field.
fn non_empty(value: String) -> Option<String> {
    (!value.trim().is_empty()).then_some(value)
}

/// The form's starting values: the problem's, or a new draft.
fn initial(problem: Option<&Problem>) -> ProblemInput {
    problem.map_or_else(
        || ProblemInput { status: Some("draft".into()), ..ProblemInput::default() },
        |p| ProblemInput {
            title: p.title.clone(),
            content: p.content.clone(),
            answer: p.answer.clone(),
            subject: p.subject.clone(),
            difficulty: p.difficulty.clone(),
            status: Some(p.status.clone()),
        },
    )
}

/// The form for `problem`, or for a new one.
#[component]
pub fn ProblemForm(
    /// The problem to edit; none for a new one.
    problem: Option<Problem>,
    /// Runs with the server's copy after an edit is saved.
    #[prop(optional, into)]
    on_saved: Option<Callback<Problem>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = problem.as_ref().map(|p| p.id);
    let start = initial(problem.as_ref());
    let title = RwSignal::new(start.title.clone());
    let content = RwSignal::new(start.content.clone());
    let answer = RwSignal::new(start.answer.clone().unwrap_or_default());
    let subject = RwSignal::new(start.subject.clone().unwrap_or_default());
    let difficulty = RwSignal::new(start.difficulty.clone().unwrap_or_default());
    let status = RwSignal::new(start.status.clone().unwrap_or_default());
    let subjects = Resource::new(|| (), |_| list_problem_subjects());
    let create = ServerAction::<CreateProblem>::new();
    let update = ServerAction::<UpdateProblem>::new();
    let hydrated = crate::session::use_hydrated();
    let save = FormSave::new(id.is_some(), create, update);
    let FormSave { result, pending, .. } = save;
    save.follow(id.is_some(), |saved| format!("/problems/{}", saved.id), on_saved);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ProblemInput {
            title: title.get_untracked(),
            content: content.get_untracked(),
            answer: non_empty(answer.get_untracked()),
            subject: non_empty(subject.get_untracked()),
            difficulty: non_empty(difficulty.get_untracked()),
            status: non_empty(status.get_untracked()),
        };
        match id {
            Some(id) => {
                update.dispatch(UpdateProblem { id, patch: ProblemPatch::from(input) });
            }
            None => {
                create.dispatch(CreateProblem { input });
            }
        }
    };
    let error_of = move |field: &'static str| {
        Signal::derive(move || {
            result.with(|v| v.as_ref().and_then(|r| r.as_ref().err()).and_then(|e| field_message(e, &[field])))
        })
    };
    let [title_error, content_error, answer_error, subject_error, difficulty_error, status_error] =
        FIELDS.map(error_of);
    let title_hint = Signal::derive(move || {
        format!("{} · {}/{MAX_TITLE}", t(lang, Msg::TitleLengthHint), title.with(|t| t.chars().count()))
    });
    let alert = move || result.with(|v| v.as_ref().and_then(|r| r.as_ref().err()).and_then(|e| form_alert(e, &FIELDS)));
    let saved = move || {
        (id.is_some() && matches!(result.with(|v| v.as_ref().map(Result::is_ok)), Some(true)))
            .then(|| view! { <p class="form-note" role="status" data-testid="problem-saved">{t(lang, Msg::Saved)}</p> })
    };
    let subject_list = move || {
        Suspend::new(async move {
            let list = subjects.await.unwrap_or_default();
            view! {
                <datalist id="problem-subjects">
                    {list.into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
                </datalist>
            }
        })
    };
    let (difficulty_now, status_now) = (start.difficulty.unwrap_or_default(), start.status.unwrap_or_default());

    view! {
        // The server's checks are the ones shown (beside each field), so the
        // browser's own bubbles are off.
        <form class="problem-form" method="post" novalidate data-testid="problem-form" on:submit=on_submit>
            <fieldset class="form-grid form-wide" disabled=move || !hydrated.get()>
                <FormField id="problem-title" label=t(lang, Msg::ProblemTitle) field="title" error=title_error hint=title_hint>
                    <input
                        type="text"
                        required
                        maxlength=MAX_TITLE
                        autocomplete="off"
                        value=start.title
                        bind:value=title
                    />
                </FormField>
                <FormField id="problem-content" label=t(lang, Msg::ProblemContent) field="content" error=content_error>
                    <textarea
                        rows="8"
                        required
                        maxlength=MAX_CONTENT
                        bind:value=content
                    >
                        {textarea_text(start.content)}
                    </textarea>
                </FormField>
                <FormField id="problem-answer" label=t(lang, Msg::ProblemAnswer) field="answer" error=answer_error>
                    <textarea
                        rows="3"
                        maxlength=MAX_ANSWER
                        bind:value=answer
                    >
                        {textarea_text(start.answer.unwrap_or_default())}
                    </textarea>
                </FormField>
                <div class="form-row">
                    <FormField id="problem-subject" label=t(lang, Msg::Subject) field="subject" error=subject_error>
                        <input
                            type="text"
                            list="problem-subjects"
                            maxlength=MAX_SUBJECT
                            autocomplete="off"
                            value=start.subject.unwrap_or_default()
                            bind:value=subject
                        />
                    </FormField>
                    <Transition fallback=|| ()>{subject_list}</Transition>
                    <FormField id="problem-difficulty" label=t(lang, Msg::Difficulty) field="difficulty" error=difficulty_error>
                        <select
                            bind:value=difficulty
                        >
                            <option value="" selected=difficulty_now.is_empty()>
                                {t(lang, Msg::NotSet)}
                            </option>
                            {DIFFICULTIES
                                .into_iter()
                                .map(|d| view! { <option value=d selected=difficulty_now == d>{value_name(lang, d)}</option> })
                                .collect_view()}
                        </select>
                    </FormField>
                    <FormField id="problem-status" label=t(lang, Msg::Status) field="status" error=status_error>
                        <select
                            bind:value=status
                        >
                            {STATUSES
                                .into_iter()
                                .map(|s| view! { <option value=s selected=status_now == s>{value_name(lang, s)}</option> })
                                .collect_view()}
                        </select>
                    </FormField>
                </div>
                {alert}
                {saved}
                <div class="form-actions">
                    <button type="submit" class="button" data-testid="problem-save" disabled=move || pending.get()>
                        {t(lang, if id.is_some() { Msg::Save } else { Msg::CreateProblem })}
                    </button>
                </div>
            </fieldset>
        </form>
    }
}

/// A textarea's initial text. Leptos writes `<textarea>` children into the
/// server's HTML without escaping them (the element's content is raw text to
/// the parser), so a problem containing `</textarea><script>` would break out
/// of it; the server escapes them here (the browser decodes the entities back).
/// In the browser the text is set as a value, which needs no escaping.
fn textarea_text(text: String) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    } else {
        text
    }
}
