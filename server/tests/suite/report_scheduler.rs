//! The report scheduler on SQLite and Postgres, on a hand-moved clock: the
//! slots of 48 hours in Asia/Seoul and across New York's autumn DST change;
//! three replicas (each with its own pool) ticking and taking at once, so
//! each slot runs once with one worker; a worker that dies mid-run, whose run
//! another replica takes over after the lease and finishes (the dead one's
//! late completion is refused); three days without a tick, caught up once
//! with a note; and pause/resume making no run for the past.

use crate::common;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use server_core::db::report_runs;
use server_core::db::{Db, Ts};
use server_core::reports::{runner, scheduler};
use server_core::state::{AppState, Clock};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

async fn rows<T>(db: &Db, sql: &str) -> Vec<T>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    match db {
        Db::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await.unwrap(),
    }
}

/// The slots claimed so far, oldest first, as RFC 3339 text.
async fn slots(db: &Db) -> Vec<String> {
    let found: Vec<(Ts,)> =
        rows(db, "select slot_at from report_runs where slot_at is not null order by slot_at").await;
    found.into_iter().map(|(t,)| t.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).collect()
}

/// An active report on `cron` in `timezone`, created (and so scheduled) at `created`.
async fn active_report(db: &Db, name: &str, cron: &str, timezone: &str, created: DateTime<Utc>) -> i64 {
    let state = common::state(db).with(|s| s.clock = Clock::Fixed(created));
    server_core::services::reports::ensure_builtins(&state).await.unwrap();
    let channel: Vec<(i64,)> = rows(db, "select id from channels where name = 'sink'").await;
    let channel = match channel.first() {
        Some((id,)) => *id,
        None => {
            let sql = format!(
                "insert into channels (name, kind, config, secrets, created_by, created_at, updated_at) \
                 values ('sink', 'webhook', '{{}}', 'v1:test', 'test', {0}, {0})",
                match db {
                    Db::Sqlite(_) => created.timestamp().to_string(),
                    Db::Postgres(_) => format!("'{}'", created.to_rfc3339()),
                }
            );
            db.execute(&sql).await.unwrap();
            rows::<(i64,)>(db, "select id from channels where name = 'sink'").await[0].0
        }
    };
    let template: Vec<(i64,)> = rows(db, "select id from report_templates where builtin = 'daily'").await;
    let input: server_core::model::ReportInput = serde_json::from_value(json!({
        "name": name, "template_id": template[0].0, "cron": cron, "timezone": timezone,
        "destinations": [channel], "status": "active", "formats": ["html", "markdown", "csv"]
    }))
    .unwrap();
    let caller = admin(db).await;
    server_core::services::reports::create(&state, &caller, &input).await.expect("create the report").id
}

async fn admin(db: &Db) -> server_core::auth::Caller {
    let id = common::harness_admin(db).await;
    server_core::auth::Caller {
        principal: Some(std::sync::Arc::new(server_core::auth::Principal {
            account_id: Some(id),
            name: "harness-admin@test.local".into(),
            role: server_core::model::Role::Admin,
            scopes: Vec::new(),
            via: server_core::auth::Via::ApiKey { id: 0 },
            must_change_password: false,
        })),
        ..Default::default()
    }
}

/// Ticks `state` every `step` from `from` to `to` (both included).
async fn tick_through(state: &AppState, from: DateTime<Utc>, to: DateTime<Utc>, step: Duration) {
    let mut now = from;
    while now <= to {
        scheduler::tick(state, now).await.unwrap();
        now += step;
    }
}

async fn slots_of_48_hours(db: &common::TestDb) {
    let state = common::replica(db, "a").await;
    // Friday 2026-12-04 00:00 KST to Sunday 00:00 KST: one weekday 10:00 (Friday).
    let start = at("2026-12-03T15:00:00Z");
    active_report(&db.db, "weekdays", "0 10 * * 1-5", "Asia/Seoul", start).await;
    active_report(&db.db, "nightly", "30 2 * * *", "Asia/Seoul", start).await;
    tick_through(&state, start, start + Duration::hours(48), Duration::minutes(5)).await;
    assert_eq!(
        slots(&db.db).await,
        [
            "2026-12-03T17:30:00Z", // Fri 02:30 KST
            "2026-12-04T01:00:00Z", // Fri 10:00 KST
            "2026-12-04T17:30:00Z", // Sat 02:30 KST
        ]
    );
    let notes: Vec<(Option<String>,)> = rows(&db.db, "select note from report_runs").await;
    assert!(notes.iter().all(|(n,)| n.is_none()), "ticks every 5 minutes are never late: {notes:?}");
}
on_both!(seoul, slots_of_48_hours);

async fn slots_across_the_autumn_change(db: &common::TestDb) {
    let state = common::replica(db, "a").await;
    // New York, Saturday 2026-10-31 12:00 EDT to Monday 2026-11-02 11:00 EST:
    // 01:30 happens twice on Sunday (EDT, then EST); a fixed-time job runs once.
    let start = at("2026-10-31T16:00:00Z");
    active_report(&db.db, "overnight", "30 1 * * *", "America/New_York", start).await;
    tick_through(&state, start, start + Duration::hours(48), Duration::minutes(5)).await;
    let found = slots(&db.db).await;
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0] == "2026-11-01T05:30:00Z" || found[0] == "2026-11-01T06:30:00Z",
        "01:30 on the day of the change, once: {found:?}"
    );
    assert_eq!(found[1], "2026-11-02T06:30:00Z", "01:30 EST");
}
on_both!(new_york, slots_across_the_autumn_change);

async fn three_replicas_claim_and_take_each_slot_once(db: &common::TestDb) {
    let start = at("2026-12-03T15:00:00Z");
    for n in 0..4 {
        active_report(&db.db, &format!("r{n}"), "*/30 * * * *", "Asia/Seoul", start).await;
    }
    let (a, b, c) = (common::replica(db, "a").await, common::replica(db, "b").await, common::replica(db, "c").await);
    let mut now = start;
    let mut claimed = Vec::new();
    while now <= start + Duration::hours(3) {
        let (x, y, z) = tokio::join!(scheduler::tick(&c, now), scheduler::tick(&a, now), scheduler::tick(&b, now));
        claimed.extend(x.unwrap().into_iter().chain(y.unwrap()).chain(z.unwrap()));
        now += Duration::minutes(1);
    }
    let runs: Vec<(i64, i64)> = rows(&db.db, "select report_id, count(*) from report_runs group by report_id").await;
    assert_eq!(runs.len(), 4);
    assert!(runs.iter().all(|(_, n)| *n == 6), "six half hours each, once: {runs:?}");
    claimed.sort_unstable();
    claimed.dedup();
    assert_eq!(claimed.len(), 24, "each run reported as claimed by exactly one replica");

    let (x, y, z) = tokio::join!(runner::take(&a, now, 100), runner::take(&b, now, 100), runner::take(&c, now, 100));
    let mut taken: Vec<i64> = x.unwrap().into_iter().chain(y.unwrap()).chain(z.unwrap()).map(|(id, _)| id).collect();
    taken.sort_unstable();
    let all: Vec<(i64,)> = rows(&db.db, "select id from report_runs order by id").await;
    assert_eq!(taken, all.into_iter().map(|(id,)| id).collect::<Vec<_>>(), "every run taken, each by one replica");
    let owners: Vec<(String, i64)> =
        rows(&db.db, "select lease_owner, cast(attempt as bigint) from report_runs order by id").await;
    assert!(owners.iter().all(|(o, attempt)| ["a", "b", "c"].contains(&o.as_str()) && *attempt == 1), "{owners:?}");
}
on_both!(replicas, three_replicas_claim_and_take_each_slot_once);

async fn a_run_whose_worker_died_is_finished_by_another(db: &common::TestDb) {
    let start = at("2026-12-03T15:00:00Z");
    active_report(&db.db, "daily", "0 10 * * *", "Asia/Seoul", start).await;
    let (a, b) = (common::replica(db, "a").await, common::replica(db, "b").await);
    let slot = at("2026-12-04T01:00:00Z");
    let id = scheduler::tick(&a, slot).await.unwrap()[0];
    // A takes it and dies before finishing (its work never runs).
    assert_eq!(runner::take(&a, slot, 10).await.unwrap(), [(id, 1)]);
    assert!(runner::take(&b, slot + Duration::seconds(59), 10).await.unwrap().is_empty(), "A's lease holds");
    let later = slot + Duration::seconds(61);
    assert_eq!(runner::take(&b, later, 10).await.unwrap(), [(id, 2)], "the lease ran out: B takes it");
    // A comes back to life too late: its completion is refused.
    let late = report_runs::complete(&a.db, id, "a", Ts::from(later), 1, "{}", "{}", &[], &[]).await.unwrap();
    assert!(!late, "a worker that lost its lease completes nothing");
    runner::execute(&b, id, 2).await.unwrap();
    let run = report_runs::by_id(&db.db, id).await.unwrap().unwrap();
    assert_eq!(run.status, "completed", "{run:?}");
    assert_eq!(run.attempt, 2);
    assert!(run.note.as_deref().is_some_and(|n| n.contains("Taken over from a")), "{run:?}");
    let formats: Vec<(String, i64)> =
        rows(&db.db, &format!("select format, size_bytes from report_outputs where run_id = {id} order by format"))
            .await;
    let names: Vec<&str> = formats.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(names, ["csv", "html", "markdown"]);
    assert!(formats.iter().all(|(_, size)| *size > 100), "{formats:?}");
    let queued: Vec<(String, String)> = rows(
        &db.db,
        &format!("select status, subject_kind from deliveries where subject_id = {id} and subject_kind = 'report_run'"),
    )
    .await;
    assert_eq!(queued, [("pending".to_owned(), "report_run".to_owned())], "one delivery for its one channel");
    // A run that lost its workers too often fails instead of looping.
    let id2 = scheduler::tick(&a, slot + Duration::days(1)).await.unwrap()[0];
    runner::execute(&a, id2, runner::MAX_ATTEMPTS + 1).await.unwrap();
    let run = report_runs::by_id(&db.db, id2).await.unwrap().unwrap();
    assert_eq!(run.status, "failed");
    assert!(run.error.as_deref().is_some_and(|e| e.contains("lost its worker")), "{run:?}");
}
on_both!(takeover, a_run_whose_worker_died_is_finished_by_another);

async fn an_outage_is_caught_up_once_with_a_note(db: &common::TestDb) {
    let start = at("2026-12-03T15:00:00Z");
    active_report(&db.db, "six-hourly", "0 */6 * * *", "Asia/Seoul", start).await;
    let state = common::replica(db, "a").await;
    // No replica ran for three days; the first tick comes 40 minutes after a slot.
    let back = at("2026-12-06T15:40:00Z"); // 00:40 KST on the 7th
    let claimed = scheduler::tick(&state, back).await.unwrap();
    assert_eq!(claimed.len(), 1, "one run, not twelve");
    let run: Vec<(Ts, Option<String>)> = rows(&db.db, "select slot_at, note from report_runs").await;
    assert_eq!(run[0].0 .0, at("2026-12-06T15:00:00Z"), "the latest missed slot");
    let note = run[0].1.clone().unwrap_or_default();
    assert!(note.contains("40 min late") && note.contains("3 earlier missed slots"), "{note}");
    // The next tick claims nothing until the next slot.
    assert!(scheduler::tick(&state, back + Duration::minutes(10)).await.unwrap().is_empty());
    assert_eq!(scheduler::tick(&state, at("2026-12-06T21:00:00Z")).await.unwrap().len(), 1);
}
on_both!(catch_up, an_outage_is_caught_up_once_with_a_note);

async fn pausing_and_editing_make_no_run_for_the_past(db: &common::TestDb) {
    let start = at("2026-12-03T15:00:00Z");
    let id = active_report(&db.db, "hourly-ish", "0 * * * *", "Asia/Seoul", start).await;
    let caller = admin(&db.db).await;
    let state = common::replica(db, "a").await;
    tick_through(&state, start, start + Duration::hours(2), Duration::minutes(5)).await;
    assert_eq!(slots(&db.db).await.len(), 2);
    let paused_at = start + Duration::hours(2) + Duration::minutes(5);
    let at_time = |t| state.clone().with(|s| s.clock = Clock::Fixed(t));
    server_core::services::reports::set_active(&at_time(paused_at), &caller, id, false).await.unwrap();
    tick_through(&state, paused_at, paused_at + Duration::hours(5), Duration::minutes(5)).await;
    assert_eq!(slots(&db.db).await.len(), 2, "nothing while paused");
    let resumed_at = paused_at + Duration::hours(5) + Duration::minutes(20);
    let report = server_core::services::reports::set_active(&at_time(resumed_at), &caller, id, true).await.unwrap();
    assert_eq!(report.next_run_at, Some(at("2026-12-03T23:00:00Z")), "the next hour after the resume");
    tick_through(&state, resumed_at, resumed_at + Duration::minutes(45), Duration::minutes(5)).await;
    assert_eq!(slots(&db.db).await.len(), 3, "only the slot after the resume");
}
on_both!(pause_resume, pausing_and_editing_make_no_run_for_the_past);
