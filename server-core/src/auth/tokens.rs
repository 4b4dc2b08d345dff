//! Secrets we hand out and how we recognise them: random session ids, refresh
//! tokens and API keys (only their SHA-256 digests are stored), and the JWT
//! access tokens of API clients (HS256 over `SECRET_KEY`, 15 minutes).

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{AppError, Result};

/// How long an access token is valid.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// How long a refresh token is valid.
pub const REFRESH_TTL_SECS: i64 = 7 * 24 * 3600;
/// The start of every API key.
pub const API_KEY_PREFIX: &str = "ds_";
/// How much of a key is shown in lists: `ds_` and 8 characters.
const VISIBLE_LEN: usize = API_KEY_PREFIX.len() + 8;

/// 256 random bits, URL-safe base64 (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 hex digest stored in place of a token or key. A fast hash is
/// right here: the inputs are 256 random bits, not guessable passwords.
pub fn digest(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

/// A new API key and its visible prefix.
pub fn new_api_key() -> (String, String) {
    let key = format!("{API_KEY_PREFIX}{}", random_token());
    let prefix = key[..VISIBLE_LEN].to_owned();
    (key, prefix)
}

/// Whether `value` looks like one of our API keys (before any lookup).
pub fn looks_like_api_key(value: &str) -> bool {
    value.len() == API_KEY_PREFIX.len() + 43
        && value.starts_with(API_KEY_PREFIX)
        && value[API_KEY_PREFIX.len()..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// How many verified access tokens [`JwtKeys::verify`] remembers.
const VERIFIED_CAPACITY: u64 = 10_000;

/// The keys that sign and check access tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// What a token must carry, built once: building it allocates.
    validation: Validation,
    /// The claims of tokens whose signature already checked out, by the exact
    /// token text. A token's claims never change, so a second request with it
    /// skips the HMAC and the JSON parse (a quarter of a cached dashboard
    /// request's instructions); expiry is still checked on every use. Only
    /// tokens that verified get in, so forged ones cannot fill it, and it is
    /// bounded in entries and in time. Hashed with foldhash (seeded per
    /// process): SipHash over the whole token cost more than the lookup.
    /// Shared (`Arc`): a hit copies no text.
    verified: moka::sync::Cache<Box<str>, Arc<Claims>, foldhash::fast::RandomState>,
}

impl JwtKeys {
    /// Keys over the secret `secret`.
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against our clock in `verify`, so tests can pin "now".
        validation.validate_exp = false;
        validation.required_spec_claims = ["exp", "sub"].iter().map(|s| (*s).to_owned()).collect();
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: moka::sync::Cache::builder()
                .max_capacity(VERIFIED_CAPACITY)
                .time_to_live(std::time::Duration::from_secs(ACCESS_TTL_SECS.unsigned_abs()))
                .build_with_hasher(foldhash::fast::RandomState::default()),
        }
    }
}

/// What an access token says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The account id.
    pub sub: String,
    /// The token family (`sessions` row): logout or theft detection revokes it,
    /// and with it every access token it issued.
    pub sid: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

impl JwtKeys {
    /// A signed access token for `account_id` in family `sid`, issued at `now`.
    pub fn issue(&self, account_id: i64, sid: &str, now: i64) -> Result<String> {
        let claims = Claims { sub: account_id.to_string(), sid: sid.to_owned(), iat: now, exp: now + ACCESS_TTL_SECS };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| {
            tracing::error!(error = %e, "cannot sign an access token");
            AppError::Internal
        })
    }

    /// The claims of a valid, unexpired token (at `now`); anything else is 401.
    pub fn verify(&self, token: &str, now: i64) -> Result<Arc<Claims>> {
        let claims = match self.verified.get(token) {
            Some(claims) => claims,
            None => {
                let claims = Arc::new(
                    jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
                        .map_err(|_| AppError::Unauthorized)?
                        .claims,
                );
                self.verified.insert(token.into(), Arc::clone(&claims));
                claims
            }
        };
        if claims.exp <= now {
            return Err(AppError::Unauthorized);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_keys_have_the_prefix() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 43);
        let (key, prefix) = new_api_key();
        assert!(looks_like_api_key(&key), "{key}");
        assert!(key.starts_with(&prefix) && prefix.len() == 11 && prefix.starts_with("ds_"));
        assert!(!looks_like_api_key("ds_short"));
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn access_tokens_verify_until_they_expire_and_only_with_our_key() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue(7, "family", 1_000).unwrap();
        let claims = keys.verify(&token, 1_000 + ACCESS_TTL_SECS - 1).unwrap();
        assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("7", "family"));
        assert_eq!(keys.verify(&token, 1_000 + ACCESS_TTL_SECS), Err(AppError::Unauthorized));
        let other = JwtKeys::new(b"another key, another key, another");
        assert_eq!(other.verify(&token, 1_000), Err(AppError::Unauthorized));
        assert_eq!(keys.verify("not.a.jwt", 1_000), Err(AppError::Unauthorized));
        // Remembered tokens: the same text verifies again (from the memo) and
        // still expires; a token that differs in any byte is checked afresh.
        assert_eq!(keys.verify(&token, 1_000).unwrap(), claims);
        assert_eq!(keys.verify(&token, 1_000 + ACCESS_TTL_SECS), Err(AppError::Unauthorized));
        let (head, signature) = token.rsplit_once('.').unwrap();
        let flipped = if signature.starts_with('A') { "B" } else { "A" };
        assert_eq!(keys.verify(&format!("{head}.{flipped}{}", &signature[1..]), 1_000), Err(AppError::Unauthorized));
        let other_token = keys.issue(8, "other", 1_000).unwrap();
        let (_, other_signature) = other_token.rsplit_once('.').unwrap();
        assert_eq!(keys.verify(&format!("{head}.{other_signature}"), 1_000), Err(AppError::Unauthorized));
    }
}
