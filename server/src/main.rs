//! `dreamseed`: parse the command line and configuration, then run the command.

use std::process::ExitCode;

use clap::Parser;
use server::cli::{Cli, Command};
use server::config::Config;
use server::{seed, serve, simulate, telemetry};

/// mimalloc instead of glibc's malloc: a request allocates and frees dozens of
/// small blocks across threads, where glibc spent ~15 % of a cached request's
/// CPU (issue #14).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("dreamseed: {err}");
            return ExitCode::from(2);
        }
    };
    // Held to the end of `main`, so the last lines (an error's included) are written.
    let _log = telemetry::init(&config.log_filter, config.log_format);

    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::run(config).await,
        Command::Migrate => migrate(&config).await,
        Command::Seed(args) => seed_command(&config, args).await,
        Command::Simulate(args) => simulate_command(&config, args).await,
        Command::CreateAccount(args) => create_account(&config, args).await,
        Command::Backup(args) => backup(&config, args).await,
        Command::Restore(args) => restore(&config, args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line with the whole cause chain, through the configured log output.
            tracing::error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let (db, _in_use) = serve::open_database(config).await?;
    tracing::info!(db.backend = db.backend().name(), "migrations applied");
    db.close().await;
    Ok(())
}

async fn seed_command(config: &Config, args: server::cli::SeedArgs) -> anyhow::Result<()> {
    // The statement bound is for requests: rebuilding the indexes of ten
    // million rows and analysing them takes minutes on Postgres (0 = no bound).
    let mut config = config.clone();
    config.pool.statement_timeout = std::time::Duration::ZERO;
    let (db, _in_use) = serve::open_database(&config).await?;
    let plan = seed::Plan {
        users: args.users,
        activities: args.activities,
        problems: args.problems,
        seed: args.seed,
        days: args.days,
        until: args.until.unwrap_or_else(chrono::Utc::now).timestamp(),
        rebuild_indexes: seed::rebuild_indexes_for(args.users, args.activities),
    };
    let summary = seed::run(&db, &plan, args.reset, true).await?;
    let secs = summary.elapsed.as_secs_f64();
    let rows = summary.users + summary.activities + summary.problems;
    tracing::info!(
        users = summary.users,
        activities = summary.activities,
        problems = summary.problems,
        duration_ms = summary.elapsed.as_millis() as u64,
        rows_per_sec = (rows as f64 / secs) as u64,
        "seed complete"
    );
    db.close().await;
    Ok(())
}

async fn simulate_command(config: &Config, args: server::cli::SimulateArgs) -> anyhow::Result<()> {
    let (db, _in_use) = serve::open_database(config).await?;
    let plan = simulate::Plan {
        rate: args.rate,
        count: args.count,
        duration: args.seconds.map(std::time::Duration::from_secs),
        seed: args.seed,
    };
    simulate::run(&db, plan).await?;
    db.close().await;
    Ok(())
}

async fn create_account(config: &Config, args: server::cli::CreateAccountArgs) -> anyhow::Result<()> {
    let role = server_core::model::Role::parse(&args.role)
        .ok_or_else(|| anyhow::anyhow!("invalid --role {:?}: expected viewer, editor, owner or admin", args.role))?;
    let (db, _in_use) = serve::open_database(config).await?;
    let generated = args.password.is_none().then(server_core::auth::tokens::random_token);
    let password = args.password.as_deref().or(generated.as_deref()).unwrap_or_default();
    let id = server_core::services::accounts::create_unchecked(&db, &args.email, password, role)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create the account: {e}"))?;
    db.close().await;
    match generated {
        // Printed to the terminal only: the operator's one chance to read it.
        Some(password) => {
            println!("created account {id} ({}, {}) with the password {password}", args.email, role.as_str())
        }
        None => println!("created account {id} ({}, {})", args.email, role.as_str()),
    }
    Ok(())
}

async fn backup(config: &Config, args: server::cli::BackupArgs) -> anyhow::Result<()> {
    let done = server::backup::backup(config, &args.to, args.overwrite).await?;
    println!(
        "backed up {} to {}: {} bytes, {} users, {} activities in {:.1} s",
        done.from.display(),
        done.to.display(),
        done.bytes,
        done.users,
        done.activities,
        done.elapsed.as_secs_f64()
    );
    Ok(())
}

async fn restore(config: &Config, args: server::cli::RestoreArgs) -> anyhow::Result<()> {
    let done = server::backup::restore(config, &args.from).await?;
    println!(
        "restored {} into {}: {} users, {} activities",
        args.from.display(),
        done.database.display(),
        done.users,
        done.activities
    );
    if let Some(kept) = &done.kept {
        println!("the database it replaced is kept as {}", kept.display());
    }
    if done.pending_migrations > 0 {
        println!("the next start applies {} newer migrations to it", done.pending_migrations);
    }
    Ok(())
}
