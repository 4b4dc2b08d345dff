//! What a create form under a list does once the server has taken it: its
//! fields go back to their starting values and the list is fetched again, so
//! the new row shows and the form is ready for the next one (the accounts and
//! API-keys panels).

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// After each successful answer in `answer` (the create action's `value()`),
/// runs `reset` (each field back to its starting value) and refetches `list`.
/// A refused answer leaves both alone: what was typed stays, to be corrected
/// beside the server's message.
///
/// ```ignore
/// reset_and_refetch(create.value(), move || name.set(String::new()), keys);
/// ```
pub fn reset_and_refetch<O, E, T>(
    answer: impl Into<Signal<Option<Result<O, E>>>>,
    reset: impl Fn() + 'static,
    list: Resource<T>,
) where
    O: Send + Sync + 'static,
    E: Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let answer = answer.into();
    Effect::new(move |_| {
        // Decided first, acted on after: `reset` writes signals, never inside a read.
        if answer.with(|a| matches!(a, Some(Ok(_)))) {
            reset();
            list.refetch();
        }
    });
}
