//! Per-user rate limits: at most so many requests per user in a window, with a burst of the
//! whole allowance, then one more each `window / allowance` (the generic cell rate algorithm:
//! one instant per user, whatever the limit). Kept in memory; each instance counts its own.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Limiter {
    /// Time one request uses up.
    interval: Duration,
    /// How far ahead of now a user's allowance may be spent.
    burst: Duration,
    /// When each user's allowance is back to full (their "theoretical arrival time").
    full_at: Mutex<HashMap<String, Instant>>,
}

impl Limiter {
    pub fn new(per_window: usize, window: Duration) -> Limiter {
        let interval = window / u32::try_from(per_window.max(1)).unwrap_or(u32::MAX);
        Limiter {
            interval,
            burst: window.saturating_sub(interval),
            full_at: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request by `who` at `now`. `Err` holds how long to wait before the next one
    /// is allowed.
    pub fn check(&self, who: &str, now: Instant) -> Result<(), Duration> {
        let Ok(mut full_at) = self.full_at.lock() else {
            return Ok(());
        };
        // Forget everyone whose allowance is full again, so the map stays small.
        if full_at.len() > 10_000 {
            full_at.retain(|_, at| *at > now);
        }
        let at = full_at.get(who).copied().unwrap_or(now).max(now);
        let ahead = at - now;
        if ahead > self.burst {
            return Err(ahead - self.burst);
        }
        full_at.insert(who.to_owned(), at + self.interval);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_has_their_own_allowance_that_comes_back() {
        let limiter = Limiter::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check("@a:x", start).is_ok());
        }
        // The allowance comes back one request every 20 s.
        let wait = limiter.check("@a:x", start + Duration::from_secs(10));
        assert_eq!(wait, Err(Duration::from_secs(10)));
        assert!(
            limiter.check("@b:x", start).is_ok(),
            "others are not affected"
        );
        assert!(
            limiter
                .check("@a:x", start + Duration::from_secs(20))
                .is_ok()
        );
        assert!(
            limiter
                .check("@a:x", start + Duration::from_secs(21))
                .is_err()
        );
        // A minute of quiet: the whole allowance again.
        let later = start + Duration::from_secs(120);
        for _ in 0..3 {
            assert!(limiter.check("@a:x", later).is_ok());
        }
        assert!(limiter.check("@a:x", later).is_err());
    }
}
