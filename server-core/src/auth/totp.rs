//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s), as authenticator apps
//! expect it: enrolment shows the secret as text, URI and QR code; a code from
//! the step before or after is accepted for clock drift.

use totp_rs::{Algorithm, Secret, TOTP};

use crate::error::{AppError, Result};
use crate::model::TotpEnrollment;

const ISSUER: &str = "DreamSeed Admin";
/// The length of one code's step, in seconds (RFC 6238's default, what apps use).
const STEP_SECS: i64 = 30;

fn totp(secret_base32: &str, account: &str) -> Result<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().map_err(|_| AppError::Internal)?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECS as u64, bytes, Some(ISSUER.to_owned()), account.to_owned()).map_err(
        |e| {
            tracing::error!(error = %e, "invalid TOTP parameters");
            AppError::Internal
        },
    )
}

/// A fresh 160-bit secret, base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// What the authenticator app needs to enrol `account` with `secret`.
pub fn enrollment(secret: &str, account: &str) -> Result<TotpEnrollment> {
    let uri = totp(secret, account)?.get_url();
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|_| AppError::Internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Ok(TotpEnrollment { secret: secret.to_owned(), uri, qr_svg })
}

/// Whether `code` is valid for `secret` at Unix time `now`.
pub fn check(secret: &str, code: &str, now: i64) -> bool {
    matched_step(secret, code, now).is_some()
}

/// The 30-second step (Unix time / 30) whose code `code` is, if it is the code
/// of the current step or one of its neighbours (clock drift). A sign-in takes
/// the step with [`crate::db::accounts::use_totp_step`], so each code works once.
pub fn matched_step(secret: &str, code: &str, now: i64) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "x").ok()?;
    let current = now.max(0) / STEP_SECS;
    (current - 1..=current + 1).filter(|s| *s >= 0).find(|step| {
        let expected = totp.generate((step * STEP_SECS) as u64);
        // Compare every byte, so the time taken says nothing about the code.
        expected.len() == code.len() && expected.bytes().zip(code.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    })
}

/// The current code (tests and the CLI use it).
pub fn current_code(secret: &str, now: i64) -> Result<String> {
    Ok(totp(secret, "x")?.generate(now.max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_from_the_current_step_and_its_neighbours_pass() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let code = current_code(&secret, now).unwrap();
        assert!(check(&secret, &code, now));
        assert!(check(&secret, &code, now + 30), "one step of drift");
        assert!(!check(&secret, &code, now + 120));
        assert!(!check(&secret, "12345", now));
        let e = enrollment(&secret, "a@b.c").unwrap();
        assert!(e.uri.starts_with("otpauth://totp/"), "{}", e.uri);
        assert!(e.qr_svg.contains("<svg"));
    }

    #[test]
    fn the_matched_step_is_the_codes_own_step() {
        let secret = new_secret();
        let now = 1_700_000_010; // step 56_666_667
        let code = current_code(&secret, now).unwrap();
        assert_eq!(matched_step(&secret, &code, now), Some(now / 30));
        assert_eq!(matched_step(&secret, &code, now + 30), Some(now / 30), "a late code keeps its step");
        assert_eq!(matched_step(&secret, "000000x", now), None);
    }
}
