//! The command line: `dreamseed [serve | migrate | seed … | simulate … |
//! create-account … | backup … | restore …]`.

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};

/// DreamSeed Admin: the operations console and analytics service.
#[derive(Debug, Parser)]
#[command(name = "dreamseed", version, about)]
pub struct Cli {
    /// The command (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do (default: serve).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, add demo data to an empty one, and serve the app.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill the database with generated, reproducible data.
    Seed(SeedArgs),
    /// Write realistic activity at a steady rate, to watch the dashboard move.
    Simulate(SimulateArgs),
    /// Create an account that can sign in to the admin console.
    CreateAccount(CreateAccountArgs),
    /// Copy the SQLite database to a file while the server runs (Postgres: pg_dump).
    Backup(BackupArgs),
    /// Replace the SQLite database with a backup (the server must be stopped).
    Restore(RestoreArgs),
}

/// Options of `dreamseed backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write.
    #[arg(long, value_name = "FILE")]
    pub to: std::path::PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub overwrite: bool,
}

/// Options of `dreamseed restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to restore (made by `dreamseed backup`).
    #[arg(long, value_name = "FILE")]
    pub from: std::path::PathBuf,
}

/// Options of `dreamseed create-account`.
#[derive(Debug, Args)]
pub struct CreateAccountArgs {
    /// Its e-mail address (the login).
    #[arg(long)]
    pub email: String,
    /// viewer, editor, owner or admin.
    #[arg(long, default_value = "viewer")]
    pub role: String,
    /// Its password (default: read from the DREAMSEED_PASSWORD variable, else a
    /// random one is generated and printed).
    #[arg(long, env = "DREAMSEED_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

/// Options of `dreamseed simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Activities per second (up to 1000).
    #[arg(long, default_value_t = 5.0)]
    pub rate: f64,
    /// Stop after this many activities (default: run until Ctrl-C).
    #[arg(long)]
    pub count: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long)]
    pub seconds: Option<u64>,
    /// Random seed.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// Options of `dreamseed seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Platform users to create.
    #[arg(long, default_value_t = 20_000)]
    pub users: u64,
    /// Activities to create, spread over the users' lifetimes.
    #[arg(long, default_value_t = 200_000)]
    pub activities: u64,
    /// Problems in the problem bank.
    #[arg(long, default_value_t = 300)]
    pub problems: u64,
    /// Random seed: the same seed and sizes give the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Days of history before `--until`.
    #[arg(long, default_value_t = 730, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
    /// The end of the history (RFC 3339; default: now).
    #[arg(long)]
    pub until: Option<DateTime<Utc>>,
    /// Delete existing users, activities and problems first.
    #[arg(long)]
    pub reset: bool,
}
