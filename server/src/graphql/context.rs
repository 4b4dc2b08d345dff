//! What every resolver reads from its context: the server's state (the
//! schema's data) and the request's [`Caller`] (the request's data, put there
//! by [`super::endpoint`] from what the middleware authenticated).

use async_graphql::Context;
use server_core::auth::Caller;
use server_core::error::AppError;
use server_core::state::AppState;

/// The state and the caller of the operation `ctx` belongs to. A request
/// without a caller cannot reach a resolver (the middleware answers 401), so
/// one missing is a wiring fault, reported as such, never served anonymously.
pub fn door<'a>(ctx: &Context<'a>) -> async_graphql::Result<(&'a AppState, &'a Caller)> {
    match (ctx.data_opt::<AppState>(), ctx.data_opt::<Caller>()) {
        (Some(state), Some(caller)) if caller.principal.is_some() => Ok((state, caller)),
        (Some(_), _) => Err(AppError::Unauthorized.into()),
        _ => {
            tracing::error!("GraphQL resolver without the server's state");
            Err(AppError::Internal.into())
        }
    }
}

/// A service's answer for one resource by id: `null` when it does not
/// exist (GraphQL's way), any other error as it is.
pub fn found<T>(result: Result<T, AppError>) -> async_graphql::Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) if matches!(error.kind(), AppError::NotFound { .. }) => Ok(None),
        Err(error) => Err(error.into()),
    }
}
