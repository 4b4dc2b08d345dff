//! A filter's select whose value lives in the URL query: it shows what the URL
//! says (also after the back button) and sends its choice with the filter form.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::form_field::FormField;
use crate::components::list_pager::given;
use crate::components::query_input::later;
use crate::i18n::{t, Lang, Msg};

/// Choices as (value, label) pairs from values and their words.
pub fn choices(lang: Lang, list: &[(&str, Msg)]) -> Vec<(String, String)> {
    list.iter().map(|(value, msg)| ((*value).to_owned(), t(lang, *msg).to_owned())).collect()
}

/// A labelled select named `name`, showing the URL's value of `name` (or
/// `default` when the URL has none).
#[component]
pub fn QuerySelect(
    /// The control's id.
    id: &'static str,
    /// The query key it sets.
    name: &'static str,
    /// The label text.
    label: &'static str,
    /// (value, label) pairs, in order.
    choices: Vec<(String, String)>,
    /// The value meant when the URL does not say (`""`: all).
    #[prop(optional)]
    default: &'static str,
) -> impl IntoView {
    let query = use_query_map();
    let current = Memo::new(move |_| query.with(|q| given(q, name)).unwrap_or_else(|| default.to_owned()));
    view! {
        <FormField id=id label=label>
            <select name=name prop:value=later(move || current.get())>
                {choices
                    .into_iter()
                    .map(|(value, text)| {
                        let option = value.clone();
                        view! {
                            <option value=value selected=move || current.with(|c| *c == option)>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </FormField>
    }
}
