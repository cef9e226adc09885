//! Daily visit buckets (SPEC §10): the visit flush adds each visit to its link's total and to
//! the link's bucket of the Asia/Shanghai day the visit was served on (by the Clock), and drops
//! buckets older than [`VISIT_DAYS_KEPT`] days. Charts show the last [`CHART_DAYS`] days.

use super::LinkCode;

/// Days of buckets kept, today included.
pub const VISIT_DAYS_KEPT: i64 = 90;
/// Days a visits chart shows, today included.
pub const CHART_DAYS: i64 = 30;

/// Visits of one link on one Shanghai day, as the flush writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct VisitCount {
    /// The link.
    pub code: LinkCode,
    /// Shanghai day (days since 1970-01-01, [`crate::Timestamp::shanghai_day`]).
    pub day: i64,
    /// Visits.
    pub visits: i64,
}

/// The oldest day whose buckets a flush whose newest visit is on `newest_day` keeps.
pub fn buckets_kept_from(newest_day: i64) -> i64 {
    newest_day.saturating_sub(VISIT_DAYS_KEPT - 1)
}

/// Visits per day over `days` days ending with `last_day`, oldest first, zero where `rows`
/// (day, visits) has none. Rows outside the window are ignored.
pub fn daily_series(rows: &[(i64, i64)], last_day: i64, days: i64) -> Vec<(i64, i64)> {
    let first = last_day.saturating_sub(days.max(1) - 1);
    (first..=last_day)
        .map(|day| {
            let n = rows.iter().filter(|(d, _)| *d == day).map(|(_, n)| n).sum();
            (day, n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ninety_days_are_kept_today_included() {
        assert_eq!(buckets_kept_from(100), 11);
        assert_eq!(100 - buckets_kept_from(100) + 1, VISIT_DAYS_KEPT);
    }

    #[test]
    fn a_series_fills_missing_days_with_zero() {
        let s = daily_series(&[(8, 3), (10, 1), (2, 9)], 10, 4);
        assert_eq!(s, vec![(7, 0), (8, 3), (9, 0), (10, 1)]);
    }
}
