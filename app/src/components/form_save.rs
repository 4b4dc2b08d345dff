//! A create-or-edit form's two server actions seen as one save: its latest
//! answer, whether it runs and what it refused (for the fields and the alert),
//! and where a save leads. The problem, template, report and channel forms
//! are made with it.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_navigate;

use crate::components::field_errors::refused;
use crate::error::AppError;

/// One save made of a create and an update action.
pub struct FormSave<T: Send + Sync + 'static> {
    /// The latest answer of the action in use (update while editing).
    pub result: Signal<Option<Result<T, AppError>>>,
    /// Whether either action runs.
    pub pending: Signal<bool>,
    /// What the latest answer refused, if anything.
    pub error: Signal<Option<AppError>>,
}

// By hand: the derives would ask `T: Copy`, and signals are copies whatever they hold.
impl<T: Send + Sync + 'static> Clone for FormSave<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for FormSave<T> {}

impl<T: Clone + Send + Sync + 'static> FormSave<T> {
    /// The save of a form that creates with `create`, or edits with `update`
    /// when `editing`.
    pub fn new<C, U>(editing: bool, create: ServerAction<C>, update: ServerAction<U>) -> Self
    where
        C: ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
        U: ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    {
        let result = Signal::derive(move || if editing { update.value().get() } else { create.value().get() });
        let pending = Signal::derive(move || create.pending().get() || update.pending().get());
        let error = Signal::derive(move || result.with(|r| refused(r.as_ref())));
        Self { result, pending, error }
    }

    /// After each successful save: a new record continues on its own page
    /// (`page_of` it), an edited one goes to `on_saved`.
    pub fn follow(self, editing: bool, page_of: fn(&T) -> String, on_saved: Option<Callback<T>>) {
        let navigate = use_navigate();
        Effect::new(move |_| match self.result.get() {
            Some(Ok(saved)) if !editing => navigate(&page_of(&saved), Default::default()),
            Some(Ok(saved)) => {
                if let Some(on_saved) = on_saved {
                    on_saved.run(saved);
                }
            }
            _ => {}
        });
    }
}
