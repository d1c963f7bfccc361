//! Dues services (党费): declarations, assessment, payments, reliefs,
//! reversals, reports, arrears and self-departure cases.
//!
//! Access (seed 004, 三级管理): a member reads their own statement; a
//! branch treasurer or secretary reads and records their branch; a
//! committee officer its subtree; everything else is `PermissionDenied`
//! before anything is read for the caller or written.

use super::Dangjian;
use crate::access::{self, Actor};
use crate::dues::arrears::{self, ArrearsLine, CaseDecision, SelfDepartureCase};
use crate::dues::calc::{self, Explanation};
use crate::dues::ledger::{
    self, Balances, EntryId, ExternalPaymentId, LedgerEntry, LedgerEntryKind, NewLedgerEntry,
    PayAhead, Relief, ReliefKind,
};
use crate::dues::report::{self, BranchMonthReport, MemberStatement, UnpaidLine};
use crate::dues::{DuesError, DuesProfile, IncomeDeclaration, Money, Month, MonthRange};
use crate::member::{Member, MembershipRequest};
use crate::org::OrgTree;
use crate::{Error, MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 缴费请求 (a payment to record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// 减免申请 (a reduction or exemption, approved by the branch now).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// 核定结果: what a monthly assessment did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct ArrearsScan {
    /// The month scanned up to (inclusive).
    pub as_of: Month,
    /// Members owing, ordered by id.
    pub lines: Vec<ArrearsLine>,
    /// Self-departure cases opened by this scan.
    pub opened: Vec<SelfDepartureCase>,
}

pub(super) const RETRIES: usize = 8;

/// The month from which `m`'s current home holds the member's dues: the
/// month of the latest transfer, or from the start when never transferred
/// (the transfer month belongs to the receiving branch, §8).
fn home_from(m: &Member) -> Option<Month> {
    let transferred = m
        .memberships
        .history()
        .iter()
        .any(|c| matches!(c.request, MembershipRequest::TransferHome { .. }));
    transferred.then(|| Month::of(m.memberships.home_since()))
}

pub(super) fn chain(tree: &OrgTree, branch: OrgId) -> Vec<OrgId> {
    let mut c = vec![branch];
    c.extend(tree.ancestors(branch));
    c
}

pub(super) fn pays_from(m: &Member) -> Result<Month, DuesError> {
    m.lifecycle
        .probation_start()
        .map(Month::of)
        .ok_or(DuesError::NotAMember(m.id))
}

pub(super) fn same_payment(e: &LedgerEntry, req: &PaymentRequest) -> bool {
    matches!(&e.kind, LedgerEntryKind::Payment { member, amount, voluntary, .. }
        if *member == req.member && *amount == req.amount && *voluntary == req.voluntary)
}

impl Dangjian {
    /// 收入申报: records a member's income declaration (category and income
    /// from a month on) in their dues profile; the profile starts paying in
    /// the month of acceptance as a probationary member.
    ///
    /// # Errors
    /// `PermissionDenied` unless a treasurer, secretary or committee officer
    /// covers the home branch; `Dues` for a bad declaration (negative
    /// income, deductions above income, income not fitting the category) or
    /// a person who is not a member.
    pub async fn declare_dues_income(
        &self,
        actor: &Actor,
        member: MemberId,
        declaration: IncomeDeclaration,
    ) -> Result<DuesProfile, Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        access::check_manage_dues(actor, placement.home, &tree)?;
        declaration.validate()?;
        let m = self.dues_member(member).await?;
        let from = pays_from(&m)?;
        let mut profile = match self.store.dues_profile(member).await? {
            Some(p) => p,
            None => DuesProfile::new(member, from),
        };
        profile.pays_from = from;
        profile.declare(declaration)?;
        Ok(self.store.put_dues_profile(profile).await?)
    }

    /// 党费计算说明: the amount due for `month` with its explanation.
    ///
    /// # Errors
    /// `PermissionDenied` unless the member or a dues officer covering the
    /// home branch; `NotFound` without a profile; `Dues` before the month
    /// of acceptance or without a declaration.
    pub async fn dues_explanation(
        &self,
        actor: &Actor,
        member: MemberId,
        month: Month,
    ) -> Result<Explanation, Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        access::check_read_dues(actor, member, &placement, &tree)?;
        let profile = self.profile_of(member).await?;
        let entries = self.store.dues_entries_of_member(member).await?;
        let balances = Balances::rebuild(&entries);
        let relief = balances.member(member).and_then(|b| b.relief_for(month));
        let version = self
            .rules
            .dues
            .rules_for(&chain(&tree, placement.home), month)?;
        Ok(calc::explain(version, &profile, month, relief)?)
    }

    /// 按月核定: assesses every member of `branch` for `month` (members
    /// transferred in count from the transfer month); months already
    /// assessed are left alone.
    ///
    /// # Errors
    /// `PermissionDenied` unless a dues officer covers the branch;
    /// `Dues` when no rule version applies to the month.
    pub async fn assess_dues_month(
        &self,
        actor: &Actor,
        branch: OrgId,
        month: Month,
    ) -> Result<AssessmentRun, Error> {
        let tree = self.store.org_tree().await?;
        access::check_manage_dues(actor, branch, &tree)?;
        if tree.get(branch).is_none() {
            return Err(Error::NotFound(branch.to_string()));
        }
        let mut runs = self.assess_branches(&tree, &[branch], month).await?;
        runs.pop()
            .ok_or_else(|| Error::Conflict("the assessment run went missing".into()))
    }

    /// 按月核定（全辖区） (assess a whole subtree): assesses every member
    /// of every branch in `org`'s subtree for `month`, as
    /// [`Dangjian::assess_dues_month`] would branch by branch, with one read
    /// of the members, profiles and ledgers and one write; one run per
    /// branch, in the order of [`OrgTree::branches_in`].
    ///
    /// # Errors
    /// `PermissionDenied` unless a dues officer covers `org`; `NotFound`;
    /// `Dues` when no rule version applies to the month in some branch
    /// (then nothing is written).
    pub async fn assess_dues_month_in(
        &self,
        actor: &Actor,
        org: OrgId,
        month: Month,
    ) -> Result<Vec<AssessmentRun>, Error> {
        let tree = self.store.org_tree().await?;
        access::check_manage_dues(actor, org, &tree)?;
        if tree.get(org).is_none() {
            return Err(Error::NotFound(org.to_string()));
        }
        self.assess_branches(&tree, &tree.branches_in(org), month)
            .await
    }

    /// Assesses `branches` (already checked) with one read and one write.
    async fn assess_branches(
        &self,
        tree: &OrgTree,
        branches: &[OrgId],
        month: Month,
    ) -> Result<Vec<AssessmentRun>, Error> {
        let versions = branches
            .iter()
            .map(|b| self.rules.dues.rules_for(&chain(tree, *b), month))
            .collect::<Result<Vec<_>, _>>()?;
        let members: Vec<Member> = self
            .store
            .members_by_home(branches)
            .await?
            .into_iter()
            .filter(|m| m.lifecycle.stage().is_member())
            .filter(|m| home_from(m).is_none_or(|f| f <= month))
            .collect();
        let ids: Vec<MemberId> = members.iter().map(|m| m.id).collect();
        let profiles: std::collections::HashMap<MemberId, DuesProfile> = self
            .store
            .dues_profiles(&ids)
            .await?
            .into_iter()
            .map(|p| (p.member, p))
            .collect();
        let entries = self.store.dues_entries_of_members(&ids).await?;
        let balances = Balances::rebuild(&entries);
        let mut by_home: std::collections::HashMap<OrgId, Vec<MemberId>> =
            std::collections::HashMap::new();
        for m in &members {
            by_home.entry(m.home()).or_default().push(m.id);
        }
        let today = self.clock.today();
        let mut runs = Vec::with_capacity(branches.len());
        let mut new = Vec::new();
        let mut counts = Vec::with_capacity(branches.len());
        for (branch, version) in branches.iter().zip(versions) {
            let mut run = AssessmentRun {
                branch: *branch,
                month,
                assessed: Vec::new(),
                already_assessed: Vec::new(),
                skipped: Vec::new(),
            };
            let before = new.len();
            for id in by_home.remove(branch).unwrap_or_default() {
                let done = balances
                    .member(id)
                    .and_then(|b| b.months.get(&month))
                    .is_some_and(|c| !c.assessed.is_zero());
                if done {
                    run.already_assessed.push(id);
                    continue;
                }
                let Some(p) = profiles.get(&id) else {
                    run.skipped.push((id, "no dues profile".into()));
                    continue;
                };
                match calc::monthly_amount(&version.rules, p, month) {
                    Ok((_, amount)) => new.push(NewLedgerEntry {
                        branch: *branch,
                        recorded_on: today,
                        kind: LedgerEntryKind::Assessment {
                            member: id,
                            month,
                            amount,
                            rule_version: version.name.clone(),
                        },
                    }),
                    Err(e) => run.skipped.push((id, e.to_string())),
                }
            }
            counts.push(new.len().saturating_sub(before));
            runs.push(run);
        }
        let mut stored = self.store.append_assessments(new).await?.into_iter();
        for (run, n) in runs.iter_mut().zip(counts) {
            run.assessed = stored.by_ref().take(n).collect();
        }
        Ok(runs)
    }

    /// 冲正: cancels a ledger entry with a compensating entry (a payment's
    /// allocations go with it). The reversal belongs to the branch of the
    /// entry it cancels.
    ///
    /// # Errors
    /// `PermissionDenied` unless a dues officer covers the member's home
    /// branch or the branch that recorded the entry; `Dues` for an entry
    /// that does not exist, cannot be reversed, or an empty reason.
    pub async fn reverse_dues_entry(
        &self,
        actor: &Actor,
        member: MemberId,
        entry: EntryId,
        reason: &str,
    ) -> Result<LedgerEntry, Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        let home_ok = access::check_manage_dues(actor, placement.home, &tree);
        let entries = self.store.dues_entries_of_member(member).await?;
        let target_branch = entries.iter().find(|e| e.id == entry).map(|e| e.branch);
        if let Err(denied) = home_ok {
            match target_branch {
                Some(b) => access::check_manage_dues(actor, b, &tree)?,
                None => return Err(denied.into()),
            }
        }
        if reason.trim().is_empty() {
            return Err(DuesError::ReasonRequired.into());
        }
        let version = u64::try_from(entries.len()).unwrap_or(u64::MAX);
        let target = ledger::check_reversal(&entries, entry)?;
        let new = NewLedgerEntry {
            branch: target.branch,
            recorded_on: self.clock.today(),
            kind: LedgerEntryKind::Reversal {
                member,
                reverses: entry,
                reason: reason.trim().to_owned(),
            },
        };
        Ok(self.store.append_dues_entry(new, version).await?)
    }

    /// 减免: records a reduction or exemption approved by the member's
    /// branch today and reported to the next-higher committee.
    ///
    /// # Errors
    /// `PermissionDenied` unless a dues officer covers the home branch;
    /// `Dues` for a relief overlapping another, months before the member
    /// joined, an empty reason, or a committee that is not above the branch.
    pub async fn grant_dues_relief(
        &self,
        actor: &Actor,
        req: ReliefRequest,
    ) -> Result<LedgerEntry, Error> {
        let placement = self.placement_of(req.member).await?;
        let tree = self.store.org_tree().await?;
        access::check_manage_dues(actor, placement.home, &tree)?;
        if !tree.ancestors(placement.home).contains(&req.reported_to) {
            return Err(DuesError::NotHigherCommittee(req.reported_to).into());
        }
        let m = self.dues_member(req.member).await?;
        let from = pays_from(&m)?;
        if req.months.first < from {
            return Err(DuesError::MonthBeforeJoining {
                member: req.member,
                month: req.months.first,
                pays_from: from,
            }
            .into());
        }
        let today = self.clock.today();
        let relief = Relief {
            member: req.member,
            kind: req.kind,
            months: req.months,
            reason: req.reason.trim().to_owned(),
            requested_on: req.requested_on,
            approved_on: today,
            approved_by: placement.home,
            reported_to: req.reported_to,
            reported_on: req.reported_on,
        };
        let entries = self.store.dues_entries_of_member(req.member).await?;
        let version = u64::try_from(entries.len()).unwrap_or(u64::MAX);
        let balances = Balances::rebuild(&entries);
        let existing = balances
            .member(req.member)
            .map(|b| b.reliefs.clone())
            .unwrap_or_default();
        ledger::check_relief(&existing, &relief)?;
        let new = NewLedgerEntry {
            branch: placement.home,
            recorded_on: today,
            kind: LedgerEntryKind::Exemption { relief },
        };
        Ok(self.store.append_dues_entry(new, version).await?)
    }

    /// 党费月报: the report for `org` and `month` — one branch's, or the
    /// roll-up over every branch in a committee's subtree.
    ///
    /// # Errors
    /// `PermissionDenied` unless a dues officer covers `org`.
    pub async fn dues_report(
        &self,
        actor: &Actor,
        org: OrgId,
        month: Month,
    ) -> Result<BranchMonthReport, Error> {
        let reports = self.dues_branch_reports(actor, org, month).await?;
        match reports.as_slice() {
            [one] if one.org == org => Ok(one.clone()),
            all => Ok(BranchMonthReport::rollup(org, month, all)),
        }
    }

    /// 各支部月报: one report per branch in `org`'s subtree.
    ///
    /// # Errors
    /// `PermissionDenied` unless a dues officer covers `org`; `NotFound`.
    pub async fn dues_branch_reports(
        &self,
        actor: &Actor,
        org: OrgId,
        month: Month,
    ) -> Result<Vec<BranchMonthReport>, Error> {
        let tree = self.store.org_tree().await?;
        access::check_read_branch_dues(actor, org, &tree)?;
        if tree.get(org).is_none() {
            return Err(Error::NotFound(org.to_string()));
        }
        let branches = tree.branches_in(org);
        let entries = self.store.dues_entries_of_branches(&branches).await?;
        Ok(BranchMonthReport::build_all(&entries, &branches, month))
    }

    /// 未缴名单: the members of `org`'s subtree owing for months up to the
    /// month of `as_of`, with months and amounts.
    ///
    /// # Errors
    /// `PermissionDenied` unless a dues officer covers `org`.
    pub async fn dues_unpaid_list(
        &self,
        actor: &Actor,
        org: OrgId,
        as_of: NaiveDate,
    ) -> Result<Vec<UnpaidLine>, Error> {
        let tree = self.store.org_tree().await?;
        access::check_read_branch_dues(actor, org, &tree)?;
        let ids = self.member_ids_in(&tree, org).await?;
        let entries = self.store.dues_entries_of_members(&ids).await?;
        let balances = Balances::rebuild(&entries);
        Ok(report::unpaid_list(&balances, &ids, Month::of(as_of)))
    }

    /// 个人党费明细: a member's own statement (every branch's entries, the
    /// month-by-month balance, paid-up-to month).
    ///
    /// # Errors
    /// `PermissionDenied` unless the member or a dues officer covering the
    /// home branch.
    pub async fn dues_statement(
        &self,
        actor: &Actor,
        member: MemberId,
    ) -> Result<MemberStatement, Error> {
        let placement = self.placement_of(member).await?;
        let tree = self.store.org_tree().await?;
        access::check_read_dues(actor, member, &placement, &tree)?;
        let entries = self.store.dues_entries_of_member(member).await?;
        Ok(MemberStatement::build(member, entries))
    }

    /// 欠缴扫描: consecutive unpaid months per member of `org`'s subtree as
    /// of `as_of`; opens a self-departure case for each member reaching the
    /// rule's months (six) without an open case. Never expels anyone.
    ///
    /// # Errors
    /// `PermissionDenied` unless a dues officer covers `org`.
    pub async fn scan_dues_arrears(
        &self,
        actor: &Actor,
        org: OrgId,
        as_of: NaiveDate,
    ) -> Result<ArrearsScan, Error> {
        let tree = self.store.org_tree().await?;
        access::check_manage_dues(actor, org, &tree)?;
        let members = self.store.members_by_home(&tree.subtree(org)).await?;
        let ids: Vec<MemberId> = members.iter().map(|m| m.id).collect();
        let entries = self.store.dues_entries_of_members(&ids).await?;
        let balances = Balances::rebuild(&entries);
        let month = Month::of(as_of);
        let lines = arrears::scan_arrears(&balances, &ids, month);
        let branches = tree.branches_in(org);
        let cases = self.store.departure_cases(&branches).await?;
        let handled = |l: &ArrearsLine| {
            cases.iter().any(|c| {
                c.member == l.member
                    && (c.status == arrears::CaseStatus::Open
                        || l.run.is_some_and(|r| r.first == c.months.first))
            })
        };
        let home_of = |id: MemberId| members.iter().find(|m| m.id == id).map(Member::home);
        let mut to_open = Vec::new();
        for line in &lines {
            let Some(home) = home_of(line.member) else {
                continue;
            };
            let threshold = self
                .rules
                .dues
                .rules_for(&chain(&tree, home), month)?
                .rules
                .self_departure_months;
            to_open.extend(arrears::cases_to_open(
                std::slice::from_ref(line),
                threshold,
                home_of,
                handled,
                self.clock.today(),
            ));
        }
        let opened = self.store.open_departure_cases(to_open).await?;
        Ok(ArrearsScan {
            as_of: month,
            lines,
            opened,
        })
    }

    /// 自行脱党案件处理: closes an open case as justified (with reason) or
    /// passes it to a decision of the branch.
    ///
    /// # Errors
    /// `PermissionDenied` unless a dues officer covers the case's branch;
    /// `NotFound`; `Dues` for a closed case or a missing reason.
    pub async fn decide_departure_case(
        &self,
        actor: &Actor,
        case: u64,
        decision: CaseDecision,
    ) -> Result<SelfDepartureCase, Error> {
        let tree = self.store.org_tree().await?;
        let c = self
            .store
            .departure_case(case)
            .await?
            .ok_or_else(|| Error::NotFound(format!("self-departure case {case}")))?;
        access::check_manage_dues(actor, c.branch, &tree)?;
        let decided = c.decide(decision, self.clock.today())?;
        Ok(self.store.update_departure_case(decided).await?)
    }

    /// 自行脱党案件: the cases of the branches in `org`'s subtree.
    ///
    /// # Errors
    /// `PermissionDenied` unless a dues officer covers `org`.
    pub async fn departure_cases(
        &self,
        actor: &Actor,
        org: OrgId,
    ) -> Result<Vec<SelfDepartureCase>, Error> {
        let tree = self.store.org_tree().await?;
        access::check_read_branch_dues(actor, org, &tree)?;
        Ok(self.store.departure_cases(&tree.branches_in(org)).await?)
    }

    async fn member_ids_in(&self, tree: &OrgTree, org: OrgId) -> Result<Vec<MemberId>, Error> {
        Ok(self
            .store
            .members_by_home(&tree.subtree(org))
            .await?
            .iter()
            .map(|m| m.id)
            .collect())
    }

    async fn dues_member(&self, member: MemberId) -> Result<Member, Error> {
        self.store
            .get_member(member)
            .await?
            .ok_or_else(|| Error::NotFound(member.to_string()))
    }

    async fn profile_of(&self, member: MemberId) -> Result<DuesProfile, Error> {
        self.store
            .dues_profile(member)
            .await?
            .ok_or_else(|| Error::NotFound(format!("dues profile of {member}")))
    }
}
