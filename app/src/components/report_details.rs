//! A report as viewers see it: every setting as text, the schedule in words
//! with its next run, the channels it sends to by name, no controls.

use leptos::prelude::*;

use crate::api::channels::all_channels;
use crate::components::report_form::format_label;
use crate::components::template_details::period_words;
use crate::i18n::{channel_name, format_datetime, schedule_words, t, value_name, Lang, Msg};
use crate::model::{Channel, Report};
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
    // The channels by name, once they arrive.
    let ids = report.destinations.clone();
    let channels = Resource::new(|| (), |_| all_channels());
    let destinations = move || {
        let ids = ids.clone();
        Suspend::new(async move {
            let list = channels.await.unwrap_or_default();
            destination_names(lang, &ids, &list)
        })
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
            <div>
                <dt>{t(lang, Msg::Destinations)}</dt>
                <dd>
                    <span data-testid="report-destinations">
                        <Transition fallback=|| "…">{destinations}</Transition>
                    </span>
                    " "
                    <a class="small" href="/settings/channels">{t(lang, Msg::ManageChannels)}</a>
                </dd>
            </div>
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

/// The channels `ids` by name (by number when not among `channels`), or
/// "No channels yet".
fn destination_names(lang: Lang, ids: &[i64], channels: &[Channel]) -> String {
    if ids.is_empty() {
        return t(lang, Msg::NoChannelsYet).to_owned();
    }
    ids.iter()
        .map(|id| channels.iter().find(|c| c.id == *id).map_or_else(|| channel_name(lang, *id), |c| c.name.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}
