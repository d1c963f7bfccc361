//! 检举控告 (formal reports to the discipline bodies, Complaints 2020):
//! the deadlines for telling a real-name reporter whether the report was
//! accepted and what came of it, for passing a report up, and for
//! reviewing an appeal; and the order of handling (real-name reports
//! first). `docs/RULES.md` MAIL-2, MAIL-3, MAIL-5.
//!
//! Also the follow-up token of an anonymous post (匿名): the submitter
//! keeps a random token; only its hash is stored (MAIL-1).

use super::Deadline;
use crate::period::{CalendarError, Length, WorkCalendar, add_months};
use chrono::NaiveDate;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// 检举控告时限. **Configurable**; the defaults are Complaints 2020's.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::mailbox::ComplaintRules;
/// use dangjian::period::WorkCalendar;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let rules = ComplaintRules::complaints_2020();
/// let cal = WorkCalendar::china();
/// // Received Friday 2026-03-06: 15 working days → Friday 27 March.
/// assert_eq!(rules.acceptance_notice_due(d(2026, 3, 6), &cal)?, d(2026, 3, 27));
/// // Passed up within 5 working days → Friday 13 March.
/// assert_eq!(rules.forward_due(d(2026, 3, 6), &cal)?, d(2026, 3, 13));
/// # Ok::<(), dangjian::period::CalendarError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRules {
    /// 受理告知: a real-name reporter learns whether the report was
    /// accepted (15 working days of receipt).
    pub acceptance_notice: Deadline,
    /// 结果反馈: and the result (15 working days of closure).
    pub result_notice: Deadline,
    /// 移送: a report for a higher commission goes up (5 working days).
    pub forward: Deadline,
    /// 申诉复查: an appeal against a sanction is reviewed (3 months).
    pub appeal_review_months: u32,
}

impl ComplaintRules {
    /// Complaints 2020 (Art. 15–18 for passing reports on; the real-name
    /// notices are *n/c* in our sources) and Supervision 2019 Art. 59 for
    /// appeals.
    pub fn complaints_2020() -> Self {
        Self {
            acceptance_notice: Deadline::civil_code(Length::WorkingDays(15)),
            result_notice: Deadline::civil_code(Length::WorkingDays(15)),
            forward: Deadline::civil_code(Length::WorkingDays(5)),
            appeal_review_months: 3,
        }
    }

    /// The last day to tell a real-name reporter whether the report was
    /// accepted.
    ///
    /// # Errors
    /// [`CalendarError`].
    pub fn acceptance_notice_due(
        &self,
        received_on: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, CalendarError> {
        self.acceptance_notice.last_day(received_on, cal)
    }

    /// The last day to tell the reporter the result of a case closed on
    /// `closed_on`.
    ///
    /// # Errors
    /// [`CalendarError`].
    pub fn result_notice_due(
        &self,
        closed_on: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, CalendarError> {
        self.result_notice.last_day(closed_on, cal)
    }

    /// The last day to pass a report up to the higher commission.
    ///
    /// # Errors
    /// [`CalendarError`].
    pub fn forward_due(
        &self,
        received_on: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, CalendarError> {
        self.forward.last_day(received_on, cal)
    }

    /// The last day to review an appeal filed on `filed_on` (the
    /// same-numbered day, or the month's last; `None` past the calendar's
    /// range). A last day on a rest day moves on with
    /// [`WorkCalendar::next_working_day`].
    pub fn appeal_review_due(&self, filed_on: NaiveDate) -> Option<NaiveDate> {
        add_months(filed_on, self.appeal_review_months)
    }
}

impl Default for ComplaintRules {
    fn default() -> Self {
        Self::complaints_2020()
    }
}

/// 实名优先: the order in which reports are taken up: real-name reports
/// first, then by the day received, then by the caller's key.
pub fn handling_order<K: Ord + Copy>(reports: &mut [(K, bool, NaiveDate)]) {
    reports.sort_by_key(|(key, real_name, received)| (!*real_name, *received, *key));
}

/// The bytes of a follow-up token.
const TOKEN_BYTES: usize = 20;

/// 查询码: the random token an anonymous submitter keeps to follow the
/// case (160 bits, shown as 40 lowercase hex digits). Only its
/// [`TokenHash`] is stored; its `Debug` form hides it.
///
/// ```
/// use dangjian::mailbox::{FollowToken, TokenHash};
/// let token = FollowToken::generate(&mut rand::rng());
/// let stored = TokenHash::of(&token);
/// let typed: FollowToken = token.as_str().parse()?;
/// assert!(stored.matches(&typed));
/// assert!(!format!("{token:?}").contains(token.as_str()));
/// assert!("not-a-token".parse::<FollowToken>().is_err());
/// # Ok::<(), dangjian::mailbox::TokenError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct FollowToken(String);

/// A text that is not a follow-up token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a follow-up token is 40 hexadecimal digits")]
pub struct TokenError;

impl FollowToken {
    /// A new random token.
    pub fn generate<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        rng.fill_bytes(&mut bytes);
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The token as the submitter is shown it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for FollowToken {
    type Err = TokenError;
    fn from_str(s: &str) -> Result<Self, TokenError> {
        let t = s.trim().to_ascii_lowercase();
        if t.len() == TOKEN_BYTES * 2 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(t))
        } else {
            Err(TokenError)
        }
    }
}

impl fmt::Debug for FollowToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FollowToken(…)")
    }
}

/// The stored form of a follow-up token: its SHA-256, in hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenHash(String);

impl TokenHash {
    /// The hash of `token`.
    pub fn of(token: &FollowToken) -> Self {
        let digest = Sha256::digest(token.0.as_bytes());
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Whether `token` is the one this hash was made from.
    pub fn matches(&self, token: &FollowToken) -> bool {
        Self::of(token) == *self
    }

    /// The hex text, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn complaint_deadlines_run_over_the_holidays() {
        let cal = WorkCalendar::china();
        let r = ComplaintRules::complaints_2020();
        // Received Tuesday 30 September 2025: 5 working days are 9, 10,
        // 11 (a working Saturday), 13 and 14 October.
        assert_eq!(
            r.forward_due(d(2025, 9, 30), &cal).unwrap(),
            d(2025, 10, 14)
        );
        // Closed Friday 27 February 2026: Saturday 28 is worked, so 15
        // working days after it end Thursday 19 March, not Friday 20.
        assert_eq!(
            r.result_notice_due(d(2026, 2, 27), &cal).unwrap(),
            d(2026, 3, 19)
        );
        assert_eq!(r.appeal_review_due(d(2025, 11, 30)), Some(d(2026, 2, 28)));
        // Past the tables: an explicit error, never a guess.
        assert!(r.acceptance_notice_due(d(2026, 12, 20), &cal).is_err());
    }

    #[test]
    fn real_name_reports_come_first() {
        let mut reports = vec![
            (1, false, d(2026, 3, 1)),
            (2, true, d(2026, 3, 5)),
            (3, true, d(2026, 3, 2)),
            (4, false, d(2026, 2, 1)),
        ];
        handling_order(&mut reports);
        let keys: Vec<_> = reports.iter().map(|r| r.0).collect();
        assert_eq!(keys, vec![3, 2, 4, 1]);
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_matches() {
        let mut rng = rand::rng();
        let a = FollowToken::generate(&mut rng);
        let b = FollowToken::generate(&mut rng);
        assert_ne!(a, b);
        let h = TokenHash::of(&a);
        assert!(h.matches(&a) && !h.matches(&b));
        assert_eq!(h.as_str().len(), 64);
        assert!(!h.as_str().contains(a.as_str()));
        let upper: FollowToken = a.as_str().to_uppercase().parse().unwrap();
        assert!(h.matches(&upper));
        assert!("g".repeat(40).parse::<FollowToken>().is_err());
        assert!("ab".parse::<FollowToken>().is_err());
    }
}
