//! `dreamseed backup` and `restore` on SQLite: a backup taken while writes go
//! on holds every write committed before it began and passes the integrity
//! check; a restore installs it, keeps the database it replaces, and refuses a
//! database in use and files that are not sound DreamSeed backups, changing
//! nothing then. (`scripts/drills/backup-restore.py` drives the same through
//! the binary under HTTP load, and the Postgres dump round trip.)

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use server::backup::{self, InUse};
use server::config::Config;
use server_core::db::{snapshot, Db};

fn config(database: &Path) -> Config {
    let vars = HashMap::from([("DB_PATH".to_owned(), database.display().to_string())]);
    Config::from_vars(&vars).expect("config")
}

async fn migrated(database: &Path) -> Db {
    let db = Db::connect(&format!("sqlite://{}", database.display())).await.expect("open");
    db.migrate().await.expect("migrate");
    db
}

async fn emails(path: &Path) -> Vec<String> {
    let db = Db::connect(&format!("sqlite://{}", path.display())).await.expect("open");
    let Db::Sqlite(pool) = &db else { unreachable!() };
    let rows = sqlx::query_scalar("select email from users order by id").fetch_all(pool).await.expect("read");
    db.close().await;
    rows
}

async fn add_user(db: &Db, email: &str) {
    let Db::Sqlite(pool) = db else { unreachable!() };
    sqlx::query("insert into users (email, username) values ($1, $1)").bind(email).execute(pool).await.expect("insert");
}

#[tokio::test]
async fn a_backup_taken_during_writes_holds_every_write_committed_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("live.db");
    let db = migrated(&database).await;
    for n in 0..2_000 {
        add_user(&db, &format!("before-{n}@x.test")).await;
    }
    // A writer commits one user at a time for as long as the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (db, stop) = (db.clone(), stop.clone());
        async move {
            let mut written = 0;
            while !stop.load(Ordering::Relaxed) {
                add_user(&db, &format!("during-{written}@x.test")).await;
                written += 1;
            }
            written
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let committed_before: usize = {
        let Db::Sqlite(pool) = &db else { unreachable!() };
        sqlx::query_scalar::<_, i64>("select count(*) from users").fetch_one(pool).await.unwrap() as usize
    };
    let copy = dir.path().join("copy.db");
    let done = backup::backup(&config(&database), &copy, false).await.expect("backup");
    stop.store(true, Ordering::Relaxed);
    let written_during = writer.await.unwrap();
    assert!(written_during > 0, "the writer never wrote");

    let report = snapshot::inspect_file(&copy).await.expect("inspect");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.is_dreamseed);
    assert_eq!(report.pending_migrations, 0);
    let in_copy = emails(&copy).await;
    assert!(in_copy.len() >= committed_before, "{} in the copy, {committed_before} committed before", in_copy.len());
    assert_eq!(done.users as usize, in_copy.len());
    // Each user committed before the backup, and the writer's in order: a
    // prefix of them, none missing in between.
    assert!((0..2_000).all(|n| in_copy.contains(&format!("before-{n}@x.test"))));
    let during = in_copy.iter().filter(|email| email.starts_with("during-")).count();
    assert!((0..during).all(|n| in_copy.contains(&format!("during-{n}@x.test"))));
    // No work file is left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!left.iter().any(|name| name.to_string_lossy().contains("partial")), "{left:?}");

    // The backup does not replace an existing file unless told to.
    let again = backup::backup(&config(&database), &copy, false).await.unwrap_err();
    assert!(format!("{again:#}").contains("--overwrite"), "{again:#}");
    assert!(backup::backup(&config(&database), &copy, true).await.is_ok());
    let itself = backup::backup(&config(&database), &database, true).await.unwrap_err();
    assert!(format!("{itself:#}").contains("the database itself"), "{itself:#}");
    db.close().await;
}

#[tokio::test]
async fn a_restore_installs_the_backup_and_keeps_the_database_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.db");
    let db = migrated(&live).await;
    add_user(&db, "kept@x.test").await;
    let copy = dir.path().join("copy.db");
    backup::backup(&config(&live), &copy, false).await.expect("backup");
    add_user(&db, "after-the-backup@x.test").await;
    // The files a killed server leaves: its last transactions only in the
    // write-ahead log beside the database (closing the pool would fold them in).
    let log = dir.path().join("live.db-wal");
    assert!(std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) > 0, "expected a write-ahead log");
    let database = dir.path().join("crashed.db");
    std::fs::copy(&log, dir.path().join("crashed.db-wal")).unwrap();
    std::fs::copy(&live, &database).unwrap();
    db.close().await;

    // Refused while a process marks the database in use; nothing changes.
    let in_use = InUse::mark(&config(&database)).unwrap();
    let refused = backup::restore(&config(&database), &copy).await.unwrap_err();
    assert!(format!("{refused:#}").contains("is using"), "{refused:#}");
    // And the reverse: no server starts while a restore holds the file.
    drop(in_use);

    let done = backup::restore(&config(&database), &copy).await.expect("restore");
    assert_eq!((done.users, done.pending_migrations), (1, 0));
    assert_eq!(emails(&database).await, ["kept@x.test"]);
    let kept = done.kept.expect("the replaced database is kept");
    assert_eq!(emails(&kept).await, ["kept@x.test", "after-the-backup@x.test"]);
    let report = snapshot::inspect_file(&kept).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(
        !dir.path().join("crashed.db-wal").exists()
            || std::fs::metadata(dir.path().join("crashed.db-wal")).unwrap().len() == 0
    );
    // A second restore within the same second keeps under another name.
    let again = backup::restore(&config(&database), &copy).await.expect("a second restore");
    assert!(again.kept.as_ref().is_some_and(|second| *second != kept && second.exists()), "{:?}", again.kept);
    assert_eq!(emails(&kept).await.len(), 2);
    // The server's next start opens it and carries on.
    let reopened = migrated(&database).await;
    add_user(&reopened, "next@x.test").await;
    reopened.close().await;
    assert_eq!(emails(&database).await, ["kept@x.test", "next@x.test"]);
}

#[tokio::test]
async fn a_restore_refuses_what_is_not_a_sound_backup_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("live.db");
    let db = migrated(&database).await;
    for n in 0..500 {
        add_user(&db, &format!("u{n}@x.test")).await;
    }
    db.close().await;
    let copy = dir.path().join("copy.db");
    backup::backup(&config(&database), &copy, false).await.expect("backup");
    let before = std::fs::read(&database).unwrap();

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database\n".repeat(400)).unwrap();
    let truncated = dir.path().join("truncated.db");
    let bytes = std::fs::read(&copy).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let foreign = dir.path().join("foreign.db");
    {
        let other = Db::connect(&format!("sqlite://{}", foreign.display())).await.unwrap();
        other.execute("create table notes (body text)").await.unwrap();
        other.close().await;
    }
    let newer = dir.path().join("newer.db");
    std::fs::copy(&copy, &newer).unwrap();
    {
        let other = Db::connect(&format!("sqlite://{}", newer.display())).await.unwrap();
        other
            .execute(
                "insert into _sqlx_migrations (version, description, success, checksum, execution_time) \
                 values (9999, 'from the future', 1, x'00', 0)",
            )
            .await
            .unwrap();
        other.close().await;
    }
    let cases = [
        (&text, "not a readable SQLite database"),
        (&truncated, ""),
        (&foreign, "not a DreamSeed one"),
        (&newer, "another version of dreamseed"),
        (&dir.path().join("missing.db"), "there is no file"),
    ];
    for (file, says) in cases {
        let err = backup::restore(&config(&database), file).await.unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains(says), "{}: {message}", file.display());
        assert_eq!(std::fs::read(&database).unwrap(), before, "{} changed the database", file.display());
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!left.iter().any(|name| name.to_string_lossy().contains("before-restore")), "{left:?}");
    assert!(!left.iter().any(|name| name.to_string_lossy().contains("partial")), "{left:?}");
    assert_eq!(emails(&database).await.len(), 500);
}
