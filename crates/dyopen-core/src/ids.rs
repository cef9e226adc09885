//! 19-digit ids in the platform's shape (`region_7276042845767827500`, task `7218760632718443557`):
//! the creation time in milliseconds shifted left 22 bits, plus 22 random bits.

use crate::clock::Timestamp;
use rand::Rng;

/// A fresh 19-digit id for an object created at `now` (unique with overwhelming probability;
/// the tables' primary keys catch the rest).
pub fn new_id(now: Timestamp) -> i64 {
    let ms = now.millis().clamp(1_000_000_000_000, 2_000_000_000_000);
    let low: i64 = rand::thread_rng().gen_range(0..(1 << 22));
    (ms << 22) | low
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_19_digits_across_this_century() {
        for s in [1_600_000_000, 1_700_000_000, 2_000_000_000] {
            let id = new_id(Timestamp::from_secs(s));
            assert_eq!(id.to_string().len(), 19, "{id}");
        }
    }
}
