//! The data generator behind `dreamseed seed` and the demo data of a first start:
//! reproducible users, activities and problems, bulk-loaded with a progress bar.
//! Large loads (a million users, ten million activities) drop the secondary
//! indexes first and rebuild them once at the end.

pub mod data;

use std::time::{Duration, Instant};

use app::db::{bulk, users, Db};
use app::error::{AppError, Result};
use indicatif::{ProgressBar, ProgressStyle};

pub use data::Plan;

/// Above these sizes, rebuilding an index once beats maintaining it row by row.
const REBUILD_INDEXES_ACTIVITIES: u64 = 1_000_000;
const REBUILD_INDEXES_USERS: u64 = 200_000;

/// The demo data a fresh database gets on first start: tens of thousands of
/// users over two years, enough for the dashboard to look alive.
pub fn demo_plan(until: i64) -> Plan {
    Plan { users: 20_000, activities: 200_000, problems: 300, seed: 42, days: 730, until }
}

/// What a load did, for the log.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    pub users: u64,
    pub activities: u64,
    pub problems: u64,
    pub elapsed: Duration,
}

/// Loads `plan` into `db`. The tables must be empty unless `reset` is set, in
/// which case they are emptied first. `progress` shows a bar on the terminal.
pub async fn run(db: &Db, plan: &Plan, reset: bool, progress: bool) -> Result<Summary> {
    let started = Instant::now();
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

    let mut rebuild = Vec::new();
    if plan.users >= REBUILD_INDEXES_USERS {
        rebuild.extend(bulk::drop_secondary_indexes(db, "users").await?);
    }
    if plan.activities >= REBUILD_INDEXES_ACTIVITIES {
        rebuild.extend(bulk::drop_secondary_indexes(db, "activities").await?);
    }

    bar.set_message("problems");
    bulk::insert_all(db, data::problems(plan).into_iter(), |n| bar.inc(n)).await?;
    bar.set_message("users");
    let users = signups.iter().zip(&last_activity).enumerate();
    bulk::insert_all(db, users.map(|(i, (&created, &last))| data::user(plan, i, created, last)), |n| bar.inc(n))
        .await?;
    drop(last_activity);
    // Pass 2: the same stream again, inserted.
    bar.set_message("activities");
    let activities = data::ActivityDays::new(plan, &signups).flatten().map(|e| e.row());
    bulk::insert_all(db, activities, |n| bar.inc(n)).await?;

    bar.set_message("indexing");
    bulk::sync_id_sequences(db).await?;
    bulk::create_indexes(db, &rebuild).await?;
    bar.finish_and_clear();

    Ok(Summary { users: plan.users, activities: plan.activities, problems: plan.problems, elapsed: started.elapsed() })
}
