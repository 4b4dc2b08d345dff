//! Passwords: argon2id hashes (OWASP's minimum: 19 MiB, 2 passes), the rules a
//! new password must meet, and a verification that takes as long for an
//! unknown e-mail as for a wrong password, so timing does not reveal accounts.
//! Hashing is slow by design and needs 19 MiB while it runs: [`Hasher`] runs a
//! few at a time on the blocking pool, each in working memory that is kept and
//! reused (allocating 19 MiB per check left that much behind in every thread's
//! malloc arena: a flood of logins grew the process by gigabytes).

use std::collections::HashSet;
use std::sync::LazyLock;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

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

/// The working memory of one argon2 run, kept for the next one.
pub struct Memory(Vec<Block>);

impl Default for Memory {
    fn default() -> Self {
        Self(vec![Block::new(); M_COST as usize])
    }
}

/// Runs `argon` into `out` in `memory` (or, for a stored hash made with a
/// larger cost than ours, in memory of its own).
fn run(argon: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8], memory: &mut Memory) -> bool {
    let needed = argon.params().block_count();
    let result = match memory.0.get_mut(..needed) {
        Some(blocks) => argon.hash_password_into_with_memory(password, salt, out, blocks),
        None => argon.hash_password_into_with_memory(password, salt, out, vec![Block::new(); needed]),
    };
    result.is_ok()
}

/// The PHC string of `password` with a fresh salt, computed in `memory`.
pub fn hash_in(password: &str, memory: &mut Memory) -> Result<String> {
    let failed = |what: &str| {
        tracing::error!(what, "password hashing failed");
        AppError::Internal
    };
    let salt = SaltString::generate(&mut OsRng);
    let argon = argon2();
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_buf).map_err(|_| failed("salt"))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    if !run(&argon, password.as_bytes(), salt_bytes, &mut out, memory) {
        return Err(failed("argon2"));
    }
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).map_err(|_| failed("params"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|_| failed("output"))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `stored`, computed in `memory`.
pub fn verify_in(password: &str, stored: &str, memory: &mut Memory) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected), Ok(params)) = (parsed.salt, parsed.hash, Params::try_from(&parsed)) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else { return false };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else { return false };
    let mut out = vec![0u8; expected.len()];
    // `Output`'s equality takes the same time wherever the bytes differ.
    run(&Argon2::new(algorithm, version, params), password.as_bytes(), salt_bytes, &mut out, memory)
        && Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// The PHC string of `password` with a fresh salt (fresh memory: for the CLI
/// and tests; servers use [`Hasher`]).
pub fn hash(password: &str) -> Result<String> {
    hash_in(password, &mut Memory::default())
}

/// Whether `password` matches the PHC string `stored` (fresh memory, see [`hash`]).
pub fn verify(password: &str, stored: &str) -> bool {
    verify_in(password, stored, &mut Memory::default())
}

/// Spends the time of one verification and fails: for unknown e-mail addresses.
pub fn verify_dummy(password: &str) -> bool {
    let _ = verify(password, &DUMMY);
    false
}

/// Callers that may wait for a password check before the next is told 503.
const MAX_WAITERS: usize = 64;
/// The longest a caller waits for its turn.
const MAX_WAIT: Duration = Duration::from_secs(5);

/// Runs password hashes and checks for a server: one per core at a time, each
/// in one of as many reused working memories, so a flood of sign-ins costs a
/// fixed ~20 MiB per core and a bounded queue, not memory per request. Cheap to clone.
#[derive(Clone)]
pub struct Hasher {
    admissions: Arc<tokio::sync::Semaphore>,
    turns: Arc<tokio::sync::Semaphore>,
    waiting: Arc<AtomicUsize>,
    memories: Arc<Mutex<Vec<Memory>>>,
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, usize::from))
    }
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").field("free_turns", &self.turns.available_permits()).finish()
    }
}

impl Hasher {
    /// A hasher running `parallel` checks at a time.
    pub fn new(parallel: usize) -> Self {
        Self {
            admissions: Arc::new(tokio::sync::Semaphore::new(parallel.max(1) + MAX_WAITERS)),
            turns: Arc::new(tokio::sync::Semaphore::new(parallel.max(1))),
            waiting: Arc::default(),
            memories: Arc::default(),
        }
    }

    /// Admits one sign-in attempt, for all of its work (lookups, the audit
    /// record, the check): as many as can run or wait for a turn, and no more.
    /// A flood is refused here (503 with Retry-After), before it costs the
    /// database or memory anything.
    pub fn admit(&self) -> Result<tokio::sync::OwnedSemaphorePermit> {
        self.admissions.clone().try_acquire_owned().map_err(|_| AppError::Unavailable { dependency: "sign-in".into() })
    }

    /// The PHC string of `password` with a fresh salt.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let password = password.to_owned();
        self.run(move |memory| hash_in(&password, memory)).await?
    }

    /// Whether `password` matches `stored`; with no stored hash (an unknown
    /// e-mail), the same work and `false`.
    pub async fn verify(&self, password: &str, stored: Option<String>) -> Result<bool> {
        let password = password.to_owned();
        self.run(move |memory| match stored {
            Some(stored) => verify_in(&password, &stored, memory),
            None => {
                let _ = verify_in(&password, &DUMMY, memory);
                false
            }
        })
        .await
    }

    /// Runs `work` on the blocking pool when a turn is free, with a working memory.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce(&mut Memory) -> T + Send + 'static) -> Result<T> {
        let _turn = self.turn().await?;
        let memories = self.memories.clone();
        // At most one memory per turn exists: each is taken with a turn and put back before the turn ends.
        let mut memory = memories.lock().map_err(|_| AppError::Internal)?.pop().unwrap_or_default();
        tokio::task::spawn_blocking(move || {
            let out = work(&mut memory);
            if let Ok(mut free) = memories.lock() {
                free.push(memory);
            }
            out
        })
        .await
        .map_err(|_| AppError::Internal)
    }

    /// A turn: at once if one is free, else after waiting in a bounded queue;
    /// `Unavailable` (503 with Retry-After) when the queue is full or the turn
    /// does not come within a few seconds.
    async fn turn(&self) -> Result<tokio::sync::OwnedSemaphorePermit> {
        let busy = || AppError::Unavailable { dependency: "sign-in".into() };
        if let Ok(turn) = self.turns.clone().try_acquire_owned() {
            return Ok(turn);
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= MAX_WAITERS {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(busy());
        }
        let waited = tokio::time::timeout(MAX_WAIT, self.turns.clone().acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        waited.map_err(|_| busy())?.map_err(|_| busy())
    }
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

    #[tokio::test]
    async fn the_hasher_reuses_its_memories_and_bounds_its_queue() {
        let hasher = Hasher::new(1);
        let stored = hasher.hash("correct horse battery").await.unwrap();
        assert!(verify("correct horse battery", &stored), "the same PHC string as the plain function");
        assert!(hasher.verify("correct horse battery", Some(stored.clone())).await.unwrap());
        assert!(!hasher.verify("correct horse battery", None).await.unwrap());
        assert_eq!(hasher.memories.lock().unwrap().len(), 1, "one memory for one turn, reused");

        // Every turn taken: the queue fills up to its bound, then callers are told 503 at once.
        let held = hasher.turns.clone().try_acquire_owned().unwrap();
        let waiting: Vec<_> = (0..MAX_WAITERS)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.verify("x", None).await })
            })
            .collect();
        while hasher.waiting.load(Ordering::Acquire) < MAX_WAITERS {
            tokio::task::yield_now().await;
        }
        assert!(matches!(hasher.verify("x", None).await, Err(AppError::Unavailable { .. })));
        drop(held);
        let first = waiting.into_iter().next().unwrap();
        assert_eq!(first.await.unwrap().ok(), Some(false), "the first waiter gets its turn");
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
