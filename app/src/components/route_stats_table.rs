//! The table of request statistics per route.

use leptos::prelude::*;

use crate::i18n::{format_count, t, Msg};
use crate::model::RouteStat;
use crate::use_lang;

/// One row per route, busiest first; scrolls sideways on its own on a phone.
#[component]
pub fn RouteStatsTable(
    /// The statistics to show.
    routes: Vec<RouteStat>,
) -> impl IntoView {
    let lang = use_lang();
    if routes.is_empty() {
        return view! { <p class="empty-state">{t(lang, Msg::NoRequestsYet)}</p> }.into_any();
    }
    let ms = |v: f64| format!("{v:.1} ms");
    view! {
        <div class="table-scroll">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::Method)}</th>
                        <th scope="col">{t(lang, Msg::Route)}</th>
                        <th scope="col" class="num">{t(lang, Msg::Requests)}</th>
                        <th scope="col" class="num">{t(lang, Msg::Average)}</th>
                        <th scope="col" class="num">"p95"</th>
                        <th scope="col" class="num">"p99"</th>
                        <th scope="col" class="num">{t(lang, Msg::ErrorRate)}</th>
                        <th scope="col" class="num">{t(lang, Msg::ClientErrors)}</th>
                    </tr>
                </thead>
                <tbody>
                    {routes
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <td>{r.method}</td>
                                    <td class="mono">{r.route}</td>
                                    <td class="num">{format_count(r.count as i64)}</td>
                                    <td class="num">{ms(r.avg_ms)}</td>
                                    <td class="num">{ms(r.p95_ms)}</td>
                                    <td class="num">{ms(r.p99_ms)}</td>
                                    <td class="num">{format!("{:.2}%", r.error_rate * 100.0)}</td>
                                    <td class="num">{format_count(r.client_errors as i64)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
