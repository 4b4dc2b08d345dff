//! Passwords: argon2id hashes (OWASP's minimum: 19 MiB, 2 passes), the rules a
//! new password must meet, and a verification that takes as long for an
//! unknown e-mail as for a wrong password, so timing does not reveal accounts.
//! Hashing is slow by design: callers run it on the blocking pool.

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{AppError, Result};

/// Memory cost in KiB, passes, lanes.
const M_COST: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;
/// The shortest and longest passwords accepted.
pub const MIN_LEN: usize = 8;
const MAX_LEN: usize = 256;

/// The 10,000 most common passwords of 8 or more characters, lower-case, from
/// the ranked list of `@zxcvbn-ts/language-common` (MIT).
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../data/common-passwords.txt").lines().collect());

/// A hash of a password nobody has, verified against when the e-mail is unknown.
static DUMMY: LazyLock<String> = LazyLock::new(|| hash("not a real password, only for timing").unwrap_or_default());

fn argon2() -> Argon2<'static> {
    let params = Params::new(M_COST, T_COST, P_COST, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password` with a fresh salt.
pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    })
}

/// Whether `password` matches the PHC string `stored`.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Spends the time of one verification and fails: for unknown e-mail addresses.
pub fn verify_dummy(password: &str) -> bool {
    let _ = verify(password, &DUMMY);
    false
}

/// Checks a new password: 8 to 256 characters, not one of the common ones,
/// not the e-mail address.
pub fn check_new(password: &str, email: &str) -> Result<()> {
    let len = password.chars().count();
    let lower = password.to_lowercase();
    let problem = if len < MIN_LEN {
        Some(format!("must be at least {MIN_LEN} characters"))
    } else if len > MAX_LEN {
        Some(format!("must be at most {MAX_LEN} characters"))
    } else if COMMON.contains(lower.as_str()) {
        Some("is one of the most common passwords; choose another".to_owned())
    } else if !email.is_empty()
        && (lower == email.to_lowercase() || email.to_lowercase().starts_with(&format!("{lower}@")))
    {
        Some("must not be your e-mail address".to_owned())
    } else {
        None
    };
    match problem {
        Some(message) => Err(AppError::invalid_field("password", message)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password_and_uses_the_required_cost() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("anything", "not a phc string"));
        assert!(!verify_dummy("correct horse battery"));
    }

    #[test]
    fn weak_passwords_are_refused_with_the_reason() {
        for (bad, why) in [
            ("short1", "at least 8"),
            ("password", "most common"),
            ("Password", "most common"),
            ("qwertyuiop", "most common"),
            ("admin@example.com", "e-mail"),
        ] {
            let err = check_new(bad, "admin@example.com").unwrap_err();
            assert!(err.to_string().contains(why), "{bad}: {err}");
        }
        assert!(check_new("correct horse battery", "admin@example.com").is_ok());
        assert!(check_new(&"x".repeat(257), "").is_err());
    }
}
