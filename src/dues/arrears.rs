//! 欠缴 (arrears) and 自行脱党 (self-departure) cases.
//!
//! A member who has not paid for **6 consecutive months** without a proper
//! reason is treated as having left the Party of their own accord
//! [Charter Art. 9]. The library never expels anyone: at the sixth
//! consecutive unpaid month (not the fifth) it opens a case for the branch,
//! which closes it as justified (with the reason) or passes it to a
//! decision (the branch decides, the higher committee approves).
//!
//! A month counts as unpaid when it was assessed and something of what is
//! due (after any reduction or exemption) is still owed; a settled or fully
//! exempted month ends the run. Months are counted up to and including the
//! month of the scan date.

use super::ledger::{Balances, MemberBalance};
use super::{DuesError, Money, Month, MonthRange};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 欠缴情况 (one member's arrears on a date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrearsLine {
    /// The member.
    pub member: MemberId,
    /// Consecutive unpaid months ending at the scan month (or the latest
    /// assessed month before it).
    pub consecutive_unpaid: u32,
    /// Those months, if any.
    pub run: Option<MonthRange>,
    /// Every unpaid month up to the scan month, oldest first.
    pub unpaid_months: Vec<Month>,
    /// The amount owed for them.
    pub owed: Money,
}

/// One member's arrears as of `as_of` (inclusive).
///
/// # Errors
/// [`DuesError::OutOfRange`] when the amount owed passes [`Money::MAX`].
pub fn member_arrears(
    member: MemberId,
    b: &MemberBalance,
    as_of: Month,
) -> Result<ArrearsLine, DuesError> {
    let mut run = 0u32;
    let mut run_last: Option<Month> = None;
    let mut run_first: Option<Month> = None;
    let mut expected_prev: Option<Month> = None;
    for (m, cell) in b.months.up_to(as_of).rev() {
        if !cell.is_unpaid() || expected_prev.is_some_and(|e| e != *m) {
            break;
        }
        run += 1;
        run_last.get_or_insert(*m);
        run_first = Some(*m);
        expected_prev = Some(m.prev());
    }
    let mut unpaid_months = Vec::new();
    let mut owed = Money::ZERO;
    if run > 0 || b.months.up_to(as_of).any(|(_, c)| c.is_unpaid()) {
        for (m, cell) in b.months.up_to(as_of) {
            if cell.is_unpaid() {
                unpaid_months.push(*m);
                // One member's months: each outstanding amount is at most
                // its month's assessment, itself within the range; the sum
                // is checked all the same.
                owed = owed.try_add(cell.outstanding(), "the amount owed")?;
            }
        }
    }
    Ok(ArrearsLine {
        member,
        consecutive_unpaid: run,
        run: run_first
            .zip(run_last)
            .and_then(|(f, l)| MonthRange::new(f, l).ok()),
        unpaid_months,
        owed,
    })
}

/// 欠缴扫描 (the arrears scan): the members among `members` who owe
/// something as of `as_of`, ordered by member id.
///
/// ```
/// use dangjian::dues::{scan_arrears, Balances};
/// use dangjian::MemberId;
/// let b = Balances::rebuild(&[])?;
/// assert!(scan_arrears(&b, &[MemberId::new(1)], "2024-06".parse()?)?.is_empty());
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
///
/// # Errors
/// As [`member_arrears`].
pub fn scan_arrears(
    balances: &Balances,
    members: &[MemberId],
    as_of: Month,
) -> Result<Vec<ArrearsLine>, DuesError> {
    let mut ids = members.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::new();
    for m in ids {
        if let Some(b) = balances.member(m) {
            let l = member_arrears(m, b, as_of)?;
            if !l.unpaid_months.is_empty() {
                out.push(l);
            }
        }
    }
    Ok(out)
}

/// 自行脱党案件状态.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseStatus {
    /// Open, for the branch to decide.
    Open,
    /// Closed: the member had a proper reason (正当理由).
    Justified {
        /// The reason.
        reason: String,
        /// When closed.
        on: NaiveDate,
    },
    /// Passed to the branch assembly's decision (and the higher
    /// committee's approval); the library records only that.
    PassedToDecision {
        /// When passed.
        on: NaiveDate,
    },
}

/// 自行脱党案件 (a self-departure case) [Charter Art. 9].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfDepartureCase {
    /// Assigned by the store (0 before).
    pub id: crate::CaseId,
    /// The member.
    pub member: MemberId,
    /// The branch that decides.
    pub branch: OrgId,
    /// When the scan opened it.
    pub opened_on: NaiveDate,
    /// The unpaid run that opened it.
    pub months: MonthRange,
    /// Owed when opened.
    pub owed: Money,
    /// Where it stands.
    pub status: CaseStatus,
}

/// 处理决定 (the decision closing a case) [Charter Art. 9].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseDecision {
    /// 有正当理由: close with the reason.
    Justified {
        /// The reason.
        reason: String,
    },
    /// 提交支部大会决定: pass to a decision.
    PassToDecision,
}

impl SelfDepartureCase {
    /// Applies a decision on `on`.
    ///
    /// # Errors
    /// [`DuesError::CaseNotOpen`] unless open; [`DuesError::ReasonRequired`]
    /// for a justification without a reason.
    pub fn decide(&self, decision: CaseDecision, on: NaiveDate) -> Result<Self, DuesError> {
        if self.status != CaseStatus::Open {
            return Err(DuesError::CaseNotOpen(self.id));
        }
        let status = match decision {
            CaseDecision::Justified { reason } if reason.trim().is_empty() => {
                return Err(DuesError::ReasonRequired);
            }
            CaseDecision::Justified { reason } => CaseStatus::Justified { reason, on },
            CaseDecision::PassToDecision => CaseStatus::PassedToDecision { on },
        };
        Ok(Self {
            status,
            ..self.clone()
        })
    }
}

/// The cases to open: each line whose run reached `threshold` months
/// (exactly at the sixth, with the national rule), unless `handled` says
/// the member already has a case for it (an open case, or one closed for
/// the same run: a justified run is not reopened every scan).
pub fn cases_to_open(
    lines: &[ArrearsLine],
    threshold: u32,
    branch_of: impl Fn(MemberId) -> Option<OrgId>,
    handled: impl Fn(&ArrearsLine) -> bool,
    today: NaiveDate,
) -> Vec<SelfDepartureCase> {
    lines
        .iter()
        .filter(|l| l.consecutive_unpaid >= threshold && !handled(l))
        .filter_map(|l| {
            Some(SelfDepartureCase {
                id: crate::CaseId::new(0),
                member: l.member,
                branch: branch_of(l.member)?,
                opened_on: today,
                months: l.run?,
                owed: l.owed,
                status: CaseStatus::Open,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dues::ledger::MonthBalance;

    fn month(i: u32) -> Month {
        Month::new(2024, i).unwrap_or_else(|| Month::of(NaiveDate::MIN))
    }

    fn balance(paid: &[u32]) -> MemberBalance {
        let mut b = MemberBalance::default();
        for i in 1..=12 {
            let due = Money::from_fen(3000);
            b.months.insert(
                month(i),
                MonthBalance {
                    assessed: due,
                    exempted: Money::ZERO,
                    allocated: if paid.contains(&i) { due } else { Money::ZERO },
                    is_assessed: true,
                },
            );
        }
        b
    }

    fn opens(b: &MemberBalance, as_of: u32) -> bool {
        let l = member_arrears(MemberId::new(1), b, month(as_of)).unwrap_or_else(|e| panic!("{e}"));
        let day = month(as_of).first_day();
        !cases_to_open(&[l], 6, |_| Some(OrgId::new(1)), |_| false, day).is_empty()
    }

    #[test]
    fn a_case_opens_at_the_sixth_month_not_the_fifth() {
        let b = balance(&[1, 2]); // unpaid from March
        assert_eq!(
            member_arrears(MemberId::new(1), &b, month(7)).map(|l| l.consecutive_unpaid),
            Ok(5)
        );
        assert!(!opens(&b, 7));
        assert_eq!(
            member_arrears(MemberId::new(1), &b, month(8)).map(|l| l.consecutive_unpaid),
            Ok(6)
        );
        assert!(opens(&b, 8));
    }

    #[test]
    fn a_paid_month_resets_the_count() {
        let b = balance(&[1, 2, 6]); // Mar–May unpaid, June paid, July on unpaid
        let l = member_arrears(MemberId::new(1), &b, month(10)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(l.consecutive_unpaid, 4);
        assert_eq!(l.unpaid_months.len(), 7);
        assert_eq!(l.owed, Money::from_fen(21_000));
        assert!(!opens(&b, 10));
        assert!(opens(&b, 12));
    }

    #[test]
    fn decisions_need_an_open_case_and_a_reason() {
        let case = SelfDepartureCase {
            id: crate::CaseId::new(1),
            member: MemberId::new(1),
            branch: OrgId::new(2),
            opened_on: month(8).first_day(),
            months: MonthRange {
                first: month(3),
                last: month(8),
            },
            owed: Money::from_fen(18_000),
            status: CaseStatus::Open,
        };
        let day = month(9).first_day();
        let empty = CaseDecision::Justified { reason: " ".into() };
        assert_eq!(case.decide(empty, day), Err(DuesError::ReasonRequired));
        let closed = case.decide(
            CaseDecision::Justified {
                reason: "在外就医".into(),
            },
            day,
        );
        let closed = closed.unwrap_or_else(|_| case.clone());
        assert!(matches!(closed.status, CaseStatus::Justified { .. }));
        assert_eq!(
            closed.decide(CaseDecision::PassToDecision, day),
            Err(DuesError::CaseNotOpen(crate::CaseId::new(1)))
        );
        let json = serde_json::to_string(&closed).unwrap_or_default();
        assert_eq!(
            serde_json::from_str::<SelfDepartureCase>(&json).ok(),
            Some(closed)
        );
    }
}
