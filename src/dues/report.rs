//! 党费报表 (dues reports): per branch and month, rolled up over a subtree,
//! the unpaid list, a member's own statement, and CSV export (the
//! 党费电子台账 of `docs/RULES.md` DUES-20; the `csv` crate writes the files).
//!
//! A branch's report counts only the entries that branch recorded: after a
//! transfer the old branch's report still shows what it collected, and the
//! new branch's starts from the transfer month (`docs/RULES.md`
//! DUES-19, XFER-4).

use super::ledger::{Balances, EntryId, LedgerEntry, LedgerEntryKind, Relief};
use super::{DuesError, Money, Month};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// 支部月报 (a branch's, or a subtree's, dues for one month).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchMonthReport {
    /// The branch, or the root of the subtree rolled up.
    pub org: OrgId,
    /// The month.
    pub month: Month,
    /// 应缴: assessed.
    pub expected: Money,
    /// 减免: waived by reliefs.
    pub exempted: Money,
    /// 实缴: allocated to the month by this branch.
    pub collected: Money,
    /// 欠缴: still owed for the month.
    pub outstanding: Money,
    /// 自愿多交: voluntary amounts received in the month.
    pub voluntary: Money,
    /// 缴费人数: members with an allocation to the month.
    pub payers: u32,
    /// Members assessed for the month.
    pub assessed_members: u32,
}

impl BranchMonthReport {
    /// An empty report.
    pub fn empty(org: OrgId, month: Month) -> Self {
        Self {
            org,
            month,
            expected: Money::ZERO,
            exempted: Money::ZERO,
            collected: Money::ZERO,
            outstanding: Money::ZERO,
            voluntary: Money::ZERO,
            payers: 0,
            assessed_members: 0,
        }
    }

    /// Builds `branch`'s report for `month` from ledger entries (any order;
    /// entries of other branches are ignored except for reliefs and
    /// reversals, which apply to the member wherever recorded).
    ///
    /// # Errors
    /// As [`BranchMonthReport::build_all`].
    pub fn build(entries: &[LedgerEntry], branch: OrgId, month: Month) -> Result<Self, DuesError> {
        Ok(Self::build_all(entries, &[branch], month)?
            .pop()
            .unwrap_or_else(|| Self::empty(branch, month)))
    }

    /// The reports of every branch in `branches` (in that order) for
    /// `month`, in one pass over `entries`.
    ///
    /// # Errors
    /// [`DuesError::OutOfRange`] when a column's sum passes [`Money::MAX`].
    pub fn build_all(
        entries: &[LedgerEntry],
        branches: &[OrgId],
        month: Month,
    ) -> Result<Vec<Self>, DuesError> {
        let mut reversed: FxHashSet<EntryId> = FxHashSet::default();
        let mut reliefs: FxHashMap<MemberId, &Relief> = FxHashMap::default();
        for e in entries {
            if let LedgerEntryKind::Reversal { reverses, .. } = &e.kind {
                reversed.insert(*reverses);
            }
        }
        for e in entries {
            if let LedgerEntryKind::Exemption { relief } = &e.kind {
                if !reversed.contains(&e.id) && relief.months.contains(month) {
                    reliefs.entry(relief.member).or_insert(relief);
                }
            }
        }
        let wanted: BTreeSet<OrgId> = branches.iter().copied().collect();
        // Per branch and member: (assessed, allocated) for the month.
        let mut cells: BTreeMap<(OrgId, MemberId), (Money, Money)> = BTreeMap::new();
        let mut voluntary: BTreeMap<OrgId, Money> = BTreeMap::new();
        for e in entries
            .iter()
            .filter(|e| wanted.contains(&e.branch) && !reversed.contains(&e.id))
        {
            match &e.kind {
                LedgerEntryKind::Assessment {
                    member,
                    month: m,
                    amount,
                    ..
                } if *m == month => {
                    let c = cells.entry((e.branch, *member)).or_default();
                    c.0 = c.0.try_add(*amount, "a month's assessment")?;
                }
                LedgerEntryKind::Allocation {
                    member,
                    payment,
                    month: m,
                    amount,
                } if *m == month && !reversed.contains(payment) => {
                    let c = cells.entry((e.branch, *member)).or_default();
                    c.1 = c.1.try_add(*amount, "a month's payments")?;
                }
                LedgerEntryKind::Payment {
                    voluntary: v,
                    received_on,
                    ..
                } if Month::of(*received_on) == month => {
                    let t = voluntary.entry(e.branch).or_default();
                    *t = t.try_add(*v, "the voluntary payments")?;
                }
                _ => {}
            }
        }
        let mut reports: BTreeMap<OrgId, Self> = wanted
            .iter()
            .map(|b| (*b, Self::empty(*b, month)))
            .collect();
        for ((branch, member), (assessed, allocated)) in &cells {
            let Some(r) = reports.get_mut(branch) else {
                continue;
            };
            let exempted = reliefs
                .get(member)
                .map_or(Money::ZERO, |rl| rl.exempted(*assessed));
            let due = assessed.minus_or_zero(exempted);
            r.expected = r.expected.try_add(*assessed, "expected")?;
            r.exempted = r.exempted.try_add(exempted, "exempted")?;
            r.collected = r.collected.try_add(*allocated, "collected")?;
            r.outstanding = r
                .outstanding
                .try_add(due.minus_or_zero(*allocated), "outstanding")?;
            if !allocated.is_zero() {
                r.payers += 1;
            }
            if !assessed.is_zero() {
                r.assessed_members += 1;
            }
        }
        for (b, v) in voluntary {
            if let Some(r) = reports.get_mut(&b) {
                r.voluntary = v;
            }
        }
        Ok(branches
            .iter()
            .map(|b| {
                reports
                    .get(b)
                    .cloned()
                    .unwrap_or_else(|| Self::empty(*b, month))
            })
            .collect())
    }

    /// 汇总: sums `reports` (one per branch) into a report for `root`.
    ///
    /// # Errors
    /// [`DuesError::OutOfRange`] when a column's sum passes [`Money::MAX`].
    pub fn rollup(
        root: OrgId,
        month: Month,
        reports: &[BranchMonthReport],
    ) -> Result<Self, DuesError> {
        reports
            .iter()
            .try_fold(Self::empty(root, month), |mut a, r| {
                a.expected = a.expected.try_add(r.expected, "expected")?;
                a.exempted = a.exempted.try_add(r.exempted, "exempted")?;
                a.collected = a.collected.try_add(r.collected, "collected")?;
                a.outstanding = a.outstanding.try_add(r.outstanding, "outstanding")?;
                a.voluntary = a.voluntary.try_add(r.voluntary, "voluntary")?;
                a.payers += r.payers;
                a.assessed_members += r.assessed_members;
                Ok(a)
            })
    }
}

/// 未缴名单的一行 (a line of the unpaid list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnpaidLine {
    /// The member.
    pub member: MemberId,
    /// The unpaid months, oldest first.
    pub months: Vec<Month>,
    /// The amount owed for them.
    pub amount: Money,
}

/// 未缴名单 (the unpaid list): members among `members` owing for months up
/// to `as_of`, ordered by member id.
///
/// # Errors
/// As [`super::scan_arrears`].
pub fn unpaid_list(
    balances: &Balances,
    members: &[MemberId],
    as_of: Month,
) -> Result<Vec<UnpaidLine>, DuesError> {
    Ok(super::arrears::scan_arrears(balances, members, as_of)?
        .into_iter()
        .map(|l| UnpaidLine {
            member: l.member,
            months: l.unpaid_months,
            amount: l.owed,
        })
        .collect())
}

/// 个人党费明细的一行.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    /// The month.
    pub month: Month,
    /// Assessed.
    pub assessed: Money,
    /// Waived.
    pub exempted: Money,
    /// Paid.
    pub paid: Money,
    /// Still owed.
    pub outstanding: Money,
}

/// 个人党费明细 (a member's own statement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberStatement {
    /// The member.
    pub member: MemberId,
    /// Month by month.
    pub lines: Vec<StatementLine>,
    /// Every ledger entry about the member, oldest first (any branch).
    pub entries: Vec<LedgerEntry>,
    /// 已缴至 (carried on a transfer letter).
    pub paid_up_to: Option<Month>,
    /// Owed in total.
    pub owed: Money,
    /// Prepaid, not yet allocated.
    pub credit: Money,
    /// Paid voluntarily in total.
    pub voluntary: Money,
}

impl MemberStatement {
    /// Builds the statement from the member's entries.
    ///
    /// # Errors
    /// [`DuesError::OutOfRange`] when a total passes [`Money::MAX`].
    pub fn build(member: MemberId, mut entries: Vec<LedgerEntry>) -> Result<Self, DuesError> {
        entries.sort_by_key(|e| e.id);
        let balances = Balances::rebuild(&entries)?;
        let b = balances.member(member).cloned().unwrap_or_default();
        Ok(Self {
            member,
            lines: b
                .months
                .iter()
                .map(|(m, c)| StatementLine {
                    month: *m,
                    assessed: c.assessed,
                    exempted: c.exempted,
                    paid: c.allocated,
                    outstanding: c.outstanding(),
                })
                .collect(),
            paid_up_to: b.paid_up_to(),
            owed: b.owed()?,
            credit: b.credit(),
            voluntary: b.voluntary,
            entries,
        })
    }
}

/// Writes reports as CSV (header first; amounts as yuan with two decimals).
///
/// ```
/// use dangjian::dues::{write_reports_csv, BranchMonthReport};
/// use dangjian::OrgId;
/// let r = BranchMonthReport::empty(OrgId::new(2), "2024-06".parse()?);
/// let mut out = Vec::new();
/// write_reports_csv(&[r], &mut out)?;
/// let text = String::from_utf8(out)?;
/// assert!(text.starts_with("org,month,expected"));
/// assert!(text.contains("2,2024-06,0.00"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The writer's or the CSV encoder's error.
pub fn write_reports_csv<W: io::Write>(
    reports: &[BranchMonthReport],
    out: W,
) -> Result<(), std::io::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "org",
        "month",
        "expected",
        "exempted",
        "collected",
        "outstanding",
        "voluntary",
        "payers",
        "assessed_members",
    ])?;
    for r in reports {
        w.write_record([
            r.org.get().to_string(),
            r.month.to_string(),
            r.expected.to_string(),
            r.exempted.to_string(),
            r.collected.to_string(),
            r.outstanding.to_string(),
            r.voluntary.to_string(),
            r.payers.to_string(),
            r.assessed_members.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes the unpaid list as CSV: member, name (from `names`), months
/// (space-separated), amount.
///
/// # Errors
/// The writer's or the CSV encoder's error.
pub fn write_unpaid_csv<W: io::Write>(
    lines: &[UnpaidLine],
    names: &BTreeMap<MemberId, String>,
    out: W,
) -> Result<(), std::io::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["member", "name", "months", "count", "amount"])?;
    for l in lines {
        let months: Vec<String> = l.months.iter().map(ToString::to_string).collect();
        w.write_record([
            l.member.get().to_string(),
            names.get(&l.member).cloned().unwrap_or_default(),
            months.join(" "),
            l.months.len().to_string(),
            l.amount.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Members with a payment recorded in `month` by `branch` (for checks).
pub fn payers_in(entries: &[LedgerEntry], branch: OrgId, month: Month) -> BTreeSet<MemberId> {
    entries
        .iter()
        .filter(|e| e.branch == branch)
        .filter_map(|e| match &e.kind {
            LedgerEntryKind::Payment {
                member,
                received_on,
                ..
            } if Month::of(*received_on) == month => Some(*member),
            _ => None,
        })
        .collect()
}

/// The day used for a report's title (the first of the month).
pub fn report_day(month: Month) -> NaiveDate {
    month.first_day()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_serde_round_trip() {
        let month = Month::of(NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default());
        let r = BranchMonthReport::empty(OrgId::new(1), month);
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(
            serde_json::from_str::<BranchMonthReport>(&json).ok(),
            Some(r)
        );
        let u = UnpaidLine {
            member: MemberId::new(1),
            months: vec![month],
            amount: Money::from_fen(3000),
        };
        let json = serde_json::to_string(&u).unwrap_or_default();
        assert_eq!(serde_json::from_str::<UnpaidLine>(&json).ok(), Some(u));
        let a = crate::dues::ArrearsLine {
            member: MemberId::new(1),
            consecutive_unpaid: 1,
            run: crate::dues::MonthRange::new(month, month).ok(),
            unpaid_months: vec![month],
            owed: Money::from_fen(3000),
        };
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert_eq!(
            serde_json::from_str::<crate::dues::ArrearsLine>(&json).ok(),
            Some(a)
        );
        let s = MemberStatement::build(MemberId::new(1), vec![]).ok();
        let json = serde_json::to_string(&s).unwrap_or_default();
        assert_eq!(
            serde_json::from_str::<Option<MemberStatement>>(&json).ok(),
            Some(s)
        );
    }
}
