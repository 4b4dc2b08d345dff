//! The report editor (editors): name, description, template, an optional
//! period of its own, the schedule with its live preview, the zone its
//! figures are counted in, its language, formats, destinations (every
//! channel, with the link to manage them) and status.
//! The server checks every field; its message is shown beside the field it is
//! about. A new report continues on its own page; an edit says "Saved".

use leptos::prelude::*;

use crate::api::reports::{list_templates, CreateReport, UpdateReport};
use crate::components::destination_picker::DestinationPicker;
use crate::components::field_errors::message_of;
use crate::components::form_field::FormField;
use crate::components::form_save::FormSave;
use crate::components::password_form::form_alert;
use crate::components::period_fields::{PeriodDraft, PeriodFields, PeriodSignals};
use crate::components::schedule_preview::ScheduleFields;
use crate::i18n::{t, Msg};
use crate::model::{Report, ReportInput, Template, MAX_REPORT_DESCRIPTION, MAX_REPORT_NAME, REPORT_FORMATS};
use crate::use_lang;

/// The fields whose messages are shown beside them (the rest go above the button).
const INLINE: [&str; 14] = [
    "name",
    "description",
    "template_id",
    "period.kind",
    "period.days",
    "period.from",
    "period.to",
    "cron",
    "timezone",
    "figures_zone",
    "lang",
    "formats",
    "destinations",
    "status",
];

/// A format's name as people write it.
pub fn format_label(format: &str) -> &str {
    match format {
        "html" => "HTML",
        "markdown" => "Markdown",
        "csv" => "CSV",
        "pdf" => "PDF",
        other => other,
    }
}

/// A report as the form holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportDraft {
    /// The name, as typed.
    pub name: String,
    /// The description, as typed.
    pub description: String,
    /// The chosen template's id, as the select's value (empty: none chosen).
    pub template_id: String,
    /// The period override.
    pub period: PeriodDraft,
    /// The cron pattern.
    pub cron: String,
    /// The IANA zone.
    pub timezone: String,
    /// `kst` or `utc`.
    pub figures_zone: String,
    /// `ko` or `en`.
    pub lang: String,
    /// The ticked formats.
    pub formats: Vec<String>,
    /// The channels kept.
    pub destinations: Vec<i64>,
    /// `active` or `paused`.
    pub status: String,
}

impl ReportDraft {
    /// The form's starting values: the report's, or a new one's (weekdays at
    /// 10:00 in Seoul, HTML, paused until it has a channel).
    pub fn of(report: Option<&Report>) -> Self {
        match report {
            Some(r) => Self {
                name: r.name.clone(),
                description: r.description.clone(),
                template_id: r.template_id.to_string(),
                period: PeriodDraft::of(r.period.as_ref()),
                cron: r.cron.clone(),
                timezone: r.timezone.clone(),
                figures_zone: r.figures_zone.clone(),
                lang: r.lang.clone(),
                formats: r.formats.clone(),
                destinations: r.destinations.clone(),
                status: r.status.clone(),
            },
            None => Self {
                name: String::new(),
                description: String::new(),
                template_id: String::new(),
                period: PeriodDraft::default(),
                cron: "0 10 * * 1-5".into(),
                timezone: "Asia/Seoul".into(),
                figures_zone: "kst".into(),
                lang: "ko".into(),
                formats: vec!["html".into()],
                destinations: Vec::new(),
                status: "paused".into(),
            },
        }
    }

    /// What is sent: every field, the formats in the server's order, empty
    /// optional text left out.
    pub fn to_input(&self) -> ReportInput {
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        ReportInput {
            name: self.name.trim().to_owned(),
            description: text(&self.description),
            template_id: self.template_id.trim().parse().ok(),
            period: self.period.to_period(),
            cron: self.cron.trim().to_owned(),
            timezone: text(&self.timezone),
            figures_zone: text(&self.figures_zone),
            lang: text(&self.lang),
            formats: Some(
                REPORT_FORMATS
                    .iter()
                    .filter(|f| self.formats.iter().any(|g| g == *f))
                    .map(|f| (*f).to_owned())
                    .collect(),
            ),
            destinations: self.destinations.clone(),
            status: text(&self.status),
        }
    }
}

/// `value` added to or taken out of `list`.
pub fn toggled<T: PartialEq + Clone>(list: &[T], value: &T, on: bool) -> Vec<T> {
    let mut out: Vec<T> = list.iter().filter(|v| *v != value).cloned().collect();
    if on {
        out.push(value.clone());
    }
    out
}

/// The form for `report`, or for a new one.
#[component]
pub fn ReportForm(
    /// The report to edit; none for a new one.
    report: Option<Report>,
    /// Runs with the server's copy after an edit is saved.
    #[prop(optional, into)]
    on_saved: Option<Callback<Report>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = report.as_ref().map(|r| r.id);
    let start = ReportDraft::of(report.as_ref());
    let name = RwSignal::new(start.name.clone());
    let description = RwSignal::new(start.description.clone());
    let template_id = RwSignal::new(start.template_id.clone());
    let period = PeriodSignals::new(start.period.clone());
    let cron = RwSignal::new(start.cron.clone());
    let timezone = RwSignal::new(start.timezone.clone());
    let figures_zone = RwSignal::new(start.figures_zone.clone());
    let report_lang = RwSignal::new(start.lang.clone());
    let formats = RwSignal::new(start.formats.clone());
    let destinations = RwSignal::new(start.destinations.clone());
    let status = RwSignal::new(start.status.clone());
    let templates = Resource::new(|| (), |_| list_templates());
    let create = ServerAction::<CreateReport>::new();
    let update = ServerAction::<UpdateReport>::new();
    let hydrated = crate::session::use_hydrated();
    let save = FormSave::new(id.is_some(), create, update);
    let FormSave { result, pending, error } = save;
    save.follow(id.is_some(), |saved| format!("/reports/{}", saved.id), on_saved);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ReportDraft {
            name: name.get_untracked(),
            description: description.get_untracked(),
            template_id: template_id.get_untracked(),
            period: period.draft(),
            cron: cron.get_untracked(),
            timezone: timezone.get_untracked(),
            figures_zone: figures_zone.get_untracked(),
            lang: report_lang.get_untracked(),
            formats: formats.get_untracked(),
            destinations: destinations.get_untracked(),
            status: status.get_untracked(),
        }
        .to_input();
        match id {
            Some(id) => {
                update.dispatch(UpdateReport { id, input });
            }
            None => {
                create.dispatch(CreateReport { input });
            }
        }
    };
    let alert = move || error.with(|e| e.as_ref().and_then(|e| form_alert(e, &INLINE)));
    let saved = move || {
        (id.is_some() && matches!(result.with(|v| v.as_ref().map(Result::is_ok)), Some(true)))
            .then(|| view! { <p class="form-note" role="status" data-testid="report-saved">{t(lang, Msg::Saved)}</p> })
    };
    // Rendered again once the templates arrive, with the choice made so far.
    let template_field = move |list: Vec<Template>| {
        let now = template_id.get_untracked();
        view! {
            <FormField id="report-template" label=t(lang, Msg::Template) field="template_id" error=message_of(error, "template_id")>
                <select bind:value=template_id data-testid="report-template">
                    <option value="" selected=now.is_empty()>{t(lang, Msg::ChooseTemplate)}</option>
                    {list
                        .into_iter()
                        .map(|tpl| {
                            let value = tpl.id.to_string();
                            let selected = value == now;
                            view! { <option value=value selected=selected>{tpl.name}</option> }
                        })
                        .collect_view()}
                </select>
            </FormField>
        }
    };
    let choice = |list: &[(&'static str, &'static str)], now: String| {
        list.iter()
            .map(|(value, label)| view! { <option value=*value selected=now == *value>{*label}</option> })
            .collect_view()
    };
    let format_boxes = REPORT_FORMATS
        .into_iter()
        .map(|f| {
            let on = start.formats.iter().any(|g| g == f);
            view! {
                <label class="checkbox">
                    <input
                        type="checkbox"
                        name="formats"
                        value=f
                        data-testid=format!("format-{f}")
                        checked=on
                        prop:checked=move || formats.with(|v| v.iter().any(|g| g == f))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            formats.update(|v| *v = toggled(v, &f.to_owned(), on));
                        }
                    />
                    {format_label(f)}
                </label>
            }
        })
        .collect_view();
    let formats_error = message_of(error, "formats");
    let destinations_error = message_of(error, "destinations");

    view! {
        // The server's checks are the ones shown (beside each field), so the
        // browser's own bubbles are off.
        <form class="report-form" method="post" novalidate data-testid="report-form" on:submit=on_submit>
            <fieldset class="form-grid form-wide" disabled=move || !hydrated.get()>
                <FormField id="report-name" label=t(lang, Msg::Name) field="name" error=message_of(error, "name")>
                    <input type="text" required maxlength=MAX_REPORT_NAME autocomplete="off" value=start.name bind:value=name />
                </FormField>
                <FormField id="report-description" label=t(lang, Msg::Description) field="description" error=message_of(error, "description")>
                    <input type="text" maxlength=MAX_REPORT_DESCRIPTION autocomplete="off" value=start.description bind:value=description />
                </FormField>
                <Transition fallback=move || template_field(Vec::new())>
                    {move || Suspend::new(async move {
                        template_field(templates.await.map(|l| l.templates).unwrap_or_default())
                    })}
                </Transition>
                <PeriodFields period allow_default=true error />
                <ScheduleFields cron timezone error />
                <div class="form-row">
                    <FormField id="report-figures-zone" label=t(lang, Msg::FiguresZone) field="figures_zone" error=message_of(error, "figures_zone")>
                        <select bind:value=figures_zone>{choice(&[("kst", "KST (UTC+9)"), ("utc", "UTC")], start.figures_zone)}</select>
                    </FormField>
                    <FormField id="report-lang" label=t(lang, Msg::ReportLanguage) field="lang" error=message_of(error, "lang")>
                        <select bind:value=report_lang>{choice(&[("ko", "한국어"), ("en", "English")], start.lang)}</select>
                    </FormField>
                    <FormField id="report-status" label=t(lang, Msg::Status) field="status" error=message_of(error, "status")>
                        <select bind:value=status data-testid="report-status">
                            <option value="active" selected=start.status == "active">{t(lang, Msg::StatusActive)}</option>
                            <option value="paused" selected=start.status == "paused">{t(lang, Msg::StatusPaused)}</option>
                        </select>
                    </FormField>
                </div>
                <fieldset class="field choice-group" aria-describedby="report-formats-error">
                    <legend>{t(lang, Msg::Formats)}</legend>
                    <div class="choices">{format_boxes}</div>
                    <p class="field-error" id="report-formats-error" data-testid="error-formats">{move || formats_error.get()}</p>
                </fieldset>
                <fieldset class="field choice-group" aria-describedby="report-destinations-hint report-destinations-error">
                    <legend>{t(lang, Msg::Destinations)}</legend>
                    <DestinationPicker destinations />
                    <p class="field-hint" id="report-destinations-hint">{t(lang, Msg::DestinationsHint)}</p>
                    <p class="field-error" id="report-destinations-error" data-testid="error-destinations">
                        {move || destinations_error.get()}
                    </p>
                </fieldset>
                {alert}
                {saved}
                <div class="form-actions">
                    <button type="submit" class="button" data-testid="report-save" disabled=move || pending.get()>
                        {t(lang, if id.is_some() { Msg::Save } else { Msg::CreateReport })}
                    </button>
                </div>
            </fieldset>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Period;

    #[test]
    fn a_new_report_starts_paused_on_weekday_mornings_in_seoul() {
        let draft = ReportDraft::of(None);
        assert_eq!((draft.cron.as_str(), draft.timezone.as_str()), ("0 10 * * 1-5", "Asia/Seoul"));
        assert_eq!((draft.status.as_str(), draft.formats.as_slice()), ("paused", &["html".to_owned()][..]));
    }

    #[test]
    fn the_form_becomes_the_input_the_server_reads() {
        let mut draft = ReportDraft::of(None);
        draft.name = "  Weekly KPIs ".into();
        draft.template_id = "7".into();
        draft.formats = vec!["csv".into(), "html".into()];
        draft.period = PeriodDraft { kind: "last_n_days".into(), days: "14".into(), ..PeriodDraft::default() };
        draft.timezone = " ".into();
        draft.destinations = vec![3];
        let input = draft.to_input();
        assert_eq!(input.name, "Weekly KPIs");
        assert_eq!(input.description, None);
        assert_eq!(input.template_id, Some(7));
        assert_eq!(input.formats, Some(vec!["html".to_owned(), "csv".to_owned()]), "in the server's order");
        assert_eq!(input.period, Some(Period { kind: "last_n_days".into(), days: Some(14), ..Period::default() }));
        assert_eq!(input.timezone, None, "an empty zone means the server's default");
        assert_eq!(input.destinations, vec![3]);
        assert_eq!(input.status.as_deref(), Some("paused"));
    }

    #[test]
    fn no_template_chosen_is_sent_as_none_for_the_server_to_name() {
        assert_eq!(ReportDraft::of(None).to_input().template_id, None);
    }

    #[test]
    fn toggling_adds_once_and_removes() {
        let list = vec!["html".to_owned()];
        assert_eq!(toggled(&list, &"csv".to_owned(), true), vec!["html".to_owned(), "csv".to_owned()]);
        assert_eq!(toggled(&list, &"html".to_owned(), true), list);
        assert!(toggled(&list, &"html".to_owned(), false).is_empty());
    }
}
