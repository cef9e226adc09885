//! Times as dyopen shows them: RFC 3339 UTC in the admin API ([`rfc3339`]), and as people read
//! them on dyopen's pages, Beijing time (UTC+8, no DST; the platform's day boundaries are
//! Asia/Shanghai's), e.g. `2026-12-03 14:00 北京时间`.

use chrono::{DateTime, FixedOffset, NaiveDate};
use dyopen_core::clock::UnixSecs;

/// UTC+8 (checked when compiling: a constant).
const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

fn beijing() -> FixedOffset {
    BEIJING
}

/// RFC 3339 (UTC, whole seconds) of an instant (empty if out of range).
pub fn rfc3339(at: UnixSecs) -> String {
    DateTime::from_timestamp(at.get(), 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// `at` in Beijing time, written with `format` (empty if out of range).
fn in_beijing(at: UnixSecs, format: &str) -> String {
    DateTime::from_timestamp(at.get(), 0)
        .map(|t| t.with_timezone(&beijing()).format(format).to_string())
        .unwrap_or_default()
}

/// `2026-12-03 14:00`: `at` in Beijing time (empty if out of range).
pub fn beijing_minute(at: UnixSecs) -> String {
    in_beijing(at, "%Y-%m-%d %H:%M")
}

/// `2026-12-03 14:00:05`: `at` in Beijing time.
pub fn beijing_second(at: UnixSecs) -> String {
    in_beijing(at, "%Y-%m-%d %H:%M:%S")
}

/// `2026-12-03` for a Shanghai day number (days since 1970-01-01, `Timestamp::shanghai_day`).
pub fn shanghai_date(day: i64) -> String {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::try_days(day)?))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `12-03` for a Shanghai day number (chart axes).
pub fn shanghai_month_day(day: i64) -> String {
    shanghai_date(day).get(5..).unwrap_or_default().to_owned()
}

/// Unix seconds of a `datetime-local` value (`2026-12-03T14:00`, seconds optional) read as
/// Beijing time.
pub fn parse_beijing_local(text: &str) -> Option<i64> {
    let text = text.trim();
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    naive
        .and_local_timezone(beijing())
        .single()
        .map(|t| t.timestamp())
}

/// The `datetime-local` value of `at` in Beijing time.
pub fn beijing_local_input(at: UnixSecs) -> String {
    in_beijing(at, "%Y-%m-%dT%H:%M")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_is_utc_plus_eight() {
        // 2026-12-03T06:00:04Z
        assert_eq!(
            beijing_minute(UnixSecs::new(1_796_277_604)),
            "2026-12-03 14:00"
        );
        assert_eq!(parse_beijing_local("2026-12-03T14:00"), Some(1_796_277_600));
        assert_eq!(
            beijing_local_input(UnixSecs::new(1_796_277_604)),
            "2026-12-03T14:00"
        );
    }

    #[test]
    fn shanghai_days_are_dates() {
        assert_eq!(shanghai_date(0), "1970-01-01");
        let day = dyopen_core::Timestamp::from_secs(1_796_277_604).shanghai_day();
        assert_eq!(shanghai_date(day), "2026-12-03");
        assert_eq!(shanghai_month_day(day), "12-03");
    }
}
