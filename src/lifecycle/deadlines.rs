//! 时限 (deadlines from plain facts): the applicant talk, the higher
//! committee's approval and the conversion, answered from dates and the
//! rules alone — no store, no organisation, no member record.
//! [Development 2014 Art. 7, 20–21, 32; `docs/RULES.md` DEV-3, DEV-9,
//! DEV-10]
//!
//! Deadlines are the same-numbered day ([`crate::period::add_months`];
//! 29 February falls to the month's last day) and are returned unmoved;
//! move one past rest days with
//! [`crate::period::WorkCalendar::next_working_day`].

use super::DevelopmentRules;
use crate::period::add_months;
use chrono::NaiveDate;

/// 谈话期限: the last day for the talk with an applicant, 1 month after
/// the application (`None` past the calendar's range). [Development 2014
/// Art. 7; DEV-3]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::{talk_deadline, talk_on_time};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(talk_deadline(d(2024, 1, 31)), Some(d(2024, 2, 29)));
/// assert_eq!(talk_on_time(d(2024, 1, 31), d(2024, 2, 29)), Some(true));
/// assert_eq!(talk_on_time(d(2024, 1, 31), d(2024, 3, 1)), Some(false));
/// assert_eq!(talk_on_time(d(2024, 1, 31), d(2024, 1, 30)), Some(false)); // before the application
/// ```
pub fn talk_deadline(applied_on: NaiveDate) -> Option<NaiveDate> {
    add_months(applied_on, 1)
}

/// 谈话及时: whether a talk on `talked_on` was within the month after the
/// application (from the application day to [`talk_deadline`]).
pub fn talk_on_time(applied_on: NaiveDate, talked_on: NaiveDate) -> Option<bool> {
    talk_deadline(applied_on).map(|last| applied_on <= talked_on && talked_on <= last)
}

/// 上级党委审批期限: the last day the higher committee may approve an
/// admission resolved on `resolution_on`: `approval_months` later (3), or
/// `approval_months_special` in special cases (6). The same figure
/// [`super::TransitionError::ApprovalTooLate`] reports. [Development 2014
/// Art. 20–21; DEV-9]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::{approval_deadline, approval_on_time, DevelopmentRules};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let rules = DevelopmentRules::national_2014();
/// assert_eq!(approval_deadline(d(2024, 1, 10), false, &rules), Some(d(2024, 4, 10)));
/// assert_eq!(approval_deadline(d(2024, 1, 10), true, &rules), Some(d(2024, 7, 10)));
/// assert_eq!(approval_on_time(d(2024, 1, 10), d(2024, 4, 10), false, &rules), Some(true));
/// assert_eq!(approval_on_time(d(2024, 1, 10), d(2024, 4, 11), false, &rules), Some(false));
/// assert_eq!(approval_on_time(d(2024, 1, 10), d(2024, 4, 11), true, &rules), Some(true));
/// ```
pub fn approval_deadline(
    resolution_on: NaiveDate,
    special_case: bool,
    rules: &DevelopmentRules,
) -> Option<NaiveDate> {
    let months = if special_case {
        rules.approval_months_special
    } else {
        rules.approval_months
    };
    add_months(resolution_on, months)
}

/// 审批及时: whether an approval on `approved_on` came on or after the
/// resolution and by [`approval_deadline`].
pub fn approval_on_time(
    resolution_on: NaiveDate,
    approved_on: NaiveDate,
    special_case: bool,
    rules: &DevelopmentRules,
) -> Option<bool> {
    approval_deadline(resolution_on, special_case, rules)
        .map(|last| resolution_on <= approved_on && approved_on <= last)
}

/// 预备期满日: the day a probation from `resolution_on` ends
/// (`probation_months`, 12), extended by `extension_months` (0 when not
/// extended). [Charter Art. 7; Development 2014 Art. 32; DEV-10, DEV-11]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::{conversion_on_time, probation_end, DevelopmentRules};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let rules = DevelopmentRules::national_2014();
/// assert_eq!(probation_end(d(2023, 6, 1), 0, &rules), Some(d(2024, 6, 1)));
/// assert_eq!(probation_end(d(2023, 6, 1), 6, &rules), Some(d(2024, 12, 1)));
/// assert_eq!(conversion_on_time(d(2023, 6, 1), 0, d(2024, 6, 1), &rules), Some(true));
/// assert_eq!(conversion_on_time(d(2023, 6, 1), 0, d(2024, 5, 31), &rules), Some(false));
/// ```
pub fn probation_end(
    resolution_on: NaiveDate,
    extension_months: u32,
    rules: &DevelopmentRules,
) -> Option<NaiveDate> {
    // As the lifecycle counts it: the extension runs from the first end.
    let end = add_months(resolution_on, rules.probation_months)?;
    if extension_months == 0 {
        return Some(end);
    }
    add_months(end, extension_months)
}

/// 转正及时: whether a conversion meeting on `converted_on` came once the
/// probation was over (on or after [`probation_end`]); a conversion
/// before it is refused ([`super::TransitionError::BeforeProbationEnd`]).
/// The regulation asks for the discussion "及时" after the end and sets
/// no number of days, so no later limit is checked.
pub fn conversion_on_time(
    resolution_on: NaiveDate,
    extension_months: u32,
    converted_on: NaiveDate,
    rules: &DevelopmentRules,
) -> Option<bool> {
    probation_end(resolution_on, extension_months, rules).map(|end| converted_on >= end)
}
