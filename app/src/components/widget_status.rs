//! The states every data widget shares: a skeleton while its data
//! loads, an empty state, an error card with retry, and, once loaded, whatever
//! the widget puts over or beside its drawing (a text equivalent, say).

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::components::error_card::ErrorCard;
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::use_lang;

/// Renders the state of `resource` over a widget: the skeleton while loading,
/// `empty_message` when `is_empty` says there is nothing to show, the error card
/// (retry refetches) on failure, and `ready(data)` otherwise.
#[component]
pub fn WidgetStatus<T>(
    /// The widget's data.
    resource: Resource<Result<T, AppError>>,
    /// Whether loaded data has nothing to show.
    is_empty: fn(&T) -> bool,
    /// What the empty state says.
    #[prop(default = Msg::NoUsersYet)]
    empty_message: Msg,
    /// The placeholder while loading (default: a skeleton over the widget).
    #[prop(optional)]
    fallback: Option<fn() -> AnyView>,
    /// What to show once the data is there (often nothing: the drawing is enough).
    #[prop(optional)]
    ready: Option<fn(&T) -> AnyView>,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let lang = use_lang();
    view! {
        <Transition fallback=move || {
            fallback
                .map_or_else(|| view! { <div class="widget-overlay skeleton" aria-hidden="true"></div> }.into_any(), |f| f())
        }>
            {move || Suspend::new(async move {
                match resource.await {
                    Err(error) => {
                        view! {
                            <div class="widget-overlay">
                                <ErrorCard error on_retry=Callback::new(move |_| resource.refetch()) />
                            </div>
                        }
                            .into_any()
                    }
                    Ok(data) if is_empty(&data) => {
                        view! { <p class="widget-overlay empty-state">{t(lang, empty_message)}</p> }.into_any()
                    }
                    Ok(data) => ready.map_or_else(|| ().into_any(), |ready| ready(&data)),
                }
            })}
        </Transition>
    }
}
