//! Who is calling and what they may do (SPEC §4, §5.7): the principal that the
//! authentication middleware attaches to every request, the role checks REST
//! handlers and server functions make, and the security settings. The pieces:
//! passwords, tokens and keys, TOTP, and the rate limiter, one module each.

pub mod password;
pub mod rate_limit;
pub mod tokens;
pub mod totp;

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::{AppError, Result};
use crate::model::{Account, Me, Role};

/// How a request proved who it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// A browser session cookie (the session's id).
    Session {
        /// The `sessions` row.
        id: String,
    },
    /// A JWT access token of an API client's token family.
    Token {
        /// The family's `sessions` row.
        session_id: String,
    },
    /// An API key.
    ApiKey {
        /// The `api_keys` row.
        id: i64,
    },
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The account, for a person (sessions and tokens); the creator's for a key.
    pub account_id: Option<i64>,
    /// An e-mail address, or `api_key:ds_xxxxxxxx`: what the audit log shows.
    pub name: String,
    /// What the caller may do.
    pub role: Role,
    /// An API key's extra permissions (`ingest`).
    pub scopes: Vec<String>,
    /// How it authenticated.
    pub via: Via,
}

impl Principal {
    /// Allows callers whose role is at least `role`; others get 403.
    pub fn require(&self, role: Role) -> Result<&Self> {
        if self.role >= role {
            Ok(self)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Allows only people (a session or an access token) whose role is at least
    /// `role`: managing accounts, keys and one's own login is not for API keys.
    pub fn require_person(&self, role: Role) -> Result<i64> {
        match (&self.via, self.account_id) {
            (Via::Session { .. } | Via::Token { .. }, Some(id)) if self.role >= role => Ok(id),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Whether an API key carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// What the rate limiter counts this caller under.
    pub fn rate_key(&self) -> String {
        match &self.via {
            Via::ApiKey { id } => format!("key:{id}"),
            _ => format!("account:{}", self.account_id.unwrap_or_default()),
        }
    }

    /// The caller as `GET /api/v1/auth/me` describes it.
    pub fn me(&self, account: Option<Account>) -> Me {
        let kind = match self.via {
            Via::Session { .. } => "session",
            Via::Token { .. } => "token",
            Via::ApiKey { .. } => "api_key",
        };
        Me { kind: kind.into(), name: self.name.clone(), role: self.role, account, scopes: self.scopes.clone() }
    }
}

/// Everything known about the caller of one request: who (if anyone), from
/// where, under which trace id. The middleware puts it in the request's
/// extensions; handlers and services take it to check roles and write the audit log.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    /// The authenticated principal, if any.
    pub principal: Option<Principal>,
    /// The client's address.
    pub ip: Option<String>,
    /// The request's trace id.
    pub trace_id: Option<String>,
    /// The client's `User-Agent`, shortened.
    pub user_agent: Option<String>,
}

impl Caller {
    /// The principal, or 401.
    pub fn principal(&self) -> Result<&Principal> {
        self.principal.as_ref().ok_or(AppError::Unauthorized)
    }

    /// The principal if its role is at least `role`: 401 when anonymous, 403 when too weak.
    pub fn require(&self, role: Role) -> Result<&Principal> {
        self.principal()?.require(role)
    }

    /// The account id of a person whose role is at least `role` (see
    /// [`Principal::require_person`]).
    pub fn require_person(&self, role: Role) -> Result<i64> {
        self.principal()?.require_person(role)
    }

    /// The actor's name for the audit log.
    pub fn actor(&self) -> String {
        self.principal.as_ref().map_or_else(|| "anonymous".to_owned(), |p| p.name.clone())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        Ok(parts.extensions.get::<Caller>().cloned().unwrap_or_default())
    }
}

/// How sign-in, sessions, tokens and limits behave; from the configuration.
#[derive(Clone)]
pub struct SecuritySettings {
    /// Production: `__Host-` cookie with `Secure`, and HSTS.
    pub production: bool,
    /// Signs and checks JWT access tokens (from `SECRET_KEY`).
    pub jwt: tokens::JwtKeys,
    /// Requests per minute per account or API key (`RATE_LIMIT_PER_MINUTE`).
    pub rate_limit_per_minute: u32,
    /// A browser session ends after this long without a request (seed 003: 30 min).
    pub session_idle: Duration,
    /// ... and after this long in any case.
    pub session_absolute: Duration,
    /// Take the client address from `X-Forwarded-For` (`TRUST_PROXY_HEADERS`),
    /// for deployments behind a load balancer.
    pub trust_forwarded_for: bool,
    /// Origins besides our own that may send state-changing requests
    /// (`ALLOWED_ORIGINS`).
    pub allowed_origins: Vec<String>,
}

impl std::fmt::Debug for SecuritySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecuritySettings")
            .field("production", &self.production)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("session_idle", &self.session_idle)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .finish_non_exhaustive()
    }
}

impl SecuritySettings {
    /// Development defaults around `secret` (the JWT signing key).
    pub fn new(secret: &[u8]) -> Self {
        Self {
            production: false,
            jwt: tokens::JwtKeys::new(secret),
            rate_limit_per_minute: 100,
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            trust_forwarded_for: false,
            allowed_origins: Vec::new(),
        }
    }

    /// Development defaults with a random signing key (tokens end with the process).
    pub fn ephemeral() -> Self {
        Self::new(tokens::random_token().as_bytes())
    }

    /// The session cookie's name: `__Host-` in production binds it to our host,
    /// HTTPS and path `/`.
    pub fn cookie_name(&self) -> &'static str {
        if self.production {
            "__Host-ds_session"
        } else {
            "ds_session"
        }
    }

    /// The `Set-Cookie` value that starts a browser session.
    pub fn session_cookie(&self, token: &str) -> String {
        let secure = if self.production { "; Secure" } else { "" };
        format!("{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}", self.cookie_name())
    }

    /// The `Set-Cookie` value that ends it.
    pub fn clear_cookie(&self) -> String {
        let secure = if self.production { "; Secure" } else { "" };
        format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", self.cookie_name())
    }

    /// The session token in a `Cookie` header, if any.
    pub fn session_from_cookies(&self, header: &str) -> Option<String> {
        let name = self.cookie_name();
        crate::prefs::cookie_pairs(header).find(|(n, v)| *n == name && !v.is_empty()).map(|(_, v)| v.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, via: Via) -> Principal {
        Principal { account_id: Some(1), name: "a@b.c".into(), role, scopes: vec![], via }
    }

    #[test]
    fn roles_are_ordered_and_checked() {
        let editor = principal(Role::Editor, Via::Session { id: "s".into() });
        assert!(editor.require(Role::Viewer).is_ok());
        assert!(editor.require(Role::Editor).is_ok());
        assert_eq!(editor.require(Role::Owner).unwrap_err(), AppError::Forbidden);
        let key = principal(Role::Admin, Via::ApiKey { id: 3 });
        assert_eq!(key.require_person(Role::Viewer).unwrap_err(), AppError::Forbidden, "keys are not people");
        assert_eq!(Caller::default().require(Role::Viewer).unwrap_err(), AppError::Unauthorized);
    }

    #[test]
    fn cookies_follow_the_environment() {
        let mut s = SecuritySettings::ephemeral();
        assert_eq!(s.session_cookie("t"), "ds_session=t; Path=/; HttpOnly; SameSite=Lax");
        s.production = true;
        assert_eq!(s.session_cookie("t"), "__Host-ds_session=t; Path=/; HttpOnly; SameSite=Lax; Secure");
        assert_eq!(s.session_from_cookies("a=1; __Host-ds_session=xyz; b=2").as_deref(), Some("xyz"));
        assert_eq!(s.session_from_cookies("ds_session=xyz"), None);
    }
}
