//! Per-user rate limits: at most so many requests of a kind per user in a sliding minute, kept
//! in memory (each middleware instance counts its own).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Limiter {
    per_window: usize,
    window: Duration,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    pub fn new(per_window: usize, window: Duration) -> Limiter {
        Limiter {
            per_window,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request by `who` at `now`. `Err` holds how long to wait before the next one
    /// is allowed.
    pub fn check(&self, who: &str, now: Instant) -> Result<(), Duration> {
        let Ok(mut seen) = self.seen.lock() else {
            return Ok(());
        };
        // Forget everyone who has been quiet for a window, so the map stays small.
        if seen.len() > 10_000 {
            seen.retain(|_, times| times.back().is_some_and(|t| now - *t < self.window));
        }
        let times = seen.entry(who.to_owned()).or_default();
        while times.front().is_some_and(|t| now - *t >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.per_window {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(self.window.saturating_sub(now - oldest));
        }
        times.push_back(now);
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
        let wait = limiter.check("@a:x", start + Duration::from_secs(10));
        assert_eq!(wait, Err(Duration::from_secs(50)));
        assert!(
            limiter.check("@b:x", start).is_ok(),
            "others are not affected"
        );
        assert!(
            limiter
                .check("@a:x", start + Duration::from_secs(60))
                .is_ok()
        );
    }
}
