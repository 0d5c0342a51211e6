//! Commit times (seconds since the epoch and the committer's offset in minutes east of UTC) as
//! dates, on the `time` crate. Times it cannot represent read as the epoch, never a panic.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// The time in the committer's zone; an offset out of range is read as UTC.
fn at(seconds: i64, offset_minutes: i32) -> OffsetDateTime {
    let utc = OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    match UtcOffset::from_whole_seconds(offset_minutes.saturating_mul(60)) {
        Ok(offset) => utc.to_offset(offset),
        Err(_) => utc,
    }
}

/// `2024-03-01T10:00:00+01:00`; `None` for a time RFC 3339 cannot write (before year 0).
pub fn rfc3339(seconds: i64, offset_minutes: i32) -> Option<String> {
    at(seconds, offset_minutes).format(&Rfc3339).ok()
}

/// Day, month (1–12) and year in the committer's zone.
pub fn civil(seconds: i64, offset_minutes: i32) -> (u8, u8, i32) {
    let date = at(seconds, offset_minutes).date();
    (date.day(), u8::from(date.month()), date.year())
}

/// `D:YYYYMMDDHHmmSS+HH'mm'`, a PDF date, in the committer's zone.
pub fn pdf(seconds: i64, offset_minutes: i32) -> String {
    let local = at(seconds, offset_minutes);
    let offset = local.offset();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}{sign}{:02}'{:02}'",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute(),
        local.second(),
        offset.whole_hours().unsigned_abs(),
        offset.minutes_past_hour().unsigned_abs(),
    )
}

/// Seconds since the epoch at the start (00:00 UTC) of a `YYYY-MM-DD` day, or of an RFC 3339 time.
pub fn parse_day(text: &str) -> Option<i64> {
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(time.unix_timestamp());
    }
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let month = time::Month::try_from(month).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_committer_zone() {
        assert_eq!(
            rfc3339(1_709_283_600, 0).as_deref(),
            Some("2024-03-01T09:00:00Z")
        );
        assert_eq!(
            rfc3339(1_709_283_600, 60).as_deref(),
            Some("2024-03-01T10:00:00+01:00")
        );
        assert_eq!(civil(1_709_331_000, 60), (1, 3, 2024));
        assert_eq!(civil(1_709_331_000, 120), (2, 3, 2024));
        assert_eq!(pdf(1_709_283_600, 60), "D:20240301100000+01'00'");
        assert_eq!(pdf(1_709_283_600, -150), "D:20240301063000-02'30'");
        assert_eq!(parse_day("2024-03-01"), Some(1_709_251_200));
        assert_eq!(parse_day("mars"), None);
        assert_eq!(civil(i64::MAX, i32::MAX), (1, 1, 1970));
    }
}
