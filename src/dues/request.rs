//! 党费请求 (dues requests and results): one request type per write of
//! [`crate::service::DuesHandle`], and what the runs return.

use super::arrears::{ArrearsLine, CaseDecision, SelfDepartureCase};
use super::ledger::{EntryId, ExternalPaymentId, LedgerEntry, PayAhead, ReliefKind};
use super::profile::Income;
use super::{Money, Month, MonthRange};
use crate::{CaseId, MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 收入申报 (an income declaration for a member, from a month on). The
/// category comes from the member's record (its occupation), given once
/// at registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeclareIncome {
    /// The member.
    pub member: MemberId,
    /// The first month it applies (the month a new wage is first received).
    pub from: Month,
    /// The income.
    pub income: Income,
}

impl DeclareIncome {
    /// `member`'s `income` from `from` on.
    pub fn new(member: MemberId, from: Month, income: Income) -> Self {
        Self {
            member,
            from,
            income,
        }
    }
}

/// 按月核定 (assess a month): every member of every branch in `org`'s
/// subtree (a branch's subtree is the branch itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssessMonth {
    /// The branch, or the committee whose branches are assessed.
    pub org: OrgId,
    /// The month.
    pub month: Month,
}

impl AssessMonth {
    /// Assess `month` in `org`'s subtree.
    pub fn new(org: OrgId, month: Month) -> Self {
        Self { org, month }
    }
}

/// 缴费请求 (a payment to record).
///
/// ```
/// use dangjian::dues::{Money, PayAhead, PaymentRequest};
/// use dangjian::MemberId;
/// let on = chrono::NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
/// let p = PaymentRequest::new(MemberId::new(1), "WX-0001".parse()?, "30.00".parse()?, on)
///     .voluntary("5.00".parse()?);
/// assert_eq!(p.pay_ahead, PayAhead::Monthly);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentRequest {
    /// The member paying.
    pub member: MemberId,
    /// The gateway's or OA system's id: the same id is one payment.
    pub payment_id: ExternalPaymentId,
    /// The whole amount received.
    pub amount: Money,
    /// The part paid voluntarily on top of dues (zero for none).
    pub voluntary: Money,
    /// When the money was received (not after today).
    pub received_on: NaiveDate,
    /// The first month the member says it is for, if stated (checked
    /// against the month of acceptance; allocation is oldest-first anyway).
    pub for_month: Option<Month>,
    /// The branch's consent to pay ahead (monthly by default).
    pub pay_ahead: PayAhead,
}

impl PaymentRequest {
    /// `amount` received from `member` on `received_on` under the
    /// gateway's id `payment_id`; no voluntary part, monthly.
    pub fn new(
        member: MemberId,
        payment_id: ExternalPaymentId,
        amount: Money,
        received_on: NaiveDate,
    ) -> Self {
        Self {
            member,
            payment_id,
            amount,
            voluntary: Money::ZERO,
            received_on,
            for_month: None,
            pay_ahead: PayAhead::Monthly,
        }
    }

    /// The part paid voluntarily on top of dues.
    pub fn voluntary(mut self, voluntary: Money) -> Self {
        self.voluntary = voluntary;
        self
    }

    /// The first month the member says the payment is for.
    pub fn for_month(mut self, month: Month) -> Self {
        self.for_month = Some(month);
        self
    }

    /// The branch's consent to pay ahead.
    pub fn pay_ahead(mut self, consent: PayAhead) -> Self {
        self.pay_ahead = consent;
        self
    }
}

/// 减免申请 (a reduction or exemption, approved by the branch now).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReliefRequest {
    /// The member.
    pub member: MemberId,
    /// Reduction or exemption.
    pub kind: ReliefKind,
    /// The months.
    pub months: MonthRange,
    /// Why.
    pub reason: String,
    /// When the member asked.
    pub requested_on: NaiveDate,
    /// The next-higher committee it is reported to.
    pub reported_to: OrgId,
    /// When it was reported.
    pub reported_on: NaiveDate,
}

impl ReliefRequest {
    /// A relief of `kind` for `months`, asked for on `requested_on` for
    /// `reason`, reported to `reported_to` on the same day (see
    /// [`ReliefRequest::reported_on`]).
    pub fn new(
        member: MemberId,
        kind: ReliefKind,
        months: MonthRange,
        reason: impl Into<String>,
        requested_on: NaiveDate,
        reported_to: OrgId,
    ) -> Self {
        Self {
            member,
            kind,
            months,
            reason: reason.into(),
            requested_on,
            reported_to,
            reported_on: requested_on,
        }
    }

    /// When it was reported to the higher committee.
    pub fn reported_on(mut self, on: NaiveDate) -> Self {
        self.reported_on = on;
        self
    }
}

/// 冲正 (a reversal of one ledger entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reversal {
    /// The member whose ledger holds the entry.
    pub member: MemberId,
    /// The entry cancelled.
    pub entry: EntryId,
    /// Why (required).
    pub reason: String,
}

impl Reversal {
    /// Cancels `entry` of `member`'s ledger for `reason`.
    pub fn new(member: MemberId, entry: EntryId, reason: impl Into<String>) -> Self {
        Self {
            member,
            entry,
            reason: reason.into(),
        }
    }
}

/// 自行脱党案件处理 (a decision on a self-departure case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DecideCase {
    /// The case.
    pub case: CaseId,
    /// The decision.
    pub decision: CaseDecision,
}

impl DecideCase {
    /// Decides `case`.
    pub fn new(case: CaseId, decision: CaseDecision) -> Self {
        Self { case, decision }
    }
}

/// 核定结果: what a monthly assessment did in one branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssessmentRun {
    /// The branch.
    pub branch: OrgId,
    /// The month.
    pub month: Month,
    /// The assessments written.
    pub assessed: Vec<LedgerEntry>,
    /// Members already assessed for the month (nothing written for them).
    pub already_assessed: Vec<MemberId>,
    /// Members not assessed, with the reason (no profile, no declaration,
    /// not yet paying).
    pub skipped: Vec<(MemberId, String)>,
}

/// 欠缴扫描结果.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ArrearsScan {
    /// The month scanned up to (inclusive).
    pub as_of: Month,
    /// Members owing, ordered by id.
    pub lines: Vec<ArrearsLine>,
    /// Self-departure cases opened by this scan.
    pub opened: Vec<SelfDepartureCase>,
}
