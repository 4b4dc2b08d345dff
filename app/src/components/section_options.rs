//! The options of one template section, by kind: the chart a `chart` shows,
//! how many rows `top_countries` (1–50) and `problem_bank` (1–20) list, the
//! figures a `comparison` compares, the baseline and threshold of
//! `anomalies`, and the heading and body of `text`. Each control's id carries
//! the section's key, so a template's sections never share one; the server's
//! message about an option is shown beside it.

use leptos::attr::{aria_describedby, aria_invalid, id as id_attr};
use leptos::prelude::*;

use crate::components::form_field::error_id;
use crate::i18n::{t, value_name, Msg};
use crate::model::{Section, COMPARISON_METRICS, MAX_SECTION_TEXT, REPORT_CHARTS};
use crate::use_lang;

/// The longest section heading, in characters (the server's limit).
const MAX_HEADING: usize = 100;

/// A whole number typed in a field; none when empty or not a number.
fn whole(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

/// A decimal number typed in a field.
fn decimal(text: &str) -> Option<f64> {
    text.trim().parse().ok().filter(|v: &f64| v.is_finite())
}

/// The figures compared once `metric` is ticked or unticked, in the server's
/// order; none (every figure) when all are ticked.
pub fn metrics_toggled(current: Option<&[String]>, metric: &str, on: bool) -> Option<Vec<String>> {
    let picked: Vec<String> = COMPARISON_METRICS
        .iter()
        .filter(|m| if **m == metric { on } else { current.is_none_or(|c| c.iter().any(|x| x == *m)) })
        .map(|m| (*m).to_owned())
        .collect();
    (picked.len() < COMPARISON_METRICS.len()).then_some(picked)
}

/// A textarea's initial text, escaped on the server: Leptos writes
/// `<textarea>` children into the HTML as they are, and a body holding
/// `</textarea>` would end the element early (the problem editor does the same).
pub fn textarea_text(text: String) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    } else {
        text
    }
}

/// One labelled option: the label, the control (given its id and the
/// `aria-*` that point at its message), an optional hint and the message.
fn option_field(
    id: String,
    label: &'static str,
    hint: Option<String>,
    error: Signal<Option<String>>,
    field: &'static str,
    control: AnyView,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() { format!("{hint_id} {}", error_id(&id)) } else { error_id(&id) };
    let invalid = move || error.with(|m| m.is_some().then_some("true"));
    let control = control.add_any_attr((id_attr(id.clone()), aria_invalid(invalid), aria_describedby(described)));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {control}
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
            <p class="field-error" id=error_id(&id) data-testid=format!("section-error-{field}")>
                {move || error.get()}
            </p>
        </div>
    }
}

/// The options of `section`'s kind (none for `stat_summary`).
#[component]
pub fn SectionOptions(
    /// The section being edited.
    section: RwSignal<Section>,
    /// The section's key in its list, for the controls' ids.
    key: u32,
    /// The server's message about one of this section's options (by option name).
    error_of: Callback<&'static str, Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let start = section.get_untracked();
    let id = move |option: &str| format!("section-{key}-{option}");
    let error = move |field: &'static str| Signal::derive(move || error_of.run(field));
    let default_hint = |default: &str| Some(format!("{} ({default})", t(lang, Msg::DefaultHint)));
    match start.kind.as_str() {
        "chart" => {
            let now = start.chart.clone().unwrap_or_default();
            let control = view! {
                <select on:change=move |ev| section.update(|s| s.chart = Some(event_target_value(&ev)))>
                    {REPORT_CHARTS
                        .into_iter()
                        .map(|c| view! { <option value=c selected=now == c>{value_name(lang, c)}</option> })
                        .collect_view()}
                </select>
            };
            option_field(id("chart"), t(lang, Msg::ChartKind), None, error("chart"), "chart", control.into_any())
                .into_any()
        }
        kind @ ("top_countries" | "problem_bank") => {
            let (max, default) = if kind == "top_countries" { (50, "10") } else { (20, "5") };
            let control = view! {
                <input
                    type="number"
                    min="1"
                    max=max
                    step="1"
                    placeholder=default
                    value=start.limit.map(|v| v.to_string())
                    on:input=move |ev| section.update(|s| s.limit = whole(&event_target_value(&ev)))
                />
            };
            option_field(
                id("limit"),
                t(lang, Msg::RowLimit),
                default_hint(default),
                error("limit"),
                "limit",
                control.into_any(),
            )
            .into_any()
        }
        "comparison" => comparison(section, key, error("metrics")).into_any(),
        "anomalies" => {
            let lookback = view! {
                <input
                    type="number"
                    min="7"
                    max="90"
                    step="1"
                    placeholder="28"
                    value=start.lookback_days.map(|v| v.to_string())
                    on:input=move |ev| section.update(|s| s.lookback_days = whole(&event_target_value(&ev)))
                />
            };
            let min_z = view! {
                <input
                    type="number"
                    min="1.5"
                    max="10"
                    step="0.5"
                    placeholder="3"
                    value=start.min_z.map(|v| v.to_string())
                    on:input=move |ev| section.update(|s| s.min_z = decimal(&event_target_value(&ev)))
                />
            };
            view! {
                <div class="form-row">
                    {option_field(id("lookback"), t(lang, Msg::LookbackDays), default_hint("28"), error("lookback_days"), "lookback_days", lookback.into_any())}
                    {option_field(id("min-z"), t(lang, Msg::MinZ), default_hint("3"), error("min_z"), "min_z", min_z.into_any())}
                </div>
            }
            .into_any()
        }
        "text" => {
            let title = view! {
                <input
                    type="text"
                    maxlength=MAX_HEADING
                    autocomplete="off"
                    value=start.title.clone()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        section.update(|s| s.title = (!v.trim().is_empty()).then_some(v));
                    }
                />
            };
            let body = view! {
                <textarea
                    rows="5"
                    maxlength=MAX_SECTION_TEXT
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        section.update(|s| s.body = (!v.trim().is_empty()).then_some(v));
                    }
                >
                    {textarea_text(start.body.clone().unwrap_or_default())}
                </textarea>
            };
            view! {
                {option_field(id("title"), t(lang, Msg::SectionHeading), None, error("title"), "title", title.into_any())}
                {option_field(
                    id("body"),
                    t(lang, Msg::SectionBody),
                    Some(t(lang, Msg::SectionBodyHint).to_owned()),
                    error("body"),
                    "body",
                    body.into_any(),
                )}
            }
            .into_any()
        }
        _ => ().into_any(),
    }
}

/// The figures a comparison compares, as checkboxes (all ticked: all figures).
fn comparison(section: RwSignal<Section>, key: u32, error: Signal<Option<String>>) -> impl IntoView {
    let lang = use_lang();
    let (error_id, described_by) = (format!("section-{key}-metrics-error"), format!("section-{key}-metrics-error"));
    let ticked = move |metric: &str| section.with(|s| s.metrics.as_ref().is_none_or(|m| m.iter().any(|x| x == metric)));
    let boxes = COMPARISON_METRICS
        .into_iter()
        .map(|metric| {
            let on = ticked(metric);
            view! {
                <label class="checkbox">
                    <input
                        type="checkbox"
                        value=metric
                        checked=on
                        prop:checked=move || ticked(metric)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            section.update(|s| s.metrics = metrics_toggled(s.metrics.as_deref(), metric, on));
                        }
                    />
                    {value_name(lang, metric)}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field choice-group" aria-describedby=described_by>
            <legend>{t(lang, Msg::Metrics)}</legend>
            <div class="choices">{boxes}</div>
            <p class="field-hint">{t(lang, Msg::AllMetricsHint)}</p>
            <p class="field-error" id=error_id data-testid="section-error-metrics">{move || error.get()}</p>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn unticking_a_figure_from_all_leaves_the_others_in_order() {
        assert_eq!(
            metrics_toggled(None, "active_users", false),
            Some(list(&["new_users", "activities", "new_problems"]))
        );
    }

    #[test]
    fn ticking_every_figure_means_all_again() {
        let three = list(&["new_users", "activities", "new_problems"]);
        assert_eq!(metrics_toggled(Some(&three), "active_users", true), None);
    }

    #[test]
    fn unticking_the_last_figure_is_sent_for_the_server_to_refuse() {
        assert_eq!(metrics_toggled(Some(&list(&["activities"])), "activities", false), Some(Vec::new()));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_text_body_cannot_end_its_textarea_early() {
        let owner = Owner::new();
        let html = owner.with(|| {
            let section = RwSignal::new(Section {
                kind: "text".into(),
                body: Some("</textarea><script>alert(1)</script>".into()),
                ..Section::default()
            });
            let error_of = Callback::new(|_: &'static str| None::<String>);
            view! { <SectionOptions section key=3 error_of /> }.to_html()
        });
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;/textarea&gt;"), "{html}");
        assert!(html.contains(r#"id="section-3-body""#), "{html}");
    }

    #[test]
    fn typed_numbers_are_read_or_left_out() {
        assert_eq!(whole(" 12 "), Some(12));
        assert_eq!(whole(""), None);
        assert_eq!(whole("1.5"), None);
        assert_eq!(decimal("2.5"), Some(2.5));
        assert_eq!(decimal("NaN"), None);
    }
}
