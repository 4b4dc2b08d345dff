//! Copies of the SQLite database file: the online copy `dreamseed backup`
//! makes while the server runs, the check `dreamseed restore` makes of a copy
//! before it takes the database's place, and the checkpoint that folds the
//! write-ahead log into the file before that.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Row};

use super::{Db, SQLITE_MIGRATIONS};

/// The SQLite file `database_url` names, or `None` for Postgres or an
/// in-memory database.
pub fn sqlite_file(database_url: &str) -> Option<PathBuf> {
    let postgres = database_url.starts_with("postgres://") || database_url.starts_with("postgresql://");
    // sqlx names an in-memory database `file:sqlx-in-memory-N`, not a file.
    let in_memory = database_url.contains(":memory:") || database_url.contains("mode=memory");
    if postgres || in_memory {
        return None;
    }
    let options = SqliteConnectOptions::from_str(database_url).ok()?;
    let path = options.get_filename();
    (!path.as_os_str().is_empty()).then(|| path.to_path_buf())
}

/// Writes a transactionally consistent copy of a SQLite database to `path`,
/// which must not exist, while other connections go on reading and writing.
///
/// `VACUUM INTO` reads the whole database inside one read transaction: under
/// WAL, writers carry on meanwhile and the copy is the database as of the
/// moment it began, with every transaction committed by then and none after
/// (never half of one). The copy is compact, without free pages. SQLite's
/// page-by-page backup API would give the same snapshot but is not reachable
/// through sqlx without unsafe FFI.
pub async fn copy_into(db: &Db, path: &Path) -> Result<(), sqlx::Error> {
    let Db::Sqlite(pool) = db else {
        return Err(sqlx::Error::Configuration("only a SQLite database can be copied to a file".into()));
    };
    let target = path
        .to_str()
        .ok_or_else(|| sqlx::Error::Configuration(format!("the path {} is not UTF-8", path.display()).into()))?;
    sqlx::query("VACUUM INTO $1").bind(target).execute(pool).await?;
    Ok(())
}

/// Moves every frame of the write-ahead log into the database file and empties
/// the log, so the file alone holds the whole database. Returns whether the
/// log could be emptied (not while another connection reads an older snapshot).
pub async fn checkpoint(db: &Db) -> Result<bool, sqlx::Error> {
    let Db::Sqlite(pool) = db else { return Ok(true) };
    // One row: (busy, frames in the log, frames checkpointed); busy = 1 when a
    // reader or writer kept the checkpoint from completing.
    let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(pool).await?;
    Ok(row.try_get::<i64, _>(0)? == 0)
}

/// What [`inspect_file`] found in a SQLite file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    /// `PRAGMA integrity_check`'s findings; empty when the file is sound.
    pub problems: Vec<String>,
    /// Whether it is a DreamSeed database (it has the migrations' record and
    /// the platform's tables).
    pub is_dreamseed: bool,
    /// Migrations recorded in the file that this binary does not have, or has
    /// with other contents, or that failed: the file comes from another version.
    pub unknown_migrations: Vec<i64>,
    /// This binary's migrations the file has not had yet (the next start applies them).
    pub pending_migrations: usize,
    /// Platform users in it.
    pub users: i64,
    /// Activities in it.
    pub activities: i64,
}

/// Opens the SQLite file at `path` read-only and checks it: its integrity, that
/// it is a DreamSeed database, and which of this binary's migrations it has.
/// A file that is not a SQLite database at all is an error
/// (`file is not a database`).
///
/// The file must not be in use: it is opened as immutable, so SQLite reads the
/// file alone, takes no locks and leaves no log or index files beside it.
pub async fn inspect_file(path: &Path) -> Result<FileReport, sqlx::Error> {
    let mut conn: SqliteConnection =
        SqliteConnectOptions::new().filename(path).read_only(true).immutable(true).connect().await?;
    let mut report = FileReport {
        problems: sqlx::query_scalar::<_, String>("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await?
            .into_iter()
            .filter(|line| line != "ok")
            .collect(),
        ..FileReport::default()
    };
    let tables: i64 = sqlx::query_scalar(
        "select count(*) from sqlite_master
         where type = 'table' and name in ('_sqlx_migrations', 'users', 'activities')",
    )
    .fetch_one(&mut conn)
    .await?;
    report.is_dreamseed = tables == 3;
    if !report.is_dreamseed {
        return Ok(report);
    }
    let known: HashMap<i64, &[u8]> = SQLITE_MIGRATIONS
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| (m.version, m.checksum.as_ref()))
        .collect();
    let applied: Vec<(i64, Vec<u8>, bool)> =
        sqlx::query_as("select version, checksum, success from _sqlx_migrations order by version")
            .fetch_all(&mut conn)
            .await?;
    report.unknown_migrations = applied
        .iter()
        .filter(|(version, checksum, success)| !success || known.get(version) != Some(&checksum.as_slice()))
        .map(|(version, _, _)| *version)
        .collect();
    report.pending_migrations =
        known.keys().filter(|version| !applied.iter().any(|(applied, _, _)| applied == *version)).count();
    report.users = sqlx::query_scalar("select count(*) from users").fetch_one(&mut conn).await?;
    report.activities = sqlx::query_scalar("select count(*) from activities").fetch_one(&mut conn).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_urls_name_a_file() {
        assert_eq!(sqlite_file("sqlite://./a.db"), Some(PathBuf::from("./a.db")));
        assert_eq!(sqlite_file("sqlite:///tmp/x.db?mode=rwc"), Some(PathBuf::from("/tmp/x.db")));
        assert_eq!(sqlite_file("postgres://u@h/db"), None);
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("sqlite://x.db?mode=memory"), None);
    }
}
