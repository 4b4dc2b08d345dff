//! The time-range picker: a link per named range and a custom from–to form.
//! The range lives in the URL query, so a view is shareable and the browser's
//! back and forward buttons move between ranges.

use leptos::prelude::*;
use leptos_router::components::Form;

use crate::i18n::{t, Msg};
use crate::model::range::{Preset, RangeQuery};
use crate::use_lang;

/// The label of a preset.
fn label(preset: Preset) -> Msg {
    match preset {
        Preset::Today => Msg::RangeToday,
        Preset::Days7 => Msg::Range7d,
        Preset::Days30 => Msg::Range30d,
        Preset::Days90 => Msg::Range90d,
        Preset::Months12 => Msg::Range12m,
        Preset::Custom => Msg::RangeCustom,
    }
}

/// The picker for the page at `path`, showing `current` as selected.
#[component]
pub fn RangePicker(
    /// The page the links stay on.
    path: &'static str,
    /// The range in the URL now.
    #[prop(into)]
    current: Signal<RangeQuery>,
) -> impl IntoView {
    let lang = use_lang();
    let presets = Preset::ALL
        .into_iter()
        .filter(|p| *p != Preset::Custom)
        .map(|preset| {
            let href = format!("{path}?{}", RangeQuery::preset(preset).to_query());
            let selected = move || (current.get().preset == preset).then_some("page");
            view! {
                // A plain link (the router still handles it in place): `<A>` marks every
                // link to this page as current, whatever its query.
                <a href=href class="range-option" aria-current=selected data-range=preset.as_str()>
                    {t(lang, label(preset))}
                </a>
            }
        })
        .collect_view();
    let custom_open = move || current.get().preset == Preset::Custom;
    let from = move || current.get().from.map(|d| d.to_string()).unwrap_or_default();
    let to = move || current.get().to.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <nav class="range-picker" aria-label=t(lang, Msg::TimeRange)>
            <div class="range-options">{presets}</div>
            <details class="range-custom" open=custom_open>
                <summary class="range-option" aria-current=move || custom_open().then_some("page")>
                    {t(lang, Msg::RangeCustom)}
                </summary>
                <Form method="get" action=path>
                    <input type="hidden" name="range" value="custom" />
                    <label>
                        {t(lang, Msg::RangeFrom)}
                        <input type="date" name="from" required prop:value=from />
                    </label>
                    <label>
                        {t(lang, Msg::RangeTo)}
                        <input type="date" name="to" required prop:value=to />
                    </label>
                    <button type="submit" class="button">
                        {t(lang, Msg::Apply)}
                    </button>
                </Form>
            </details>
        </nav>
    }
}
