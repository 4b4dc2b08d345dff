//! When to try a delivery again: after attempt n, `[30 s, 2 min, 10 min,
//! 1 h, 6 h][n − 1]` scaled by a random factor in [0.8, 1.2), so deliveries
//! that failed together do not retry together.

use std::time::Duration;

/// The base waits after attempts 1 to 5 (the sixth is the last).
const STEPS: [u64; 5] = [30, 120, 600, 3_600, 21_600];

/// The wait after attempt `attempt` (1-based), with `jitter` in [0, 1) (a
/// random draw; tests pass their own).
pub fn delay_with(attempt: i64, jitter: f64) -> Duration {
    let index = usize::try_from(attempt.clamp(1, STEPS.len() as i64) - 1).unwrap_or(0);
    let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    Duration::from_secs_f64(STEPS[index] as f64 * factor)
}

/// The wait after attempt `attempt`, randomised.
pub fn delay(attempt: i64) -> Duration {
    delay_with(attempt, fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stay_within_twenty_percent() {
        for (attempt, base) in [(1, 30.0), (2, 120.0), (3, 600.0), (4, 3_600.0), (5, 21_600.0), (9, 21_600.0)] {
            assert_eq!(delay_with(attempt, 0.0).as_secs_f64(), base * 0.8, "{attempt}");
            assert!((delay_with(attempt, 0.999_999).as_secs_f64() - base * 1.2).abs() < 0.1, "{attempt}");
            for _ in 0..100 {
                let d = delay(attempt).as_secs_f64();
                assert!((base * 0.8..=base * 1.2).contains(&d), "{attempt}: {d}");
            }
        }
    }
}
