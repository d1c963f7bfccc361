//! 党费 (the dues handle): declarations, assessment, payments, reliefs,
//! reversals, reports, arrears and self-departure cases.
//!
//! Access (三级管理, `docs/RULES.md` MEM-14): a member reads their own statement;
//! a branch treasurer or secretary reads and records their branch; a
//! committee officer its subtree; a scheduled job does the scheduled work
//! its scope covers.

use super::authorize::{Located, Target};
use super::{Page, PageRequest, Session};
use crate::access;
use crate::dues::arrears::{self, ArrearsLine};
use crate::dues::calc::{self, Explanation};
use crate::dues::ledger::{self, Balances, LedgerEntry, LedgerEntryKind, NewLedgerEntry, Relief};
use crate::dues::report::{self, BranchMonthReport, MemberStatement, UnpaidLine};
use crate::dues::{
    ArrearsScan, AssessMonth, AssessmentRun, CurrentMonth, DecideCase, DeclareIncome, DuesError,
    DuesProfile, IncomeDeclaration, Month, PaymentRequest, ReliefRequest, Reversal,
    SelfDepartureCase,
};
use crate::error::Entity;
use crate::member::{Member, MembershipRequest};
use crate::org::OrgTree;
use crate::store::Effects;
use crate::{Error, MemberId, OrgId};
use rustc_hash::FxHashMap;

/// 党费: dues ([`Session::dues`]).
#[derive(Debug, Clone, Copy)]
pub struct DuesHandle<'s> {
    pub(super) s: &'s Session,
}

pub(super) const RETRIES: usize = 8;

/// The month from which `m`'s current home holds the member's dues: the
/// month of the latest transfer, or from the start when never transferred
/// (the transfer month belongs to the receiving branch).
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
    Ok(crate::dues::dues_liability(m.id, m.lifecycle.probation_start(), None)?.pays_from)
}

pub(super) fn same_payment(e: &LedgerEntry, req: &PaymentRequest) -> bool {
    matches!(&e.kind, LedgerEntryKind::Payment { member, amount, voluntary, .. }
        if *member == req.member && *amount == req.amount && *voluntary == req.voluntary)
}

impl DuesHandle<'_> {
    /// 收入申报: records a member's income from a month on in their dues
    /// profile (the category is the member's occupation); the profile
    /// starts paying in the month of acceptance as a probationary member.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor};
    /// use dangjian::dues::{DeclareIncome, Income, Month};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let req = DeclareIncome::new(MemberId::new(9), Month::new(2024, 1).unwrap(), Income::Pension { basic_pension: "3000.00".parse()? });
    /// let err = dj.act_as(&Actor::platform_admin()).dues().declare_income(req).await.unwrap_err();
    /// assert!(err.is_not_found());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless a dues officer covers the home branch; `Dues` for a bad
    /// declaration (negative income, deductions above income, income not
    /// fitting the category) or a person who is not a member.
    pub async fn declare_income(&self, req: DeclareIncome) -> Result<DuesProfile, Error> {
        self.managed_member(req.member).await?;
        let m = self.s.members().record(req.member).await?;
        let declaration = IncomeDeclaration {
            from: req.from,
            category: m.occupation,
            income: req.income,
        };
        declaration.validate()?;
        let from = pays_from(&m)?;
        let mut profile = match self.s.store().dues_profile(req.member).await? {
            Some(p) => p,
            None => DuesProfile::new(req.member, from),
        };
        profile.pays_from = from;
        profile.declare(declaration)?;
        Ok(self
            .s
            .store()
            .put_dues_profile(profile, Effects::none())
            .await?)
    }

    /// 党费计算说明: the amount due for `month` with its explanation.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor, dues::Month};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(9)));
    /// assert!(me.dues().explain(MemberId::new(9), Month::new(2024, 6).unwrap()).await.unwrap_err().is_not_found());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` for a member missing or outside the scope, or without a
    /// profile; `PermissionDenied` unless the member or a dues officer
    /// covering the home branch; `Dues` before the month of acceptance or
    /// without a declaration.
    pub async fn explain(&self, member: MemberId, month: Month) -> Result<Explanation, Error> {
        let l = self.readable_member(member).await?;
        let home = l.placement()?.home;
        let profile = self
            .s
            .store()
            .dues_profile(member)
            .await?
            .ok_or_else(|| Error::not_found(Entity::DuesProfile, member))?;
        let entries = self.s.store().dues_entries_of_member(member).await?;
        let balances = Balances::rebuild(&entries)?;
        let relief = balances.member(member).and_then(|b| b.relief_for(month));
        let version = self
            .s
            .rules()
            .dues
            .rules_for(&chain(&l.tree, home), month)?;
        Ok(calc::explain(version, &profile, month, relief)?)
    }

    /// 按月核定: assesses every member of every branch in the subtree of
    /// `req.org` (a branch: that branch) for `req.month`, with one read of
    /// the members, profiles and ledgers and one write; one run per
    /// branch, in the order of [`OrgTree::branches_in`]. Members
    /// transferred in count from the transfer month; months already
    /// assessed are left alone.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}};
    /// use dangjian::dues::{AssessMonth, Month};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// let runs = admin.dues().assess_month(AssessMonth::new(c.id, Month::new(2024, 6).unwrap())).await?;
    /// assert_eq!(runs.len(), 1); // one branch, no members yet
    /// assert!(runs[0].assessed.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless a dues officer covers `org`; `Dues` when no rule version
    /// applies to the month in some branch (then nothing is written).
    pub async fn assess_month(&self, req: AssessMonth) -> Result<Vec<AssessmentRun>, Error> {
        let l = self.managed_org(req.org).await?;
        self.assess_branches(&l.tree, &l.tree.branches_in(req.org), req.month)
            .await
    }

    /// Assesses `branches` (already checked) with one read and one write.
    async fn assess_branches(
        &self,
        tree: &OrgTree,
        branches: &[OrgId],
        month: Month,
    ) -> Result<Vec<AssessmentRun>, Error> {
        let store = self.s.store();
        let versions = branches
            .iter()
            .map(|b| self.s.rules().dues.rules_for(&chain(tree, *b), month))
            .collect::<Result<Vec<_>, _>>()?;
        let members: Vec<Member> = store
            .members_by_home(branches)
            .await?
            .into_iter()
            .filter(|m| m.lifecycle.stage().is_member())
            .filter(|m| home_from(m).is_none_or(|f| f <= month))
            .collect();
        let ids: Vec<MemberId> = members.iter().map(|m| m.id).collect();
        let profiles: std::collections::HashMap<MemberId, DuesProfile> = store
            .dues_profiles(&ids)
            .await?
            .into_iter()
            .map(|p| (p.member, p))
            .collect();
        let entries = store.dues_entries_of_members(&ids).await?;
        let balances = Balances::rebuild(&entries)?;
        let mut by_home: std::collections::HashMap<OrgId, Vec<MemberId>> =
            std::collections::HashMap::new();
        for m in &members {
            by_home.entry(m.home()).or_default().push(m.id);
        }
        let today = self.s.clock().today();
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
        // 党费已核定 for each branch with new assessments (NOTE-7), in the
        // same unit as the assessments.
        let now = self.s.clock().now();
        let fx = runs.iter().zip(&counts).filter(|(_, n)| **n > 0).fold(
            Effects::none(),
            |fx, (run, _)| {
                let e = crate::notify::Event::DuesAssessed {
                    org: run.branch,
                    month,
                };
                fx.with_journal(e.to_journal(now))
            },
        );
        let mut stored = store.append_assessments(new, fx).await?.into_iter();
        for (run, n) in runs.iter_mut().zip(counts) {
            run.assessed = stored.by_ref().take(n).collect();
        }
        Ok(runs)
    }

    /// 冲正: cancels a ledger entry with a compensating entry (a payment's
    /// allocations go with it). The reversal belongs to the branch of the
    /// entry it cancels.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor};
    /// use dangjian::dues::{EntryId, Reversal};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let req = Reversal::new(MemberId::new(1), EntryId::new(3), "录入错误");
    /// assert!(dj.act_as(&Actor::platform_admin()).dues().reverse(req).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless a dues officer covers the member's home branch or the branch
    /// that recorded the entry; `Dues` for an entry that does not exist,
    /// cannot be reversed, or an empty reason.
    pub async fn reverse(&self, req: Reversal) -> Result<LedgerEntry, Error> {
        let Reversal {
            member,
            entry,
            reason,
        } = req;
        let actor = &self.s.actor;
        // Locate the member; the entry to reverse is part of the target,
        // since the branch that recorded it (before a transfer) may
        // reverse it too.
        let l = self.s.authorize(Target::Member(member), |_| Ok(())).await?;
        let entries = self.s.store().dues_entries_of_member(member).await?;
        let home_ok = access::check_manage_dues(actor, l.org, &l.tree);
        if let Err(denied) = home_ok {
            let branch = entries.iter().find(|e| e.id == entry).map(|e| e.branch);
            match branch {
                Some(b) if access::check_manage_dues(actor, b, &l.tree).is_ok() => {}
                _ => return Err(self.s.refusal(&l, Target::Member(member), denied)),
            }
        }
        if reason.trim().is_empty() {
            return Err(DuesError::ReasonRequired.into());
        }
        let version = u64::try_from(entries.len()).unwrap_or(u64::MAX);
        let target = ledger::check_reversal(&entries, entry)?;
        let new = NewLedgerEntry {
            branch: target.branch,
            recorded_on: self.s.clock().today(),
            kind: LedgerEntryKind::Reversal {
                member,
                reverses: entry,
                reason: reason.trim().to_owned(),
            },
        };
        Ok(self
            .s
            .store()
            .append_dues_entry(new, version, Effects::none())
            .await?)
    }

    /// 减免: records a reduction or exemption approved by the member's
    /// branch today and reported to the next-higher committee.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor};
    /// use dangjian::dues::{Month, MonthRange, ReliefKind, ReliefRequest};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let on = chrono::NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
    /// let months = MonthRange::new(Month::new(2024, 6).unwrap(), Month::new(2024, 12).unwrap())?;
    /// let req = ReliefRequest::new(MemberId::new(1), ReliefKind::Exemption, months, "生活困难", on, OrgId::new(1));
    /// assert!(dj.act_as(&Actor::platform_admin()).dues().grant_relief(req).await.unwrap_err().is_not_found());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless a dues officer covers the home branch; `Dues` for a relief
    /// overlapping another, months before the member joined, an empty
    /// reason, or a committee that is not above the branch.
    pub async fn grant_relief(&self, req: ReliefRequest) -> Result<LedgerEntry, Error> {
        let l = self.managed_member(req.member).await?;
        let home = l.placement()?.home;
        if !l.tree.ancestors(home).contains(&req.reported_to) {
            return Err(DuesError::NotHigherCommittee(req.reported_to).into());
        }
        let m = self.s.members().record(req.member).await?;
        let from = pays_from(&m)?;
        if req.months.first < from {
            return Err(DuesError::MonthBeforeJoining {
                member: req.member,
                month: req.months.first,
                pays_from: from,
            }
            .into());
        }
        let today = self.s.clock().today();
        let relief = Relief {
            member: req.member,
            kind: req.kind,
            months: req.months,
            reason: req.reason.trim().to_owned(),
            requested_on: req.requested_on,
            approved_on: today,
            approved_by: home,
            reported_to: req.reported_to,
            reported_on: req.reported_on,
        };
        let entries = self.s.store().dues_entries_of_member(req.member).await?;
        let version = u64::try_from(entries.len()).unwrap_or(u64::MAX);
        let balances = Balances::rebuild(&entries)?;
        let existing = balances
            .member(req.member)
            .map(|b| b.reliefs.clone())
            .unwrap_or_default();
        ledger::check_relief(&existing, &relief)?;
        let new = NewLedgerEntry {
            branch: home,
            recorded_on: today,
            kind: LedgerEntryKind::Exemption { relief },
        };
        Ok(self
            .s
            .store()
            .append_dues_entry(new, version, Effects::none())
            .await?)
    }

    /// 党费月报: the report for `org` and `month`: one branch's, or the
    /// roll-up over every branch in a committee's subtree.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}, dues::Month};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// let report = admin.dues().report(c.id, Month::new(2024, 6).unwrap()).await?;
    /// assert!(report.expected.is_zero());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless a dues officer covers `org`.
    pub async fn report(&self, org: OrgId, month: Month) -> Result<BranchMonthReport, Error> {
        let reports = self.branch_reports(org, month).await?;
        match reports.as_slice() {
            [one] if one.org == org => Ok(one.clone()),
            all => Ok(BranchMonthReport::rollup(org, month, all)?),
        }
    }

    /// 各支部月报: one report per branch in `org`'s subtree.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}, dues::Month};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// assert_eq!(admin.dues().branch_reports(c.id, Month::new(2024, 6).unwrap()).await?.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`DuesHandle::report`].
    pub async fn branch_reports(
        &self,
        org: OrgId,
        month: Month,
    ) -> Result<Vec<BranchMonthReport>, Error> {
        let l = self.readable_org(org).await?;
        let branches = l.tree.branches_in(org);
        let entries = self.s.store().dues_entries_of_branches(&branches).await?;
        Ok(BranchMonthReport::build_all(&entries, &branches, month)?)
    }

    /// 未缴名单: the members of `org`'s subtree owing for months up to
    /// `month`, with months and amounts.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{NewOrganisation, OrgKind}, dues::Month};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// assert!(admin.dues().unpaid(c.id, Month::new(2024, 6).unwrap()).await?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`DuesHandle::report`].
    pub async fn unpaid(&self, org: OrgId, month: Month) -> Result<Vec<UnpaidLine>, Error> {
        let l = self.readable_org(org).await?;
        let ids = self.member_ids_in(&l.tree, org).await?;
        let entries = self.s.store().dues_entries_of_members(&ids).await?;
        let balances = Balances::rebuild(&entries)?;
        Ok(report::unpaid_list(&balances, &ids, month)?)
    }

    /// 个人党费明细: a member's own statement (every branch's entries, the
    /// month-by-month balance, paid-up-to month).
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(9)));
    /// assert!(me.dues().statement(MemberId::new(9)).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` for a member missing or outside the scope;
    /// `PermissionDenied` unless the member or a dues officer covering the
    /// home branch.
    pub async fn statement(&self, member: MemberId) -> Result<MemberStatement, Error> {
        self.readable_member(member).await?;
        let entries = self.s.store().dues_entries_of_member(member).await?;
        Ok(MemberStatement::build(member, entries)?)
    }

    /// 欠缴扫描: consecutive unpaid months per member of `org`'s subtree up
    /// to `month`; opens a self-departure case for each member reaching the
    /// rule's months (six) without an open case. Never expels anyone. Run
    /// by a treasurer, an officer, or a scheduled job
    /// ([`crate::access::Actor::system`]).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{NewOrganisation, OrgKind}, dues::Month};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// # let admin = dj.act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// let job = dj.act_as(&Actor::system("nightly arrears scan"));
    /// let scan = job.dues().scan_arrears(c.id, Month::new(2024, 6).unwrap()).await?;
    /// assert!(scan.lines.is_empty() && scan.opened.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless a dues officer covers `org`.
    pub async fn scan_arrears(&self, org: OrgId, month: Month) -> Result<ArrearsScan, Error> {
        let l = self.managed_org(org).await?;
        let tree = &l.tree;
        let store = self.s.store();
        let members = store.members_by_home(&tree.subtree(org)).await?;
        let ids: Vec<MemberId> = members.iter().map(|m| m.id).collect();
        let entries = store.dues_entries_of_members(&ids).await?;
        let balances = Balances::rebuild(&entries)?;
        let lines = arrears::scan_arrears(&balances, &ids, month)?;
        let branches = tree.branches_in(org);
        let cases = store.departure_cases(&branches).await?;
        // Indexed once, not searched per owing member: each member's home, each
        // member's cases, each home's rules.
        let homes: FxHashMap<MemberId, OrgId> = members.iter().map(|m| (m.id, m.home())).collect();
        let mut cases_of: FxHashMap<MemberId, Vec<&SelfDepartureCase>> = FxHashMap::default();
        for c in &cases {
            cases_of.entry(c.member).or_default().push(c);
        }
        let handled = |l: &ArrearsLine| {
            cases_of.get(&l.member).is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.status == arrears::CaseStatus::Open
                        || l.run.is_some_and(|r| r.first == c.months.first)
                })
            })
        };
        let home_of = |id: MemberId| homes.get(&id).copied();
        let today = self.s.clock().today();
        let current = Month::of(today);
        let mut rules_of: FxHashMap<OrgId, (u32, CurrentMonth)> = FxHashMap::default();
        let mut to_open = Vec::new();
        for line in &lines {
            let Some(home) = home_of(line.member) else {
                continue;
            };
            let (threshold, reading) = match rules_of.get(&home) {
                Some(r) => *r,
                None => {
                    let r = &self
                        .s
                        .rules()
                        .dues
                        .rules_for(&chain(tree, home), month)?
                        .rules;
                    let r = (r.self_departure_months, r.current_month);
                    rules_of.insert(home, r);
                    r
                }
            };
            // The open reading on the current month (DUES-17): by default
            // only months that are over count toward the run.
            let last = reading.last_counted(month, current);
            let counted = match balances.member(line.member) {
                Some(b) if last != month => arrears::member_arrears(line.member, b, last)?,
                _ => line.clone(),
            };
            to_open.extend(arrears::cases_to_open(
                std::slice::from_ref(&counted),
                threshold,
                home_of,
                handled,
                today,
            ));
        }
        let now = self.s.clock().now();
        let to_open = to_open
            .into_iter()
            .map(|c| {
                // 自行脱党案件 for the branch's officers (NOTE-7), its id
                // filled in by the store from the case it opens.
                let event = crate::notify::Event::SelfDepartureCaseOpened {
                    case: crate::CaseId::new(0),
                    member: c.member,
                    branch: c.branch,
                };
                (
                    c,
                    Effects::none().with_journal(event.to_journal_new(now, 0)),
                )
            })
            .collect();
        let opened = store.open_departure_cases(to_open).await?;
        Ok(ArrearsScan {
            as_of: month,
            lines,
            opened,
        })
    }

    /// 自行脱党案件处理: closes an open case as justified (with reason) or
    /// passes it to a decision of the branch.
    ///
    /// ```
    /// # use dangjian::{Dangjian, CaseId, access::Actor};
    /// use dangjian::dues::{CaseDecision, DecideCase};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let req = DecideCase::new(CaseId::new(1), CaseDecision::Justified { reason: "长期出国".into() });
    /// assert!(dj.act_as(&Actor::platform_admin()).dues().decide_case(req).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless a dues officer covers the case's branch; `Dues` for a closed
    /// case or a missing reason.
    pub async fn decide_case(&self, req: DecideCase) -> Result<SelfDepartureCase, Error> {
        let actor = &self.s.actor;
        self.s
            .authorize(Target::Case(req.case), |l| {
                access::check_manage_dues(actor, l.org, &l.tree)
            })
            .await?;
        let c = self
            .s
            .store()
            .departure_case(req.case)
            .await?
            .ok_or_else(|| Error::not_found(Entity::DepartureCase, req.case))?;
        let decided = c.decide(req.decision, self.s.clock().today())?;
        Ok(self
            .s
            .store()
            .update_departure_case(decided, Effects::none())
            .await?)
    }

    /// 自行脱党案件: the cases of the branches in `org`'s subtree, oldest
    /// first, a page at a time.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{NewOrganisation, OrgKind}, service::PageRequest};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// assert!(admin.dues().cases(c.id, PageRequest::default()).await?.items.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`DuesHandle::report`].
    pub async fn cases(
        &self,
        org: OrgId,
        page: PageRequest,
    ) -> Result<Page<SelfDepartureCase>, Error> {
        let l = self.readable_org(org).await?;
        let mut all = self
            .s
            .store()
            .departure_cases(&l.tree.branches_in(org))
            .await?;
        all.sort_by_key(|c| c.id);
        Ok(page.cut(all, |c| c.id.get()))
    }

    async fn member_ids_in(&self, tree: &OrgTree, org: OrgId) -> Result<Vec<MemberId>, Error> {
        Ok(self
            .s
            .store()
            .members_by_home(&tree.subtree(org))
            .await?
            .iter()
            .map(|m| m.id)
            .collect())
    }

    pub(super) async fn managed_member(&self, member: MemberId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Member(member), |l| {
                access::check_manage_dues(&self.s.actor, l.org, &l.tree)
            })
            .await
    }

    async fn readable_member(&self, member: MemberId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Member(member), |l| {
                access::check_read_dues(&self.s.actor, member, l.placement_ok(), &l.tree)
            })
            .await
    }

    async fn managed_org(&self, org: OrgId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Org(org), |l| {
                access::check_manage_dues(&self.s.actor, org, &l.tree)
            })
            .await
    }

    async fn readable_org(&self, org: OrgId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Org(org), |l| {
                access::check_read_branch_dues(&self.s.actor, org, &l.tree)
            })
            .await
    }
}
