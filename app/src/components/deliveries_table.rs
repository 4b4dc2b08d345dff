//! A channel's delivery log: each delivery's subject (a report run, with a
//! link to the run history, or a test), status, attempts, when it was queued
//! and delivered, the receiver's last status, the last error and the trace
//! id; its attempts open under it (attempt, replica, start, duration,
//! outcome, status, error and the start of the receiver's answer).

use leptos::prelude::*;

use crate::components::runs_table::format_duration;
use crate::i18n::{attempt_count, format_datetime, run_label, t, value_name, Lang, Msg};
use crate::model::{Delivery, DeliveryAttempt};
use crate::{use_lang, use_prefs};

/// The badge class of a delivery's status, or of an attempt's outcome.
pub fn delivery_badge(status: &str) -> &'static str {
    match status {
        "delivered" => "badge badge-ok",
        "failed" | "lost" => "badge badge-bad",
        "pending" | "sending" | "retry" => "badge badge-warn",
        _ => "badge badge-neutral",
    }
}

/// How many columns a delivery row has (its attempts row spans them all).
const COLUMNS: usize = 8;

/// A page of deliveries, newest first.
#[component]
pub fn DeliveriesTable(
    /// The deliveries with their attempts.
    deliveries: Vec<Delivery>,
) -> impl IntoView {
    let lang = use_lang();
    let hydrated = crate::session::use_hydrated();
    view! {
        <div class="table-scroll">
            <table class="data-table deliveries-table" data-testid="deliveries-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::ColSubject)}</th>
                        <th scope="col">{t(lang, Msg::Status)}</th>
                        <th scope="col">{t(lang, Msg::Attempts)}</th>
                        <th scope="col">{t(lang, Msg::Created)}</th>
                        <th scope="col">{t(lang, Msg::ColDelivered)}</th>
                        <th scope="col" class="num">{t(lang, Msg::ColStatusCode)}</th>
                        <th scope="col">{t(lang, Msg::ColLastError)}</th>
                        <th scope="col">{t(lang, Msg::ColTraceId)}</th>
                    </tr>
                </thead>
                {deliveries.into_iter().map(|d| rows(lang, d, hydrated)).collect_view()}
            </table>
        </div>
    }
}

/// What a delivery carried: a report run (linked to the run history) or a test.
fn subject(lang: Lang, delivery: &Delivery) -> AnyView {
    match (delivery.subject_kind.as_str(), delivery.subject_id) {
        ("report_run", Some(run)) => view! {
            <span class="muted small">{value_name(lang, "report_run")}</span>
            " "
            <a href="/reports/runs" data-testid="delivery-run">{run_label(lang, run)}</a>
        }
        .into_any(),
        (kind, _) => view! { <span>{value_name(lang, kind)}</span> }.into_any(),
    }
}

/// One delivery: its row, and under it (a body of its own, so the pair
/// stays together) its attempts while they are open.
fn rows(lang: Lang, mut delivery: Delivery, hydrated: RwSignal<bool>) -> impl IntoView {
    let zone = use_prefs().zone;
    let id = delivery.id;
    let open = RwSignal::new(false);
    let panel_id = format!("delivery-{id}-attempts");
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map_or_else(|| "–".to_owned(), |at| format_datetime(lang, at, zone))
    };
    // A delivery still due says when it is tried next.
    let next = delivery.next_attempt_at.filter(|_| delivery.status == "pending").map(|at| {
        view! {
            <div class="muted small" data-testid="delivery-next">
                {t(lang, Msg::NextAttempt)} " " {format_datetime(lang, at, zone)}
            </div>
        }
    });
    let subject = subject(lang, &delivery);
    let has_attempts = !delivery.attempts.is_empty();
    let attempts = std::mem::take(&mut delivery.attempts);
    let attempts_row = {
        let panel_id = panel_id.clone();
        move || {
            open.get().then(|| {
                view! {
                    <tr class="attempts-row" id=panel_id.clone() data-testid="delivery-attempts">
                        <td colspan=COLUMNS>{attempts_table(lang, attempts.clone())}</td>
                    </tr>
                }
            })
        }
    };
    view! {
        <tbody>
            <tr
                data-testid="delivery-row"
                data-id=id.to_string()
                data-status=delivery.status.clone()
                data-subject=delivery.subject_kind.clone()
            >
                <td data-testid="delivery-subject">{subject}</td>
                <td>
                    <span class=delivery_badge(&delivery.status) data-testid="delivery-status">
                        {value_name(lang, &delivery.status)}
                    </span>
                    {next}
                </td>
                <td>
                    <button
                        type="button"
                        class="button button-quiet button-small"
                        data-testid="delivery-attempts-toggle"
                        aria-expanded=move || open.get().to_string()
                        aria-controls=panel_id
                        disabled=move || !hydrated.get() || !has_attempts
                        on:click=move |_| open.update(|o| *o = !*o)
                    >
                        {attempt_count(lang, delivery.attempt_count)}
                    </button>
                </td>
                <td>{when(Some(delivery.created_at))}</td>
                <td>{when(delivery.delivered_at)}</td>
                <td class="num" data-testid="delivery-code">{delivery.last_status_code.map_or_else(|| "–".to_owned(), |c| c.to_string())}</td>
                <td class="wrap form-error small" data-testid="delivery-error">{delivery.last_error}</td>
                <td>
                    <code class="small" data-testid="delivery-trace">{delivery.trace_id}</code>
                </td>
            </tr>
            {attempts_row}
        </tbody>
    }
}

/// A delivery's attempts, oldest first.
fn attempts_table(lang: Lang, attempts: Vec<DeliveryAttempt>) -> impl IntoView {
    let zone = use_prefs().zone;
    view! {
        <table class="data-table attempts-table">
            <thead>
                <tr>
                    <th scope="col" class="num">{t(lang, Msg::ColAttempt)}</th>
                    <th scope="col">{t(lang, Msg::ColInstance)}</th>
                    <th scope="col">{t(lang, Msg::ColStarted)}</th>
                    <th scope="col" class="num">{t(lang, Msg::ColDuration)}</th>
                    <th scope="col">{t(lang, Msg::Outcome)}</th>
                    <th scope="col" class="num">{t(lang, Msg::ColStatusCode)}</th>
                    <th scope="col">{t(lang, Msg::ColError)}</th>
                    <th scope="col">{t(lang, Msg::ColResponse)}</th>
                </tr>
            </thead>
            <tbody>
                {attempts
                    .into_iter()
                    .map(|a| {
                        // No outcome yet: the attempt is in flight.
                        let outcome = a.outcome.unwrap_or_else(|| "sending".to_owned());
                        view! {
                            <tr data-testid="attempt-row">
                                <td class="num">{a.attempt}</td>
                                <td class="mono small">{a.instance}</td>
                                <td>{format_datetime(lang, a.started_at, zone)}</td>
                                <td class="num">{a.duration_ms.map_or_else(|| "–".to_owned(), format_duration)}</td>
                                <td>
                                    <span class=delivery_badge(&outcome) data-testid="attempt-outcome" data-outcome=outcome.clone()>
                                        {value_name(lang, &outcome)}
                                    </span>
                                </td>
                                <td class="num" data-testid="attempt-code">{a.status_code.map_or_else(|| "–".to_owned(), |c| c.to_string())}</td>
                                <td class="wrap form-error small">{a.error}</td>
                                <td class="wrap">
                                    <code class="small response-excerpt">{a.response_excerpt}</code>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_and_attempts_get_the_badge_of_their_state() {
        assert_eq!(delivery_badge("delivered"), "badge badge-ok");
        assert_eq!(delivery_badge("failed"), "badge badge-bad");
        assert_eq!(delivery_badge("lost"), "badge badge-bad");
        assert_eq!(delivery_badge("retry"), "badge badge-warn");
        assert_eq!(delivery_badge("pending"), "badge badge-warn");
    }
}
