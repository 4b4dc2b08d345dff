//! Configuration from the environment (and `.env`), with the Flask system's variable
//! names. A bad value stops start-up with one line naming the variable.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use server_core::auth::Cidr;

/// Development (pretty logs, relaxed secrets) or production.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    /// A developer's machine.
    Development,
    /// A real deployment.
    Production,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (the production default).
    Json,
    /// Human-readable, coloured when on a terminal.
    Pretty,
}

/// Everything the binary reads from its environment. Its `Debug` hides the
/// database password.
#[derive(Clone)]
pub struct Config {
    /// `ENVIRONMENT`.
    pub environment: Environment,
    /// Where to listen: `HOST` (default 127.0.0.1) and `PORT` (default 8002).
    pub addr: SocketAddr,
    /// `DATABASE_URL`, else `sqlite://$DB_PATH`, else the Flask system's default file.
    pub database_url: String,
    /// A tracing filter: `LOG_LEVEL` (trace|debug|info|warn|error), or `RUST_LOG` if set.
    pub log_filter: String,
    /// `LOG_FORMAT` (JSON lines by default in production).
    pub log_format: LogFormat,
    /// Generate demo data when the database has no users (`DEMO_DATA`; default
    /// true in development, false in production).
    pub demo_data: bool,
    /// `LEPTOS_SITE_ROOT`: the built site, when not beside the binary.
    pub site_root: Option<PathBuf>,
    /// `REDIS_URL`: the cache shared by the replicas, the rate limit's counters
    /// across them and the cache invalidations they send each other (the live
    /// stream follows the database, not Redis); none in the embedded default.
    pub redis_url: Option<String>,
    /// `HEALTH_DETAILS`: whether `/health` lists dependencies to any caller
    /// (default true in development, false in production).
    pub health_details: bool,
    /// `METRICS_TOKEN`: a bearer token that unlocks `/metrics`.
    pub metrics_token: Option<String>,
    /// `METRICS_ADDR`: serve `/metrics` on this internal address instead.
    pub metrics_addr: Option<SocketAddr>,
    /// `MAP_TILE_URL`: a tile server template for the map
    /// (`https://tiles.example/{z}/{x}/{y}.png`); without it the map shows only
    /// the bundled country outlines.
    pub map_tile_url: Option<String>,
    /// `SECRET_KEY`: signs access tokens (random per process in development when unset).
    pub secret_key: Option<String>,
    /// `ADMIN_EMAIL`: the first admin's login (default `admin@dreamseed.local`).
    pub admin_email: String,
    /// `ADMIN_PASSWORD`: the first admin's password; a random one is printed when unset.
    pub admin_password: Option<String>,
    /// `RATE_LIMIT_PER_MINUTE`: requests per minute per account or API key (default 100).
    pub rate_limit_per_minute: u32,
    /// `SESSION_IDLE_MINUTES`: a browser session ends after this long unused (default 30).
    pub session_idle_minutes: u32,
    /// `TRUST_PROXY_HEADERS`: take the client address from `X-Forwarded-For`.
    pub trust_proxy_headers: bool,
    /// `TRUSTED_PROXIES`: the proxies (comma-separated CIDRs) whose forwarding
    /// headers are believed; loopback only by default.
    pub trusted_proxies: Vec<Cidr>,
    /// `ALLOWED_ORIGINS`: other origins (comma-separated) that may send writes.
    pub allowed_origins: Vec<String>,
    /// `DB_ACQUIRE_TIMEOUT_MS`, `DB_STATEMENT_TIMEOUT_MS`: how long a request
    /// may wait for the database.
    pub pool: server_core::db::PoolSettings,
    /// `REPORTS_SCHEDULER`, `REPORTS_TICK_SECONDS`, `REPORTS_LEASE_SECONDS`,
    /// `REPORTS_CATCH_UP_HOURS`, `REPORTS_MAX_ACTIVE`, `REPORTS_RENDER_THREADS`,
    /// `REPORT_OUTPUT_MAX_MB`, `REPORT_RETENTION_DAYS`: how this replica
    /// schedules and runs reports, and how long it keeps them.
    pub reports: server_core::reports::runtime::ReportSettings,
    /// `CHANNELS_ALLOW_PRIVATE`, `PUBLIC_URL`, `SMTP_CA_FILE`: where
    /// deliveries may go, the address the links in them start with, and the
    /// CA certificates trusted for SMTP besides Mozilla's.
    pub channels: server_core::channels::ChannelSettings,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("addr", &self.addr)
            .field("database_url", &redact(&self.database_url))
            .field("log_filter", &self.log_filter)
            .field("log_format", &self.log_format)
            .field("demo_data", &self.demo_data)
            .field("site_root", &self.site_root)
            .field("redis_url", &self.redis_url.as_deref().map(redact))
            .field("health_details", &self.health_details)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "<hidden>"))
            .field("metrics_addr", &self.metrics_addr)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<hidden>"))
            .field("admin_email", &self.admin_email)
            .field("admin_password", &self.admin_password.as_ref().map(|_| "<hidden>"))
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("pool", &self.pool)
            .field("reports", &self.reports)
            .field("channels", &self.channels)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("trust_proxy_headers", &self.trust_proxy_headers)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("allowed_origins", &self.allowed_origins)
            .finish()
    }
}

/// A database URL without its password (in the user info or a `password=`
/// query parameter), for messages and logs. User info is found with or
/// without a `scheme://` in front, so a malformed URL is hidden too.
pub fn redact(url: &str) -> String {
    let start = url.find("://").map_or(0, |scheme| scheme + 3);
    let mut out = match url[start..].rfind('@').map(|at| start + at) {
        Some(at) => match url[start..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..start], &url[at..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    };
    if let Some(start) = out.find("password=") {
        let value_start = start + "password=".len();
        let value_end = out[value_start..].find('&').map_or(out.len(), |i| value_start + i);
        out.replace_range(value_start..value_end, "***");
    }
    out
}

/// The Flask system's default database file.
pub const DEFAULT_DB_PATH: &str = "./dreamseed_analytics.db";

/// A variable with a value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid {var}={value:?}: expected {expected}")]
pub struct ConfigError {
    /// The variable's name.
    pub var: &'static str,
    /// Its value (hidden for secrets).
    pub value: String,
    /// What a valid value looks like.
    pub expected: String,
}

impl Config {
    /// Reads `.env` (if present, without overriding the real environment) and the
    /// process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is reported by the variables it
        // fails to set.
        let _ = dotenvy::dotenv();
        Self::from_vars(&std::env::vars().collect())
    }

    /// Builds the configuration from a set of variables (tests pass their own).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());

        let environment = match get("ENVIRONMENT").map(str::to_ascii_lowercase).as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(_) => return Err(invalid("ENVIRONMENT", get("ENVIRONMENT"), "development or production")),
        };

        let port = match get("PORT") {
            None => 8002,
            Some(v) => v
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| invalid("PORT", Some(v), "a port number from 1 to 65535"))?,
        };
        let host = match get("HOST") {
            None => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some(v) => v
                .parse::<IpAddr>()
                .map_err(|_| invalid("HOST", Some(v), "an IP address such as 127.0.0.1 or 0.0.0.0"))?,
        };

        let database_url = match (get("DATABASE_URL"), get("DB_PATH")) {
            (Some(url), _) => {
                let known = ["sqlite:", "postgres://", "postgresql://"];
                if !known.iter().any(|prefix| url.starts_with(prefix)) {
                    // A wrong scheme may still carry a real password.
                    return Err(invalid("DATABASE_URL", Some(&redact(url)), "a sqlite:// or postgres:// URL"));
                }
                url.to_owned()
            }
            (None, Some(path)) => format!("sqlite://{path}"),
            (None, None) => format!("sqlite://{DEFAULT_DB_PATH}"),
        };

        let log_filter = match (get("RUST_LOG"), get("LOG_LEVEL")) {
            (Some(filter), _) => {
                if tracing_subscriber::EnvFilter::try_new(filter).is_err() {
                    return Err(invalid("RUST_LOG", Some(filter), "a tracing filter such as info,sqlx=warn"));
                }
                filter.to_owned()
            }
            (None, Some(level)) => {
                let level = level.to_ascii_lowercase();
                // The seed writes WARNING and CRITICAL (Python's names).
                let level = match level.as_str() {
                    "warning" => "warn".to_owned(),
                    "critical" => "error".to_owned(),
                    _ => level,
                };
                if !["trace", "debug", "info", "warn", "error"].contains(&level.as_str()) {
                    return Err(invalid("LOG_LEVEL", get("LOG_LEVEL"), "trace, debug, info, warn or error"));
                }
                // Our crates at the chosen level; dependencies no chattier than info.
                format!("{level},sqlx=warn,hyper=info,tower_http=info")
            }
            (None, None) => "info,sqlx=warn".to_owned(),
        };

        let log_format = match get("LOG_FORMAT").map(str::to_ascii_lowercase).as_deref() {
            None => match environment {
                Environment::Production => LogFormat::Json,
                Environment::Development => LogFormat::Pretty,
            },
            Some("json") => LogFormat::Json,
            Some("pretty") | Some("text") => LogFormat::Pretty,
            Some(_) => return Err(invalid("LOG_FORMAT", get("LOG_FORMAT"), "json or pretty")),
        };

        let secret_key = match get("SECRET_KEY") {
            Some(key) if key.chars().count() < 32 => {
                // Never echo a secret, not even a bad one.
                return Err(ConfigError {
                    var: "SECRET_KEY",
                    value: "<hidden>".into(),
                    expected: "at least 32 characters".into(),
                });
            }
            None if environment == Environment::Production => {
                return Err(ConfigError {
                    var: "SECRET_KEY",
                    value: String::new(),
                    expected: "a value of at least 32 characters (required in production)".into(),
                });
            }
            key => key.map(str::to_owned),
        };

        let admin_email = get("ADMIN_EMAIL").unwrap_or("admin@dreamseed.local").to_lowercase();
        if server_core::services::accounts::check_email(&admin_email).is_err() {
            return Err(invalid("ADMIN_EMAIL", Some(&admin_email), "an e-mail address"));
        }
        let admin_password = match get("ADMIN_PASSWORD") {
            Some(p) if server_core::auth::password::check_new(p, &admin_email).is_err() => {
                return Err(ConfigError {
                    var: "ADMIN_PASSWORD",
                    value: "<hidden>".into(),
                    expected: "at least 8 characters, not a common password".into(),
                });
            }
            p => p.map(str::to_owned),
        };
        let rate_limit_per_minute = match get("RATE_LIMIT_PER_MINUTE") {
            None => 100,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| invalid("RATE_LIMIT_PER_MINUTE", Some(v), "a whole number of at least 1"))?,
        };
        let session_idle_minutes = match get("SESSION_IDLE_MINUTES") {
            None => 30,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1440).contains(n))
                .ok_or_else(|| invalid("SESSION_IDLE_MINUTES", Some(v), "minutes from 1 to 1440"))?,
        };
        // Both under the 30 s request timeout, so a slow database ends as a 503.
        let millis = |name: &'static str, default: std::time::Duration| match get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|ms| (1..=29_000).contains(ms))
                .map(std::time::Duration::from_millis)
                .ok_or_else(|| invalid(name, Some(v), "milliseconds from 1 to 29000")),
        };
        let pool_default = server_core::db::PoolSettings::default();
        let pool = server_core::db::PoolSettings {
            acquire_timeout: millis("DB_ACQUIRE_TIMEOUT_MS", pool_default.acquire_timeout)?,
            statement_timeout: millis("DB_STATEMENT_TIMEOUT_MS", pool_default.statement_timeout)?,
            ..pool_default
        };
        let whole = |name: &'static str, default: u64, range: std::ops::RangeInclusive<u64>| match get(name) {
            None => Ok(default),
            Some(v) => v.parse::<u64>().ok().filter(|n| range.contains(n)).ok_or_else(|| {
                invalid(name, Some(v), &format!("a whole number from {} to {}", range.start(), range.end()))
            }),
        };
        let report_default = server_core::reports::runtime::ReportSettings::default();
        let reports = server_core::reports::runtime::ReportSettings {
            enabled: parse_bool("REPORTS_SCHEDULER", get("REPORTS_SCHEDULER"), true)?,
            tick: std::time::Duration::from_secs(whole("REPORTS_TICK_SECONDS", 10, 1..=300)?),
            lease: std::time::Duration::from_secs(whole("REPORTS_LEASE_SECONDS", 60, 10..=3_600)?),
            catch_up: std::time::Duration::from_secs(3_600 * whole("REPORTS_CATCH_UP_HOURS", 24, 0..=720)?),
            max_active: whole("REPORTS_MAX_ACTIVE", 32, 1..=1_000)? as usize,
            render_threads: whole("REPORTS_RENDER_THREADS", report_default.render_threads as u64, 1..=64)? as usize,
            output_max_bytes: whole("REPORT_OUTPUT_MAX_MB", 20, 1..=200)? as usize * 1024 * 1024,
            retention: std::time::Duration::from_secs(86_400 * whole("REPORT_RETENTION_DAYS", 90, 1..=3_650)?),
        };
        let channels = server_core::channels::ChannelSettings {
            // Loopback and private targets (and plain http) are for development
            // and internal receivers; production must opt in.
            allow_private: parse_bool(
                "CHANNELS_ALLOW_PRIVATE",
                get("CHANNELS_ALLOW_PRIVATE"),
                environment == Environment::Development,
            )?,
            public_url: match get("PUBLIC_URL").map(|u| u.trim().trim_end_matches('/')) {
                None | Some("") => None,
                Some(url) if (url.starts_with("https://") || url.starts_with("http://")) && url.len() > 8 => {
                    Some(url.to_owned())
                }
                Some(url) => return Err(invalid("PUBLIC_URL", Some(url), "an http:// or https:// address")),
            },
            smtp_roots: match get("SMTP_CA_FILE").map(str::trim) {
                None | Some("") => server_core::channels::email::SmtpRoots::default(),
                Some(path) => match std::fs::read_to_string(path)
                    .map(|pem| server_core::channels::email::SmtpRoots::from_pem(&pem))
                {
                    Ok(Ok(roots)) => roots,
                    _ => return Err(invalid("SMTP_CA_FILE", Some(path), "a readable PEM file of CA certificates")),
                },
            },
        };
        let trust_proxy_headers = parse_bool("TRUST_PROXY_HEADERS", get("TRUST_PROXY_HEADERS"), false)?;
        let trusted_proxies = match get("TRUSTED_PROXIES") {
            None => Cidr::loopback().to_vec(),
            Some(v) => {
                v.split(',').map(|net| net.trim().parse::<Cidr>()).collect::<Result<Vec<_>, _>>().map_err(|()| {
                    invalid("TRUSTED_PROXIES", Some(v), "comma-separated CIDRs such as 10.0.0.0/8,fd00::/8")
                })?
            }
        };
        let allowed_origins = match get("ALLOWED_ORIGINS") {
            None => Vec::new(),
            Some(v) => {
                let origins: Vec<String> = v.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).collect();
                if origins.iter().any(|o| !(o.starts_with("https://") || o.starts_with("http://")) || o.len() < 9) {
                    return Err(invalid(
                        "ALLOWED_ORIGINS",
                        Some(v),
                        "comma-separated origins such as https://admin.example",
                    ));
                }
                origins
            }
        };

        // Fake students must never appear in a production database by accident.
        let demo_data = parse_bool("DEMO_DATA", get("DEMO_DATA"), environment == Environment::Development)?;
        let site_root = get("LEPTOS_SITE_ROOT").map(PathBuf::from);

        let redis_url = match get("REDIS_URL") {
            // This build's Redis client has no TLS: a rediss:// URL would pass
            // here and fail at the first connection.
            Some(url) if url.starts_with("redis://") => Some(url.to_owned()),
            Some(_) => {
                return Err(invalid(
                    "REDIS_URL",
                    get("REDIS_URL").map(|_| "<hidden>"),
                    "a redis:// URL (TLS, rediss://, is not built in)",
                ))
            }
            None => None,
        };
        let health_details =
            parse_bool("HEALTH_DETAILS", get("HEALTH_DETAILS"), environment == Environment::Development)?;
        let metrics_token = match get("METRICS_TOKEN") {
            Some(token) if token.chars().count() < 16 => {
                return Err(ConfigError {
                    var: "METRICS_TOKEN",
                    value: "<hidden>".into(),
                    expected: "at least 16 characters".into(),
                });
            }
            token => token.map(str::to_owned),
        };
        let metrics_addr = match get("METRICS_ADDR") {
            None => None,
            Some(v) => Some(
                v.parse::<SocketAddr>()
                    .map_err(|_| invalid("METRICS_ADDR", Some(v), "an address such as 127.0.0.1:9102"))?,
            ),
        };

        // Without either, /metrics answers loopback callers, and so anyone a
        // reverse proxy on this host lets through: not for production.
        if environment == Environment::Production && metrics_token.is_none() && metrics_addr.is_none() {
            return Err(ConfigError {
                var: "METRICS_TOKEN",
                value: String::new(),
                expected: "a token of at least 16 characters, or METRICS_ADDR (one is required in production)".into(),
            });
        }

        let map_tile_url = match get("MAP_TILE_URL") {
            None => None,
            Some(url)
                if (url.starts_with("https://") || url.starts_with("http://"))
                    && ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p))
                    && !url.contains(['"', '<', '>', ' ']) =>
            {
                Some(url.to_owned())
            }
            Some(url) => {
                return Err(invalid("MAP_TILE_URL", Some(url), "an http(s) URL template with {z}, {x} and {y}"))
            }
        };

        Ok(Self {
            environment,
            addr: SocketAddr::new(host, port),
            database_url,
            log_filter,
            log_format,
            demo_data,
            site_root,
            redis_url,
            health_details,
            metrics_token,
            metrics_addr,
            map_tile_url,
            secret_key,
            admin_email,
            admin_password,
            rate_limit_per_minute,
            pool,
            reports,
            channels,
            session_idle_minutes,
            trust_proxy_headers,
            trusted_proxies,
            allowed_origins,
        })
    }
}

fn invalid(var: &'static str, value: Option<&str>, expected: &str) -> ConfigError {
    ConfigError { var, value: value.unwrap_or_default().to_owned(), expected: expected.to_owned() }
}

fn parse_bool(var: &'static str, value: Option<&str>, default: bool) -> Result<bool, ConfigError> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(_) => Err(invalid(var, value, "true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_are_the_seeds() {
        let config = Config::from_vars(&vars(&[])).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:8002");
        assert_eq!(config.database_url, "sqlite://./dreamseed_analytics.db");
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert!(config.demo_data);
    }

    #[test]
    fn db_path_is_accepted_and_database_url_wins() {
        let config = Config::from_vars(&vars(&[("DB_PATH", "/tmp/x.db")])).unwrap();
        assert_eq!(config.database_url, "sqlite:///tmp/x.db");
        let config =
            Config::from_vars(&vars(&[("DB_PATH", "/tmp/x.db"), ("DATABASE_URL", "postgres://h/db")])).unwrap();
        assert_eq!(config.database_url, "postgres://h/db");
    }

    #[test]
    fn database_waits_are_bounded_under_the_request_timeout() {
        let config = Config::from_vars(&vars(&[])).unwrap();
        assert_eq!(config.pool.acquire_timeout, std::time::Duration::from_secs(2));
        let config =
            Config::from_vars(&vars(&[("DB_ACQUIRE_TIMEOUT_MS", "500"), ("DB_STATEMENT_TIMEOUT_MS", "8000")])).unwrap();
        assert_eq!((config.pool.acquire_timeout.as_millis(), config.pool.statement_timeout.as_millis()), (500, 8000));
        for bad in ["0", "30000", "2s"] {
            let err = Config::from_vars(&vars(&[("DB_STATEMENT_TIMEOUT_MS", bad)])).unwrap_err().to_string();
            assert!(err.starts_with("invalid DB_STATEMENT_TIMEOUT_MS="), "{err}");
        }
    }

    #[test]
    fn a_bad_port_names_the_variable_in_one_line() {
        let err = Config::from_vars(&vars(&[("PORT", "80a")])).unwrap_err().to_string();
        assert_eq!(err, r#"invalid PORT="80a": expected a port number from 1 to 65535"#);
        assert!(!err.contains('\n'));
    }

    #[test]
    fn bad_values_are_refused() {
        for (var, value) in [
            ("PORT", "0"),
            ("PORT", "70000"),
            ("HOST", "localhost:1"),
            ("DATABASE_URL", "mysql://x"),
            ("LOG_LEVEL", "loud"),
            ("LOG_FORMAT", "xml"),
            ("ENVIRONMENT", "staging"),
            ("DEMO_DATA", "maybe"),
            ("REDIS_URL", "localhost:6379"),
            ("REDIS_URL", "rediss://cache.internal:6380"),
            ("HEALTH_DETAILS", "sometimes"),
            ("METRICS_TOKEN", "short"),
            ("METRICS_ADDR", "9102"),
            ("MAP_TILE_URL", "https://tiles.example/tile.png"),
            ("MAP_TILE_URL", "ftp://tiles.example/{z}/{x}/{y}.png"),
        ] {
            let err = Config::from_vars(&vars(&[(var, value)])).unwrap_err();
            assert_eq!(err.var, var, "{var}={value}");
        }
    }

    #[test]
    fn production_requires_a_long_secret_and_never_echoes_it() {
        let err = Config::from_vars(&vars(&[("ENVIRONMENT", "production")])).unwrap_err();
        assert_eq!(err.var, "SECRET_KEY");
        let err = Config::from_vars(&vars(&[("SECRET_KEY", "short-secret")])).unwrap_err();
        assert!(!err.to_string().contains("short-secret"));
        let ok = Config::from_vars(&vars(&production(&[]))).unwrap();
        assert_eq!(ok.log_format, LogFormat::Json);
    }

    /// The least a production configuration needs, and `extra`.
    fn production<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        const SECRET: &str = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";
        let mut pairs =
            vec![("ENVIRONMENT", "production"), ("SECRET_KEY", SECRET), ("METRICS_TOKEN", "metrics-token-0123")];
        pairs.extend_from_slice(extra);
        pairs
    }

    #[test]
    fn production_refuses_to_start_with_metrics_open_to_loopback() {
        let bare = [("ENVIRONMENT", "production"), ("SECRET_KEY", &"k".repeat(32))];
        let err = Config::from_vars(&vars(&bare)).unwrap_err();
        assert_eq!(err.var, "METRICS_TOKEN");
        assert!(err.to_string().contains("METRICS_ADDR"), "{err}");
        let with_addr =
            [("ENVIRONMENT", "production"), ("SECRET_KEY", &"k".repeat(32)), ("METRICS_ADDR", "127.0.0.1:9102")];
        assert!(Config::from_vars(&vars(&with_addr)).is_ok());
        assert!(Config::from_vars(&vars(&production(&[]))).is_ok());
        // Development keeps the loopback convenience.
        assert!(Config::from_vars(&vars(&[])).unwrap().metrics_token.is_none());
    }

    #[test]
    fn trusted_proxies_default_to_loopback_and_a_bad_cidr_refuses_to_start() {
        let config = Config::from_vars(&vars(&[("TRUST_PROXY_HEADERS", "true")])).unwrap();
        let shown: Vec<String> = config.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["127.0.0.0/8", "::1/128"]);
        let config = Config::from_vars(&vars(&[("TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32,192.0.2.7")])).unwrap();
        let shown: Vec<String> = config.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7/32"]);
        for bad in ["10.0.0.0/33", "10.0.0.0/8,,", "proxy.internal", "10.0.0.0/8 192.0.2.1"] {
            let err = Config::from_vars(&vars(&[("TRUSTED_PROXIES", bad)])).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid TRUSTED_PROXIES={bad:?}: expected comma-separated CIDRs such as 10.0.0.0/8,fd00::/8")
            );
        }
    }

    #[test]
    fn demo_data_is_on_in_development_only_unless_asked() {
        assert!(Config::from_vars(&vars(&[])).unwrap().demo_data);
        assert!(!Config::from_vars(&vars(&production(&[]))).unwrap().demo_data);
        assert!(Config::from_vars(&vars(&production(&[("DEMO_DATA", "true")]))).unwrap().demo_data);
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/x"), "postgres://app:***@db:5432/x");
        assert_eq!(redact("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
        assert_eq!(
            redact("postgres://db/x?user=a&password=s3cret&sslmode=require"),
            "postgres://db/x?user=a&password=***&sslmode=require"
        );
        assert_eq!(redact("sqlite://./x.db"), "sqlite://./x.db");
        let config = Config::from_vars(&vars(&[("DATABASE_URL", "postgres://app:s3cret@db/x")])).unwrap();
        assert!(!format!("{config:?}").contains("s3cret"));
        assert_eq!(redact("app:s3cret@db:5432/x"), "app:***@db:5432/x", "no scheme");
        assert_eq!(redact("postgres://app:p@ss:w0rd@db/x"), "postgres://app:***@db/x");
    }

    #[test]
    fn a_refused_database_url_is_not_echoed_with_its_password() {
        for url in ["mysql://app:s3cret@db/x", "postgres:app:s3cret@db/x", "db?password=s3cret"] {
            let err = Config::from_vars(&vars(&[("DATABASE_URL", url)])).unwrap_err();
            assert_eq!(err.var, "DATABASE_URL");
            assert!(!err.to_string().contains("s3cret"), "{err}");
        }
    }

    #[test]
    fn a_malformed_rust_log_is_refused() {
        assert_eq!(Config::from_vars(&vars(&[("RUST_LOG", "info,[")])).unwrap_err().var, "RUST_LOG");
    }

    #[test]
    fn seed_log_level_names_are_understood() {
        let config = Config::from_vars(&vars(&[("LOG_LEVEL", "DEBUG")])).unwrap();
        assert!(config.log_filter.starts_with("debug,"));
        let config = Config::from_vars(&vars(&[("LOG_LEVEL", "WARNING")])).unwrap();
        assert!(config.log_filter.starts_with("warn,"));
    }
}
