//! 期间的两种计算 (two readings of a period): the Civil Code's, for
//! deadlines, and the inclusive one of publicity notices
//! (`docs/RULES.md` P-1, P-2, P-5 and the open readings).

use super::{CalendarError, WorkCalendar};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// 期间长度: a period in days or in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Length {
    /// n 天: calendar days.
    Days(u32),
    /// n 个工作日: working days of the [`WorkCalendar`].
    WorkingDays(u32),
}

impl Length {
    /// The number of days or working days.
    pub fn count(self) -> u32 {
        match self {
            Self::Days(n) | Self::WorkingDays(n) => n,
        }
    }
}

/// 计算方法 (how a period is counted). Both readings are offered; which
/// applies depends on the kind of period (`docs/RULES.md` "Open readings"):
///
/// - [`Counting::Inclusive`] for publicity notices (公示), which are posted
///   as ranges whose first day is the posting day (5 working days posted
///   Monday 9 March 2026 ran to Friday 13 March); see
///   [`Counting::PUBLICITY`].
/// - [`Counting::CivilCode`] for deadlines (民法典 Art. 201–203): the day
///   of the event is not counted, and a last day that is a rest day moves
///   to the next working day; see [`Counting::DEADLINE`].
///
/// There is deliberately no `Default`: each caller names its reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// 含当日 (`inclusive`): the start day is day 1. In working days, a
    /// start on a rest day counts from the next working day; in days, the
    /// last day is start + n − 1 and does not move.
    Inclusive,
    /// 民法典 (`civil_code`): the start day is not counted. In working
    /// days, the last day is the n-th working day after the start; in
    /// days, start + n, moved to the next working day when that is a rest
    /// day (Art. 203).
    CivilCode,
}

impl Counting {
    /// The reading for publicity notices (公示): [`Counting::Inclusive`].
    pub const PUBLICITY: Self = Self::Inclusive;
    /// The reading for deadlines: [`Counting::CivilCode`].
    pub const DEADLINE: Self = Self::CivilCode;
}

impl WorkCalendar {
    /// 期满日: the last day of a period of `length` from `start`, under
    /// either reading (see [`Counting`]).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::period::{Counting, Length, WorkCalendar};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let cal = WorkCalendar::china();
    /// let five = Length::WorkingDays(5);
    /// // A notice posted Monday 2026-03-09 for 5 working days ends Friday 03-13.
    /// assert_eq!(cal.last_day(d(2026, 3, 9), five, Counting::Inclusive)?, d(2026, 3, 13));
    /// // 春节 2026 (15–23 February off, Saturdays 14 and 28 February worked):
    /// // from Thursday 02-12, inclusive: 12, 13, 14, 24, 25 …
    /// assert_eq!(cal.last_day(d(2026, 2, 12), five, Counting::Inclusive)?, d(2026, 2, 25));
    /// // … and under the Civil Code, from the next day: 13, 14, 24, 25, 26.
    /// assert_eq!(cal.last_day(d(2026, 2, 12), five, Counting::CivilCode)?, d(2026, 2, 26));
    /// // 7 days from Monday 2025-09-29 end Monday 10-06 (civil code), in 国庆:
    /// // the deadline moves to Thursday 10-09.
    /// assert_eq!(cal.last_day(d(2025, 9, 29), Length::Days(7), Counting::CivilCode)?, d(2025, 10, 9));
    /// assert_eq!(cal.last_day(d(2025, 9, 29), Length::Days(7), Counting::Inclusive)?, d(2025, 10, 5));
    /// # Ok::<(), dangjian::period::CalendarError>(())
    /// ```
    ///
    /// A period of days under [`Counting::Inclusive`] needs no calendar and
    /// is answered for any date.
    ///
    /// # Errors
    /// [`CalendarError::ZeroLength`] for a period of 0 (it has no last
    /// day); [`CalendarError::NotCovered`] when a day the answer depends on
    /// lies in a year without a table (and the calendar does not fall back
    /// to Monday–Friday); [`CalendarError::DateOverflow`] past chrono's
    /// last date.
    pub fn last_day(
        &self,
        start: NaiveDate,
        length: Length,
        counting: Counting,
    ) -> Result<NaiveDate, CalendarError> {
        let n = length.count();
        let overflow = CalendarError::DateOverflow { start, length };
        if n == 0 {
            return Err(CalendarError::ZeroLength { length });
        }
        match (length, counting) {
            (Length::Days(_), Counting::Inclusive) => start
                .checked_add_days(Days::new(u64::from(n - 1)))
                .ok_or(overflow),
            (Length::Days(_), Counting::CivilCode) => {
                let end = start
                    .checked_add_days(Days::new(u64::from(n)))
                    .ok_or(overflow)?;
                self.next_working_day(end)
            }
            (Length::WorkingDays(_), reading) => {
                let from = match reading {
                    Counting::Inclusive => start,
                    Counting::CivilCode => start.succ_opt().ok_or(overflow.clone())?,
                };
                self.check(from, from)?;
                let end = self.nth_working_day_from(from, n).ok_or(overflow)?;
                self.check(from, end)?;
                Ok(end)
            }
        }
    }
}
