//! 缴纳义务 (a dues liability) from plain facts: who pays, from which
//! month, without a store, an organisation or registered members.
//!
//! A party member pays from the month of acceptance as a probationary
//! member (`docs/RULES.md` DUES-12) to the month they leave (an exit ends
//! the liability after that month); someone never accepted pays nothing.
//! The service reads the same function from a member's record.

use super::{DuesError, Month};
use crate::MemberId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 缴纳义务 (who pays dues, from which month, until which).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuesLiability {
    /// The member.
    pub member: MemberId,
    /// 起缴月份: the month of acceptance as a probationary member.
    pub pays_from: Month,
    /// The last month owed, when the member has left (the month of the
    /// exit); `None` while a member.
    pub last_month: Option<Month>,
}

impl DuesLiability {
    /// Whether dues are owed for `month`.
    pub fn owes_in(&self, month: Month) -> bool {
        month >= self.pays_from && self.last_month.is_none_or(|l| month <= l)
    }
}

/// 缴纳义务: the liability of `member`, accepted as a probationary member
/// on `accepted_on` (none: never accepted) and, if they left, on `left_on`
/// (`docs/RULES.md` DUES-12, "Rules answerable from plain facts").
///
/// ```
/// use dangjian::dues::{dues_liability, Month};
/// use dangjian::MemberId;
/// let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let l = dues_liability(MemberId::new(1), Some(d(2023, 7, 1)), None)?;
/// assert_eq!(l.pays_from, Month::new(2023, 7).unwrap());
/// assert!(l.owes_in(Month::new(2023, 7).unwrap()));
/// assert!(!l.owes_in(Month::new(2023, 6).unwrap()));
/// // Left in March 2025: owes March, not April.
/// let left = dues_liability(MemberId::new(1), Some(d(2023, 7, 1)), Some(d(2025, 3, 15)))?;
/// assert!(left.owes_in(Month::new(2025, 3).unwrap()));
/// assert!(!left.owes_in(Month::new(2025, 4).unwrap()));
/// // Never accepted: no liability.
/// assert!(dues_liability(MemberId::new(2), None, None).is_err());
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
///
/// # Errors
/// [`DuesError::NotAMember`] without an acceptance date;
/// [`DuesError::DatedTooEarly`] for a leaving date before the acceptance.
pub fn dues_liability(
    member: MemberId,
    accepted_on: Option<NaiveDate>,
    left_on: Option<NaiveDate>,
) -> Result<DuesLiability, DuesError> {
    let accepted = accepted_on.ok_or(DuesError::NotAMember(member))?;
    if let Some(left) = left_on.filter(|l| *l < accepted) {
        return Err(DuesError::DatedTooEarly {
            what: "the leaving date",
            date: left,
            earliest_what: "the acceptance",
            earliest: accepted,
        });
    }
    Ok(DuesLiability {
        member,
        pays_from: Month::of(accepted),
        last_month: left_on.map(Month::of),
    })
}
