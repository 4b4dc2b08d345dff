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
    // The pkg files' hashed names are read from beside the running binary
    // (Leptos looks nowhere else, and panics rendering a page if the file is
    // missing). A binary without one — a test, or a site built without
    // hashing — links the plain names.
    if options.hash_files && !hash_file_beside_binary(&options.hash_file) {
        if !site_root.join("pkg").join(format!("{}.js", options.output_name)).is_file() {
            tracing::warn!(
                hash_file = %options.hash_file,
                "the site's pkg files are hashed but the hash file is not beside the binary: pages will not load their scripts"
            );
        }
        options.hash_files = false;
    }
    Ok(options)
}

/// Whether `name` (cargo-leptos's `hash.txt`) sits beside the running binary.
fn hash_file_beside_binary(name: &str) -> bool {
    beside_binary(name).is_some_and(|p| p.is_file())
}

/// The path of `name` beside the running binary, where Leptos reads the hash file.
fn beside_binary(name: &str) -> Option<PathBuf> {
    Some(std::env::current_exe().ok()?.parent()?.join(name))
}

/// The version of the vendored files under `site_root/vendor` (see
/// [`app::AssetVersion`]): a hash of every file's path and contents, the same on
/// every replica running the same site. `None` when there is no such folder.
pub fn vendor_version(site_root: &Path) -> Option<String> {
    use std::hash::{Hash, Hasher};

    let root = site_root.join("vendor");
    let mut files = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    if files.is_empty() {
        return None;
    }
    files.sort();
    // Not a security measure, only a change detector: any stable 64-bit hash
    // will do, and std's needs no crate.
    let mut hasher = std::hash::DefaultHasher::new();
    for file in &files {
        file.strip_prefix(&root).unwrap_or(file).hash(&mut hasher);
        std::fs::read(file).ok()?.hash(&mut hasher);
    }
    Some(format!("{:016x}", hasher.finish()))
}

/// The early-paint module the site carries (scripts/build-paint.sh writes its hashed
/// names to `pkg/paint.json`), or `None` when it has none (a `cargo leptos
/// watch` site): the dashboard then loads the app at once, as other pages do.
pub fn early_paint(site_root: &Path) -> Option<app::EarlyPaint> {
    #[derive(serde::Deserialize)]
    struct Names {
        js: String,
        wasm: String,
    }
    let pkg = site_root.join("pkg");
    let text = std::fs::read_to_string(pkg.join("paint.json")).ok()?;
    let names: Names = match serde_json::from_str(&text) {
        Ok(names) => names,
        Err(err) => {
            tracing::warn!(%err, "pkg/paint.json is not the early paint's names: the dashboard loads without it");
            return None;
        }
    };
    let plain = |name: &str| !name.is_empty() && !name.contains(['/', '\\', '"', '<']) && pkg.join(name).is_file();
    if !plain(&names.js) || !plain(&names.wasm) {
        tracing::warn!(
            "pkg/paint.json names files the site does not have: the dashboard loads without the early paint"
        );
        return None;
    }
    Some(app::EarlyPaint { js: format!("/pkg/{}", names.js).into(), wasm: format!("/pkg/{}", names.wasm).into() })
}

/// The app's WASM-split loader under `site_root/pkg` ([`app::SplitLoader`]):
/// its hashed name from cargo-leptos's hash file beside the binary when
/// `options` hash the pkg files, else its plain name; `None` when the site
/// has no such file (a build without `--split`).
pub fn split_loader(site_root: &Path, options: &LeptosOptions) -> Option<app::SplitLoader> {
    let hashes = options
        .hash_files
        .then(|| beside_binary(&options.hash_file))
        .flatten()
        .and_then(|path| std::fs::read_to_string(path).ok());
    split_loader_named(&site_root.join("pkg"), hashes.as_deref())
}

/// [`split_loader`] given the hash file's text, if the pkg files are hashed.
fn split_loader_named(pkg: &Path, hashes: Option<&str>) -> Option<app::SplitLoader> {
    // cargo-leptos's names: `__wasm_split.<hash>.js`, and without hashing a
    // fixed placeholder as long as a hash.
    let hash = match hashes {
        Some(text) => text.lines().find_map(|line| line.trim().strip_prefix("split:"))?.trim().to_owned(),
        None => "_".repeat(22),
    };
    let name = format!("__wasm_split.{hash}.js");
    let plain = !hash.is_empty() && hash.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (plain && pkg.join(&name).is_file()).then(|| app::SplitLoader(format!("/pkg/{name}").into()))
}

/// A page of ours that is not rendered by Leptos (the API reference, GraphiQL):
/// vendored stylesheets and scripts, all from this server and none inline, so
/// the pages' Content-Security-Policy (without a nonce) holds.
pub fn vendored_page(title: &str, stylesheets: &[&str], body: &str, scripts: &[&str]) -> axum::response::Html<String> {
    let links: String = stylesheets.iter().map(|href| format!("<link rel=\"stylesheet\" href=\"{href}\">\n")).collect();
    let tags: String = scripts.iter().map(|src| format!("<script src=\"{src}\"></script>\n")).collect();
    axum::response::Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n\
         <link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n\
         <link rel=\"stylesheet\" href=\"/vendor/pretendard/pretendard.css\">\n{links}</head>\n<body>\n{body}\n{tags}</body>\n</html>\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site folder whose pkg holds `files` and, if given, `paint.json`.
    fn site_with(files: &[&str], names: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        std::fs::create_dir(&pkg).unwrap();
        for file in files {
            std::fs::write(pkg.join(file), b"x").unwrap();
        }
        if let Some(names) = names {
            std::fs::write(pkg.join("paint.json"), names).unwrap();
        }
        dir
    }

    #[test]
    fn the_early_paint_is_used_only_when_its_names_and_files_are_sound() {
        let files = ["paint.a.js", "paint.b.wasm"];
        let good = r#"{"js":"paint.a.js","wasm":"paint.b.wasm"}"#;
        let paint = early_paint(site_with(&files, Some(good)).path()).expect("a complete module");
        assert_eq!((&*paint.js, &*paint.wasm), ("/pkg/paint.a.js", "/pkg/paint.b.wasm"));

        // No module (a `cargo leptos watch` site), a missing file, junk, or a
        // name that would leave pkg or the script's quotes: the page loads without it.
        assert!(early_paint(site_with(&files, None).path()).is_none());
        assert!(early_paint(site_with(&files[..1], Some(good)).path()).is_none());
        assert!(early_paint(site_with(&files, Some("{not json")).path()).is_none());
        let escaping = r#"{"js":"../paint.a.js","wasm":"paint.b.wasm"}"#;
        assert!(early_paint(site_with(&files, Some(escaping)).path()).is_none());
        let quoting = r#"{"js":"paint.a.js\"","wasm":"paint.b.wasm"}"#;
        assert!(early_paint(site_with(&["paint.a.js\"", "paint.b.wasm"], Some(quoting)).path()).is_none());
    }

    #[test]
    fn the_split_loader_is_named_from_the_hash_file_and_must_exist() {
        let hashed = site_with(&["__wasm_split.pFUq-x_9.js"], None);
        let pkg = hashed.path().join("pkg");
        let hashes = "js: aaa\nwasm: bbb\nsplit: pFUq-x_9\n";
        let split = split_loader_named(&pkg, Some(hashes)).expect("the hashed loader");
        assert_eq!(&*split.0, "/pkg/__wasm_split.pFUq-x_9.js");
        // Another hash, no `split:` line, or a name that would leave pkg: none.
        assert!(split_loader_named(&pkg, Some("split: other")).is_none());
        assert!(split_loader_named(&pkg, Some("js: aaa")).is_none());
        assert!(split_loader_named(&pkg, Some("split: ../x")).is_none());

        // Without hashing, the placeholder name; a site built without --split has none.
        let plain = site_with(&["__wasm_split.______________________.js"], None);
        let split = split_loader_named(&plain.path().join("pkg"), None).expect("the plain loader");
        assert_eq!(&*split.0, "/pkg/__wasm_split.______________________.js");
        assert!(split_loader_named(&hashed.path().join("pkg"), None).is_none());
    }
}
