//! Rate limits: a token bucket per key (a participant in the room, a peer
//! address). A bucket holds `burst` tokens and gains `per_second`; a
//! request spends one, and is refused when none is left.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

pub struct Limiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(burst: u32, per_second: f64) -> Limiter {
        Limiter { burst: f64::from(burst), per_second, buckets: Mutex::new(HashMap::new()) }
    }

    /// Spends a token of `key`'s bucket; `false` when it is empty.
    pub fn allow(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() > 100_000 {
            // A flood of made-up keys must not grow memory without end: full buckets carry no state.
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(key.to_string()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_and_then_refused() {
        let limiter = Limiter::new(3, 0.001);
        assert_eq!((0..5).map(|_| limiter.allow("a")).collect::<Vec<_>>(), [true, true, true, false, false]);
        assert!(limiter.allow("b"), "another key has its own bucket");
    }
}
