//! Who is calling and what they may do: the principal that the
//! authentication middleware attaches to every request, the role checks REST
//! handlers and server functions make, and the security settings. The pieces:
//! passwords, tokens and keys, TOTP, and the rate limiter, one module each.

pub mod password;
pub mod rate_limit;
pub mod tokens;
pub mod totp;

use std::net::IpAddr;
use std::sync::Arc;
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
    /// A person whose generated password must be replaced before anything else.
    pub must_change_password: bool,
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

    /// The account of the person calling: `Some` only for a browser session or
    /// an access token. An API key carries its creator's `account_id` (for the
    /// audit trail and its role ceiling) but is not that person, so every "the
    /// caller is this account" decision must go through here, never `account_id`.
    pub fn person_id(&self) -> Option<i64> {
        match self.via {
            Via::Session { .. } | Via::Token { .. } => self.account_id,
            Via::ApiKey { .. } => None,
        }
    }

    /// The person's own session (browser) or token family, if a person is calling.
    pub fn session_id(&self) -> Option<&str> {
        match &self.via {
            Via::Session { id } | Via::Token { session_id: id } => Some(id),
            Via::ApiKey { .. } => None,
        }
    }

    /// Whether the caller is the person who owns account `id` (keys never are).
    pub fn is_person(&self, id: i64) -> bool {
        self.person_id() == Some(id)
    }

    /// Allows only people (a session or an access token) whose role is at least
    /// `role`: managing accounts, keys and one's own login is not for API keys.
    pub fn require_person(&self, role: Role) -> Result<i64> {
        match self.person_id() {
            Some(id) if self.role >= role => Ok(id),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Whether an API key carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// What the rate limiter counts this caller under.
    pub fn rate_key(&self) -> String {
        // Without `format!`: this runs on every request.
        let (kind, id) = match &self.via {
            Via::ApiKey { id } => ("key:", *id),
            _ => ("account:", self.account_id.unwrap_or_default()),
        };
        let mut digits = itoa::Buffer::new();
        let id = digits.format(id);
        let mut key = String::with_capacity(kind.len() + id.len());
        key.push_str(kind);
        key.push_str(id);
        key
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
    /// The authenticated principal, if any (shared with the cache it came
    /// from: a request copies no text of it).
    pub principal: Option<Arc<Principal>>,
    /// The client's address.
    pub ip: Option<String>,
    /// The request's trace id.
    pub trace_id: Option<String>,
    /// The client's `User-Agent`, shortened.
    pub user_agent: Option<String>,
    /// The `Idempotency-Key` this request claimed, if any: its writes mark it
    /// applied in their own transaction (see [`crate::db::idempotency::Claimed`]).
    pub idempotency: Option<crate::db::idempotency::Claimed>,
}

impl Caller {
    /// The principal, or 401.
    pub fn principal(&self) -> Result<&Principal> {
        self.principal.as_deref().ok_or(AppError::Unauthorized)
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

    /// Taken out of the request, not cloned: a handler takes its caller once,
    /// and the request's parts end with the handler (a clone was half a dozen
    /// allocations on every request).
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        Ok(parts.extensions.remove::<Caller>().unwrap_or_default())
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
    /// A browser session ends after this long without a request.
    pub session_idle: Duration,
    /// ... and after this long in any case.
    pub session_absolute: Duration,
    /// Believe `X-Forwarded-For` and `X-Forwarded-Host` (`TRUST_PROXY_HEADERS`),
    /// for deployments behind a load balancer; only from [`Self::trusted_proxies`].
    pub trust_forwarded_for: bool,
    /// The proxies whose forwarding headers are believed (`TRUSTED_PROXIES`;
    /// loopback by default): the request's socket peer must be one, and their
    /// own hops are skipped in `X-Forwarded-For`.
    pub trusted_proxies: Vec<Cidr>,
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
            .field("trusted_proxies", &self.trusted_proxies)
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
            trusted_proxies: Cidr::loopback().to_vec(),
            allowed_origins: Vec::new(),
        }
    }

    /// Whether `peer` is a proxy whose forwarding headers we believe: only when
    /// `TRUST_PROXY_HEADERS` is on and it is in `TRUSTED_PROXIES`.
    pub fn is_trusted_proxy(&self, peer: IpAddr) -> bool {
        self.trust_forwarded_for && self.trusted_proxies.iter().any(|net| net.contains(peer))
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
        crate::cookies::pairs(header).find(|(n, v)| *n == name && !v.is_empty()).map(|(_, v)| v.to_owned())
    }
}

/// An IP network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`; a bare
/// address is the network of just itself). Written here because no crate in the
/// tree parses them, and matching is a few shifts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    /// The network's first address (host bits cleared).
    network: IpAddr,
    /// How many leading bits must match.
    prefix: u8,
}

impl Cidr {
    /// `127.0.0.0/8` and `::1/128`: the default trusted proxies (one on this machine).
    pub fn loopback() -> [Self; 2] {
        [
            Self { network: IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 0)), prefix: 8 },
            Self { network: IpAddr::V6(std::net::Ipv6Addr::LOCALHOST), prefix: 128 },
        ]
    }

    /// Whether `ip` is in the network. An IPv4 address seen through an IPv6
    /// socket (`::ffff:10.0.0.1`) counts as the IPv4 address it is.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => u32::from(ip) & mask_v4(self.prefix) == u32::from(net),
            (IpAddr::V6(net), IpAddr::V6(ip)) => u128::from(ip) & mask_v6(self.prefix) == u128::from(net),
            _ => false,
        }
    }
}

fn mask_v4(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask_v6(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

impl std::str::FromStr for Cidr {
    type Err = ();

    /// Parses `address/prefix` or a bare address; host bits are cleared.
    fn from_str(s: &str) -> std::result::Result<Self, ()> {
        let (addr, prefix) = match s.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (s, None),
        };
        let addr = addr.parse::<IpAddr>().map_err(|_| ())?.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            // Digits only: `u8::from_str` would take `+8`.
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse::<u8>().map_err(|_| ())?,
            Some(_) => return Err(()),
            None => max,
        };
        if prefix > max {
            return Err(());
        }
        let network = match addr {
            IpAddr::V4(a) => IpAddr::V4((u32::from(a) & mask_v4(prefix)).into()),
            IpAddr::V6(a) => IpAddr::V6((u128::from(a) & mask_v6(prefix)).into()),
        };
        Ok(Self { network, prefix })
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, via: Via) -> Principal {
        Principal { account_id: Some(1), name: "a@b.c".into(), role, scopes: vec![], via, must_change_password: false }
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
    fn an_api_key_is_never_its_creator() {
        let key = principal(Role::Admin, Via::ApiKey { id: 3 });
        assert_eq!(key.account_id, Some(1), "the key remembers its creator");
        assert_eq!((key.person_id(), key.session_id(), key.is_person(1)), (None, None, false));
        let session = principal(Role::Viewer, Via::Session { id: "s".into() });
        assert_eq!((session.person_id(), session.session_id(), session.is_person(1)), (Some(1), Some("s"), true));
        let token = principal(Role::Viewer, Via::Token { session_id: "t".into() });
        assert_eq!((token.person_id(), token.session_id()), (Some(1), Some("t")));
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

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidrs_parse_strictly_and_match_by_prefix() {
        let net: Cidr = "10.1.2.3/8".parse().unwrap();
        assert_eq!(net.to_string(), "10.0.0.0/8");
        assert!(net.contains(ip("10.255.0.1")) && !net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.0.0.1")), "IPv4 through an IPv6 socket");
        assert!(!net.contains(ip("::1")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::1")));
        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.1")) && !all.contains(ip("2001:db8::1")));
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/8/8",
            "localhost",
            "10.0.0.0 /8",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn only_configured_proxies_are_trusted_and_only_when_asked() {
        let mut s = SecuritySettings::ephemeral();
        assert!(!s.is_trusted_proxy(ip("127.0.0.1")), "TRUST_PROXY_HEADERS is off");
        s.trust_forwarded_for = true;
        assert!(s.is_trusted_proxy(ip("127.0.0.1")) && s.is_trusted_proxy(ip("::1")));
        assert!(!s.is_trusted_proxy(ip("192.0.2.1")));
    }
}
