//! `/audit`: the audit log (admins), newest first. The filters and the page
//! position live in the URL query (`?action=auth.&outcome=failure&cursor=…`,
//! the opaque `meta.next_cursor` of the page before), so a view can be shared
//! and the browser's back button returns to it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::audit::list_audit;
use crate::components::error_card::ErrorCard;
use crate::components::form_field::FormField;
use crate::components::list_pager::encode;
use crate::components::query_input::later;
use crate::i18n::{format_datetime, t, Msg};
use crate::model::{self, AuditEntry, AuditQuery};
use crate::{use_lang, use_prefs};

/// The link to the audit log with `query`'s filters, at the page `cursor`
/// starts (or the newest records).
fn page_href(query: &AuditQuery, cursor: Option<&str>) -> String {
    let filters = [("action", &query.action), ("actor", &query.actor), ("outcome", &query.outcome)];
    let mut parts: Vec<String> =
        filters.iter().filter_map(|(key, value)| value.as_deref().map(|v| format!("{key}={}", encode(v)))).collect();
    parts.extend(cursor.map(|c| format!("cursor={}", encode(c))));
    if parts.is_empty() {
        "/audit".to_owned()
    } else {
        format!("/audit?{}", parts.join("&"))
    }
}

/// A query value, if it says anything.
fn given(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The audit log page as a route whose code is a WASM chunk of its own, fetched
/// the first time the page is shown: the dashboard loads without it. On the
/// server it renders like any other page.
pub struct AuditRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for AuditRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <AuditPage /> }.into_any()
    }
}

/// The audit log page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| AuditQuery {
            action: given(q.get("action")),
            actor: given(q.get("actor")),
            outcome: given(q.get("outcome")).filter(|o| o == "success" || o == "failure"),
            cursor: given(q.get("cursor")),
            per_page: None,
        })
    });
    let records = Resource::new(move || filters.get(), list_audit);
    let action = move || filters.get().action.unwrap_or_default();
    let actor = move || filters.get().actor.unwrap_or_default();
    let outcome = move || filters.get().outcome.unwrap_or_default();
    let list = move || {
        Suspend::new(async move {
            match records.await {
                Err(error) => {
                    view! { <ErrorCard error on_retry=Callback::new(move |_| records.refetch()) /> }.into_any()
                }
                Ok(page) if page.entries.is_empty() => {
                    view! { <p class="empty-note">{t(lang, Msg::NoAuditEntries)}</p> }.into_any()
                }
                Ok(page) => records_view(page, filters.get_untracked()).into_any(),
            }
        })
    };

    view! {
        <Title text=format!("{} · DreamSeed Admin", t(lang, Msg::AuditTitle)) />
        <h1 class="page-title">{t(lang, Msg::AuditTitle)}</h1>
        <p class="muted">{t(lang, Msg::AuditNewestFirst)}</p>
        <div class="audit-filters">
            <Form method="get" action="/audit">
                // The prefix hint sits under the whole row, so it is a note, not the field's hint.
                // The URL's values are in the HTML (they show before the WASM
                // loads) and follow the URL afterwards (back and forward).
                <FormField id="audit-action" label=t(lang, Msg::Action) note="audit-action-hint">
                    <input type="text" name="action" autocomplete="off" value=action prop:value=later(action) />
                </FormField>
                <FormField id="audit-actor" label=t(lang, Msg::Actor)>
                    <input type="text" name="actor" autocomplete="off" value=actor prop:value=later(actor) />
                </FormField>
                <FormField id="audit-outcome" label=t(lang, Msg::Outcome)>
                    <select name="outcome">
                        {[("", Msg::OutcomeAll), ("success", Msg::OutcomeSuccess), ("failure", Msg::OutcomeFailure)]
                            .into_iter()
                            .map(|(value, msg)| {
                                view! {
                                    <option value=value selected=move || outcome() == value>
                                        {t(lang, msg)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </FormField>
                <button type="submit" class="button">
                    {t(lang, Msg::Filter)}
                </button>
            </Form>
            <p class="muted small" id="audit-action-hint">
                {t(lang, Msg::ActionPrefixHint)}
            </p>
        </div>
        <section class="panel table-panel">
            <Transition fallback=|| {
                view! { <div class="skeleton table-skeleton" aria-hidden="true"></div> }
            }>{list}</Transition>
        </section>
    }
}

/// One page of records and the links to the pages around it.
fn records_view(page: model::AuditPage, query: AuditQuery) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let older = page.meta.next_cursor.map(|cursor| {
        view! {
            <a class="button button-quiet" href=page_href(&query, Some(&cursor)) data-testid="audit-older">
                {t(lang, Msg::OlderEntries)}
            </a>
        }
    });
    let newest = query.cursor.is_some().then(|| {
        view! {
            <a class="button button-quiet" href=page_href(&query, None)>
                {t(lang, Msg::NewestEntries)}
            </a>
        }
    });
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="audit-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::Time)}</th>
                        <th scope="col">{t(lang, Msg::Actor)}</th>
                        <th scope="col">{t(lang, Msg::Action)}</th>
                        <th scope="col">{t(lang, Msg::Target)}</th>
                        <th scope="col">{t(lang, Msg::Outcome)}</th>
                        <th scope="col">{t(lang, Msg::IpAddress)}</th>
                        <th scope="col">{t(lang, Msg::ErrorTrace)}</th>
                    </tr>
                </thead>
                <tbody>{page.entries.into_iter().map(|entry| row(entry, lang, zone)).collect_view()}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=t(lang, Msg::AuditTitle)>
            {newest}
            {older}
        </nav>
    }
}

fn row(entry: AuditEntry, lang: crate::i18n::Lang, zone: model::range::Zone) -> impl IntoView {
    let success = entry.outcome == "success";
    let (action, outcome_name) = (entry.action.clone(), entry.outcome.clone());
    let (badge, outcome) =
        if success { ("badge badge-ok", Msg::OutcomeSuccess) } else { ("badge badge-bad", Msg::OutcomeFailure) };
    view! {
        <tr data-action=action data-outcome=outcome_name>
            <td>{format_datetime(lang, entry.at, zone)}</td>
            <td>{entry.actor}</td>
            // The details (JSON) are there on hover for whoever needs them.
            <td class="mono" title=entry.details>
                {entry.action}
            </td>
            <td>{entry.target.unwrap_or_default()}</td>
            <td>
                <span class=badge>{t(lang, outcome)}</span>
            </td>
            <td class="mono">{entry.ip.unwrap_or_default()}</td>
            <td class="mono">{entry.trace_id.unwrap_or_default()}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_links_keep_the_filters_and_encode_them() {
        let query = AuditQuery {
            action: Some("auth.".into()),
            actor: Some("a+b@example.com".into()),
            outcome: Some("failure".into()),
            cursor: Some("eyJzIjoiaWQuZGVzYyIsImkiOjUwMH0".into()),
            per_page: None,
        };
        assert_eq!(
            page_href(&query, Some("eyJzIjoiaWQuZGVzYyIsImkiOjEyMH0")),
            "/audit?action=auth.&actor=a%2Bb%40example.com&outcome=failure&cursor=eyJzIjoiaWQuZGVzYyIsImkiOjEyMH0"
        );
        assert_eq!(page_href(&query, None), "/audit?action=auth.&actor=a%2Bb%40example.com&outcome=failure");
        assert_eq!(page_href(&AuditQuery::default(), None), "/audit");
        assert_eq!(encode("한"), "%ED%95%9C");
    }
}
