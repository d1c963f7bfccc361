//! 期间计算 (counting periods): the Civil Code's rules for periods in days,
//! months and years, and working days.
//!
//! Source: 民法典 Art. 201–203 (`docs/RULES.md` P-1 … P-6). A period in months
//! or years ends on the same-numbered day, or on the month's last day where
//! that day is missing (an activist from 2017-08-09 qualifies on
//! 2018-08-09; one from 2016-02-29 on 2017-02-28). Working days come from a
//! [`WorkCalendar`], which is data: Monday–Friday by default, plus the
//! official holidays and adjusted working weekends an integrator loads.

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

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

/// 工作日历: which days are working days.
///
/// Monday to Friday work by default. `holidays` are days off that would
/// otherwise be working days (春节, 国庆 …); `working_weekends` are the
/// official adjusted working Saturdays and Sundays (调休上班). Both are data
/// an integrator loads each year (**configurable**, `docs/RULES.md` P-6).
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::period::WorkCalendar;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let mut cal = WorkCalendar::default();
/// cal.add_holiday(d(2024, 10, 1));
/// cal.add_working_weekend(d(2024, 10, 12));
/// assert!(!cal.is_working_day(d(2024, 10, 1)));  // a Tuesday, but 国庆
/// assert!(cal.is_working_day(d(2024, 10, 12)));  // a Saturday, but 调休
/// assert!(!cal.is_working_day(d(2024, 10, 13))); // an ordinary Sunday
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    working_weekends: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// Marks `date` as a public holiday (not a working day).
    pub fn add_holiday(&mut self, date: NaiveDate) {
        self.working_weekends.remove(&date);
        self.holidays.insert(date);
    }

    /// Marks `date` as an adjusted working day on a weekend.
    pub fn add_working_weekend(&mut self, date: NaiveDate) {
        self.holidays.remove(&date);
        self.working_weekends.insert(date);
    }

    /// Whether people work on `date`.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.holidays.contains(&date) {
            return false;
        }
        if self.working_weekends.contains(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The last day of a period of `n` working days counted from `start`
    /// inclusive (a notice posted on a working day counts that day). `None`
    /// when `n` is zero or the period runs past the end of the calendar.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::period::WorkCalendar;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let cal = WorkCalendar::default();
    /// // Posted Monday 2024-06-03: five working days end Friday 06-07.
    /// assert_eq!(cal.working_days_inclusive(d(2024, 6, 3), 5), Some(d(2024, 6, 7)));
    /// // Posted Saturday: counting starts Monday and ends Friday.
    /// assert_eq!(cal.working_days_inclusive(d(2024, 6, 1), 5), Some(d(2024, 6, 7)));
    /// ```
    pub fn working_days_inclusive(&self, start: NaiveDate, n: u32) -> Option<NaiveDate> {
        if n == 0 {
            return None;
        }
        let mut left = n;
        let mut day = start;
        loop {
            if self.is_working_day(day) {
                left -= 1;
                if left == 0 {
                    return Some(day);
                }
            }
            day = day.succ_opt()?;
        }
    }

    /// The first working day on or after `date` (a deadline that falls on a
    /// rest day moves to the next working day, 民法典 Art. 203).
    pub fn next_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut day = date;
        while !self.is_working_day(day) {
            day = day.succ_opt()?;
        }
        Some(day)
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn deadline_on_a_rest_day_moves_on() {
        let mut cal = WorkCalendar::default();
        cal.add_holiday(d(2024, 10, 7));
        // Saturday 10-05 → Sunday → holiday Monday → Tuesday 10-08.
        assert_eq!(cal.next_working_day(d(2024, 10, 5)), Some(d(2024, 10, 8)));
        assert_eq!(cal.working_days_inclusive(d(2024, 10, 5), 0), None);
    }
}

// TEMPORARY SHIM (replaced by the calendar branch at merge).
#[allow(missing_docs, clippy::missing_errors_doc)]
mod shim {
    use super::*;
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Length {
        Days(u32),
        WorkingDays(u32),
    }
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
    #[serde(rename_all = "snake_case")]
    pub enum Counting {
        #[default]
        Inclusive,
        CivilCode,
    }
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    #[error("calendar")]
    pub struct CalendarError;
    impl WorkCalendar {
        pub fn last_day(
            &self,
            start: NaiveDate,
            len: Length,
            counting: Counting,
        ) -> Result<NaiveDate, CalendarError> {
            match (len, counting) {
                (Length::WorkingDays(n), Counting::Inclusive) => {
                    self.working_days_inclusive(start, n).ok_or(CalendarError)
                }
                (Length::WorkingDays(n), Counting::CivilCode) => self
                    .working_days_inclusive(start.succ_opt().ok_or(CalendarError)?, n)
                    .ok_or(CalendarError),
                (Length::Days(0), _) => Err(CalendarError),
                (Length::Days(n), Counting::Inclusive) => start
                    .checked_add_days(chrono::Days::new(u64::from(n) - 1))
                    .ok_or(CalendarError),
                (Length::Days(n), Counting::CivilCode) => self
                    .next_working_day(
                        start
                            .checked_add_days(chrono::Days::new(u64::from(n)))
                            .ok_or(CalendarError)?,
                    )
                    .ok_or(CalendarError),
            }
        }
    }
}
pub use shim::{CalendarError, Counting, Length};
