//! The server's message about one field of a form, read from the form's last
//! refused answer: the report and template editors name fields the server
//! builds from indexes (`sections[2].limit`, `period.days`), so they look
//! messages up by name rather than through a fixed list.

use leptos::prelude::*;

use crate::components::password_form::field_message;
use crate::error::AppError;

/// The error of a form's last answer, if it was refused (`None` after a
/// success or before the first answer).
pub fn refused<T>(answer: Option<&Result<T, AppError>>) -> Option<AppError> {
    answer.and_then(|r| r.as_ref().err()).cloned()
}

/// A signal with the server's message about `field` in `error`, live.
pub fn message_of(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| field_message(e, &[field]))))
}

/// The server's message about the field named `field` (built at run time).
pub fn message_for(error: Option<&AppError>, field: &str) -> Option<String> {
    error.and_then(|e| field_message(e, &[field]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    #[test]
    fn a_field_built_from_an_index_finds_its_message() {
        let error = AppError::Validation {
            message: "the request has invalid fields".into(),
            fields: vec![FieldError { field: "sections[2].limit".into(), message: "must be 1–50".into() }],
        };
        assert_eq!(message_for(Some(&error), "sections[2].limit").as_deref(), Some("must be 1–50"));
        assert_eq!(message_for(Some(&error), "sections[1].limit"), None);
        assert_eq!(message_for(None, "name"), None);
        let ok: Result<(), AppError> = Ok(());
        assert_eq!(refused(Some(&ok)), None);
        assert_eq!(refused(Some(&Err::<(), _>(error.clone()))), Some(error));
    }
}
