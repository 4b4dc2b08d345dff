//! `/users/:id`: one user's facts (editors can change their tier)
//! and their activity timeline. An unknown id gets the not-found message, and
//! the page is sent with status 404.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::users::get_user;
use crate::components::activity_timeline::ActivityTimeline;
use crate::components::error_card::ErrorCard;
use crate::components::panel::Panel;
use crate::components::user_card::UserCard;
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::pages::not_found_status;
use crate::use_lang;

/// The user detail page as a route whose code is a WASM chunk of its own, fetched
/// the first time the page is shown: the dashboard loads without it. On the
/// server it renders like any other page.
pub struct UserDetailRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for UserDetailRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <UserDetailPage /> }.into_any()
    }
}

/// The user detail page.
#[component]
pub fn UserDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get_str("id").and_then(|id| id.parse::<i64>().ok())));
    let user = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_user(id).await,
                None => Err(AppError::NotFound { what: "user".into() }),
            }
        },
    );
    let body = move || {
        Suspend::new(async move {
            match user.await {
                Err(error) => {
                    not_found_status(&error);
                    view! { <ErrorCard error on_retry=Callback::new(move |_| user.refetch()) /> }.into_any()
                }
                Ok(detail) => {
                    let (user_id, name) = (detail.id, detail.username.clone());
                    view! {
                        <h1 class="page-title" data-testid="user-heading">{name}</h1>
                        <Panel id="user-card-title" title=t(lang, Msg::UserDetailTitle)>
                            <UserCard user=detail />
                        </Panel>
                        <Panel id="timeline-title" title=t(lang, Msg::ActivityTimeline)>
                            <ActivityTimeline user_id />
                        </Panel>
                    }
                    .into_any()
                }
            }
        })
    };
    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::UserDetailTitle)) />
        <p class="breadcrumb">
            <a href="/users">{t(lang, Msg::BackToUsers)}</a>
        </p>
        <Transition fallback=|| view! { <div class="skeleton block-skeleton" aria-hidden="true"></div> }>{body}</Transition>
    }
}
