//! Who is signed in, as the UI needs to know it (what to show, what to hide):
//! from the request's principal on the server, from the attributes the server
//! wrote on `<html>` (`data-account`, `data-role`) in the browser, so both
//! render the same page. The server checks roles on every call regardless.

use crate::model::Role;

/// The signed-in person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentUser {
    /// Their e-mail.
    pub email: String,
    /// Their role.
    pub role: Role,
}

impl CurrentUser {
    /// Whether they may do what needs `role`.
    pub fn can(&self, role: Role) -> bool {
        self.role >= role
    }

    /// The user of the request being rendered.
    #[cfg(feature = "ssr")]
    pub fn from_request() -> Option<Self> {
        let caller = crate::api::caller();
        let principal = caller.principal.as_ref()?;
        Some(Self { email: principal.name.clone(), role: principal.role })
    }

    /// The user the server rendered the page for.
    #[cfg(feature = "hydrate")]
    pub fn from_document() -> Option<Self> {
        let html = web_sys::window()?.document()?.document_element()?;
        let email = html.get_attribute("data-account").filter(|e| !e.is_empty())?;
        let role = Role::parse(&html.get_attribute("data-role")?)?;
        Some(Self { email, role })
    }
}

/// The signed-in user, if any.
pub fn use_current_user() -> Option<CurrentUser> {
    leptos::prelude::use_context::<Option<CurrentUser>>().flatten()
}

/// Whether the signed-in user may do what needs `role`.
pub fn user_can(role: Role) -> bool {
    use_current_user().is_some_and(|u| u.can(role))
}

/// A signal that turns true once the page is hydrated (effects run only in the
/// browser): forms stay disabled until then, since the server-rendered inputs
/// would lose what is typed and could not be sent.
pub fn use_hydrated() -> leptos::prelude::RwSignal<bool> {
    use leptos::prelude::{Effect, RwSignal, Set};
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    hydrated
}
