//! Finding the built site (WASM, JS, CSS, vendored assets) and the Leptos options
//! that point at it, so `dreamseed serve` works from any directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use leptos::config::LeptosOptions;

/// The cargo-leptos settings (see Leptos.toml; a copy sits in Cargo.toml).
const LEPTOS_TOML: &str = include_str!("../../Leptos.toml");

/// The site could not be found or the Leptos settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// No built site in any of the usual places.
    #[error(
        "the site files were not found (looked in {looked}); build them with `make build` or set LEPTOS_SITE_ROOT"
    )]
    NotFound {
        /// The directories searched.
        looked: String,
    },
    /// Leptos.toml could not be read.
    #[error("Leptos.toml: {0}")]
    Config(String),
}

/// The site directory: `configured` if given (`LEPTOS_SITE_ROOT`), else `site/`
/// beside the binary (a packaged install), else `../site/` (cargo's
/// `target/<profile>/dreamseed` next to `target/site`).
pub fn locate(configured: Option<&Path>) -> Result<PathBuf, SiteError> {
    let exe_dir = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf));
    let mut candidates: Vec<PathBuf> = Vec::new();
    match configured {
        Some(path) => candidates.push(path.to_path_buf()),
        None => {
            if let Some(dir) = &exe_dir {
                candidates.push(dir.join("site"));
                candidates.push(dir.join("..").join("site"));
            }
        }
    }
    candidates
        .iter()
        .find(|dir| dir.join("pkg").is_dir())
        .map(|dir| dir.canonicalize().unwrap_or_else(|_| dir.clone()))
        .ok_or_else(|| SiteError::NotFound {
            looked: candidates.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "),
        })
}

/// Leptos options from Leptos.toml (and `LEPTOS_*` overrides), serving `site_root`
/// and listening on `addr`.
pub fn leptos_options(site_root: &Path, addr: SocketAddr) -> Result<LeptosOptions, SiteError> {
    let mut options = leptos::config::get_config_from_str(LEPTOS_TOML).map_err(|e| SiteError::Config(e.to_string()))?;
    options.site_root = site_root.to_string_lossy().as_ref().into();
    options.site_addr = addr;
    Ok(options)
}
