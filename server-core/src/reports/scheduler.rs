//! The scheduler's tick: every replica runs it; each due report's latest slot
//! is claimed by inserting its `(report_id, slot_at)` row, which the unique
//! index lets only one replica do. Slots missed while no replica ran are
//! caught up once (the latest one, with a note naming the others); slots older
//! than the catch-up window never run. Every function takes `now`, so tests
//! move time by hand.

use chrono::{DateTime, Duration, Utc};

use super::spec::RunSpec;
use crate::db::report_runs::{self, NewRun};
use crate::db::{report_templates, reports, Ts};
use crate::error::{AppError, Result};
use crate::model::Period;
use crate::scheduling::cron::{self, Schedule};
use crate::state::AppState;

/// The most due reports one tick handles; the rest wait for the next.
const DUE_PER_TICK: i64 = 2_000;

/// The most missed slots counted for the note (a 24 h window of 15-minute
/// slots is 96).
const MAX_SLOTS: usize = 1_000;

/// What a report's runs make, as of now: the snapshot a run keeps.
pub async fn spec_of(state: &AppState, report_id: i64) -> Result<RunSpec> {
    let report = reports::by_id(&state.db, report_id).await?.ok_or(AppError::NotFound { what: "report".into() })?;
    let template = report_templates::by_id(&state.db, report.template_id)
        .await?
        .ok_or(AppError::NotFound { what: "template".into() })?;
    let destinations = reports::destinations(&state.db, &[report_id]).await?.into_iter().map(|(_, c)| c).collect();
    let period =
        report.period.as_deref().and_then(|p| serde_json::from_str::<Period>(p).ok()).unwrap_or(template.period);
    Ok(RunSpec {
        name: report.name,
        sections: template.sections,
        period,
        figures_zone: report.figures_zone,
        lang: report.lang,
        formats: report.formats.split(',').filter(|f| !f.is_empty()).map(str::to_owned).collect(),
        destinations,
    })
}

/// What a claim says about lateness and the slots it passed over.
fn note(slot: DateTime<Utc>, skipped: &[DateTime<Utc>], now: DateTime<Utc>, late_after: Duration) -> Option<String> {
    let mut parts = Vec::new();
    let late = now - slot;
    if late > late_after {
        parts.push(format!("Ran {} min late: no replica was running at the slot.", late.num_minutes()));
    }
    match skipped {
        [] => {}
        [one] => parts.push(format!("1 earlier missed slot was skipped ({}).", one.format("%Y-%m-%d %H:%M UTC"))),
        [first, .., last] => parts.push(format!(
            "{} earlier missed slots were skipped ({} … {}).",
            skipped.len(),
            first.format("%Y-%m-%d %H:%M UTC"),
            last.format("%Y-%m-%d %H:%M UTC")
        )),
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Claims the due slot of every due report at `now`; returns the runs this
/// call created (a slot another replica claimed first is not among them).
pub async fn tick(state: &AppState, now: DateTime<Utc>) -> Result<Vec<i64>> {
    let settings = &state.reports.settings;
    let catch_up = Duration::from_std(settings.catch_up).unwrap_or(Duration::hours(24));
    let late_after = Duration::from_std(settings.tick * 2).unwrap_or(Duration::seconds(20));
    let mut claimed = Vec::new();
    for due in reports::due(&state.db, Ts::from(now), DUE_PER_TICK).await? {
        let (Ok(schedule), Ok(tz)) = (Schedule::parse(&due.cron), cron::zone(&due.timezone)) else {
            // Only a row edited by hand gets here: leave it for people to see.
            tracing::warn!(report.id = due.id, "report with an unreadable schedule: not scheduled");
            continue;
        };
        let watermark = due.last_slot_at.map_or(due.schedule_from, |last| last.max(due.schedule_from));
        let window_start = (now - catch_up).max(watermark.0);
        let slots = schedule.between(tz, window_start, now, MAX_SLOTS);
        let next = schedule.next_after(tz, now).map(Ts::from);
        let Some((&slot, earlier)) = slots.split_last() else {
            // Every missed slot is older than the catch-up window.
            let missed_since = watermark.0;
            let moved = reports::set_next_run(&state.db, due.id, next, Ts::from(now)).await?;
            if moved {
                tracing::warn!(report.id = due.id, since = %missed_since, "missed slots older than the catch-up window were not run");
            }
            continue;
        };
        let spec = match spec_of(state, due.id).await {
            Ok(spec) => spec,
            Err(AppError::NotFound { .. }) => continue,
            Err(err) => return Err(err),
        };
        let spec = serde_json::to_string(&spec).map_err(|_| AppError::Internal)?;
        let trace_id = crate::trace::generate();
        let note = note(slot, earlier, now, late_after);
        let run = NewRun {
            report_id: due.id,
            slot_at: Some(Ts::from(slot)),
            trigger: "schedule",
            requested_by: "scheduler",
            spec: &spec,
            trace_id: &trace_id,
            note: note.as_deref(),
        };
        if let Some(id) = report_runs::claim_slot(&state.db, &run, next, Ts::from(now)).await? {
            tracing::info!(report.id = due.id, run.id = id, slot = %slot, trace_id, "report slot claimed");
            claimed.push(id);
        }
    }
    Ok(claimed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn notes_say_how_late_and_what_was_skipped() {
        let slot = at("2026-12-07T01:00:00Z");
        let late = Duration::seconds(20);
        assert_eq!(note(slot, &[], slot + Duration::seconds(5), late), None);
        assert_eq!(
            note(slot, &[at("2026-12-04T01:00:00Z")], slot + Duration::minutes(42), late).unwrap(),
            "Ran 42 min late: no replica was running at the slot. 1 earlier missed slot was skipped (2026-12-04 01:00 UTC)."
        );
        let two = [at("2026-12-03T01:00:00Z"), at("2026-12-04T01:00:00Z")];
        assert!(note(slot, &two, slot, late).unwrap().starts_with("2 earlier missed slots were skipped"));
    }
}
