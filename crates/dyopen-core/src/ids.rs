//! 19-digit ids in the platform's shape (`region_7276042845767827500`, task `7218760632718443557`):
//! the creation time in milliseconds shifted left 22 bits, plus 22 random bits — and, within one
//! process, strictly increasing, so objects created in the same millisecond (always the case on a
//! frozen emulator clock) still sort in creation order.

use crate::clock::Timestamp;
use rand::Rng;
use std::sync::atomic::{AtomicI64, Ordering};

/// The last id handed out by this process (a sequence, like a snowflake generator's).
static LAST: AtomicI64 = AtomicI64::new(0);

/// A fresh 19-digit id for an object created at `now`: larger than every id this process made
/// before (unique with overwhelming probability across instances; the primary keys catch the rest).
pub fn new_id(now: Timestamp) -> i64 {
    let ms = now.millis().clamp(1_000_000_000_000, 2_000_000_000_000);
    let low: i64 = rand::thread_rng().gen_range(0..(1 << 22));
    let candidate = (ms << 22) | low;
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = candidate.max(last + 1);
        match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_made_at_one_instant_increase_in_creation_order() {
        let now = Timestamp::from_secs(1_714_521_600);
        let ids: Vec<i64> = (0..1000).map(|_| new_id(now)).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids.iter().all(|id| id.to_string().len() == 19));
    }

    #[test]
    fn ids_have_19_digits_across_this_century() {
        for s in [1_600_000_000, 1_700_000_000, 2_000_000_000] {
            let id = new_id(Timestamp::from_secs(s));
            assert_eq!(id.to_string().len(), 19, "{id}");
        }
    }
}
