//! Moving the keyboard focus after a redraw: a button that is replaced or
//! moved (a row's delete confirmation, a section moved up) would otherwise
//! leave the focus on the page's body.

use leptos::prelude::*;

/// Focuses `button` once the browser has drawn the change that is under way.
pub fn focus_later(button: NodeRef<leptos::html::Button>) {
    request_animation_frame(move || {
        if let Some(button) = button.get_untracked() {
            // Nothing to do if it fails: the focus stays where the browser put it.
            let _ = button.focus();
        }
    });
}
