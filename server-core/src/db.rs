//! Storage: one pool over SQLite (the embedded default) or Postgres (scaled mode),
//! migrations, and the query functions, one module per table. Queries are written
//! once in SQL both dialects accept (`$1` placeholders work in both); the few that
//! differ branch on [`Db`] inside their query function.

pub mod accounts;
pub mod activities;
pub mod alert_events;
pub mod alert_rules;
pub mod api_keys;
pub mod audit;
pub mod bulk;
pub mod channels;
pub mod deliveries;
pub mod events;
pub mod idempotency;
pub mod problems;
pub mod report_runs;
pub mod report_templates;
pub mod reports;
pub mod request_minutes;
pub mod select;
pub mod sessions;
pub mod snapshot;
pub mod users;

use std::future::Future;
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Decode, Encode, Postgres, Sqlite, Transaction, Type};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// A connection pool to whichever database `DATABASE_URL` names.
#[derive(Clone, Debug)]
pub enum Db {
    /// The embedded default: a SQLite file.
    Sqlite(SqlitePool),
    /// Scaled mode: a Postgres server shared by every replica.
    Postgres(PgPool),
}

/// Which SQL dialect a [`Db`] speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite's SQL.
    Sqlite,
    /// Postgres's SQL.
    Postgres,
}

impl Backend {
    /// The name used in logs and health reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Runs the same expression against whichever pool `$db` holds. The expression is
/// compiled once per dialect, so each `sqlx::query` call is type-checked for both.
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => {
                let _in_flight = $crate::db::InFlight::enter();
                $body
            }
            $crate::db::Db::Postgres($pool) => {
                let _in_flight = $crate::db::InFlight::enter();
                $body
            }
        }
    };
}

/// Database operations under way in this process (every query function runs
/// inside [`on_db!`], which counts itself here while it runs).
static IN_FLIGHT: AtomicI64 = AtomicI64::new(0);

/// One operation counted in [`IN_FLIGHT`] until it is dropped.
#[doc(hidden)]
pub struct InFlight(());

impl InFlight {
    /// Counts an operation in.
    pub fn enter() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
        Self(())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}
pub(crate) use on_db;

/// How long database waits may last, so an unreachable or stuck database costs
/// a request a few seconds and a 503, never the whole request timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    /// Longest wait for a pooled connection, connecting included
    /// (`DB_ACQUIRE_TIMEOUT_MS`).
    pub acquire_timeout: Duration,
    /// Postgres `statement_timeout` (`DB_STATEMENT_TIMEOUT_MS`): under the 30 s
    /// request timeout, so a stuck query ends as a 503 rather than a dropped request.
    pub statement_timeout: Duration,
    /// How long a SQLite writer waits for the file's write lock before giving up
    /// with SQLITE_BUSY (then a 503).
    pub busy_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            acquire_timeout: Duration::from_millis(2_000),
            statement_timeout: Duration::from_millis(10_000),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// Whether a connection coming back to the pool may be used again: only if no
/// transaction is left open on it. A write that failed for want of disk was
/// rolled back by SQLite itself, so sqlx's own ROLLBACK then failed and it
/// still counted the transaction as open: every later `begin` on that
/// connection failed ("non-zero transaction depth"), and the server answered
/// 500 until a restart. Such a connection is closed and replaced instead.
fn keep_after_release<C: sqlx::Connection>(conn: &mut C) -> futures::future::BoxFuture<'_, Result<bool, sqlx::Error>> {
    use futures::FutureExt;
    async move {
        // Runs the rollback a dropped transaction queued, so the count is current.
        conn.ping().await?;
        Ok(!conn.is_in_transaction())
    }
    .boxed()
}

/// Begins a transaction that will write, the way each dialect needs it. Every
/// write transaction in `db/` starts here.
pub(crate) trait BeginWrite {
    /// The dialect.
    type Database: sqlx::Database;

    /// A pooled connection inside a write transaction. Dropped without commit,
    /// sqlx rolls it back before the connection goes back to the pool.
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Database>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Database = Sqlite;

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        // IMMEDIATE takes the write lock up front, waiting up to busy_timeout for
        // it. A DEFERRED transaction that reads first and writes later gets
        // SQLITE_BUSY_SNAPSHOT (517) at once under WAL when another connection
        // wrote meanwhile: no busy wait can save it, the work is lost.
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Database = Postgres;

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        // Postgres locks rows, not the database: a plain (read committed) begin.
        self.begin().await
    }
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`), creating a SQLite file
    /// if it does not exist yet, with the default [`PoolSettings`] (the server passes
    /// its configured ones to [`Db::connect_with`]).
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        Self::connect_with(url, PoolSettings::default()).await
    }

    /// Connects to `url` with explicit wait bounds.
    pub async fn connect_with(url: &str, settings: PoolSettings) -> Result<Self, sqlx::Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Server-side bound on every statement; the client-side bound on
            // connecting (sqlx 0.8 has no connect timeout knob) is the acquire
            // timeout, which covers the TCP connect and the handshake.
            // Custom plans always: list filters and dashboard ranges are planned
            // with their values, not with the generic plan a pooled statement
            // gets after five runs (12 months of counters: 15.5 ms, not 9.3).
            let options = PgConnectOptions::from_str(url)?.options([
                ("statement_timeout", format!("{}ms", settings.statement_timeout.as_millis())),
                ("plan_cache_mode", "force_custom_plan".to_owned()),
            ]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(settings.acquire_timeout)
                .after_release(|conn, _| keep_after_release(conn))
                .connect_with(options)
                .await?;
            Ok(Self::Postgres(pool))
        } else {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                // WAL: readers never wait for the writer; NORMAL sync is durable
                // across application crashes, which is what a dashboard needs.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                // Writers queue on the file lock (see `BeginWrite`) for this long.
                .busy_timeout(settings.busy_timeout)
                .foreign_keys(true)
                // 8 MiB page cache per connection (the default is 2 MiB): what
                // the dashboard's and the lists' index pages need, while eight
                // connections stay within the 150 MB target for the whole server
                // (64 MiB each grew it to 390 MiB at 1M users); the OS file cache
                // holds the rest of the database.
                .pragma("cache_size", "-8192")
                .pragma("temp_store", "memory");
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                // Writers waiting for the lock hold their connection meanwhile:
                // give a reader at least as long to get one as a writer may wait.
                .acquire_timeout(settings.acquire_timeout.max(settings.busy_timeout))
                .after_release(|conn, _| keep_after_release(conn))
                .connect_with(options)
                .await?;
            Ok(Self::Sqlite(pool))
        }
    }

    /// About how many database operations of this process are waiting for a
    /// pooled connection now: those under way beyond the connections in use
    /// (an operation holds one connection at a time). The alerts' "database
    /// pool waiting" figure samples it.
    pub fn waiting(&self) -> u64 {
        let in_use = match self {
            Self::Sqlite(pool) => pool.size() as i64 - pool.num_idle() as i64,
            Self::Postgres(pool) => pool.size() as i64 - pool.num_idle() as i64,
        };
        u64::try_from(IN_FLIGHT.load(Ordering::Relaxed) - in_use.max(0)).unwrap_or(0)
    }

    /// The dialect of this pool.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations from `migrations/<dialect>/`.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
            Self::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        }
    }

    /// Runs one statement without parameters; returns the rows it affected.
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        on_db!(self, pool => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()))
    }

    /// Runs `work` while holding the lock `key` for every process using this
    /// database, e.g. so that one replica alone fills an empty database. On
    /// Postgres it is a transaction-scoped advisory lock (released on commit, or
    /// by the server if this process dies); a SQLite file has a single server.
    pub async fn exclusive<T>(
        &self,
        key: i64,
        work: impl Future<Output = crate::error::Result<T>>,
    ) -> crate::error::Result<T> {
        match self {
            Self::Sqlite(_) => work.await,
            Self::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("select pg_advisory_xact_lock($1)").bind(key).execute(&mut *tx).await?;
                let result = work.await;
                tx.commit().await?;
                result
            }
        }
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}

/// A point in time as the database stores it: epoch seconds in SQLite (compact
/// and index-friendly; day buckets are plain integer division), `timestamptz` in
/// Postgres. Sub-second precision is dropped so both dialects agree exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(pub DateTime<Utc>);

impl Ts {
    /// Now, truncated to the second.
    pub fn now() -> Self {
        Self::from_secs(Utc::now().timestamp())
    }

    /// The instant `secs` seconds after the Unix epoch (clamped to the epoch if out of range).
    pub fn from_secs(secs: i64) -> Self {
        Self(DateTime::from_timestamp(secs, 0).unwrap_or_default())
    }

    /// Seconds since the Unix epoch.
    pub fn secs(self) -> i64 {
        self.0.timestamp()
    }
}

impl From<DateTime<Utc>> for Ts {
    fn from(value: DateTime<Utc>) -> Self {
        Self::from_secs(value.timestamp())
    }
}

impl From<Ts> for DateTime<Utc> {
    fn from(value: Ts) -> Self {
        value.0
    }
}

impl Type<Sqlite> for Ts {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for Ts {
    fn encode_by_ref(&self, buf: &mut Vec<sqlx::sqlite::SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<'q, Sqlite>>::encode(self.secs(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Ts {
    fn decode(value: sqlx::sqlite::SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Self::from_secs(<i64 as Decode<'r, Sqlite>>::decode(value)?))
    }
}

impl Type<Postgres> for Ts {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for Ts {
    fn encode_by_ref(&self, buf: &mut sqlx::postgres::PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <DateTime<Utc> as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Ts {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Self::from(<DateTime<Utc> as Decode<'r, Postgres>>::decode(value)?))
    }
}

impl sqlx::postgres::PgHasArrayType for Ts {
    fn array_type_info() -> sqlx::postgres::PgTypeInfo {
        <DateTime<Utc> as sqlx::postgres::PgHasArrayType>::array_type_info()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_drop_sub_second_precision() {
        let precise = DateTime::parse_from_rfc3339("2026-11-21T10:20:30.987Z").unwrap().with_timezone(&Utc);
        assert_eq!(Ts::from(precise).0.to_rfc3339(), "2026-11-21T10:20:30+00:00");
    }

    #[tokio::test]
    async fn sqlite_stores_timestamps_as_epoch_seconds() {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        let Db::Sqlite(pool) = &db else { unreachable!() };
        let (stored, kind): (i64, String) =
            sqlx::query_as("select $1, typeof($1)").bind(Ts::from_secs(1_700_000_000)).fetch_one(pool).await.unwrap();
        assert_eq!((stored, kind.as_str()), (1_700_000_000, "integer"));
    }
}
