//! The one error display: a friendly message for the error's kind, its trace id
//! when known, and a retry button when trying again may help.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::use_lang;

/// The message shown for each kind of error.
fn friendly(error: &AppError) -> Msg {
    match error.kind() {
        AppError::Validation { .. }
        | AppError::PayloadTooLarge { .. }
        | AppError::UnsupportedMediaType { .. }
        | AppError::MethodNotAllowed => Msg::ErrorValidation,
        AppError::Unauthorized | AppError::InvalidCredentials | AppError::TotpRequired => Msg::ErrorUnauthorized,
        AppError::Forbidden => Msg::ErrorForbidden,
        AppError::NotFound { .. } => Msg::ErrorNotFound,
        AppError::Conflict { .. } | AppError::IdempotencyInProgress => Msg::ErrorConflict,
        AppError::BusinessRule { .. } | AppError::IdempotencyKeyReused => Msg::ErrorBusinessRule,
        AppError::RateLimited { .. } => Msg::ErrorRateLimited,
        AppError::Unavailable { .. } | AppError::Timeout => Msg::ErrorUnavailable,
        AppError::Internal | AppError::Traced { .. } => Msg::ErrorInternal,
    }
}

/// Shows `error` in place of a widget or page, with the trace id the server
/// logged it under (from the envelope). `on_retry`, if given, is offered only
/// when the error is retryable.
#[component]
pub fn ErrorCard(
    /// What went wrong.
    error: AppError,
    /// Runs the failed request again.
    #[prop(optional, into)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let lang = use_lang();
    let retry = on_retry.filter(|_| error.is_retryable());
    let trace_id = error.trace_id().map(str::to_owned);
    view! {
        <div class="error-card" role="alert" data-code=error.code()>
            <p class="error-title">{t(lang, Msg::ErrorTitle)}</p>
            <p>{t(lang, friendly(&error))}</p>
            {trace_id
                .map(|id| {
                    view! {
                        <p class="error-trace">
                            {t(lang, Msg::ErrorTrace)} ": " <code>{id}</code>
                        </p>
                    }
                })}
            {retry
                .map(|retry| {
                    view! {
                        <button type="button" class="button" on:click=move |_| retry.run(())>
                            {t(lang, Msg::ErrorRetry)}
                        </button>
                    }
                })}
        </div>
    }
}
