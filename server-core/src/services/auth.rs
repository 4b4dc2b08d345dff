//! Signing in and out: password and TOTP checks with
//! login throttling, browser sessions and API token families with rotating
//! refresh tokens, and recognising the credentials a request carries. Every
//! login attempt, successful or not, goes to the audit log.

use std::sync::Arc;

use chrono::Duration;

use crate::auth::rate_limit::Decision;
use crate::auth::{tokens, Caller, Principal, Via};
use crate::cache::LocalKey;
use crate::db::{accounts, api_keys, audit, sessions, Ts};
use crate::error::{AppError, Result};
use crate::model::{Me, Role, TokenPair};
use crate::services::audit::record;
use crate::state::AppState;

/// Failed logins are counted over this window.
const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// Failures for one e-mail from one address before each further try must wait.
const FREE_ATTEMPTS: i64 = 5;
/// The longest wait between tries.
const MAX_DELAY_SECS: i64 = 15 * 60;
/// Failures from one address (any e-mail) before it must wait the window out.
const MAX_FAILURES_PER_IP: i64 = 50;
/// Failures for one e-mail from all addresses together before tries from
/// unknown addresses must wait.
const FREE_ACCOUNT_ATTEMPTS: i64 = 20;
/// An address the account signed in from within this many days is its owner's.
const KNOWN_ADDRESS_DAYS: i64 = 30;
/// A session's last-seen time is written at most this often.
const TOUCH_EVERY_SECS: i64 = 60;
/// How long a checked credential is trusted in this process without asking the
/// database again. Every change that could end or weaken it (logout, disabling,
/// a role change, a revoked key or session) clears these entries here and, over
/// Redis, on every replica; only if Redis is down while such a change happens
/// may another replica trust the old answer for up to this long.
const PRINCIPAL_TTL: std::time::Duration = std::time::Duration::from_secs(30);
/// The prefix of those cache entries.
const PRINCIPAL_KEYS: &str = "auth:*";

/// Forgets every cached credential check (after a change to who may do what).
pub async fn forget_principals(state: &AppState) -> Result<()> {
    state.cache.forget_local(PRINCIPAL_KEYS).await.map(|_| ())
}

/// `lookup`'s principal for the cache key `key`, from the cache when it was
/// checked recently.
async fn cached<F, Fut>(state: &AppState, key: LocalKey, lookup: F) -> Result<Option<Arc<Principal>>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Option<Principal>>>,
{
    if let Some(principal) = state.cache.local_get::<Arc<Principal>>(&key).await {
        return Ok(Some(principal));
    }
    // Boxed: the database lookup is a large future, needed once per credential
    // and TTL; inline, every request would carry (and copy) its space.
    let principal = Box::pin(lookup()).await?.map(Arc::new);
    if let Some(principal) = &principal {
        state.cache.local_put(key, Arc::clone(principal), PRINCIPAL_TTL).await;
    }
    Ok(principal)
}

/// Where a successful login is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginKind {
    /// A browser: a session cookie.
    Browser,
    /// An API client: an access token and a refresh token.
    Api,
}

impl LoginKind {
    fn as_str(self) -> &'static str {
        match self {
            LoginKind::Browser => "browser",
            LoginKind::Api => "api",
        }
    }
}

/// What a login proved.
#[derive(Clone, Debug)]
pub struct LoginSuccess {
    /// The account's id.
    pub account_id: i64,
    /// The new session's id.
    pub session_id: String,
    /// The cookie value (browser) or the refresh token (API): shown once.
    pub secret: String,
    /// The access token (API only).
    pub access_token: Option<String>,
}

impl LoginSuccess {
    /// The token pair of an API login.
    pub fn token_pair(&self) -> TokenPair {
        TokenPair {
            access_token: self.access_token.clone().unwrap_or_default(),
            refresh_token: self.secret.clone(),
            token_type: "Bearer".into(),
            expires_in: tokens::ACCESS_TTL_SECS as u64,
            refresh_expires_in: tokens::REFRESH_TTL_SECS as u64,
        }
    }
}

/// Normalises an e-mail address for lookups (trimmed, lower-case).
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The longest e-mail address accepted (RFC 5321's limit on a path).
pub const MAX_EMAIL_LEN: usize = 254;
/// The longest password accepted, in bytes. Anything longer is refused before
/// any work: hashing, lookups and the audit log never see it.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks e-mail, password and (when enabled) TOTP code; on success starts a
/// session of `kind`. Wrong e-mail, wrong password and a disabled account give
/// the same error after the same work.
///
/// Cheap refusals come first, so an anonymous flood costs little: sizes, then
/// the number of attempts in progress on this replica, then the caller's
/// address's attempts per minute, then the throttle on recent failures. The attempt is written to the audit log before the password is
/// checked (parallel guesses count at once), and the check waits its turn for
/// one of a few hashing slots.
pub async fn login(
    state: &AppState,
    caller: &Caller,
    email: &str,
    secret: &str,
    totp_code: Option<&str>,
    kind: LoginKind,
) -> Result<LoginSuccess> {
    check_credentials_shape(email, secret)?;
    let _admitted = state.passwords.admit()?;
    let email = normalize_email(email);
    let now = state.clock.now();
    let ip = caller.ip.clone().unwrap_or_else(|| "unknown".into());
    let limit = state.security.rate_limit_per_minute;
    if let Decision::Deny { retry_after_secs } =
        state.rate_limiter.check(&state.cache, &format!("login:{ip}"), limit, now.timestamp_millis()).await
    {
        return Err(AppError::RateLimited { retry_after_secs });
    }
    // One attempt per e-mail at a time on this replica: a burst of parallel
    // guesses would otherwise all pass the throttle before any failure is recorded.
    let _one_at_a_time = state.rate_limiter.login_lock(&email).lock_owned().await;
    throttle(state, &email, &ip, now).await?;

    let attempt = audit::insert_returning_id(
        &state.db,
        Ts::from(now),
        &audit::NewEntry {
            account_id: None,
            actor: &email,
            action: LOGIN,
            target: Some(&email),
            success: false,
            ip: Some(&ip),
            trace_id: caller.trace_id.as_deref(),
            details: Some(reason("checking")),
            // Sign-ins are anonymous: never deduplicated, no key to mark.
            claim: None,
        },
    )
    .await?;
    let account = accounts::by_email(&state.db, &email).await?;
    let password_ok = state.passwords.verify(secret, account.as_ref().map(|a| a.password_hash.clone())).await?;
    let settle = |success: bool, why: Option<&'static str>, account_id: Option<i64>| {
        audit::settle(&state.db, attempt, LOGIN, account_id, success, why.map(reason))
    };
    let fail = |why: &'static str, account_id: Option<i64>| async move {
        settle(false, Some(why), account_id).await?;
        Err::<LoginSuccess, _>(AppError::InvalidCredentials)
    };
    let account = match account {
        Some(a) if password_ok && a.is_active() => a,
        Some(a) if password_ok => return fail("account disabled", Some(a.id)).await,
        Some(a) => return fail("wrong password", Some(a.id)).await,
        None => return fail("unknown e-mail", None).await,
    };
    if account.totp_enabled {
        let secret = account.totp_secret.as_deref().unwrap_or_default();
        let Some(code) = totp_code.map(str::trim).filter(|c| !c.is_empty()) else {
            // The password was right: not a failure to count, but still a record.
            audit::settle(&state.db, attempt, "auth.totp_challenge", Some(account.id), true, None).await?;
            return Err(AppError::TotpRequired);
        };
        if !crate::services::accounts::take_totp_code(state, account.id, secret, code).await? {
            return fail("wrong or already used TOTP code", Some(account.id)).await;
        }
    }

    let success = start_session(state, caller, account.id, kind).await?;
    accounts::touch_login(&state.db, account.id, Ts::from(now)).await?;
    settle(true, None, Some(account.id)).await?;
    Ok(success)
}

/// The audit action of a sign-in attempt.
const LOGIN: &str = "auth.login";

/// An attempt's `details`.
fn reason(why: &str) -> String {
    serde_json::json!({ "reason": why }).to_string()
}

/// Refuses credentials that are missing or too long to be real, naming each
/// bad field (before any other work).
fn check_credentials_shape(email: &str, secret: &str) -> Result<()> {
    let mut fields = Vec::new();
    let mut bad = |field: &str, message: String| {
        fields.push(crate::error::FieldError { field: field.into(), message });
    };
    if email.trim().is_empty() {
        bad("email", "is required".into());
    } else if email.len() > MAX_EMAIL_LEN {
        bad("email", format!("must be at most {MAX_EMAIL_LEN} characters"));
    }
    if secret.is_empty() {
        bad("password", "is required".into());
    } else if secret.len() > MAX_PASSWORD_BYTES {
        bad("password", format!("must be at most {MAX_PASSWORD_BYTES} bytes"));
    }
    if fields.is_empty() {
        return Ok(());
    }
    let message = if fields.iter().all(|f| f.message == "is required") {
        "enter your e-mail address and password".to_owned()
    } else {
        "the e-mail address or password is too long".to_owned()
    };
    Err(AppError::Validation { message, fields })
}

/// Refuses a login attempt that comes too soon after failures:
/// - for one e-mail from one address, the first 5 failures in 15 minutes are
///   free and each later try waits twice as long as the one before (2 s, 4 s, …
///   up to 15 min);
/// - for one e-mail from anywhere (a guesser spreading over many addresses),
///   the same after 20 failures, except from an address the account signed in
///   from in the last 30 days, so the owner is not locked out by an attacker;
/// - one address failing 50 times (any e-mail) waits out the window.
async fn throttle(state: &AppState, email: &str, ip: &str, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let since = Ts::from(now - Duration::minutes(THROTTLE_WINDOW_MINUTES));
    let known_since = Ts::from(now - Duration::days(KNOWN_ADDRESS_DAYS));
    let seen = audit::failed_logins(&state.db, email, ip, since, known_since).await?;
    if seen.address >= MAX_FAILURES_PER_IP {
        return Err(AppError::RateLimited { retry_after_secs: (THROTTLE_WINDOW_MINUTES * 60) as u64 });
    }
    let waits = [
        backoff(seen.pair, FREE_ATTEMPTS, seen.pair_last, now),
        if seen.known_address { None } else { backoff(seen.account, FREE_ACCOUNT_ATTEMPTS, seen.account_last, now) },
    ];
    match waits.into_iter().flatten().max() {
        Some(wait) => Err(AppError::RateLimited { retry_after_secs: wait }),
        None => Ok(()),
    }
}

/// How long to wait after `failures` (the newest at `last`) when `free` are
/// allowed: twice as long for each failure past them, up to 15 minutes; `None`
/// when no wait is left.
fn backoff(failures: i64, free: i64, last: Option<Ts>, now: chrono::DateTime<chrono::Utc>) -> Option<u64> {
    if failures < free {
        return None;
    }
    let delay = 2i64.saturating_pow((failures - free + 1).min(20) as u32).min(MAX_DELAY_SECS);
    let wait = last?.secs() + delay - now.timestamp();
    (wait > 0).then_some(wait as u64)
}

/// Starts a session of `kind` for `account_id`: a fresh id and secret (so a
/// session id planted before login is never reused).
pub async fn start_session(
    state: &AppState,
    caller: &Caller,
    account_id: i64,
    kind: LoginKind,
) -> Result<LoginSuccess> {
    let now = state.clock.now();
    let session_id = uuid::Uuid::now_v7().to_string();
    let secret = tokens::random_token();
    let lifetime = match kind {
        LoginKind::Browser => Duration::from_std(state.security.session_absolute).unwrap_or(Duration::hours(12)),
        LoginKind::Api => Duration::seconds(tokens::REFRESH_TTL_SECS),
    };
    let user_agent = caller.user_agent.as_deref();
    sessions::insert(
        &state.db,
        &sessions::NewSession {
            id: &session_id,
            account_id,
            kind: kind.as_str(),
            token_hash: &tokens::digest(&secret),
            now: Ts::from(now),
            expires_at: Ts::from(now + lifetime),
            ip: caller.ip.as_deref(),
            user_agent,
        },
    )
    .await?;
    let access_token = match kind {
        LoginKind::Api => Some(state.security.jwt.issue(account_id, &session_id, now.timestamp())?),
        LoginKind::Browser => None,
    };
    Ok(LoginSuccess { account_id, session_id, secret, access_token })
}

/// Trades a refresh token for a new pair. The old one stops working; presenting
/// it again revokes the whole family (it was copied).
pub async fn refresh(state: &AppState, caller: &Caller, refresh_token: &str) -> Result<TokenPair> {
    let now = state.clock.now();
    let hash = tokens::digest(refresh_token.trim());
    let Some(session) = sessions::by_token(&state.db, "api", &hash).await? else {
        if let Some(id) = sessions::id_by_retired_token(&state.db, &hash).await? {
            sessions::revoke(&state.db, &id, Ts::from(now)).await?;
            forget_principals(state).await?;
            let owner = sessions::account_of(&state.db, &id).await?;
            let caller = Caller {
                principal: owner.map(|(account_id, email)| {
                    Arc::new(Principal {
                        account_id: Some(account_id),
                        name: email,
                        role: Role::Viewer,
                        scopes: Vec::new(),
                        via: Via::Token { session_id: id.clone() },
                        must_change_password: false,
                    })
                }),
                ..caller.clone()
            };
            record(state, &caller, "auth.refresh_reuse", Some(&format!("session:{id}")), false, None).await?;
            tracing::warn!(session = %id, "a refresh token was used twice: its family is revoked");
        }
        return Err(AppError::Unauthorized);
    };
    if session.status != "active" || session.expires_at.secs() <= now.timestamp() {
        return Err(AppError::Unauthorized);
    }
    let secret = tokens::random_token();
    let expires = Ts::from(now + Duration::seconds(tokens::REFRESH_TTL_SECS));
    if !sessions::rotate(&state.db, &session.id, &hash, &tokens::digest(&secret), Ts::from(now), expires).await? {
        return Err(AppError::Unauthorized);
    }
    let access_token = state.security.jwt.issue(session.account_id, &session.id, now.timestamp())?;
    Ok(LoginSuccess {
        account_id: session.account_id,
        session_id: session.id,
        secret,
        access_token: Some(access_token),
    }
    .token_pair())
}

/// Ends the caller's session or token family (API keys are revoked, not logged out).
pub async fn logout(state: &AppState, caller: &Caller) -> Result<()> {
    let principal = caller.principal()?;
    let id = match &principal.via {
        Via::Session { id } => id,
        Via::Token { session_id } => session_id,
        Via::ApiKey { .. } => return Err(AppError::Forbidden),
    };
    sessions::revoke(&state.db, id, Ts::from(state.clock.now())).await?;
    forget_principals(state).await?;
    record(state, caller, "auth.logout", Some(&format!("session:{id}")), true, None).await
}

/// Who the caller is: their principal and, for a person, their account as it
/// is now (API keys have no account to show).
pub async fn describe(state: &AppState, caller: &Caller) -> Result<Me> {
    let principal = caller.principal()?;
    let account = match principal.person_id() {
        Some(id) => accounts::by_id(&state.db, id).await?.map(|a| a.to_model()),
        None => None,
    };
    Ok(principal.me(account))
}

/// The principal behind a browser session token, if the session is live: not
/// revoked, not idle past the limit, not past its end, and its account active.
pub async fn session_principal(state: &AppState, token: &str) -> Result<Option<Arc<Principal>>> {
    let hash = tokens::digest(token);
    cached(state, LocalKey::new(&["auth:session:", &hash]), || session_lookup(state, &hash)).await
}

async fn session_lookup(state: &AppState, hash: &str) -> Result<Option<Principal>> {
    let Some(s) = sessions::by_token(&state.db, "browser", hash).await? else {
        return Ok(None);
    };
    let now = state.clock.now().timestamp();
    let idle = state.security.session_idle.as_secs() as i64;
    if s.status != "active" || s.expires_at.secs() <= now {
        return Ok(None);
    }
    if now - s.last_seen_at.secs() > idle {
        sessions::revoke(&state.db, &s.id, Ts::from_secs(now)).await?;
        return Ok(None);
    }
    if now - s.last_seen_at.secs() >= TOUCH_EVERY_SECS {
        sessions::touch(&state.db, &s.id, Ts::from_secs(now)).await?;
    }
    Ok(Some(Principal {
        account_id: Some(s.account_id),
        name: s.email,
        role: Role::parse(&s.role).unwrap_or(Role::Viewer),
        scopes: Vec::new(),
        via: Via::Session { id: s.id },
        must_change_password: s.must_change_password,
    }))
}

/// The principal behind a bearer credential: an API key (`ds_…`) or a JWT
/// access token whose family is still live. Anything else is 401.
pub async fn bearer_principal(state: &AppState, credential: &str) -> Result<Arc<Principal>> {
    let found = if tokens::looks_like_api_key(credential) {
        let hash = tokens::digest(credential);
        cached(state, LocalKey::new(&["auth:key:", &hash]), || key_lookup(state, &hash)).await?
    } else {
        let claims = state.security.jwt.verify(credential, state.clock.now_secs())?;
        let key = LocalKey::new(&["auth:token:", &claims.sid]);
        cached(state, key, || token_lookup(state, claims)).await?
    };
    found.ok_or(AppError::Unauthorized)
}

async fn key_lookup(state: &AppState, hash: &str) -> Result<Option<Principal>> {
    let now = state.clock.now();
    let Some(key) = api_keys::authenticate(&state.db, hash, Ts::from(now)).await? else {
        return Ok(None);
    };
    if key.last_used_at.is_none_or(|t| now.timestamp() - t.secs() >= TOUCH_EVERY_SECS) {
        api_keys::touch(&state.db, key.id, Ts::from(now)).await?;
    }
    // Never stronger than its creator is now (a demoted creator demotes the key).
    let own = Role::parse(&key.role).unwrap_or(Role::Viewer);
    let role = key.creator_role.as_deref().and_then(Role::parse).map_or(own, |creator| own.min(creator));
    Ok(Some(Principal {
        account_id: key.created_by,
        name: format!("api_key:{}", key.prefix),
        role,
        scopes: key.scopes.split_whitespace().map(str::to_owned).collect(),
        via: Via::ApiKey { id: key.id },
        must_change_password: false,
    }))
}

async fn token_lookup(state: &AppState, claims: Arc<tokens::Claims>) -> Result<Option<Principal>> {
    let now = state.clock.now();
    let Some(session) = sessions::by_id(&state.db, &claims.sid).await? else {
        return Ok(None);
    };
    if session.status != "active"
        || session.account_id.to_string() != claims.sub
        || session.expires_at.secs() <= now.timestamp()
    {
        return Ok(None);
    }
    Ok(Some(Principal {
        account_id: Some(session.account_id),
        name: session.email,
        role: Role::parse(&session.role).unwrap_or(Role::Viewer),
        scopes: Vec::new(),
        via: Via::Token { session_id: session.id },
        must_change_password: session.must_change_password,
    }))
}
