//! `dreamseed backup` and `dreamseed restore` for the embedded SQLite
//! database, and the mark every command that opens the file holds so a restore
//! never swaps the file under a running server.
//!
//! A backup is taken online: the server keeps serving and writing while
//! `VACUUM INTO` copies one consistent snapshot beside the target, which is
//! checked, flushed to disk and only then renamed into place, so a crash
//! leaves either the previous backup or the new one, never half of one.
//! A restore checks the copy it is about to install, keeps the database it
//! replaces, and swaps the files with one rename. Postgres has its own tools
//! for both (`pg_dump`, `pg_restore`): the commands say which to run.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use server_core::db::snapshot::{self, sqlite_file};
use server_core::db::Db;

use crate::config::Config;

/// What `dreamseed backup` prints of the Postgres route.
const PG_DUMP_HINT: &str = "the database is Postgres: back it up with \
    pg_dump --format=custom --no-owner --file FILE \"$DATABASE_URL\" \
    (restore: pg_restore --no-owner --dbname EMPTY_DATABASE_URL FILE; docs/OPERATIONS.md)";

/// Held while this process has the SQLite file open (`serve`, `seed`,
/// `simulate`, `migrate`, `create-account`): a shared lock (`flock`) on the
/// file, which any number of them may hold at once and which `restore`'s
/// exclusive one excludes. Released when the process ends or this is dropped.
///
/// The lock is on the database file itself, not a file beside it that could be
/// left behind; `flock` locks are separate from SQLite's own `fcntl` locks on
/// the file. The descriptor must stay open while SQLite uses the file (closing
/// any descriptor of a file drops the process's `fcntl` locks on it): keep this
/// until the pool is closed.
#[derive(Debug)]
pub struct InUse {
    _file: Option<File>,
}

impl InUse {
    /// Marks the database `config` names as in use by this process; a no-op
    /// for Postgres. Fails while a restore is replacing the file.
    pub fn mark(config: &Config) -> anyhow::Result<Self> {
        let Some(path) = sqlite_file(&config.database_url) else { return Ok(Self { _file: None }) };
        lock(&path, Mode::Shared).map(|file| Self { _file: Some(file) }).map_err(|err| match err {
            LockError::Busy => {
                anyhow::anyhow!("{} is being restored: try again when the restore has finished", path.display())
            }
            LockError::Io(err) => err,
        })
    }
}

/// Which lock [`lock`] takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Any number of users of the database.
    Shared,
    /// A restore, alone.
    Exclusive,
}

/// Why [`lock`] failed.
#[derive(Debug)]
enum LockError {
    /// Another process holds a lock that excludes this one.
    Busy,
    /// The file could not be opened or locked.
    Io(anyhow::Error),
}

/// Locks the file at `path` (created empty if missing: SQLite takes an empty
/// file for a new database), without waiting. Retries when the file was
/// replaced between the open and the lock, so the lock is always on the file
/// the path names now.
fn lock(path: &Path, mode: Mode) -> Result<File, LockError> {
    for _ in 0..3 {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .with_context(|| format!("cannot open the database file {}", path.display()))
            .map_err(LockError::Io)?;
        let locked = match mode {
            Mode::Shared => file.try_lock_shared(),
            Mode::Exclusive => file.try_lock(),
        };
        match locked {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(LockError::Busy),
            Err(TryLockError::Error(err)) => {
                return Err(LockError::Io(
                    anyhow::Error::new(err).context(format!("cannot lock the database file {}", path.display())),
                ))
            }
        }
        let held = file.metadata().map_err(|err| LockError::Io(err.into()))?;
        match std::fs::metadata(path) {
            Ok(now) if now.dev() == held.dev() && now.ino() == held.ino() => return Ok(file),
            // Renamed over (a restore finished) between the open and the lock.
            _ => continue,
        }
    }
    Err(LockError::Io(anyhow::anyhow!("{} keeps being replaced", path.display())))
}

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupSummary {
    /// The database copied.
    pub from: PathBuf,
    /// The backup file.
    pub to: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Platform users in it.
    pub users: i64,
    /// Activities in it.
    pub activities: i64,
    /// How long it took.
    pub elapsed: Duration,
}

/// `dreamseed backup --to FILE`: an online copy of the SQLite database, as of
/// one moment, checked and then renamed to `to`. An existing `to` is kept
/// unless `overwrite`.
pub async fn backup(config: &Config, to: &Path, overwrite: bool) -> anyhow::Result<BackupSummary> {
    let started = Instant::now();
    let Some(from) = sqlite_file(&config.database_url) else { bail!(PG_DUMP_HINT) };
    if !from.is_file() {
        bail!("there is no database at {}", from.display());
    }
    if to.exists() {
        if same_file(&from, to) {
            bail!("{} is the database itself: back it up to another file", to.display());
        }
        if !overwrite {
            bail!("{} exists: choose another file, or pass --overwrite to replace it", to.display());
        }
    }
    // Beside a running server (reading only, no migration), never beside a
    // restore replacing the file.
    let _in_use = InUse::mark(config)?;
    let partial = WorkFile::beside(to, ".partial")?;
    let db = Db::connect_with(&config.database_url, config.pool)
        .await
        .with_context(|| format!("cannot open the database at {}", from.display()))?;
    let copied = snapshot::copy_into(&db, &partial.path).await;
    db.close().await;
    copied.with_context(|| format!("cannot copy the database to {}", partial.path.display()))?;
    let report = checked(&partial.path, to).await?;
    partial.install(to)?;
    Ok(BackupSummary {
        from,
        to: to.to_path_buf(),
        bytes: std::fs::metadata(to)?.len(),
        users: report.users,
        activities: report.activities,
        elapsed: started.elapsed(),
    })
}

/// What a restore did.
#[derive(Debug)]
pub struct RestoreSummary {
    /// The database replaced.
    pub database: PathBuf,
    /// Where the database it replaced is kept (none if there was none).
    pub kept: Option<PathBuf>,
    /// Platform users in the restored database.
    pub users: i64,
    /// Activities in it.
    pub activities: i64,
    /// Migrations the next start will apply to it (an older backup).
    pub pending_migrations: usize,
}

/// `dreamseed restore --from FILE`: replaces the SQLite database with a backup,
/// after checking the copy about to be installed, keeping the database it
/// replaces as `<database>.before-restore-<time>`. Refused while any process
/// has the database open.
pub async fn restore(config: &Config, from: &Path) -> anyhow::Result<RestoreSummary> {
    let Some(database) = sqlite_file(&config.database_url) else {
        bail!(
            "the database is Postgres: restore a pg_dump file with \
             pg_restore --no-owner --dbname EMPTY_DATABASE_URL FILE, then point DATABASE_URL at it \
             (docs/OPERATIONS.md)"
        )
    };
    if !from.is_file() {
        bail!("there is no file at {}", from.display());
    }
    if database.exists() && same_file(&database, from) {
        bail!("{} is the database itself", from.display());
    }
    // A file with a log beside it is a live database, not a backup: the file
    // alone may lack its last transactions.
    let log = suffixed(from, "-wal");
    if non_empty(&log) {
        bail!(
            "{} has a write-ahead log beside it ({}): it is a database in use, not a backup; \
             make one with dreamseed backup --to FILE",
            from.display(),
            log.display()
        );
    }
    let _alone = lock(&database, Mode::Exclusive).map_err(|err| match err {
        LockError::Busy => anyhow::anyhow!(
            "a dreamseed process (serve, seed, simulate …) is using {}: stop it, then restore",
            database.display()
        ),
        LockError::Io(err) => err,
    })?;

    // The copy that will be installed is the one checked.
    let partial = WorkFile::beside(&database, ".restore-partial")?;
    std::fs::copy(from, &partial.path)
        .with_context(|| format!("cannot copy {} to {}", from.display(), partial.path.display()))
        .context("nothing was changed")?;
    let report = checked(&partial.path, from).await.context("nothing was changed")?;
    let kept = keep_current(config, &database).await.context("nothing was changed")?;
    partial.install(&database)?;
    Ok(RestoreSummary {
        database,
        kept,
        users: report.users,
        activities: report.activities,
        pending_migrations: report.pending_migrations,
    })
}

/// Keeps the database about to be replaced as `<database>.before-restore-<time>`
/// (a second name for the same file, so nothing is copied), after folding its
/// write-ahead log into it; then removes the log and its index, which must not
/// meet the restored file. Returns the kept name, or `None` for an empty or
/// missing database.
async fn keep_current(config: &Config, database: &Path) -> anyhow::Result<Option<PathBuf>> {
    let log = suffixed(database, "-wal");
    let has_log = non_empty(&log);
    if !non_empty(database) && !has_log {
        return Ok(None);
    }
    // Two restores within a second get -2, -3 … rather than failing.
    let stamp = format!(".before-restore-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ"));
    let kept = (1..)
        .map(|n| suffixed(database, &if n == 1 { stamp.clone() } else { format!("{stamp}-{n}") }))
        .find(|name| !name.exists() && !suffixed(name, "-wal").exists())
        .expect("an unused name");
    if has_log {
        let db = Db::connect_with(&config.database_url, config.pool)
            .await
            .with_context(|| format!("cannot open {} to fold its log in", database.display()))?;
        let folded = snapshot::checkpoint(&db).await;
        db.close().await;
        folded.with_context(|| format!("cannot fold the log of {} into it", database.display()))?;
    }
    std::fs::hard_link(database, &kept)
        .with_context(|| format!("cannot keep the current database as {}", kept.display()))?;
    // A log the checkpoint could not empty goes with the kept file (SQLite
    // reads `<name>-wal` beside `<name>`).
    if non_empty(&log) {
        std::fs::rename(&log, suffixed(&kept, "-wal")).context("cannot keep the current database's log")?;
    }
    remove_if_present(&log)?;
    remove_if_present(&suffixed(database, "-shm"))?;
    Ok(Some(kept))
}

/// Checks the SQLite file at `path`, a copy of `name`, is a sound DreamSeed
/// database this binary can serve.
async fn checked(path: &Path, name: &Path) -> anyhow::Result<snapshot::FileReport> {
    let report = snapshot::inspect_file(path)
        .await
        .with_context(|| format!("{} is not a readable SQLite database", name.display()))?;
    if !report.problems.is_empty() {
        let shown: Vec<&str> = report.problems.iter().take(5).map(String::as_str).collect();
        bail!("{} fails SQLite's integrity check: {}", name.display(), shown.join("; "));
    }
    if !report.is_dreamseed {
        bail!("{} is a SQLite database but not a DreamSeed one", name.display());
    }
    if !report.unknown_migrations.is_empty() {
        bail!(
            "{} comes from another version of dreamseed (migrations {:?} are not this binary's): \
             restore it with the version that made it",
            name.display(),
            report.unknown_migrations
        );
    }
    Ok(report)
}

/// `path` with `suffix` added to its file name.
fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A hidden work file beside its destination (the same directory, so the
/// final rename is atomic), removed when dropped unless installed: whatever
/// fails on the way leaves nothing behind.
struct WorkFile {
    path: PathBuf,
    installed: bool,
}

impl WorkFile {
    /// The work file for `target`, named with `suffix`; a stale one (a crash's)
    /// is removed first.
    fn beside(target: &Path, suffix: &str) -> anyhow::Result<Self> {
        let path = sibling(target, suffix)?;
        remove_if_present(&path)?;
        Ok(Self { path, installed: false })
    }

    /// Flushes the file to disk, then renames it to `to` and flushes the
    /// directory: after a crash `to` is the old file or the new one, whole.
    fn install(mut self, to: &Path) -> anyhow::Result<()> {
        File::open(&self.path)?.sync_all()?;
        std::fs::rename(&self.path, to)
            .with_context(|| format!("cannot rename {} to {}", self.path.display(), to.display()))?;
        self.installed = true;
        sync_parent(to)
    }
}

impl Drop for WorkFile {
    fn drop(&mut self) {
        if !self.installed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether the file at `path` exists and holds anything.
fn non_empty(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.len() > 0)
}

/// The hidden name of a work file beside `path`.
fn sibling(path: &Path, suffix: &str) -> anyhow::Result<PathBuf> {
    let name = path.file_name().with_context(|| format!("{} is not a file name", path.display()))?;
    let mut hidden = std::ffi::OsString::from(".");
    hidden.push(name);
    hidden.push(suffix);
    Ok(path.with_file_name(hidden))
}

/// Whether two existing paths are the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(anyhow::Error::new(err).context(format!("cannot remove {}", path.display())))
        }
        _ => Ok(()),
    }
}

/// Flushes the directory holding `path`, so a rename in it survives a crash.
fn sync_parent(path: &Path) -> anyhow::Result<()> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    File::open(parent)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_files_stay_in_the_target_directory() {
        assert_eq!(sibling(Path::new("/b/x.db"), ".partial").unwrap(), PathBuf::from("/b/.x.db.partial"));
        assert_eq!(sibling(Path::new("x.db"), ".partial").unwrap(), PathBuf::from(".x.db.partial"));
        assert_eq!(suffixed(Path::new("/b/x.db"), "-wal"), PathBuf::from("/b/x.db-wal"));
    }

    #[test]
    fn a_shared_mark_excludes_a_restore_and_the_reverse() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.db");
        let first = lock(&path, Mode::Shared).unwrap();
        let _second = lock(&path, Mode::Shared).unwrap();
        assert!(matches!(lock(&path, Mode::Exclusive), Err(LockError::Busy)));
        drop(first);
        drop(_second);
        let alone = lock(&path, Mode::Exclusive).unwrap();
        assert!(matches!(lock(&path, Mode::Shared), Err(LockError::Busy)));
        drop(alone);
        assert!(lock(&path, Mode::Shared).is_ok());
    }
}
