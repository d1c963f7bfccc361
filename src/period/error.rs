//! 日历错误 (calendar errors): a holiday table refused, or a date the
//! calendar cannot answer for.

use super::Length;
use chrono::{NaiveDate, Weekday};

/// 日历错误: why a holiday table was refused, or why a question about
/// working days has no answer. Each variant names the date or year at
/// fault; a refused table leaves the calendar as it was.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::period::{CalendarError, WorkCalendar};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let err = WorkCalendar::china().is_working_day(d(2019, 12, 31)).unwrap_err();
/// assert!(matches!(err, CalendarError::NotCovered { year: 2019, .. }));
/// assert_eq!(
///     err.to_string(),
///     "2019-12-31 is in 2019, a year without a holiday table (working days there are unknown)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// 无节假日安排: `date` lies in a year without a holiday table, and the
    /// calendar was not asked to fall back to Monday–Friday there
    /// (`docs/RULES.md` P-7).
    #[error("{date} is in {year}, a year without a holiday table (working days there are unknown)")]
    NotCovered {
        /// The first date of the question that is not covered.
        date: NaiveDate,
        /// Its year.
        year: i32,
    },
    /// 既放假又上班: `date` is listed both as a holiday and as an adjusted
    /// working day (in one table, or in the new table and one already
    /// loaded).
    #[error("{date} is listed both as a holiday and as a working day")]
    HolidayAndWorkingDay {
        /// The date listed both ways.
        date: NaiveDate,
    },
    /// 调休上班日不是周末: an adjusted working day (调休上班) that is not a
    /// Saturday or a Sunday (a weekday is a working day anyway).
    #[error("{date} is listed as an adjusted working day but is a {weekday}, not a weekend day")]
    WorkingDayNotWeekend {
        /// The date listed.
        date: NaiveDate,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// 起止颠倒: a range whose first day is after its last.
    #[error("the range from {from} to {to} ends before it starts")]
    RangeReversed {
        /// The first day given.
        from: NaiveDate,
        /// The last day given.
        to: NaiveDate,
    },
    /// 日期超出年份: a date in the table for `year` more than a month
    /// outside that year (a table may list the last days of December of
    /// the year before, or the first of January after, as the 2023 table's
    /// 元旦 from 31 December 2022 does).
    #[error(
        "{date} is listed in the table for {year}, too far outside that year (from 1 December before to 31 January after)"
    )]
    DateOutsideYear {
        /// The table's year.
        year: i32,
        /// The date listed.
        date: NaiveDate,
    },
    /// 年份超出范围: a table for a year outside 1949 … 2199.
    #[error("a holiday table for {year}: only 1949 to 2199 are accepted")]
    YearOutOfRange {
        /// The year given.
        year: i32,
    },
    /// 格式错误: the table is not valid TOML or not in the table format
    /// (a missing or unknown field, a date that is not a date).
    #[error("the holiday table cannot be read: {message}")]
    Toml {
        /// The parser's description, with the line and column.
        message: String,
    },
    /// 地方表格: a regional table (one with a `region`) given where a
    /// national one is expected ([`super::WorkCalendar::add_year`]).
    #[error("the table for {year} is regional ({region}); add it with WorkCalendar::with_regional")]
    RegionalTable {
        /// The table's year.
        year: i32,
        /// Its region.
        region: String,
    },
    /// 非地方表格: a table without a `region` given to
    /// [`super::WorkCalendar::with_regional`].
    #[error(
        "the table for {year} names no region; add a national table with WorkCalendar::add_year"
    )]
    NotRegional {
        /// The table's year.
        year: i32,
    },
    /// 地区不一致: a calendar layers one region only.
    #[error("the calendar already layers the holidays of {layered}, not {given}")]
    RegionMismatch {
        /// The region already layered.
        layered: String,
        /// The region of the table given.
        given: String,
    },
    /// 缺少全国安排: a regional table for a year whose national table is
    /// not loaded.
    #[error("a regional table for {year} ({region}) needs the national table for {year} first")]
    NoNationalTable {
        /// The table's year.
        year: i32,
        /// Its region.
        region: String,
    },
    /// 期间为零: a period of zero days or working days has no last day.
    #[error("a period of {length:?} has no last day")]
    ZeroLength {
        /// The period asked for.
        length: Length,
    },
    /// 日期越界: the period runs past the last date the calendar can
    /// represent.
    #[error("a period of {length:?} from {start} runs past the end of the calendar")]
    DateOverflow {
        /// The start of the period.
        start: NaiveDate,
        /// The period asked for.
        length: Length,
    },
}

impl From<toml::de::Error> for CalendarError {
    fn from(e: toml::de::Error) -> Self {
        Self::Toml {
            message: e.to_string(),
        }
    }
}
