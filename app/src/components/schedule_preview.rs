//! A report's schedule: its cron pattern and IANA time zone, with a live
//! preview. Croner and the time-zone database stay on the server, so 300 ms
//! after typing stops (at once when a field is left) the editor asks
//! `preview_schedule` for the pattern's words and its next five runs, and
//! shows the server's message about the pattern or the zone beside it.

use leptos::prelude::*;

use crate::api::reports::preview_schedule;
use crate::components::error_card::ErrorCard;
use crate::components::field_errors::message_for;
use crate::components::form_field::{error_id, hint_id, FormField};
use crate::error::AppError;
use crate::i18n::{schedule_words, t, Lang, Msg};
use crate::model::{SchedulePreview, ScheduleQuery};
use crate::use_lang;

/// The zones offered as you type (any IANA zone is accepted).
pub const COMMON_ZONES: [&str; 10] = [
    "Asia/Seoul",
    "UTC",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
];

/// How long typing must pause before the preview is asked for.
const DEBOUNCE_MS: u64 = 300;

/// The preview's question for what the fields hold.
pub fn schedule_query(cron: &str, timezone: &str) -> ScheduleQuery {
    let timezone = timezone.trim();
    ScheduleQuery { cron: cron.trim().to_owned(), timezone: (!timezone.is_empty()).then(|| timezone.to_owned()) }
}

/// The message to show beside `field` (`cron` or `timezone`): the latest
/// preview's verdict once there is one (it checks exactly what a save does,
/// on what is typed now), else the last save's.
fn field_verdict(
    preview: Option<&Result<SchedulePreview, AppError>>,
    saved: Option<&AppError>,
    field: &str,
) -> Option<String> {
    match preview {
        Some(Ok(_)) => None,
        Some(Err(error)) => message_for(Some(error), field),
        None => message_for(saved, field),
    }
}

/// The cron and time-zone fields with the preview under them.
#[component]
pub fn ScheduleFields(
    /// The pattern, as typed.
    cron: RwSignal<String>,
    /// The zone, as typed.
    timezone: RwSignal<String>,
    /// The last refused save, whose `cron` and `timezone` messages are shown
    /// until a preview answers.
    #[prop(into)]
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let asked = RwSignal::new(schedule_query(&cron.get_untracked(), &timezone.get_untracked()));
    let preview = Resource::new(move || asked.get(), preview_schedule);
    // The latest answer, for the messages beside the fields: set in the browser
    // only, so the server's HTML and the first hydrated render agree.
    let latest = RwSignal::new(None::<Result<SchedulePreview, AppError>>);
    Effect::new(move |_| {
        if let Some(answer) = preview.get() {
            latest.set(Some(answer));
        }
    });
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let ask_now = move || {
        if let Some(pending) = timer.get_value() {
            pending.clear();
        }
        timer.set_value(None);
        let query = schedule_query(&cron.get_untracked(), &timezone.get_untracked());
        if asked.with_untracked(|a| *a != query) {
            asked.set(query);
        }
    };
    let ask_later = move || {
        if let Some(pending) = timer.get_value() {
            pending.clear();
        }
        let handle = set_timeout_with_handle(ask_now, std::time::Duration::from_millis(DEBOUNCE_MS)).ok();
        timer.set_value(handle);
    };
    let verdict = move |field: &'static str| {
        Signal::derive(move || latest.with(|p| error.with(|e| field_verdict(p.as_ref(), e.as_ref(), field))))
    };
    let cron_error = verdict("cron");
    let timezone_error = verdict("timezone");
    let start = (cron.get_untracked(), timezone.get_untracked());
    view! {
        <div class="form-row schedule-fields">
            // Written out rather than a `FormField`: its message carries the test id `cron-error`.
            <div class="field">
                <label for="report-cron">{t(lang, Msg::CronPattern)}</label>
                <input
                    id="report-cron"
                    type="text"
                    class="mono"
                    required
                    autocomplete="off"
                    spellcheck="false"
                    data-testid="cron-input"
                    aria-describedby=format!("{} {}", hint_id("report-cron"), error_id("report-cron"))
                    aria-invalid=move || cron_error.with(|e| e.is_some().then_some("true"))
                    value=start.0
                    bind:value=cron
                    on:input=move |_| ask_later()
                    on:change=move |_| ask_now()
                />
                <p class="field-hint" id=hint_id("report-cron")>{t(lang, Msg::CronHint)}</p>
                <p class="field-error" id=error_id("report-cron") data-testid="cron-error">
                    {move || cron_error.get()}
                </p>
            </div>
            <FormField
                id="report-timezone"
                label=t(lang, Msg::TimeZone)
                field="timezone"
                error=timezone_error
                hint=Some(Signal::stored(t(lang, Msg::TimezoneHint).to_owned()))
            >
                <input
                    type="text"
                    list="report-timezones"
                    autocomplete="off"
                    spellcheck="false"
                    data-testid="timezone-input"
                    value=start.1
                    bind:value=timezone
                    on:input=move |_| ask_later()
                    on:change=move |_| ask_now()
                />
            </FormField>
            <datalist id="report-timezones">
                {COMMON_ZONES.into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
            </datalist>
        </div>
        <div class="schedule-preview" data-testid="cron-preview" aria-live="polite">
            <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>
                {move || Suspend::new(async move { preview_view(lang, preview.await) })}
            </Transition>
        </div>
    }
}

/// The words and the next runs, or what stands in for them.
fn preview_view(lang: Lang, answer: Result<SchedulePreview, AppError>) -> AnyView {
    match answer {
        Ok(preview) => view! {
            <p class="schedule-words" data-testid="cron-words">{schedule_words(lang, &preview.text)}</p>
            <h3 class="section-title">{t(lang, Msg::NextRuns)}</h3>
            <ol class="next-runs">
                {preview
                    .next
                    .into_iter()
                    .map(|run| {
                        view! {
                            <li data-testid="cron-next">
                                <span class="mono">{run.local}</span>
                                {run.note.map(|note| view! { " " <span class="run-note">{note}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any(),
        // The fields' own messages say what is wrong with them.
        Err(error)
            if message_for(Some(&error), "cron").is_some() || message_for(Some(&error), "timezone").is_some() =>
        {
            view! { <p class="muted">{t(lang, Msg::SchedulePending)}</p> }.into_any()
        }
        Err(error) => view! { <ErrorCard error /> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;
    use crate::model::ScheduleText;

    fn refused(field: &str) -> AppError {
        AppError::Validation {
            message: "invalid".into(),
            fields: vec![FieldError { field: field.into(), message: format!("bad {field}") }],
        }
    }

    #[test]
    fn the_question_is_trimmed_and_an_empty_zone_means_the_default() {
        let q = schedule_query(" 0 10 * * 1-5 ", "  ");
        assert_eq!(q.cron, "0 10 * * 1-5");
        assert_eq!(q.timezone, None);
        assert_eq!(schedule_query("* * * * *", "UTC").timezone.as_deref(), Some("UTC"));
    }

    #[test]
    fn the_latest_preview_decides_the_message_once_it_answers() {
        let saved = refused("cron");
        assert_eq!(field_verdict(None, Some(&saved), "cron").as_deref(), Some("bad cron"));
        let ok = Ok(SchedulePreview {
            cron: "0 10 * * *".into(),
            timezone: "UTC".into(),
            next: Vec::new(),
            text: ScheduleText::default(),
        });
        assert_eq!(field_verdict(Some(&ok), Some(&saved), "cron"), None);
        let wrong_zone = Err(refused("timezone"));
        assert_eq!(field_verdict(Some(&wrong_zone), None, "timezone").as_deref(), Some("bad timezone"));
        assert_eq!(field_verdict(Some(&wrong_zone), Some(&saved), "cron"), None);
    }
}
