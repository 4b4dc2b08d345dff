//! The data generator behind `dreamseed seed` and the demo data of a first start:
//! reproducible users, activities and problems, bulk-loaded with a progress bar.
//! Large loads (a million users, ten million activities) drop the secondary
//! indexes first and rebuild them once at the end.

pub mod data;

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use server_core::db::{bulk, users, Db};
use server_core::error::{AppError, Result};

pub use data::Plan;

/// At these sizes, rebuilding the indexes once beats maintaining them row by row.
const REBUILD_INDEXES_ACTIVITIES: u64 = 1_000_000;
const REBUILD_INDEXES_USERS: u64 = 200_000;

/// The lock that lets one replica alone fill an empty database.
const DEMO_DATA_LOCK: i64 = 0x6472_6561_6d73; // "dreams"

/// Whether a load of this size should drop and rebuild the secondary indexes.
pub fn rebuild_indexes_for(users: u64, activities: u64) -> bool {
    users >= REBUILD_INDEXES_USERS || activities >= REBUILD_INDEXES_ACTIVITIES
}

/// The demo data a fresh database gets on first start: tens of thousands of
/// users over two years, enough for the dashboard to look alive.
pub fn demo_plan(until: i64) -> Plan {
    Plan { users: 20_000, activities: 200_000, problems: 300, seed: 42, days: 730, until, rebuild_indexes: false }
}

/// Fills an empty database with the demo data, once across all replicas that
/// start together. Returns what was loaded, or `None` if it had data already.
pub async fn demo_data_if_empty(db: &Db, until: i64) -> Result<Option<Summary>> {
    db.exclusive(DEMO_DATA_LOCK, async {
        if !users::is_empty(db).await? {
            return Ok(None);
        }
        run(db, &demo_plan(until), false, false).await.map(Some)
    })
    .await
}

/// What a load did, for the log: rows actually inserted, and how long it took.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    /// Users inserted.
    pub users: u64,
    /// Activities inserted.
    pub activities: u64,
    /// Problems inserted.
    pub problems: u64,
    /// Wall time of the whole load, index rebuilds included.
    pub elapsed: Duration,
}

/// Loads `plan` into `db`. The tables must be empty unless `reset` is set, in
/// which case they are emptied first. `progress` shows a bar on the terminal.
pub async fn run(db: &Db, plan: &Plan, reset: bool, progress: bool) -> Result<Summary> {
    let started = Instant::now();
    // A load that died earlier may have left its indexes dropped.
    bulk::restore_indexes(db).await?;
    if reset {
        bulk::truncate_platform_tables(db).await?;
    } else if !users::is_empty(db).await? {
        return Err(AppError::Conflict {
            message: "the database already has users; pass --reset to replace them".into(),
        });
    }

    let bar =
        if progress { ProgressBar::new(plan.users + plan.activities + plan.problems) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {human_pos}/{human_len} rows ({per_sec}, eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );

    // Pass 1 over the activity stream: each user's last activity, which the user
    // rows (inserted before their activities) carry.
    bar.set_message("planning");
    let signups = data::signup_times(plan);
    let mut last_activity: Vec<Option<i64>> = vec![None; signups.len()];
    for e in data::ActivityDays::new(plan, &signups).flatten() {
        let slot = &mut last_activity[e.user_index];
        *slot = Some(slot.map_or(e.at, |t| t.max(e.at)));
    }

    if plan.rebuild_indexes {
        bulk::drop_secondary_indexes(db, "users").await?;
        bulk::drop_secondary_indexes(db, "activities").await?;
    }

    bar.set_message("problems");
    let problems = bulk::insert_all(db, data::problems(plan).into_iter(), |n| bar.inc(n)).await?;
    bar.set_message("users");
    let rows =
        signups.iter().zip(&last_activity).enumerate().map(|(i, (&created, &last))| data::user(plan, i, created, last));
    let users = bulk::insert_all(db, rows, |n| bar.inc(n)).await?;
    drop(last_activity);
    // Pass 2: the same stream again, inserted.
    bar.set_message("activities");
    let rows = data::ActivityDays::new(plan, &signups).flatten().map(|e| e.row());
    let activities = bulk::insert_all(db, rows, |n| bar.inc(n)).await?;

    bar.set_message("indexing");
    bulk::sync_id_sequences(db).await?;
    if bulk::restore_indexes(db).await? == 0 {
        bulk::analyze(db).await?;
    }
    bar.finish_and_clear();

    Ok(Summary { users, activities, problems, elapsed: started.elapsed() })
}
