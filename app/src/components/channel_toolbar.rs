//! What an editor does to a channel from its page: "Send a test" (one
//! attempt now; the result is shown and the delivery log fetched again),
//! "Rotate signing secret" for a webhook (asked first: the old secret stops
//! working at once; the new one is shown once) and "Delete" (asked first; a
//! channel a report sends to is refused, in words naming the reports). The
//! outcome of the latest action shows under the buttons.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::channels::{DeleteChannel, RotateChannelSecret, TestChannel};
use crate::components::channels_table::refusal;
use crate::components::confirm_delete::ConfirmDelete;
use crate::components::rotate_secret_button::RotateSecretButton;
use crate::error::AppError;
use crate::i18n::{t, test_result, Lang, Msg};
use crate::model::{Channel, Delivery};
use crate::use_lang;

/// A secret the server just sent, for the channel with that id.
pub type ShownSecret = RwSignal<Option<(i64, String)>>;

/// The buttons and the outcome of the latest one.
#[component]
pub fn ChannelToolbar(
    /// The channel, updated after a rotation.
    channel: RwSignal<Channel>,
    /// Where a new signing secret goes to be shown once.
    secret: ShownSecret,
    /// Runs after each test send (to fetch the log again).
    #[prop(into)]
    on_tested: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let id = channel.with_untracked(|c| c.id);
    let test = ServerAction::<TestChannel>::new();
    let rotate = ServerAction::<RotateChannelSecret>::new();
    let delete = ServerAction::<DeleteChannel>::new();
    let confirming = RwSignal::new(None::<i64>);
    let hydrated = crate::session::use_hydrated();
    let busy = Signal::derive(move || {
        !hydrated.get() || test.pending().get() || rotate.pending().get() || delete.pending().get()
    });
    // Only the latest action's outcome is shown.
    let clear = move || {
        test.value().set(None);
        rotate.value().set(None);
        delete.value().set(None);
    };
    let tested = test.version();
    Effect::watch(move || tested.get(), move |_, _, _| on_tested.run(()), false);
    Effect::new(move |_| {
        if let Some(Ok(rotated)) = rotate.value().get() {
            if let Some(new_secret) = rotated.signing_secret {
                secret.set(Some((id, new_secret)));
            }
            channel.set(rotated.channel);
        }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate("/settings/channels", Default::default());
        }
    });
    let on_delete = move |()| {
        clear();
        delete.dispatch(DeleteChannel { id });
    };
    let on_rotate = Callback::new(move |()| {
        clear();
        rotate.dispatch(RotateChannelSecret { id });
    });
    let rotate_button = move || {
        channel.with(|c| c.kind == "webhook").then(|| view! { <RotateSecretButton busy on_confirm=on_rotate /> })
    };
    let outcome = move || {
        if let Some(answer) = test.value().get() {
            return Some(test_outcome(lang, answer));
        }
        let failed = rotate
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()).map(|e| (None, e)))
            .or_else(|| {
                delete
                    .value()
                    .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
                    .map(|e| (Some(Msg::CannotDelete), e))
            });
        failed.map(|(lead, error)| refusal(lang, lead, error))
    };
    let name = channel.with_untracked(|c| c.name.clone());
    view! {
        <div class="toolbar" data-testid="channel-toolbar">
            <button
                type="button"
                class="button"
                data-testid="send-test"
                disabled=move || busy.get()
                on:click=move |_| {
                    clear();
                    test.dispatch(TestChannel { id });
                }
            >
                {t(lang, Msg::SendTest)}
            </button>
            {rotate_button}
            <span class="row-actions">
                <ConfirmDelete id name confirming testid="channel" busy on_confirm=on_delete />
            </span>
        </div>
        <div class="toolbar-outcome" aria-live="polite">{outcome}</div>
    }
}

/// What a test send did: delivered, or failed with the receiver's status and
/// error; or why it could not be sent at all.
fn test_outcome(lang: Lang, answer: Result<Delivery, AppError>) -> AnyView {
    match answer {
        Ok(delivery) => {
            let delivered = delivery.status == "delivered";
            let text = test_result(lang, delivered, delivery.last_status_code, delivery.last_error.as_deref());
            let class = if delivered { "form-note" } else { "form-error" };
            view! {
                <p class=class role="status" data-testid="test-result" data-status=delivery.status>
                    {text}
                </p>
            }
            .into_any()
        }
        Err(error) => refusal(lang, None, error),
    }
}
