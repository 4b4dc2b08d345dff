//! The run history's table: each run's report, status (live while it is open:
//! a progress bar fed by the stream), trigger, start, duration, its files
//! (HTML opens in a new tab, the others download), trace id, and its note or
//! error in words.

use leptos::prelude::*;

use crate::components::reports_table::run_badge;
use crate::components::run_events::RunEvents;
use crate::i18n::{format_datetime, t, value_name, Msg};
use crate::model::{OutputMeta, Run, RunProgress};
use crate::{use_lang, use_prefs};

/// A duration in milliseconds as people read it (`850 ms`, `12.3 s`, `4 min 5 s`).
pub fn format_duration(ms: i64) -> String {
    match ms {
        ..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000),
    }
}

/// A page of runs; `with_report` adds the report's name (the list of all runs).
#[component]
pub fn RunsTable(
    /// The runs, newest first.
    runs: Vec<Run>,
    /// Whether to show each run's report.
    with_report: bool,
    /// The page's live run events.
    events: RunEvents,
) -> impl IntoView {
    let lang = use_lang();
    let report_head = with_report.then(|| view! { <th scope="col">{t(lang, Msg::ReportsTitle)}</th> });
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="runs-table">
                <thead>
                    <tr>
                        <th scope="col">{t(lang, Msg::ColRun)}</th>
                        {report_head}
                        <th scope="col">{t(lang, Msg::Status)}</th>
                        <th scope="col">{t(lang, Msg::ColTrigger)}</th>
                        <th scope="col">{t(lang, Msg::ColStarted)}</th>
                        <th scope="col">{t(lang, Msg::ColDuration)}</th>
                        <th scope="col">{t(lang, Msg::ColOutputs)}</th>
                        <th scope="col">{t(lang, Msg::ColTraceId)}</th>
                    </tr>
                </thead>
                <tbody>{runs.into_iter().map(|run| row(run, with_report, events)).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn row(run: Run, with_report: bool, events: RunEvents) -> impl IntoView {
    let lang = use_lang();
    let zone = use_prefs().zone;
    let id = run.id;
    // What the stream said last about this run, else what the page loaded.
    let loaded = RunProgress {
        run_id: id,
        report_id: run.report_id,
        status: run.status.clone(),
        progress: run.progress,
        stage: run.stage.clone(),
    };
    let live = Memo::new(move |_| events.progress.with(|all| all.get(&id).cloned()).unwrap_or_else(|| loaded.clone()));
    let status = move || {
        let now = live.get();
        let open = matches!(now.status.as_str(), "pending" | "running");
        let bar = open.then(|| {
            view! {
                <progress max="100" value=now.progress data-testid="run-progress" aria-label=t(lang, Msg::Status)>
                    {format!("{}%", now.progress)}
                </progress>
            }
        });
        view! {
            <span class=run_badge(&now.status) data-testid="run-status" data-status=now.status.clone()>
                {value_name(lang, &now.status)}
            </span>
            " "
            {bar}
        }
    };
    let report = with_report.then(|| {
        view! {
            <td class="title-cell">
                <a href=format!("/reports/{}/runs", run.report_id)>{run.report_name.clone()}</a>
            </td>
        }
    });
    let started = format_datetime(lang, run.started_at.unwrap_or(run.created_at), zone);
    let duration = run.duration_ms.map_or_else(|| "–".to_owned(), format_duration);
    let message = run.error.clone().or_else(|| run.note.clone()).map(|text| {
        let class = if run.error.is_some() { "form-error small" } else { "muted small" };
        view! { <div class=class data-testid="run-message">{text}</div> }
    });
    view! {
        <tr data-testid="run-row" data-id=id.to_string()>
            <td>
                {format!("#{id}")}
                {message}
            </td>
            {report}
            <td>{status}</td>
            <td>{value_name(lang, &run.trigger)}</td>
            <td>{started}</td>
            <td>{duration}</td>
            <td class="wrap">{run.outputs.into_iter().map(output_link).collect_view()}</td>
            <td>
                <code class="small" data-testid="run-trace">{run.trace_id}</code>
            </td>
        </tr>
    }
}

/// One file: HTML opens in a new tab (sandboxed by its own policy), others download.
fn output_link(output: OutputMeta) -> impl IntoView {
    let label = output.format.to_uppercase();
    let testid = format!("run-output-{}", output.format);
    if output.format == "html" {
        view! {
            <a class="button button-quiet button-small" href=output.url target="_blank" rel="noopener" data-testid=testid>
                {label}
            </a>
        }
        .into_any()
    } else {
        view! {
            <a class="button button-quiet button-small" href=output.url download=output.filename data-testid=testid>
                {label}
            </a>
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(format_duration(850), "850 ms");
        assert_eq!(format_duration(12_345), "12.3 s");
        assert_eq!(format_duration(245_000), "4 min 5 s");
    }
}
