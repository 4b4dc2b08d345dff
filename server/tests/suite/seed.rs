//! The data generator on both databases: exact sizes, consistent rows, the same
//! data from the same seed, and no silent mixing with existing data.

use crate::common;

use server_core::model::range::{Preset, RangeQuery, ResolvedRange, Zone};

use server::seed::{self, Plan};
use server_core::db::{bulk, Db};
use server_core::error::AppError;
use server_core::services::dashboard;

const UNTIL: i64 = 1_790_000_000;

fn plan(seed: u64) -> Plan {
    Plan { users: 1_200, activities: 9_000, problems: 50, seed, days: 90, until: UNTIL, rebuild_indexes: false }
}

/// The secondary indexes on users and activities, by name.
async fn secondary_indexes(db: &Db) -> Vec<String> {
    let mut names: Vec<String> = match db {
        Db::Sqlite(p) => sqlx::query_scalar(
            "select name from sqlite_master where type = 'index' and tbl_name in ('users', 'activities') and sql is not null",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(
            "select indexname::text from pg_indexes where schemaname = current_schema() \
             and tablename in ('users', 'activities') and indexname not in (select conname from pg_constraint)",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    names.sort();
    names
}

/// Every user row, as comparable values (timestamps as epoch seconds).
async fn user_rows(db: &Db) -> Vec<(i64, String, String, String, i64, Option<i64>, bool, Option<String>)> {
    let sql =
        "select id, email, username, user_type, created_at, last_activity, is_online, country from users order by id";
    match db {
        Db::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(&sql.replace(
            "created_at, last_activity",
            "extract(epoch from created_at)::bigint, extract(epoch from last_activity)::bigint",
        ))
        .fetch_all(p)
        .await
        .unwrap(),
    }
}

/// (users, activities, problems) row counts.
async fn counts(db: &Db) -> (i64, i64, i64) {
    let pool_counts = |sql: &'static str| async move {
        match db {
            Db::Sqlite(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await.unwrap(),
            Db::Postgres(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await.unwrap(),
        }
    };
    (
        pool_counts("select count(*) from users").await,
        pool_counts("select count(*) from activities").await,
        pool_counts("select count(*) from problems").await,
    )
}

async fn seeds_exact_sizes_consistently(db: &Db) {
    let summary = seed::run(db, &plan(1), false, false).await.unwrap();
    // The summary counts rows inserted (not rows planned).
    assert_eq!((summary.users, summary.activities, summary.problems), (1_200, 9_000, 50));
    let empty = seed::run(db, &Plan { users: 0, activities: 100, problems: 0, ..plan(1) }, true, false).await.unwrap();
    assert_eq!((empty.users, empty.activities, empty.problems), (0, 0, 0));
    seed::run(db, &plan(1), true, false).await.unwrap();
    assert_eq!(counts(db).await, (1_200, 9_000, 50));

    // Every user's last_activity is the time of their latest activity.
    let mismatches: i64 = {
        let sql = "select count(*) from users u where u.last_activity is distinct from \
                   (select max(a.created_at) from activities a where a.user_id = u.id)";
        match db {
            Db::Sqlite(p) => sqlx::query_scalar(&sql.replace("is distinct from", "is not")).fetch_one(p).await.unwrap(),
            Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    };
    assert_eq!(mismatches, 0);

    // The dashboard sees the generated figures.
    let now = chrono::DateTime::from_timestamp(UNTIL, 0).unwrap();
    let stats = dashboard::compute_stats(db, Zone::Kst, now).await.unwrap();
    assert_eq!(stats.total_users, 1_200);
    let t = stats.users_by_type;
    assert_eq!(t.free + t.paid + t.premium, 1_200);
    assert!(t.free > t.paid && t.paid > t.premium, "{t:?}");
    assert!(stats.activities_today > 0 && stats.active_today > 0, "{stats:?}");
    assert_eq!(stats.problems_total, 50);
}
on_both_databases!(exact_sizes, seeds_exact_sizes_consistently);

async fn refuses_to_mix_with_existing_data_unless_reset(db: &Db) {
    seed::run(db, &plan(1), false, false).await.unwrap();
    let err = seed::run(db, &plan(2), false, false).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
    seed::run(db, &plan(2), true, false).await.unwrap();
    assert_eq!(counts(db).await, (1_200, 9_000, 50));
}
on_both_databases!(reset, refuses_to_mix_with_existing_data_unless_reset);

#[tokio::test]
async fn the_same_seed_gives_the_same_rows_on_both_databases() {
    let sqlite = common::TestDb::sqlite().await;
    seed::run(&sqlite.db, &plan(5), false, false).await.unwrap();
    let Some(postgres) = common::TestDb::postgres().await else { return };
    seed::run(&postgres.db, &plan(5), false, false).await.unwrap();
    let now = chrono::DateTime::from_timestamp(UNTIL, 0).unwrap();
    let a = dashboard::compute_countries(&sqlite.db, &common::test_countries(), Zone::Kst, now).await.unwrap();
    let b = dashboard::compute_countries(&postgres.db, &common::test_countries(), Zone::Kst, now).await.unwrap();
    assert_eq!(a, b);
    let range = ResolvedRange::new(&RangeQuery::preset(Preset::Days90), Zone::Kst, now).unwrap();
    let a = dashboard::compute_user_growth(&sqlite.db, range).await.unwrap();
    let b = dashboard::compute_user_growth(&postgres.db, range).await.unwrap();
    assert_eq!(a, b);
    let a = dashboard::compute_activity_series(&sqlite.db, range).await.unwrap();
    let b = dashboard::compute_activity_series(&postgres.db, range).await.unwrap();
    assert_eq!(a, b);
    assert!(a.series.iter().map(|s| s.total).sum::<i64>() > 0);
    let (a, b) = (user_rows(&sqlite.db).await, user_rows(&postgres.db).await);
    assert_eq!(a.len(), 1_200);
    assert!(a == b, "user rows differ between SQLite and Postgres");
}

async fn a_large_load_rebuilds_its_indexes(db: &Db) {
    let before = secondary_indexes(db).await;
    assert!(before.len() >= 5, "{before:?}");
    seed::run(db, &Plan { rebuild_indexes: true, ..plan(3) }, false, false).await.unwrap();
    assert_eq!(secondary_indexes(db).await, before);
    assert_eq!(counts(db).await, (1_200, 9_000, 50));
}
on_both_databases!(rebuilt_indexes, a_large_load_rebuilds_its_indexes);

async fn indexes_dropped_by_an_interrupted_load_come_back(db: &Db) {
    let before = secondary_indexes(db).await;
    // A load that died right after dropping its indexes…
    bulk::drop_secondary_indexes(db, "activities").await.unwrap();
    let dropped = before.len() - secondary_indexes(db).await.len();
    assert!(dropped >= 2, "the activities' indexes are gone");
    // …is repaired by the next start or load.
    assert_eq!(bulk::restore_indexes(db).await.unwrap(), dropped);
    assert_eq!(secondary_indexes(db).await, before);
    assert_eq!(bulk::restore_indexes(db).await.unwrap(), 0);
}
on_both_databases!(interrupted_load, indexes_dropped_by_an_interrupted_load_come_back);
