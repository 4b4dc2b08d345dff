//! `dreamseed serve`: open and migrate the database, add demo data to an empty
//! one, serve until SIGINT/SIGTERM, then finish in-flight requests and close.

use std::sync::Arc;

use anyhow::Context;
use std::net::SocketAddr;

use server_core::cache::Cache;
use server_core::countries::CountryIndex;
use server_core::db::{bulk, Db, PoolSettings};
use server_core::observability::{mask, MetricsAccess, Ops};
use server_core::state::{AppState, Clock, Parts};
use tokio::net::TcpListener;

use server_core::auth::SecuritySettings;

use crate::backup::InUse;
use crate::config::{redact, Config, Environment};
use crate::{jobs, rest, seed, site};

/// How long in-flight requests may run after SIGTERM before the process exits.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Opens the database named by `config` and applies pending migrations.
/// The mark it returns says this process uses the file (a SQLite one): keep it
/// until the pool is closed, so no restore replaces the file meanwhile.
pub async fn open_database(config: &Config) -> anyhow::Result<(Db, InUse)> {
    let in_use = InUse::mark(config)?;
    let connect = |settings| async move {
        Db::connect_with(&config.database_url, settings)
            .await
            .with_context(|| format!("cannot open the database at {}", redact(&config.database_url)))
    };
    let db = connect(config.pool).await?;
    if db.backend() == server_core::db::Backend::Postgres {
        // Migrations run without the requests' statement bound: waiting for
        // another replica's migrations (sqlx's advisory lock) or building an
        // index on a large table may rightly take longer than any request.
        let migrator = connect(PoolSettings { statement_timeout: std::time::Duration::ZERO, ..config.pool }).await?;
        let migrated = migrator.migrate().await;
        migrator.close().await;
        migrated.context("cannot apply the database migrations")?;
    } else {
        db.migrate().await.context("cannot apply the database migrations")?;
    }
    Ok((db, in_use))
}

/// Runs the server until a shutdown signal.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let site_root = site::locate(config.site_root.as_deref())?;
    let leptos_options = site::leptos_options(&site_root, config.addr)?;
    let countries = CountryIndex::load(&site_root)?;

    let (db, _in_use) = open_database(&config).await?;
    tracing::info!(db.backend = db.backend().name(), "database ready");
    // Claim the port before the (possibly long) first-start work, so a second
    // instance on the same port fails at once instead of after it.
    let listener = TcpListener::bind(config.addr).await.with_context(|| format!("cannot listen on {}", config.addr))?;
    if db.backend() == server_core::db::Backend::Sqlite {
        // One process serves a SQLite file: a claim still in progress now was
        // held by a process that died, so retries need not wait out its lease.
        let released = server_core::db::idempotency::release_orphans(&db, server_core::db::Ts::now()).await?;
        if released > 0 {
            tracing::info!(keys = released, "released idempotency keys a stopped process held");
        }
    }
    let rebuilt = bulk::restore_indexes(&db).await?;
    if rebuilt > 0 {
        tracing::warn!(indexes = rebuilt, "rebuilt indexes an interrupted bulk load had dropped");
    }
    if config.demo_data {
        if let Some(summary) = seed::demo_data_if_empty(&db, chrono::Utc::now().timestamp()).await? {
            tracing::info!(
                users = summary.users,
                activities = summary.activities,
                duration_ms = summary.elapsed.as_millis() as u64,
                "empty database: demo data generated"
            );
        }
    }

    match server_core::services::accounts::bootstrap_admin(&db, &config.admin_email, config.admin_password.as_deref())
        .await
    {
        Ok(Some(password)) if config.admin_password.is_none() => {
            tracing::warn!(
                admin.email = %mask::email(&config.admin_email),
                "first start: created the admin account with a one-time password, printed on stderr"
            );
            // The operator's only way to the first login, so it is shown once,
            // on the terminal only: never in the log lines a collector keeps.
            eprintln!("{}", one_time_password_notice(&config.admin_email, &password));
        }
        Ok(Some(_)) => tracing::info!(
            admin.email = %mask::email(&config.admin_email),
            "first start: created the admin account from ADMIN_EMAIL/ADMIN_PASSWORD"
        ),
        Ok(None) => {}
        Err(err) => anyhow::bail!("cannot create the first admin account: {err}"),
    }

    let cache = match &config.redis_url {
        Some(url) => Cache::with_redis(url).with_context(|| format!("invalid REDIS_URL {}", redact(url)))?,
        None => Cache::memory_only(),
    };
    let metrics_access = match (&config.metrics_token, config.metrics_addr) {
        (_, Some(_)) => MetricsAccess::InternalListener,
        (Some(token), None) => MetricsAccess::Token(token.clone()),
        (None, None) => MetricsAccess::Loopback,
    };
    let state = AppState::from(Parts {
        cache,
        clock: Clock::System,
        ops: Arc::new(Ops::new(config.health_details, metrics_access)),
        map_tile_url: config.map_tile_url.as_deref().map(Arc::from),
        security: Arc::new(security_settings(&config)),
        reports: Arc::new(server_core::reports::runtime::ReportsRuntime::new(config.reports.clone())),
        channels: Arc::new(config.channels.clone()),
        ..Parts::new(db.clone(), countries)
    });
    server_core::services::reports::ensure_builtins(&state)
        .await
        .context("cannot add the built-in report templates and reports")?;
    server_core::services::alerts::ensure_builtins(&state).await.context("cannot add the built-in alert rules")?;
    jobs::spawn_all(&state);
    if let Some(addr) = config.metrics_addr {
        let internal =
            TcpListener::bind(addr).await.with_context(|| format!("cannot listen on METRICS_ADDR {addr}"))?;
        tracing::info!("metrics on http://{addr}/metrics");
        tokio::spawn(async move { axum::serve(internal, rest::metrics::internal_router()).await });
    }
    tracing::info!(
        site.root = %site_root.display(),
        cache.backend = if config.redis_url.is_some() { "redis" } else { "memory" },
        "DreamSeed Admin listening on http://{}",
        config.addr
    );
    let stopping = Arc::new(tokio::sync::Notify::new());
    let live = state.live.clone();
    // Peer addresses reach handlers (the loopback guard of /metrics).
    let service = crate::app(state, leptos_options).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, service).with_graceful_shutdown({
        let stopping = stopping.clone();
        async move {
            shutdown_signal().await;
            tracing::info!("shutdown signal: closing live streams, finishing in-flight requests");
            // Open streams never finish by themselves: end them first, or every
            // stop would wait out the whole grace period.
            live.close();
            stopping.notify_one();
        }
    });
    // In-flight requests get a grace period; a client that never finishes
    // reading must not keep the process alive past it.
    tokio::select! {
        result = server => result?,
        () = async {
            stopping.notified().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => tracing::warn!(grace_ms = SHUTDOWN_GRACE.as_millis() as u64, "requests still open after the grace period: stopping anyway"),
    }
    tracing::info!("shutting down: closing the database");
    db.close().await;
    Ok(())
}

/// Sign-in, session and limit settings from the configuration.
pub fn security_settings(config: &Config) -> SecuritySettings {
    let mut settings = match &config.secret_key {
        Some(key) => SecuritySettings::new(key.as_bytes()),
        // Production refuses to start without SECRET_KEY (config.rs): this is development.
        None => match development_key(std::path::Path::new(DEVELOPMENT_KEY_FILE)) {
            Ok(key) => {
                tracing::warn!(
                    file = DEVELOPMENT_KEY_FILE,
                    "SECRET_KEY is not set: using this machine's development key (set SECRET_KEY in production)"
                );
                SecuritySettings::new(key.as_bytes())
            }
            Err(err) => {
                tracing::warn!(error = %err, "SECRET_KEY is not set and no development key can be kept: \
                    access tokens and channel secrets end when this process stops");
                SecuritySettings::ephemeral()
            }
        },
    };
    settings.production = config.environment == Environment::Production;
    settings.rate_limit_per_minute = config.rate_limit_per_minute;
    settings.session_idle = std::time::Duration::from_secs(u64::from(config.session_idle_minutes) * 60);
    settings.trust_forwarded_for = config.trust_proxy_headers;
    settings.trusted_proxies = config.trusted_proxies.clone();
    settings.allowed_origins = config.allowed_origins.clone();
    settings
}

/// Where development keeps its key when `SECRET_KEY` is not set (git-ignored).
const DEVELOPMENT_KEY_FILE: &str = ".dreamseed-secret-key";

/// The development key in `path`, made (64 hex digits, readable by the owner
/// only) the first time: access tokens and sealed channel secrets then
/// survive a restart of `make run`.
fn development_key(path: &std::path::Path) -> std::io::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(key) if key.trim().len() >= 32 => return Ok(key.trim().to_owned()),
        Ok(_) => return Err(std::io::Error::other(format!("{} holds no usable key", path.display()))),
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
        Err(_) => {}
    }
    let key: String = server_core::secrets::random_bytes::<32>().iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, key.as_bytes())?;
    Ok(key)
}

/// What the operator reads on stderr when the first admin gets a generated password.
fn one_time_password_notice(email: &str, password: &str) -> String {
    format!(
        "dreamseed: created the first admin account {email} with the one-time password {password}\n\
         dreamseed: sign in with it and choose a new password; it is not shown again"
    )
}

/// Resolves on Ctrl-C or SIGTERM (what orchestrators send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_development_key_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let first = development_key(&path).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(development_key(&path).unwrap(), first, "the same key after a restart");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "short").unwrap();
        assert!(development_key(&path).is_err(), "a damaged file is reported, not replaced");
    }

    #[test]
    fn the_one_time_password_is_told_on_stderr_with_what_to_do() {
        let notice = one_time_password_notice("admin@dreamseed.local", "pw-123");
        assert!(notice.contains("admin@dreamseed.local") && notice.contains("pw-123"), "{notice}");
        assert!(notice.contains("choose a new password"), "{notice}");
        assert!(notice.lines().all(|line| line.starts_with("dreamseed: ")), "{notice}");
    }
}
