//! 期间计算 (counting periods): the Civil Code's rules for periods in days,
//! months and years, and working days.
//!
//! Source: 民法典 Art. 201–203 (`docs/RULES.md` P-1 … P-7). A period in months
//! or years ends on the same-numbered day, or on the month's last day where
//! that day is missing (an activist from 2017-08-09 qualifies on
//! 2018-08-09; one from 2016-02-29 on 2017-02-28).
//!
//! Working days come from a [`WorkCalendar`], which is data: Monday–Friday
//! less the holidays, plus the adjusted working weekends (调休上班), of the
//! yearly tables ([`CalendarYear`]). The crate ships the State Council's
//! tables for 2020–2026 (`calendars/cn/*.toml`, [`WorkCalendar::china`]),
//! each from its notice, 国务院办公厅关于某年部分节假日安排的通知:
//!
//! | year | notice | issued |
//! |---|---|---|
//! | 2020 | 国办发明电〔2019〕16号; the Spring Festival extension 国办发明电〔2020〕1号 (break 24 January – 2 February) | 2019-11-21; 2020-01-26 |
//! | 2021 | 国办发明电〔2020〕27号 | 2020-11-25 |
//! | 2022 | 国办发明电〔2021〕11号 | 2021-10-25 |
//! | 2023 | 国办发明电〔2022〕16号 | 2022-12-08 |
//! | 2024 | 国办发明电〔2023〕7号 | 2023-10-25 |
//! | 2025 | 国办发明电〔2024〕12号 | 2024-11-12 |
//! | 2026 | (number not seen) | 2025-11-04 |
//!
//! A date in a year without a table is an error
//! ([`CalendarError::NotCovered`]) unless the integrator asks for the
//! Monday–Friday fallback ([`WorkCalendar::weekdays_only`],
//! [`WorkCalendar::with_weekdays_beyond_tables`]). Periods are counted under
//! either reading ([`Counting`]): inclusive for publicity notices, the Civil
//! Code's for deadlines ([`WorkCalendar::last_day`]). [`Calendars`] gives
//! an organisation subtree its own calendar (a region's holidays).

mod calendar;
mod calendars;
mod counting;
mod error;
mod year;

pub use calendar::WorkCalendar;
pub use calendars::Calendars;
pub use counting::{Counting, Length};
pub use error::CalendarError;
pub use year::{CalendarYear, Holiday, Notice};

use chrono::{Datelike, Months, NaiveDate};

/// The date `months` months after `date`, on the same day of the month or
/// the month's last day where that day is missing. `None` only past the
/// end of the calendar (year 262143).
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::period::add_months;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(add_months(d(2017, 8, 9), 12), Some(d(2018, 8, 9)));
/// assert_eq!(add_months(d(2016, 2, 29), 12), Some(d(2017, 2, 28)));
/// assert_eq!(add_months(d(2024, 1, 31), 1), Some(d(2024, 2, 29)));
/// ```
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// The date `years` years after `date` (see [`add_months`]).
pub fn add_years(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    years.checked_mul(12).and_then(|m| add_months(date, m))
}

/// Full years of age on `on` for someone born on `birth` (周岁): the
/// birthday counts as complete; a 29 February birthday falls on 28 February
/// in common years. `None` when `on` is before `birth`.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::period::full_years;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(full_years(d(2006, 5, 20), d(2024, 5, 19)), Some(17));
/// assert_eq!(full_years(d(2006, 5, 20), d(2024, 5, 20)), Some(18));
/// assert_eq!(full_years(d(2004, 2, 29), d(2022, 2, 28)), Some(18));
/// ```
pub fn full_years(birth: NaiveDate, on: NaiveDate) -> Option<u32> {
    if on < birth {
        return None;
    }
    let mut years = u32::try_from(on.year() - birth.year()).ok()?;
    // The anniversary in `on`'s year, with the Civil Code's month-end rule.
    let anniversary = add_years(birth, years)?;
    if anniversary > on {
        years = years.saturating_sub(1);
    }
    Some(years)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod months {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn age_boundary_is_the_birthday() {
        assert_eq!(full_years(d(2000, 1, 1), d(2017, 12, 31)), Some(17));
        assert_eq!(full_years(d(2000, 1, 1), d(2018, 1, 1)), Some(18));
        assert_eq!(full_years(d(2000, 1, 1), d(1999, 1, 1)), None);
        // Leap-day birthday: the 18th birthday in a common year is 28 Feb.
        assert_eq!(full_years(d(2004, 2, 29), d(2022, 2, 27)), Some(17));
        assert_eq!(full_years(d(2004, 2, 29), d(2022, 2, 28)), Some(18));
    }

    #[test]
    fn a_period_of_months_ends_at_month_end_when_the_day_is_missing() {
        assert_eq!(add_months(d(2023, 8, 31), 6), Some(d(2024, 2, 29)));
        assert_eq!(add_years(d(2020, 2, 29), 1), Some(d(2021, 2, 28)));
    }
}
