//! The days a report covers: a kind (`yesterday`, `last_n_days`, `fixed`, …)
//! and, for the kinds that need them, a number of days or two dates. The
//! report editor adds "the template's" (no override); the template editor
//! requires a kind. The server's message about each part is shown beside it.

use leptos::prelude::*;

use crate::components::field_errors::message_of;
use crate::components::form_field::FormField;
use crate::error::AppError;
use crate::i18n::{t, value_name, Msg};
use crate::model::{Period, MAX_PERIOD_DAYS, PERIOD_KINDS};
use crate::use_lang;

/// A period as the form holds it: text, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeriodDraft {
    /// One of [`PERIOD_KINDS`], or empty for "the template's".
    pub kind: String,
    /// `last_n_days`: the number of days.
    pub days: String,
    /// `fixed`: the first day (`YYYY-MM-DD`).
    pub from: String,
    /// `fixed`: the last day.
    pub to: String,
}

impl PeriodDraft {
    /// The form's values for `period` (none: the template's).
    pub fn of(period: Option<&Period>) -> Self {
        period.map_or_else(Self::default, |p| Self {
            kind: p.kind.clone(),
            days: p.days.map(|d| d.to_string()).unwrap_or_default(),
            from: p.from.clone().unwrap_or_default(),
            to: p.to.clone().unwrap_or_default(),
        })
    }

    /// The period to send: none for "the template's", and only the fields the
    /// kind reads (a number that does not parse is left out, so the server
    /// names the field as missing).
    pub fn to_period(&self) -> Option<Period> {
        let kind = self.kind.trim();
        if kind.is_empty() {
            return None;
        }
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut period = Period { kind: kind.to_owned(), ..Period::default() };
        match kind {
            "last_n_days" => period.days = self.days.trim().parse().ok(),
            "fixed" => {
                period.from = text(&self.from);
                period.to = text(&self.to);
            }
            _ => {}
        }
        Some(period)
    }
}

/// The period's fields as signals, one per control.
#[derive(Clone, Copy, Debug)]
pub struct PeriodSignals {
    kind: RwSignal<String>,
    days: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
}

impl PeriodSignals {
    /// Signals starting at `draft`.
    pub fn new(draft: PeriodDraft) -> Self {
        Self {
            kind: RwSignal::new(draft.kind),
            days: RwSignal::new(draft.days),
            from: RwSignal::new(draft.from),
            to: RwSignal::new(draft.to),
        }
    }

    /// What the controls hold now (not tracked: read when the form is sent).
    pub fn draft(&self) -> PeriodDraft {
        PeriodDraft {
            kind: self.kind.get_untracked(),
            days: self.days.get_untracked(),
            from: self.from.get_untracked(),
            to: self.to.get_untracked(),
        }
    }
}

/// The period's kind and, when the kind needs them, its days or dates.
#[component]
pub fn PeriodFields(
    /// The controls' values.
    period: PeriodSignals,
    /// Offer "the template's" (an empty kind) first.
    #[prop(optional)]
    allow_default: bool,
    /// The last refused save, whose `period.*` messages are shown.
    #[prop(into)]
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let PeriodSignals { kind, days, from, to } = period;
    let start = period.draft();
    let default = allow_default.then(|| {
        let selected = start.kind.is_empty();
        view! { <option value="" selected=selected>{t(lang, Msg::PeriodFromTemplate)}</option> }
    });
    let options = PERIOD_KINDS
        .into_iter()
        .map(|k| view! { <option value=k selected=start.kind == k>{value_name(lang, k)}</option> })
        .collect_view();
    let kind_is = move |k: &str| kind.with(|v| v == k);
    let days_field = move || {
        kind_is("last_n_days").then(|| {
            view! {
                <FormField id="period-days" label=t(lang, Msg::PeriodDays) field="period.days" error=message_of(error, "period.days")>
                    <input type="number" min="1" max=MAX_PERIOD_DAYS step="1" value=days.get_untracked() bind:value=days />
                </FormField>
            }
        })
    };
    let dates = move || {
        kind_is("fixed").then(|| {
            view! {
                <FormField id="period-from" label=t(lang, Msg::RangeFrom) field="period.from" error=message_of(error, "period.from")>
                    <input type="date" value=from.get_untracked() bind:value=from />
                </FormField>
                <FormField id="period-to" label=t(lang, Msg::RangeTo) field="period.to" error=message_of(error, "period.to")>
                    <input type="date" value=to.get_untracked() bind:value=to />
                </FormField>
            }
        })
    };
    view! {
        <div class="form-row" data-testid="period-fields">
            <FormField id="period-kind" label=t(lang, Msg::Period) field="period.kind" error=message_of(error, "period.kind")>
                <select bind:value=kind>{default} {options}</select>
            </FormField>
            {days_field}
            {dates}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: &str, days: &str, from: &str, to: &str) -> PeriodDraft {
        PeriodDraft { kind: kind.into(), days: days.into(), from: from.into(), to: to.into() }
    }

    #[test]
    fn an_empty_kind_keeps_the_template_s_period() {
        assert_eq!(draft("", "5", "", "").to_period(), None);
    }

    #[test]
    fn only_the_kind_s_own_fields_are_sent() {
        let p = draft("last_n_days", " 14 ", "2026-01-01", "").to_period().unwrap();
        assert_eq!((p.kind.as_str(), p.days, p.from), ("last_n_days", Some(14), None));
        let p = draft("fixed", "3", "2026-01-01", " ").to_period().unwrap();
        assert_eq!((p.days, p.from.as_deref(), p.to), (None, Some("2026-01-01"), None));
        let p = draft("yesterday", "3", "x", "y").to_period().unwrap();
        assert_eq!(p, Period { kind: "yesterday".into(), ..Period::default() });
    }

    #[test]
    fn a_number_that_does_not_parse_is_left_for_the_server_to_name() {
        assert_eq!(draft("last_n_days", "ten", "", "").to_period().unwrap().days, None);
    }

    #[test]
    fn a_stored_period_fills_the_form() {
        let p = Period { kind: "last_n_days".into(), days: Some(30), ..Period::default() };
        assert_eq!(PeriodDraft::of(Some(&p)), draft("last_n_days", "30", "", ""));
        assert_eq!(PeriodDraft::of(None), PeriodDraft::default());
    }
}
