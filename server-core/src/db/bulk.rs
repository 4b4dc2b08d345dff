//! Bulk loading for the data generator: batched multi-row inserts (SQLite) and
//! array-unnesting inserts (Postgres), emptying the tables, and dropping and
//! rebuilding secondary indexes around very large loads.

use serde_json::Value;
use sqlx::types::Json;
use sqlx::QueryBuilder;

use super::{on_db, BeginWrite, Db, Ts};
use crate::error::Result;

/// A `users` row with every column given: the generator chooses the ids, so
/// activities can refer to them without a round trip. Fields are the columns.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "each field is the column of the same name")]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub user_type: &'static str,
    pub created_at: Ts,
    pub last_activity: Option<Ts>,
    pub is_online: bool,
    pub country: Option<&'static str>,
    pub metadata: Value,
}

/// An `activities` row (the database assigns the id). Fields are the columns.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "each field is the column of the same name")]
pub struct ActivityRow {
    pub user_id: i64,
    pub activity_type: &'static str,
    pub description: String,
    pub metadata: Value,
    pub problem_id: Option<i64>,
    pub created_at: Ts,
}

/// A `problems` row with its id. Fields are the columns.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "each field is the column of the same name")]
pub struct ProblemRow {
    pub id: i64,
    pub title: String,
    pub content: String,
    pub answer: String,
    pub subject: &'static str,
    pub difficulty: &'static str,
    pub status: &'static str,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// Rows per SQLite statement are bounded by its 32,766 bound-parameter limit.
const SQLITE_BATCH_PARAMS: usize = 32_000;

/// Rows per Postgres statement: one array per column, so only memory bounds it.
const POSTGRES_BATCH_ROWS: usize = 10_000;

/// A row type the bulk loader can insert many of in one statement.
pub trait BulkRow: Sized + Send + Sync {
    /// Bound parameters per row (SQLite batches are sized by it).
    const COLUMNS: usize;

    /// Inserts `rows` in one statement.
    fn insert(db: &Db, rows: &[Self]) -> impl std::future::Future<Output = Result<()>> + Send;
}

/// Inserts every row of `rows`, one statement per batch, calling `progress` with
/// the size of each batch written. Returns how many rows were inserted.
pub async fn insert_all<R: BulkRow>(
    db: &Db,
    rows: impl Iterator<Item = R>,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let batch = match db {
        Db::Sqlite(_) => SQLITE_BATCH_PARAMS / R::COLUMNS,
        Db::Postgres(_) => POSTGRES_BATCH_ROWS,
    };
    let mut buffer = Vec::with_capacity(batch);
    let mut total = 0;
    for row in rows {
        buffer.push(row);
        if buffer.len() == batch {
            R::insert(db, &buffer).await?;
            progress(buffer.len() as u64);
            total += buffer.len() as u64;
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        R::insert(db, &buffer).await?;
        progress(buffer.len() as u64);
        total += buffer.len() as u64;
    }
    Ok(total)
}

/// The counters the triggers of migration 0004 keep: emptied with the tables.
const COUNTERS: [&str; 4] =
    ["activity_hourly", "user_signups_hourly", "user_country_counts", "user_country_type_counts"];

/// Deletes every platform row and its counters, and restarts the id counters.
pub async fn truncate_platform_tables(db: &Db) -> Result<()> {
    match db {
        Db::Sqlite(pool) => {
            // Row triggers would decrement the counters once per deleted row (and
            // turn off SQLite's whole-table delete): set them aside for the
            // delete, inside the same transaction, so nothing is ever half done.
            let mut tx = pool.begin_write().await?;
            let triggers: Vec<(String, String)> = sqlx::query_as(
                "select name, sql from sqlite_master where type = 'trigger' and tbl_name in ('users', 'activities')",
            )
            .fetch_all(&mut *tx)
            .await?;
            for (name, _) in &triggers {
                sqlx::query(&format!("drop trigger \"{}\"", name.replace('"', "\"\""))).execute(&mut *tx).await?;
            }
            for sql in [
                "delete from activities",
                "delete from users",
                "delete from problems",
                "delete from sqlite_sequence where name in ('activities', 'users', 'problems')",
            ] {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
            for table in COUNTERS {
                sqlx::query(&format!("delete from {table}")).execute(&mut *tx).await?;
            }
            for (_, sql) in &triggers {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        }
        Db::Postgres(pool) => {
            let sql = format!("truncate activities, users, problems, {} restart identity", COUNTERS.join(", "));
            sqlx::query(&sql).execute(pool).await?;
        }
    }
    Ok(())
}

impl BulkRow for UserRow {
    const COLUMNS: usize = 9;

    async fn insert(db: &Db, rows: &[Self]) -> Result<()> {
        insert_users(db, rows).await
    }
}

async fn insert_users(db: &Db, rows: &[UserRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match db {
        Db::Sqlite(pool) => {
            let mut qb = QueryBuilder::new(
                "insert into users (id, email, username, user_type, created_at, last_activity, is_online, country, metadata) ",
            );
            qb.push_values(rows, |mut b, r| {
                b.push_bind(r.id)
                    .push_bind(&r.email)
                    .push_bind(&r.username)
                    .push_bind(r.user_type)
                    .push_bind(r.created_at)
                    .push_bind(r.last_activity)
                    .push_bind(r.is_online)
                    .push_bind(r.country)
                    .push_bind(Json(&r.metadata));
            });
            qb.build().execute(pool).await?;
        }
        Db::Postgres(pool) => {
            sqlx::query(
                "insert into users (id, email, username, user_type, created_at, last_activity, is_online, country, metadata) \
                 select id, email, username, user_type, created_at, last_activity, is_online, country, metadata::jsonb \
                 from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], \
                             $7::boolean[], $8::text[], $9::text[]) \
                 as t(id, email, username, user_type, created_at, last_activity, is_online, country, metadata)",
            )
            .bind(rows.iter().map(|r| r.id).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.email.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.username.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.user_type).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.created_at).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.last_activity).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.is_online).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.country).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.metadata.to_string()).collect::<Vec<_>>())
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

impl BulkRow for ActivityRow {
    const COLUMNS: usize = 6;

    async fn insert(db: &Db, rows: &[Self]) -> Result<()> {
        insert_activities(db, rows).await
    }
}

async fn insert_activities(db: &Db, rows: &[ActivityRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match db {
        Db::Sqlite(pool) => {
            let mut qb = QueryBuilder::new(
                "insert into activities (user_id, activity_type, description, metadata, problem_id, created_at) ",
            );
            qb.push_values(rows, |mut b, r| {
                b.push_bind(r.user_id)
                    .push_bind(r.activity_type)
                    .push_bind(&r.description)
                    .push_bind(Json(&r.metadata))
                    .push_bind(r.problem_id)
                    .push_bind(r.created_at);
            });
            qb.build().execute(pool).await?;
        }
        Db::Postgres(pool) => {
            sqlx::query(
                "insert into activities (user_id, activity_type, description, metadata, problem_id, created_at) \
                 select user_id, activity_type, description, metadata::jsonb, problem_id, created_at \
                 from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::timestamptz[]) \
                 as t(user_id, activity_type, description, metadata, problem_id, created_at)",
            )
            .bind(rows.iter().map(|r| r.user_id).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.activity_type).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.description.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.metadata.to_string()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.problem_id).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.created_at).collect::<Vec<_>>())
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

impl BulkRow for ProblemRow {
    const COLUMNS: usize = 9;

    async fn insert(db: &Db, rows: &[Self]) -> Result<()> {
        insert_problems(db, rows).await
    }
}

async fn insert_problems(db: &Db, rows: &[ProblemRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    const SQL: &str =
        "insert into problems (id, title, content, answer, subject, difficulty, status, created_at, updated_at) ";
    // Few rows (thousands at most): the portable multi-row form is fast enough on both.
    on_db!(db, pool => {
        let mut qb = QueryBuilder::new(SQL);
        qb.push_values(rows, |mut b, r| {
            b.push_bind(r.id)
                .push_bind(&r.title)
                .push_bind(&r.content)
                .push_bind(&r.answer)
                .push_bind(r.subject)
                .push_bind(r.difficulty)
                .push_bind(r.status)
                .push_bind(r.created_at)
                .push_bind(r.updated_at);
        });
        qb.build().execute(pool).await?;
    });
    Ok(())
}

/// Moves Postgres identity counters past ids the generator chose itself, so later
/// inserts without an id do not collide. SQLite's AUTOINCREMENT tracks this itself.
pub async fn sync_id_sequences(db: &Db) -> Result<()> {
    if let Db::Postgres(pool) = db {
        for table in ["users", "activities", "problems"] {
            let sql = format!(
                "select setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) from {table}"
            );
            sqlx::query(&sql).execute(pool).await?;
        }
    }
    Ok(())
}

/// Drops the secondary (non-constraint) indexes of `table`: one sort per index
/// after a large load is much faster than maintaining it row by row. Each
/// definition is recorded in `pending_indexes` first, so [`restore_indexes`]
/// rebuilds it even if the load dies in between.
pub async fn drop_secondary_indexes(db: &Db, table: &str) -> Result<()> {
    let indexes: Vec<(String, String)> = match db {
        // Indexes behind UNIQUE / PRIMARY KEY constraints have no SQL text.
        Db::Sqlite(pool) => {
            sqlx::query_as(
                "select name, sql from sqlite_master where type = 'index' and tbl_name = $1 and sql is not null",
            )
            .bind(table)
            .fetch_all(pool)
            .await?
        }
        Db::Postgres(pool) => {
            sqlx::query_as(
                "select indexname::text, indexdef from pg_indexes \
                 where schemaname = current_schema() and tablename = $1 \
                 and indexname not in (select conname from pg_constraint)",
            )
            .bind(table)
            .fetch_all(pool)
            .await?
        }
    };
    for (name, statement) in &indexes {
        const RECORD: &str = "insert into pending_indexes (statement) values ($1) on conflict do nothing";
        on_db!(db, pool => sqlx::query(RECORD).bind(statement).execute(pool).await.map(|_| ()))?;
        // The name comes from the catalogue, not from input; quoted all the same.
        db.execute(&format!("drop index \"{}\"", name.replace('"', "\"\""))).await?;
    }
    Ok(())
}

/// Rebuilds every index recorded by [`drop_secondary_indexes`] (also after a
/// crash), then refreshes the planner's statistics. Returns how many it rebuilt.
pub async fn restore_indexes(db: &Db) -> Result<usize> {
    const PENDING: &str = "select statement from pending_indexes";
    let statements: Vec<String> = on_db!(db, pool => sqlx::query_scalar(PENDING).fetch_all(pool).await?);
    for statement in &statements {
        db.execute(&if_not_exists(statement)).await?;
        const DONE: &str = "delete from pending_indexes where statement = $1";
        on_db!(db, pool => sqlx::query(DONE).bind(statement).execute(pool).await.map(|_| ()))?;
    }
    if !statements.is_empty() {
        analyze(db).await?;
    }
    Ok(statements.len())
}

/// `create index x …` as `create index if not exists x …`: a crash between the
/// rebuild and its bookkeeping must not make the next attempt fail.
fn if_not_exists(statement: &str) -> String {
    let lower = statement.to_ascii_lowercase();
    match lower.find("index ") {
        Some(at) if !lower.contains("if not exists") => {
            let split = at + "index ".len();
            format!("{}if not exists {}", &statement[..split], &statement[split..])
        }
        _ => statement.to_owned(),
    }
}

/// Refreshes the query planner's statistics after a load. On Postgres it also
/// vacuums: until the visibility map is set, index-only scans (every dashboard
/// count) fall back to reading the table, which made them 1.7x slower at 1M rows.
pub async fn analyze(db: &Db) -> Result<()> {
    let sql = match db {
        Db::Sqlite(_) => "analyze",
        Db::Postgres(_) => "vacuum analyze",
    };
    db.execute(sql).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::if_not_exists;

    #[test]
    fn rebuilt_indexes_tolerate_an_existing_one() {
        assert_eq!(
            if_not_exists("CREATE INDEX users_created_at ON public.users USING btree (created_at)"),
            "CREATE INDEX if not exists users_created_at ON public.users USING btree (created_at)"
        );
        assert_eq!(if_not_exists("create index a on t (x)"), "create index if not exists a on t (x)");
        assert_eq!(if_not_exists("create index if not exists a on t (x)"), "create index if not exists a on t (x)");
    }
}
