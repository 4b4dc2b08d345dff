//! Accounts: the first admin, creating accounts and changing
//! their role or status (admins), and each person's own password and TOTP.

use crate::auth::{password, totp, Caller};
use crate::db::{accounts, audit, sessions, Db, Ts};
use crate::error::{AppError, Result};
use crate::model::{Account, AccountPage, AccountStatus, AccountUpdate, NewAccount, PageMeta, Role, TotpEnrollment};
use crate::services::audit::record;
use crate::services::auth::normalize_email;
use crate::state::AppState;

/// Checks the shape of an e-mail address (the mail server has the last word).
pub fn check_email(email: &str) -> Result<()> {
    let ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid_field("email", "must be an e-mail address such as name@example.com"))
    }
}

fn parse_role(role: &str) -> Result<Role> {
    Role::parse(role.trim()).ok_or_else(|| AppError::invalid_field("role", "must be viewer, editor, owner or admin"))
}

async fn hash(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || password::hash(&password)).await.map_err(|_| AppError::Internal)?
}

/// Creates an account without a caller (the first admin, the CLI); checks the
/// same rules as the API.
pub async fn create_unchecked(db: &Db, email: &str, password: &str, role: Role) -> Result<i64> {
    insert_checked(db, email, password, role, None).await
}

/// Checks and hashes, then inserts the account (with its audit record, if any).
async fn insert_checked(
    db: &Db,
    email: &str,
    password: &str,
    role: Role,
    entry: Option<&audit::NewEntry<'_>>,
) -> Result<i64> {
    let email = normalize_email(email);
    check_email(&email)?;
    password::check_new(password, &email)?;
    let hash = hash(password).await?;
    accounts::insert(db, &email, &hash, role, Ts::now(), entry).await
}

/// On first start (no accounts yet): an admin from `ADMIN_EMAIL` and
/// `ADMIN_PASSWORD`, or with a random password, which is returned so it can be
/// printed once.
pub async fn bootstrap_admin(db: &Db, email: &str, password: Option<&str>) -> Result<Option<String>> {
    db.exclusive(0x6473_6164_6d69, async {
        if accounts::count(db).await? > 0 {
            return Ok(None);
        }
        let generated = password.is_none().then(crate::auth::tokens::random_token);
        let secret = password.or(generated.as_deref()).unwrap_or_default();
        let id = create_unchecked(db, email, secret, Role::Admin).await?;
        if generated.is_some() {
            // It was printed on the console: the admin replaces it at the first sign-in.
            accounts::require_password_change(db, id).await?;
        }
        Ok(Some(generated.unwrap_or_else(|| "(ADMIN_PASSWORD)".into())))
    })
    .await
}

/// Every account, oldest first, as one page (admins only).
pub async fn list(state: &AppState, caller: &Caller) -> Result<AccountPage> {
    caller.require_person(Role::Admin)?;
    let accounts: Vec<Account> = accounts::list(&state.db).await?.iter().map(accounts::AccountRow::to_model).collect();
    // Few enough for one page: the list is whole, so the total is its length.
    let meta = PageMeta { total: accounts.len() as i64, next_cursor: None };
    Ok(AccountPage { accounts, meta })
}

/// One account: admins see any, people only their own. An API key is not its
/// creator: it sees no account (keys are not persons).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<Account> {
    if !caller.principal()?.is_person(id) {
        caller.require_person(Role::Admin)?;
    }
    let row = accounts::by_id(&state.db, id).await?.ok_or(AppError::NotFound { what: "account".into() })?;
    Ok(row.to_model())
}

/// Creates an account (admins only).
pub async fn create(state: &AppState, caller: &Caller, new: &NewAccount) -> Result<Account> {
    caller.require_person(Role::Admin)?;
    let role = parse_role(&new.role)?;
    let actor = caller.actor();
    let details = serde_json::json!({ "email": normalize_email(&new.email), "role": role.as_str() });
    let entry = crate::services::audit::entry(caller, &actor, "account.create", None, true, Some(details));
    let id = insert_checked(&state.db, &new.email, &new.password, role, Some(&entry)).await?;
    let account = accounts::by_id(&state.db, id).await?.ok_or(AppError::Internal)?.to_model();
    crate::observability::events::created("account", id);
    Ok(account)
}

/// Changes an account's role or status (admins only). The change applies to
/// the account's very next request; the last active admin cannot be demoted
/// or disabled (someone must be able to manage accounts).
pub async fn update(state: &AppState, caller: &Caller, id: i64, change: &AccountUpdate) -> Result<Account> {
    caller.require_person(Role::Admin)?;
    let role = change.role.as_deref().map(parse_role).transpose()?;
    let status = change
        .status
        .as_deref()
        .map(|s| {
            AccountStatus::parse(s.trim())
                .ok_or_else(|| AppError::invalid_field("status", "must be active or disabled"))
        })
        .transpose()?;
    if role.is_none() && status.is_none() {
        return Err(AppError::Validation { message: "give a role or a status to change".into(), fields: Vec::new() });
    }
    let current = accounts::by_id(&state.db, id).await?.ok_or(AppError::NotFound { what: "account".into() })?;
    let loses_admin = current.role() == Role::Admin
        && current.is_active()
        && (role.is_some_and(|r| r != Role::Admin) || status == Some(AccountStatus::Disabled));
    if loses_admin && accounts::count_active_admins(&state.db).await? <= 1 {
        return Err(AppError::BusinessRule { message: "the last active admin cannot be demoted or disabled".into() });
    }
    let now = Ts::from(state.clock.now());
    let actor = caller.actor();
    let target = format!("account:{id}");
    let details = serde_json::json!({
        "email": current.email,
        "role": role.map(Role::as_str),
        "status": status.map(AccountStatus::as_str),
    });
    let entry = crate::services::audit::entry(caller, &actor, "account.update", Some(&target), true, Some(details));
    accounts::update(&state.db, id, role, status, now, &entry).await?;
    if status == Some(AccountStatus::Disabled) {
        sessions::revoke_all_of(&state.db, id, now).await?;
    }
    crate::services::auth::forget_principals(state).await?;
    let changes: Vec<&str> = [role.map(|_| "role"), status.map(|_| "status")].into_iter().flatten().collect();
    crate::observability::events::updated("account", id, &changes);
    get(state, caller, id).await
}

/// Changes the caller's own password after checking the current one; every
/// other session of the account ends.
pub async fn change_password(state: &AppState, caller: &Caller, current: &str, new: &str) -> Result<()> {
    let id = caller.require_person(Role::Viewer)?;
    let account = accounts::by_id(&state.db, id).await?.ok_or(AppError::Unauthorized)?;
    let ok = state.passwords.verify(current, Some(account.password_hash.clone())).await?;
    if !ok {
        record(state, caller, "account.password_change", Some(&format!("account:{id}")), false, None).await?;
        return Err(AppError::invalid_field("current_password", "is not your current password"));
    }
    password::check_new(new, &account.email)?;
    let now = Ts::from(state.clock.now());
    accounts::set_password(&state.db, id, &hash(new).await?, now).await?;
    // The session that made the change stays; every other one of the account ends.
    let keep = caller.principal()?.session_id().unwrap_or_default();
    sessions::revoke_others(&state.db, id, keep, now).await?;
    crate::services::auth::forget_principals(state).await?;
    record(state, caller, "account.password_change", Some(&format!("account:{id}")), true, None).await
}

/// Starts TOTP enrolment for the caller: a new secret, not yet required.
pub async fn totp_begin(state: &AppState, caller: &Caller) -> Result<TotpEnrollment> {
    let id = caller.require_person(Role::Viewer)?;
    let account = accounts::by_id(&state.db, id).await?.ok_or(AppError::Unauthorized)?;
    if account.totp_enabled {
        return Err(AppError::Conflict { message: "two-factor sign-in is already on".into() });
    }
    let secret = totp::new_secret();
    accounts::set_totp(&state.db, id, Some(&secret), false, Ts::from(state.clock.now())).await?;
    totp::enrollment(&secret, &account.email)
}

/// Turns TOTP on once the caller proves their app produces the right codes.
pub async fn totp_confirm(state: &AppState, caller: &Caller, code: &str) -> Result<()> {
    let id = caller.require_person(Role::Viewer)?;
    let account = accounts::by_id(&state.db, id).await?.ok_or(AppError::Unauthorized)?;
    let Some(secret) = account.totp_secret.as_deref().filter(|_| !account.totp_enabled) else {
        return Err(AppError::BusinessRule { message: "start two-factor enrolment first".into() });
    };
    if !take_totp_code(state, id, secret, code).await? {
        return Err(AppError::invalid_field("code", "is not the current code of your authenticator app"));
    }
    accounts::set_totp(&state.db, id, Some(secret), true, Ts::from(state.clock.now())).await?;
    record(state, caller, "account.totp_enable", Some(&format!("account:{id}")), true, None).await
}

/// Whether `code` is a current code for `secret` that account `id` has not
/// used before; using it takes its step (so each code works once).
pub async fn take_totp_code(state: &AppState, id: i64, secret: &str, code: &str) -> Result<bool> {
    match totp::matched_step(secret, code, state.clock.now().timestamp()) {
        Some(step) => accounts::use_totp_step(&state.db, id, step).await,
        None => Ok(false),
    }
}

/// Turns TOTP off (with a current code, so a borrowed session cannot).
pub async fn totp_disable(state: &AppState, caller: &Caller, code: &str) -> Result<()> {
    let id = caller.require_person(Role::Viewer)?;
    let account = accounts::by_id(&state.db, id).await?.ok_or(AppError::Unauthorized)?;
    let secret = account.totp_secret.as_deref().filter(|_| account.totp_enabled).unwrap_or_default();
    if secret.is_empty() || !take_totp_code(state, id, secret, code).await? {
        return Err(AppError::invalid_field("code", "is not the current code of your authenticator app"));
    }
    accounts::set_totp(&state.db, id, None, false, Ts::from(state.clock.now())).await?;
    record(state, caller, "account.totp_disable", Some(&format!("account:{id}")), true, None).await
}
