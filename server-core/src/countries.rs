//! Country names (Korean and English) and marker positions, loaded from the
//! `vendor/countries.json` that `scripts/vendor-assets.mjs` derives from the npm
//! packages `i18n-iso-countries` and `world-atlas`.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

/// Names and map position of one country.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CountryInfo {
    /// English name.
    pub en: String,
    /// Korean name.
    pub ko: String,
    /// Marker latitude; absent for countries too small for the 1:110m outlines.
    pub lat: Option<f64>,
    /// Marker longitude (see `lat`).
    pub lng: Option<f64>,
}

/// Every ISO-3166 alpha-2 code with its names and position.
#[derive(Clone, Debug, Default)]
pub struct CountryIndex {
    by_code: HashMap<String, CountryInfo>,
}

/// Why the country index could not be loaded.
#[derive(Debug, thiserror::Error)]
#[expect(missing_docs, reason = "the fields are the file and the underlying error")]
pub enum CountryIndexError {
    /// The file could not be read.
    #[error("cannot read {path}: {source} (run `make assets` to generate it)")]
    Read { path: String, source: std::io::Error },
    /// The file is not the expected JSON.
    #[error("{path} is not a valid country index: {source}")]
    Parse { path: String, source: serde_json::Error },
}

impl CountryIndex {
    /// Loads `vendor/countries.json` under the site root.
    pub fn load(site_root: &Path) -> Result<Self, CountryIndexError> {
        let path = site_root.join("vendor").join("countries.json");
        let display = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|source| CountryIndexError::Read { path: display.clone(), source })?;
        Self::from_json(&text).map_err(|source| CountryIndexError::Parse { path: display, source })
    }

    /// Parses the index from its JSON text.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        Ok(Self { by_code: serde_json::from_str(text)? })
    }

    /// The country with this alpha-2 code, if it is one.
    pub fn get(&self, code: &str) -> Option<&CountryInfo> {
        self.by_code.get(code)
    }
}
