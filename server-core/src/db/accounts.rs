//! Queries on `accounts`: the people who sign in to DreamSeed Admin.

use super::{audit, on_db, BeginWrite, Db, Ts};
use crate::error::{AppError, Result};
use crate::model::{Account, AccountStatus, Role};

/// An account as stored (with its secrets: never leaves the server).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccountRow {
    /// Its id.
    pub id: i64,
    /// Lower-case e-mail.
    pub email: String,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// `viewer` … `admin`.
    pub role: String,
    /// `active` or `disabled`.
    pub status: String,
    /// The TOTP secret (base32), once enrolment started.
    pub totp_secret: Option<String>,
    /// Whether the second factor is required.
    pub totp_enabled: bool,
    /// When it was created.
    pub created_at: Ts,
    /// Its last successful login.
    pub last_login_at: Option<Ts>,
    /// Whether its password was generated and must be replaced at sign-in.
    pub must_change_password: bool,
}

impl AccountRow {
    /// The role (an unknown stored value reads as the weakest).
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }

    /// Whether it may sign in.
    pub fn is_active(&self) -> bool {
        self.status == AccountStatus::Active.as_str()
    }

    /// The account as the API shows it.
    pub fn to_model(&self) -> Account {
        Account {
            id: self.id,
            email: self.email.clone(),
            role: self.role(),
            status: AccountStatus::parse(&self.status).unwrap_or(AccountStatus::Disabled),
            totp_enabled: self.totp_enabled,
            created_at: self.created_at.0,
            last_login_at: self.last_login_at.map(|t| t.0),
        }
    }
}

const COLUMNS: &str =
    "id, email, password_hash, role, status, totp_secret, totp_enabled, created_at, last_login_at, must_change_password";

/// The account with this (lower-case) e-mail.
pub async fn by_email(db: &Db, email: &str) -> Result<Option<AccountRow>> {
    let sql = format!("select {COLUMNS} from accounts where email = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(email).fetch_optional(pool).await?))
}

/// The account with this id.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<AccountRow>> {
    let sql = format!("select {COLUMNS} from accounts where id = $1");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
}

/// Every account, oldest first (a handful: the platform's staff).
pub async fn list(db: &Db) -> Result<Vec<AccountRow>> {
    let sql = format!("select {COLUMNS} from accounts order by id");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await?))
}

/// How many accounts exist.
pub async fn count(db: &Db) -> Result<i64> {
    Ok(on_db!(db, pool => sqlx::query_scalar("select count(*) from accounts").fetch_one(pool).await?))
}

/// How many active admins exist (the last one may not be demoted or disabled).
pub async fn count_active_admins(db: &Db) -> Result<i64> {
    const SQL: &str = "select count(*) from accounts where role = 'admin' and status = 'active'";
    Ok(on_db!(db, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
}

/// Creates an account; returns its id. A taken e-mail is a 409. With `entry`,
/// the audit record (its target completed with the new id) is written in the
/// same transaction.
pub async fn insert(
    db: &Db,
    email: &str,
    password_hash: &str,
    role: Role,
    now: Ts,
    entry: Option<&audit::NewEntry<'_>>,
) -> Result<i64> {
    const SQL: &str = "insert into accounts (email, password_hash, role, status, created_at, updated_at) \
        values ($1, $2, $3, 'active', $4, $4) returning id";
    let taken = |e: sqlx::Error| match AppError::from(e) {
        AppError::Conflict { .. } => AppError::Conflict { message: format!("an account for {email} already exists") },
        other => other,
    };
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(SQL)
            .bind(email).bind(password_hash).bind(role.as_str()).bind(now)
            .fetch_one(&mut *tx).await.map_err(taken)?;
        if let Some(entry) = entry {
            let target = format!("account:{id}");
            let entry = audit::NewEntry { target: Some(&target), ..entry.clone() };
            audit::append!(tx, now, entry);
        }
        tx.commit().await?;
        Ok(id)
    })
}

/// Sets the role and/or status and appends `entry`, in one transaction;
/// returns whether the account exists (nothing is written when it does not).
pub async fn update(
    db: &Db,
    id: i64,
    role: Option<Role>,
    status: Option<AccountStatus>,
    now: Ts,
    entry: &audit::NewEntry<'_>,
) -> Result<bool> {
    const SQL: &str = "update accounts set role = coalesce($2, role), status = coalesce($3, status), \
        updated_at = $4 where id = $1";
    let role = role.map(Role::as_str);
    let status = status.map(AccountStatus::as_str);
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(SQL).bind(id).bind(role).bind(status).bind(now).execute(&mut *tx).await?.rows_affected();
        if n == 1 {
            audit::append!(tx, now, entry);
        }
        tx.commit().await?;
        Ok(n == 1)
    })
}

/// Replaces the password hash.
pub async fn set_password(db: &Db, id: i64, password_hash: &str, now: Ts) -> Result<()> {
    // A password the person chose ends any "must change" requirement.
    const SQL: &str =
        "update accounts set password_hash = $2, must_change_password = false, updated_at = $3 where id = $1";
    on_db!(db, pool => sqlx::query(SQL).bind(id).bind(password_hash).bind(now).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Sets the TOTP secret and whether it is required.
pub async fn set_totp(db: &Db, id: i64, secret: Option<&str>, enabled: bool, now: Ts) -> Result<()> {
    const SQL: &str = "update accounts set totp_secret = $2, totp_enabled = $3, updated_at = $4 where id = $1";
    on_db!(db, pool => sqlx::query(SQL).bind(id).bind(secret).bind(enabled).bind(now).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Takes TOTP time step `step` for the account: true only for the first use
/// of a step newer than every step used before. One statement, so two
/// requests racing with the same code cannot both win.
pub async fn use_totp_step(db: &Db, id: i64, step: i64) -> Result<bool> {
    const SQL: &str = "update accounts set totp_last_step = $2 \
        where id = $1 and (totp_last_step is null or totp_last_step < $2)";
    Ok(on_db!(db, pool => sqlx::query(SQL).bind(id).bind(step).execute(pool).await?.rows_affected()) == 1)
}

/// Marks the account's password as one that must be replaced at sign-in.
pub async fn require_password_change(db: &Db, id: i64) -> Result<()> {
    const SQL: &str = "update accounts set must_change_password = true where id = $1";
    on_db!(db, pool => sqlx::query(SQL).bind(id).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Notes a successful login.
pub async fn touch_login(db: &Db, id: i64, now: Ts) -> Result<()> {
    const SQL: &str = "update accounts set last_login_at = $2 where id = $1";
    on_db!(db, pool => sqlx::query(SQL).bind(id).bind(now).execute(pool).await.map(|_| ())?);
    Ok(())
}
