//! `dreamseed simulate`: writes realistic activity at a steady rate, so the
//! dashboard can be seen moving (and the live path exercised end to end). It
//! writes through the same query functions as every other writer, from its own
//! process; the server's activity tail picks the rows up like any others.

use std::time::{Duration, Instant};

use anyhow::Context;
use server_core::db::activities::{self, NewActivity};
use server_core::db::{problems, users, Db, Ts};

/// What to simulate.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Activities per second.
    pub rate: f64,
    /// Stop after this many (none: run until interrupted or `duration`).
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Random seed.
    pub seed: u64,
}

/// Activity kinds and their shares, as students use the platform.
const KINDS: &[(&str, u32)] = &[("login", 10), ("problem_view", 40), ("problem_attempt", 25), ("problem_solve", 25)];

/// Writes activity until the plan says stop (or Ctrl-C); returns how many it wrote.
pub async fn run(db: &Db, plan: Plan) -> anyhow::Result<u64> {
    anyhow::ensure!(plan.rate > 0.0 && plan.rate <= 1_000.0, "--rate must be between 0 and 1000 per second");
    let max_user = users::max_id(db).await?;
    anyhow::ensure!(max_user > 0, "there are no users to simulate: run `dreamseed seed` (or `serve` once) first");
    let max_problem = problems::max_id(db).await?;
    let mut rng = fastrand::Rng::with_seed(plan.seed);
    // Up to 10 writes a second, each a batch, so high rates stay cheap.
    let ticks_per_sec = plan.rate.clamp(1.0, 10.0);
    let per_tick = plan.rate / ticks_per_sec;
    let mut interval = tokio::time::interval(Duration::from_secs_f64(1.0 / ticks_per_sec));
    let (started, mut written, mut owed, mut reported) = (Instant::now(), 0_u64, 0.0_f64, Instant::now());
    tracing::info!(rate = plan.rate, "simulating activity (Ctrl-C stops)");
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = tokio::signal::ctrl_c() => break,
        }
        if plan.duration.is_some_and(|d| started.elapsed() >= d) {
            break;
        }
        owed += per_tick;
        let mut batch = Vec::new();
        while owed >= 1.0 && plan.count.is_none_or(|c| written + (batch.len() as u64) < c) {
            owed -= 1.0;
            let Some(user_id) = users::existing_at_or_after(db, rng.i64(1..=max_user)).await? else { continue };
            batch.push(activity(&mut rng, user_id, max_problem));
        }
        activities::record(db, &batch).await.context("writing simulated activity")?;
        written += batch.len() as u64;
        if plan.count.is_some_and(|c| written >= c) {
            break;
        }
        if reported.elapsed() >= Duration::from_secs(10) {
            reported = Instant::now();
            tracing::info!(written, "simulated activities so far");
        }
    }
    tracing::info!(written, duration_ms = started.elapsed().as_millis() as u64, "simulation stopped");
    Ok(written)
}

fn activity(rng: &mut fastrand::Rng, user_id: i64, max_problem: i64) -> NewActivity {
    let kind = crate::seed::data::pick(rng, KINDS);
    let problem_id = (kind != "login" && max_problem > 0).then(|| rng.i64(1..=max_problem));
    let description = match (kind, problem_id) {
        ("problem_view", Some(p)) => format!("문제 {p} 조회"),
        ("problem_attempt", Some(p)) => format!("문제 {p} 풀이 시도"),
        ("problem_solve", Some(p)) => format!("문제 {p} 정답"),
        _ => "로그인".to_owned(),
    };
    NewActivity { user_id, activity_type: kind.to_owned(), description, problem_id, created_at: Ts::now() }
}
