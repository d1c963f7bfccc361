//! 日期 (dates in a roster): ISO, slashes, 年月日, and Excel serial numbers.

use chrono::{Duration, NaiveDate};

/// The last serial Excel shows as a date (9999-12-31).
const LAST_SERIAL: f64 = 2_958_465.0;

/// A date written as text: `2024-03-01`, `2024/3/1`, `2024.3.1` or
/// `2024年3月1日` (surrounding spaces ignored). Digits alone (up to 7)
/// are read as an Excel serial, as a spreadsheet saved to CSV may leave
/// them. `None` when the text is none of these or names no day.
pub(super) fn parse_text(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if !t.is_empty() && t.len() <= 7 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<f64>().ok().and_then(from_serial);
    }
    let t = t.strip_suffix('日').unwrap_or(t);
    let mut parts = t.split(['-', '/', '.', '年', '月']);
    let y = number(parts.next()?, 4)?;
    let m = number(parts.next()?, 2)?;
    let d = number(parts.next()?, 2)?;
    if parts.next().is_some() || !(1..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// 1 to `max_len` ASCII digits.
fn number(s: &str, max_len: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// An Excel serial date of the 1900 system: 1 is 1900-01-01; the time of
/// day (the fraction) is dropped. `None` for a serial that is no date:
/// below 1, past 9999-12-31, not finite, or 60 (Excel's 1900-02-29, a day
/// that never was).
pub(super) fn from_serial(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..LAST_SERIAL + 1.0).contains(&serial) {
        return None;
    }
    // In range, so the truncation is exact.
    #[allow(clippy::cast_possible_truncation)]
    let days = serial.floor() as i64;
    let base = match days {
        60 => return None,
        ..60 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        _ => NaiveDate::from_ymd_opt(1899, 12, 30)?,
    };
    base.checked_add_signed(Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn text_forms() {
        for t in [
            "2024-03-01",
            "2024/3/1",
            "2024.03.1",
            "2024年3月1日",
            " 2024年03月01日 ",
            "2024年3月1",
        ] {
            assert_eq!(parse_text(t), d(2024, 3, 1), "{t}");
        }
        assert_eq!(parse_text("2024-02-29"), d(2024, 2, 29));
        for t in [
            "",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-32",
            "24-3-1x",
            "2024-3",
            "2024-3-1-1",
            "二〇二四年三月一日",
            "12024-1-1",
            "0000-01-01",
            "-2024-1-1",
            "2024--1",
        ] {
            assert_eq!(parse_text(t), None, "{t}");
        }
    }

    #[test]
    fn serial_boundaries() {
        assert_eq!(from_serial(1.0), d(1900, 1, 1));
        assert_eq!(from_serial(59.0), d(1900, 2, 28));
        assert_eq!(from_serial(60.0), None, "1900-02-29 never was");
        assert_eq!(from_serial(61.0), d(1900, 3, 1));
        assert_eq!(from_serial(45_352.0), d(2024, 3, 1));
        assert_eq!(from_serial(45_352.75), d(2024, 3, 1), "the time is dropped");
        assert_eq!(from_serial(LAST_SERIAL), d(9999, 12, 31));
        assert_eq!(from_serial(LAST_SERIAL + 0.5), d(9999, 12, 31));
        for bad in [
            0.0,
            0.99,
            -1.0,
            LAST_SERIAL + 1.0,
            f64::NAN,
            f64::INFINITY,
            1e300,
        ] {
            assert_eq!(from_serial(bad), None, "{bad}");
        }
        assert_eq!(parse_text("45352"), d(2024, 3, 1));
        assert_eq!(parse_text("60"), None);
        assert_eq!(parse_text("0"), None);
        assert_eq!(parse_text("9999999"), None);
    }
}
