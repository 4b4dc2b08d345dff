//! A report as viewers see it: every setting as text, the schedule in words
//! with its next run, no controls.

use leptos::prelude::*;

use crate::components::report_form::format_label;
use crate::components::template_details::period_words;
use crate::i18n::{channel_name, format_datetime, schedule_words, t, value_name, Msg};
use crate::model::Report;
use crate::{use_lang, use_prefs};

/// The read-only view of `report`.
#[component]
pub fn ReportDetails(
    /// The report.
    report: Report,
) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let period =
        report.period.as_ref().map_or_else(|| t(lang, Msg::PeriodFromTemplate).to_owned(), |p| period_words(lang, p));
    let destinations = if report.destinations.is_empty() {
        t(lang, Msg::NoChannelsYet).to_owned()
    } else {
        report.destinations.iter().map(|id| channel_name(lang, *id)).collect::<Vec<_>>().join(", ")
    };
    let fact = |label: Msg, testid: &'static str, value: String| {
        view! {
            <div>
                <dt>{t(lang, label)}</dt>
                <dd data-testid=testid>{value}</dd>
            </div>
        }
    };
    let next_run = report.next_run_at.map_or_else(|| "–".to_owned(), |at| format_datetime(lang, at, zone));
    let formats = report.formats.iter().map(|f| format_label(f)).collect::<Vec<_>>().join(", ");
    let language = if report.lang == "en" { "English" } else { "한국어" };
    view! {
        <dl class="facts" data-testid="report-details">
            {fact(Msg::Template, "report-template-name", report.template_name.clone())}
            {fact(Msg::Schedule, "report-schedule", schedule_words(lang, &report.schedule_text))}
            {fact(Msg::CronPattern, "report-cron", format!("{} ({})", report.cron, report.timezone))}
            {fact(Msg::NextRun, "report-next-run", next_run)}
            {fact(Msg::Period, "report-period", period)}
            {fact(Msg::FiguresZone, "report-figures-zone", report.figures_zone.to_uppercase())}
            {fact(Msg::ReportLanguage, "report-lang", language.to_owned())}
            {fact(Msg::Formats, "report-formats", formats)}
            {fact(Msg::Destinations, "report-destinations", destinations)}
            {fact(Msg::Status, "report-status", value_name(lang, &report.status))}
        </dl>
        {(!report.description.is_empty())
            .then(|| {
                view! {
                    <h3 class="section-title">{t(lang, Msg::Description)}</h3>
                    <p class="text-block">{report.description.clone()}</p>
                }
            })}
    }
}
