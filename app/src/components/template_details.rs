//! A template as viewers (and everyone, for a built-in) see it: its
//! category, default period and use, then each section in order with the
//! options it sets, as text.

use leptos::prelude::*;

use crate::i18n::{report_count, t, value_name, Lang, Msg};
use crate::model::{Period, Section, Template};
use crate::use_lang;

/// A period in words (`Last N days (30)`, `2026-01-01 – 2026-01-31`).
pub fn period_words(lang: Lang, period: &Period) -> String {
    match (period.kind.as_str(), period.days, &period.from, &period.to) {
        ("last_n_days", Some(days), _, _) => format!("{} ({days})", value_name(lang, &period.kind)),
        ("fixed", _, Some(from), Some(to)) => format!("{from} – {to}"),
        _ => value_name(lang, &period.kind),
    }
}

/// The options a section sets, as (label, value) pairs.
pub fn section_facts(lang: Lang, section: &Section) -> Vec<(&'static str, String)> {
    let mut facts = Vec::new();
    if let Some(title) = &section.title {
        facts.push((t(lang, Msg::SectionHeading), title.clone()));
    }
    if let Some(chart) = &section.chart {
        facts.push((t(lang, Msg::ChartKind), value_name(lang, chart)));
    }
    if let Some(limit) = section.limit {
        facts.push((t(lang, Msg::RowLimit), limit.to_string()));
    }
    if let Some(metrics) = &section.metrics {
        let names: Vec<String> = metrics.iter().map(|m| value_name(lang, m)).collect();
        facts.push((t(lang, Msg::Metrics), names.join(", ")));
    }
    if let Some(days) = section.lookback_days {
        facts.push((t(lang, Msg::LookbackDays), days.to_string()));
    }
    if let Some(z) = section.min_z {
        facts.push((t(lang, Msg::MinZ), z.to_string()));
    }
    facts
}

/// The read-only view of `template`.
#[component]
pub fn TemplateDetails(
    /// The template.
    template: Template,
) -> impl IntoView {
    let lang = use_lang();
    let sections = template
        .sections
        .iter()
        .map(|section| {
            let facts = section_facts(lang, section);
            let body = section.body.clone();
            view! {
                <li class="section-item" data-testid="section-item" data-kind=section.kind.clone()>
                    <h3 class="section-kind">{value_name(lang, &section.kind)}</h3>
                    {(!facts.is_empty())
                        .then(|| {
                            view! {
                                <dl class="facts">
                                    {facts
                                        .into_iter()
                                        .map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> })
                                        .collect_view()}
                                </dl>
                            }
                        })}
                    {body.map(|body| view! { <pre class="text-block">{body}</pre> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <dl class="facts" data-testid="template-details">
            <div>
                <dt>{t(lang, Msg::Category)}</dt>
                <dd>{value_name(lang, &template.category)}</dd>
            </div>
            <div>
                <dt>{t(lang, Msg::Period)}</dt>
                <dd>{period_words(lang, &template.period)}</dd>
            </div>
            <div>
                <dt>{t(lang, Msg::UsedBy)}</dt>
                <dd>{report_count(lang, template.reports)}</dd>
            </div>
        </dl>
        {(!template.description.is_empty()).then(|| view! { <p class="text-block">{template.description.clone()}</p> })}
        <h3 class="section-title">{t(lang, Msg::Sections)}</h3>
        <ol class="section-list">{sections}</ol>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_worded_with_their_days_or_dates() {
        let days = Period { kind: "last_n_days".into(), days: Some(30), ..Period::default() };
        assert_eq!(period_words(Lang::En, &days), "Last N days (30)");
        let fixed =
            Period { kind: "fixed".into(), from: Some("2026-01-01".into()), to: Some("2026-01-31".into()), days: None };
        assert_eq!(period_words(Lang::En, &fixed), "2026-01-01 – 2026-01-31");
        assert_eq!(period_words(Lang::Ko, &Period { kind: "yesterday".into(), ..Period::default() }), "어제");
    }

    #[test]
    fn a_section_lists_only_the_options_it_sets() {
        let section = Section { kind: "top_countries".into(), limit: Some(10), ..Section::default() };
        assert_eq!(section_facts(Lang::En, &section), vec![("Rows shown", "10".to_owned())]);
        let comparison = Section {
            kind: "comparison".into(),
            metrics: Some(vec!["new_users".into(), "activities".into()]),
            ..Section::default()
        };
        assert_eq!(
            section_facts(Lang::En, &comparison),
            vec![("Figures compared", "New users, Activities".to_owned())]
        );
    }
}
