//! Secrets at rest (docs/design/reports.md §1): channel URLs, signing keys
//! and passwords are sealed with a key derived from `SECRET_KEY` before they
//! reach the database, and opened only to send.
//!
//! ChaCha20-Poly1305 (`ring::aead`) with a random 96-bit nonce per seal; the
//! key is HKDF-SHA256 of `SECRET_KEY` (salt `dreamseed`, info
//! `channel-secrets/v1`). The AAD names the row (`channel:{id}`), so a sealed
//! value copied to another row does not open. Stored as
//! `v1:{key_id}:{base64(nonce‖ciphertext‖tag)}`, where `key_id` is 8 hex
//! digits of SHA-256 of the derived key: after a `SECRET_KEY` change, opening
//! says "sealed with another SECRET_KEY" instead of failing obscurely.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::hkdf;
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};

use crate::auth::SecuritySettings;

/// The format's version tag.
const VERSION: &str = "v1";

/// A value that must not be logged or serialised: `Debug` prints `<hidden>`
/// and there is no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The value itself, for the one place that uses it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

/// Why a sealed value did not open.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// It was sealed under another `SECRET_KEY` (the key id differs).
    #[error("sealed with another SECRET_KEY: enter it again")]
    OtherKey,
    /// It is not one of our sealed values, or it was altered or moved to
    /// another row.
    #[error("the stored secret is damaged: enter it again")]
    Damaged,
}

/// Seals and opens channel secrets with one derived key.
pub struct SecretBox {
    key: LessSafeKey,
    key_id: String,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretBox").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// HKDF output length for a 32-byte key.
struct KeyLen;

impl hkdf::KeyType for KeyLen {
    fn len(&self) -> usize {
        32
    }
}

impl SecretBox {
    /// The box for `secret_key` (the `SECRET_KEY` bytes).
    pub fn from_key(secret_key: &[u8]) -> Self {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"dreamseed").extract(secret_key);
        let mut derived = [0_u8; 32];
        // Expanding to 32 bytes with SHA-256 cannot fail (limit: 255 × 32).
        prk.expand(&[b"channel-secrets/v1"], KeyLen)
            .and_then(|okm| okm.fill(&mut derived))
            .expect("HKDF-SHA256 expands to 32 bytes");
        let digest = Sha256::digest(derived);
        let key_id = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, &derived).expect("a 32-byte ChaCha20-Poly1305 key");
        Self { key: LessSafeKey::new(unbound), key_id }
    }

    /// The box of a server whose `SECRET_KEY` is only reachable through its
    /// [`SecuritySettings`] (the JWT key): the key material is that key's
    /// HMAC of a fixed, never-valid token (a PRF of `SECRET_KEY`, which it
    /// does not reveal), fed through the same HKDF.
    pub fn from_security(settings: &SecuritySettings) -> Self {
        // Subject 0, issued at the epoch, expired since 1970: no account, never accepted.
        match settings.jwt.issue(0, "channel-secrets/v1", 0) {
            Ok(token) => Self::from_key(token.as_bytes()),
            // Signing with HS256 does not fail; a box nobody can open with is the safe fallback.
            Err(_) => Self::from_key(&random_bytes::<32>()),
        }
    }

    /// The box of the server `state` belongs to (see [`SecretBox::from_security`]).
    pub fn for_state(state: &crate::state::AppState) -> Self {
        Self::from_security(&state.security)
    }

    /// This key's id (8 hex digits), stored with every sealed value.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Seals `plaintext` for the row named by `aad` (`channel:{id}`).
    pub fn seal(&self, aad: &str, plaintext: &[u8]) -> String {
        let nonce_bytes = random_bytes::<NONCE_LEN>();
        let mut in_out = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce_bytes), Aad::from(aad.as_bytes()), &mut in_out)
            .expect("ChaCha20-Poly1305 seals any message under 256 GiB");
        let mut packed = Vec::with_capacity(NONCE_LEN + in_out.len());
        packed.extend_from_slice(&nonce_bytes);
        packed.extend_from_slice(&in_out);
        format!("{VERSION}:{}:{}", self.key_id, STANDARD.encode(packed))
    }

    /// Opens a value [`SecretBox::seal`] made for the same `aad`.
    pub fn open(&self, aad: &str, sealed: &str) -> Result<Secret<Vec<u8>>, OpenError> {
        let mut parts = sealed.splitn(3, ':');
        let (Some(VERSION), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(OpenError::Damaged);
        };
        if key_id != self.key_id {
            return Err(OpenError::OtherKey);
        }
        let packed = STANDARD.decode(body).map_err(|_| OpenError::Damaged)?;
        if packed.len() < NONCE_LEN {
            return Err(OpenError::Damaged);
        }
        let (nonce, ciphertext) = packed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| OpenError::Damaged)?;
        let mut in_out = ciphertext.to_vec();
        let plain =
            self.key.open_in_place(nonce, Aad::from(aad.as_bytes()), &mut in_out).map_err(|_| OpenError::Damaged)?;
        let len = plain.len();
        in_out.truncate(len);
        Ok(Secret(in_out))
    }
}

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0_u8; N];
    SystemRandom::new().fill(&mut bytes).expect("the operating system's random source");
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_with_its_key_and_row() {
        let sealed_box = SecretBox::from_key(b"a secret key of at least 32 bytes!!");
        let sealed = sealed_box.seal("channel:7", b"https://hooks.example.com/x");
        assert!(sealed.starts_with(&format!("v1:{}:", sealed_box.key_id())), "{sealed}");
        assert!(!sealed.contains("hooks.example.com"));
        assert_eq!(sealed_box.open("channel:7", &sealed).unwrap().expose(), b"https://hooks.example.com/x");
        // A fresh nonce every time.
        assert_ne!(sealed, sealed_box.seal("channel:7", b"https://hooks.example.com/x"));
    }

    #[test]
    fn another_key_says_so_instead_of_decoding_garbage() {
        let sealed = SecretBox::from_key(b"the old key, at least 32 bytes long").seal("channel:1", b"x");
        let err = SecretBox::from_key(b"the new key, at least 32 bytes long").open("channel:1", &sealed).unwrap_err();
        assert_eq!(err, OpenError::OtherKey);
        assert_eq!(err.to_string(), "sealed with another SECRET_KEY: enter it again");
    }

    #[test]
    fn a_value_moved_to_another_row_or_altered_does_not_open() {
        let sealed_box = SecretBox::from_key(b"a secret key of at least 32 bytes!!");
        let sealed = sealed_box.seal("channel:1", b"secret");
        assert_eq!(sealed_box.open("channel:2", &sealed).unwrap_err(), OpenError::Damaged);
        let (head, body) = sealed.rsplit_once(':').unwrap();
        let mut bytes = STANDARD.decode(body).unwrap();
        bytes[NONCE_LEN] ^= 1;
        let altered = format!("{head}:{}", STANDARD.encode(bytes));
        assert_eq!(sealed_box.open("channel:1", &altered).unwrap_err(), OpenError::Damaged);
        assert_eq!(sealed_box.open("channel:1", "v1:test").unwrap_err(), OpenError::Damaged);
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        assert_eq!(format!("{:?}", Secret::new("whsec_abc")), "<hidden>");
    }

    #[test]
    fn the_box_of_a_server_is_stable_for_its_secret_key() {
        let a = SecretBox::from_security(&SecuritySettings::new(b"one secret key, at least 32 bytes long"));
        let b = SecretBox::from_security(&SecuritySettings::new(b"one secret key, at least 32 bytes long"));
        let c = SecretBox::from_security(&SecuritySettings::new(b"another secret key, 32 bytes or more"));
        assert_eq!(a.key_id(), b.key_id());
        assert_ne!(a.key_id(), c.key_id());
        assert_eq!(b.open("channel:3", &a.seal("channel:3", b"x")).unwrap().expose(), b"x");
    }
}
