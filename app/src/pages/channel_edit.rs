//! `/settings/channels/new` and `/settings/channels/:id`: a new channel's
//! form (editors), or a channel's page: where it points, the reports using
//! it, for editors "Send a test", "Rotate signing secret", "Delete" and the
//! form, and for everyone its delivery log. A webhook's signing secret is
//! shown once, after the save or rotation that made it. An unknown id gets
//! the not-found message, with status 404.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::channels::get_channel;
use crate::components::channel_details::ChannelDetails;
use crate::components::channel_form::ChannelForm;
use crate::components::channel_toolbar::{ChannelToolbar, ShownSecret};
use crate::components::delivery_log::DeliveryLog;
use crate::components::error_card::ErrorCard;
use crate::components::panel::Panel;
use crate::components::signing_secret::SigningSecretBox;
use crate::error::AppError;
use crate::i18n::{t, value_name, Msg};
use crate::model::{Channel, CreatedChannel, Role};
use crate::pages::not_found_status;
use crate::pages::report_edit::target;
use crate::session::user_can;
use crate::use_lang;

/// The channel page (new or existing) as a route whose code is a WASM chunk
/// of its own. On the server it renders like any other page.
pub struct ChannelEditRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for ChannelEditRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <ChannelEditPage /> }.into_any()
    }
}

/// The channel page, new or existing. One route serves both (`new` is read
/// as "a new channel"), so going from the new channel's form to its page
/// changes only the id: this page stays, and with it the signing secret the
/// create answered with, shown once on the channel's page.
#[component]
pub fn ChannelEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| target(p.get_str("id"))));
    let secret: ShownSecret = RwSignal::new(None);
    let body = move || match id.get() {
        None => new_channel(secret).into_any(),
        Some(id) => view! { <ExistingChannel id secret /> }.into_any(),
    };
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::ChannelsTitle)) />
        <p class="breadcrumb">
            <a href="/settings/channels">{t(lang, Msg::BackToChannels)}</a>
        </p>
        {body}
    }
}

/// The empty form (editors; viewers are told they may not). Once saved, the
/// channel's page, with the signing secret if one was made.
fn new_channel(secret: ShownSecret) -> impl IntoView {
    let lang = use_lang();
    if !user_can(Role::Editor) {
        return view! { <ErrorCard error=AppError::Forbidden /> }.into_any();
    }
    let made = RwSignal::new(None::<i64>);
    let on_saved = move |created: CreatedChannel| {
        let id = created.channel.id;
        secret.set(created.signing_secret.map(|s| (id, s)));
        made.set(Some(id));
    };
    // Navigation is not `Send`, so it runs here rather than in the callback.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(id) = made.get() {
            navigate(&format!("/settings/channels/{id}"), Default::default());
        }
    });
    view! {
        <h1 class="page-title">{t(lang, Msg::NewChannel)}</h1>
        <section class="panel">
            <ChannelForm channel=None on_saved />
        </section>
    }
    .into_any()
}

/// The channel with id `id`, once loaded.
#[component]
fn ExistingChannel(id: Option<i64>, secret: ShownSecret) -> impl IntoView {
    let channel = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_channel(id).await,
                None => Err(AppError::NotFound { what: "channel".into() }),
            }
        },
    );
    let body = move || {
        Suspend::new(async move {
            match channel.await {
                Ok(found) => view! { <ChannelView channel=found secret /> }.into_any(),
                Err(error) => {
                    not_found_status(&error);
                    view! { <ErrorCard error on_retry=Callback::new(move |_| channel.refetch()) /> }.into_any()
                }
            }
        })
    };
    view! { <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>{body}</Transition> }
}

/// The heading with the kind, the editor's buttons, the secret just made,
/// the facts, the form (editors) and the delivery log.
#[component]
fn ChannelView(channel: Channel, secret: ShownSecret) -> impl IntoView {
    let lang = use_lang();
    let id = channel.id;
    let editor = user_can(Role::Editor);
    let current = RwSignal::new(channel.clone());
    // Bumped after each test send: the log is fetched again.
    let refresh = RwSignal::new(0_usize);
    let toolbar = editor.then(|| {
        let on_tested = move |()| refresh.update(|n| *n += 1);
        view! { <ChannelToolbar channel=current secret on_tested /> }
    });
    let shown =
        move || secret.get().filter(|(owner, _)| *owner == id).map(|(_, secret)| view! { <SigningSecretBox secret /> });
    let form = editor.then(|| {
        let on_saved = move |saved: CreatedChannel| {
            // Turned into a webhook: its new secret, once.
            if let Some(new_secret) = saved.signing_secret {
                secret.set(Some((id, new_secret)));
            }
            current.set(saved.channel);
        };
        view! {
            <Panel id="channel-settings-title" title=t(lang, Msg::ChannelSettings)>
                <ChannelForm channel=Some(channel) on_saved />
            </Panel>
        }
    });
    view! {
        <div class="page-head">
            <h1 class="page-title" data-testid="channel-heading">
                {move || current.with(|c| c.name.clone())}
            </h1>
            <div class="head-actions">
                <span class="badge badge-neutral" data-testid="channel-kind">
                    {move || current.with(|c| value_name(lang, &c.kind))}
                </span>
            </div>
        </div>
        {toolbar}
        {shown}
        <section class="panel" aria-label=t(lang, Msg::ChannelsTitle)>
            <ChannelDetails channel=current />
        </section>
        {form}
        <DeliveryLog channel_id=id refresh />
    }
}
