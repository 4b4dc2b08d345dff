//! Writing a batch of ingested events in one transaction: user
//! upserts by e-mail and activities, in the batch's order, with the batch's
//! audit record. References are checked before each insert, so one bad
//! reference rejects its item without aborting the transaction.

use std::collections::HashMap;

use super::{audit, BeginWrite, Db, Ts};
use crate::error::Result;

/// A user to create or update, already validated.
#[derive(Clone, Debug)]
pub struct UserUpsert {
    /// The key.
    pub email: String,
    /// Display name.
    pub username: String,
    /// free, paid or premium; `None` keeps an existing user's type (a new user is free).
    pub user_type: Option<String>,
    /// Alpha-2 country.
    pub country: Option<String>,
    /// Signup time, for a new user.
    pub created_at: Ts,
    /// JSON object text.
    pub metadata: Option<String>,
}

/// Who an activity belongs to.
#[derive(Clone, Debug)]
pub enum UserRef {
    /// By id.
    Id(i64),
    /// By e-mail (lower-case).
    Email(String),
}

/// An activity, already validated.
#[derive(Clone, Debug)]
pub struct ActivityEvent {
    /// Whose.
    pub user: UserRef,
    /// What kind.
    pub activity_type: String,
    /// A line for people.
    pub description: Option<String>,
    /// The problem it is about.
    pub problem_id: Option<i64>,
    /// When.
    pub created_at: Ts,
    /// JSON object text.
    pub metadata: Option<String>,
}

/// A valid event with its position in the batch.
#[derive(Clone, Debug)]
pub enum Event {
    /// Create or update a user.
    UserUpsert(UserUpsert),
    /// Record an activity.
    Activity(ActivityEvent),
}

/// What happened to one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new user with this id.
    UserCreated(i64),
    /// An existing user with this id, updated.
    UserUpdated(i64),
    /// An activity, recorded.
    ActivityRecorded,
    /// Refused: (field, message).
    Refused(&'static str, String),
}

/// Activities are inserted this many rows per statement.
const ACTIVITY_CHUNK: usize = 100;

/// Writes `events` and `audit_entry` in one transaction; returns each event's
/// outcome. When every event is refused nothing is written. Round trips are
/// what a batch costs on Postgres, so users are looked up once per batch,
/// activities go in multi-row inserts, and each user's last activity is moved
/// once, at the end.
pub async fn write_batch(db: &Db, events: &[Event], at: Ts, audit_entry: &audit::NewEntry<'_>) -> Result<Vec<Outcome>> {
    // JSON columns: text in SQLite, jsonb in Postgres (a text parameter needs a cast).
    let json = |n: usize| match db {
        Db::Sqlite(_) => format!("${n}"),
        Db::Postgres(_) => format!("cast(${n} as jsonb)"),
    };
    let user_sql = upsert_user_sql(&json(6));
    const USER_BY_EMAIL: &str = "select id from users where email = $1";
    const USER_BY_ID: &str = "select id from users where id = $1";
    const PROBLEM_EXISTS: &str = "select id from problems where id = $1";
    const TOUCH: &str = "update users set last_activity = $2, is_online = true \
        where id = $1 and (last_activity is null or last_activity < $2)";

    super::on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let mut outcomes = Vec::with_capacity(events.len());
        // Users and problems already found in this batch.
        let mut by_email: HashMap<&str, i64> = HashMap::new();
        let mut by_id: HashMap<i64, i64> = HashMap::new();
        let mut problems: HashMap<i64, bool> = HashMap::new();
        let mut pending: Vec<(i64, &ActivityEvent)> = Vec::new();
        let mut last_activity: HashMap<i64, Ts> = HashMap::new();
        for event in events {
            let outcome = match event {
                Event::UserUpsert(u) => {
                    let existed: Option<i64> =
                        sqlx::query_scalar(USER_BY_EMAIL).bind(&u.email).fetch_optional(&mut *tx).await?;
                    let id: i64 = sqlx::query_scalar(&user_sql)
                        .bind(&u.email).bind(&u.username).bind(&u.user_type).bind(&u.country).bind(u.created_at)
                        .bind(&u.metadata)
                        .fetch_one(&mut *tx).await?;
                    by_email.insert(u.email.as_str(), id);
                    if existed.is_some() { Outcome::UserUpdated(id) } else { Outcome::UserCreated(id) }
                }
                Event::Activity(a) => {
                    let user = match &a.user {
                        UserRef::Id(id) => match by_id.get(id) {
                            Some(found) => Some(*found),
                            None => {
                                let found: Option<i64> = sqlx::query_scalar(USER_BY_ID).bind(id).fetch_optional(&mut *tx).await?;
                                if let Some(found) = found { by_id.insert(*id, found); }
                                found
                            }
                        },
                        UserRef::Email(email) => match by_email.get(email.as_str()) {
                            Some(found) => Some(*found),
                            None => {
                                let found: Option<i64> = sqlx::query_scalar(USER_BY_EMAIL).bind(email).fetch_optional(&mut *tx).await?;
                                if let Some(found) = found { by_email.insert(email.as_str(), found); }
                                found
                            }
                        },
                    };
                    let problem_ok = match a.problem_id {
                        Some(p) => match problems.get(&p) {
                            Some(known) => *known,
                            None => {
                                let known = sqlx::query_scalar::<_, i64>(PROBLEM_EXISTS).bind(p).fetch_optional(&mut *tx).await?.is_some();
                                problems.insert(p, known);
                                known
                            }
                        },
                        None => true,
                    };
                    match user {
                        None => Outcome::Refused(
                            match a.user { UserRef::Id(_) => "user_id", UserRef::Email(_) => "user_email" },
                            "no such user".into(),
                        ),
                        Some(_) if !problem_ok => Outcome::Refused("problem_id", "no such problem".into()),
                        Some(user_id) => {
                            pending.push((user_id, a));
                            let latest = last_activity.entry(user_id).or_insert(a.created_at);
                            *latest = (*latest).max(a.created_at);
                            Outcome::ActivityRecorded
                        }
                    }
                }
            };
            outcomes.push(outcome);
        }
        // Nothing written: roll back (dropping the transaction) and leave no audit record.
        if outcomes.iter().all(|o| matches!(o, Outcome::Refused(..))) {
            return Ok(outcomes);
        }
        for chunk in pending.chunks(ACTIVITY_CHUNK) {
            let sql = insert_activities_sql(chunk.len(), &json);
            let mut insert = sqlx::query(&sql);
            for (user_id, a) in chunk {
                insert = insert.bind(*user_id).bind(&a.activity_type).bind(&a.description).bind(a.problem_id)
                    .bind(a.created_at).bind(&a.metadata);
            }
            insert.execute(&mut *tx).await?;
        }
        for (user_id, latest) in &last_activity {
            sqlx::query(TOUCH).bind(user_id).bind(*latest).execute(&mut *tx).await?;
        }
        audit::append!(tx, at, audit_entry);
        tx.commit().await?;
        Ok(outcomes)
    })
}

/// `insert into activities … values (…), (…)` for `rows` rows of six parameters.
fn insert_activities_sql(rows: usize, json: &impl Fn(usize) -> String) -> String {
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let n = r * 6;
            format!("(${}, ${}, ${}, ${}, ${}, {})", n + 1, n + 2, n + 3, n + 4, n + 5, json(n + 6))
        })
        .collect();
    format!(
        "insert into activities (user_id, activity_type, description, problem_id, created_at, metadata) values {}",
        values.join(", ")
    )
}

fn upsert_user_sql(json: &str) -> String {
    format!(
        "insert into users (email, username, user_type, country, created_at, metadata) \
         values ($1, $2, coalesce($3, 'free'), $4, $5, {json}) \
         on conflict (email) do update set username = excluded.username, user_type = coalesce($3, users.user_type), \
         country = coalesce(excluded.country, users.country), metadata = coalesce(excluded.metadata, users.metadata) \
         returning id"
    )
}
