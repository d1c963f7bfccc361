//! The in-memory [`DuesStore`]: the ledger lives in the store's one
//! `RwLock`, next to the activity record, so a payment and its record entry
//! commit together.

use super::{Inner, MemoryStore};
use crate::dues::arrears::{CaseStatus, SelfDepartureCase};
use crate::dues::ledger::{
    EntryId, LedgerEntry, LedgerEntryKind, NewLedgerEntry, NewPayment, PaymentOutcome, Relief,
    check_relief, check_reversal,
};
use crate::dues::{DuesProfile, Money, Month};
use crate::store::{DuesStore, Effects, StoreError, StoreErrorKind};
use crate::{MemberId, OrgId};
use async_trait::async_trait;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The dues part of the in-memory store.
#[derive(Default)]
pub(crate) struct DuesState {
    entries: Vec<LedgerEntry>,
    by_member: HashMap<MemberId, Vec<usize>>,
    by_branch: HashMap<OrgId, Vec<usize>>,
    by_payment_id: HashMap<String, usize>,
    allocations_of: HashMap<usize, Vec<usize>>,
    assessed: BTreeSet<(MemberId, Month)>,
    profiles: BTreeMap<MemberId, DuesProfile>,
    cases: BTreeMap<crate::CaseId, SelfDepartureCase>,
}

fn rejected(msg: impl Into<String>) -> StoreError {
    StoreError::new(StoreErrorKind::Rejected, msg)
}

impl DuesState {
    fn member_entries(&self, member: MemberId) -> Vec<LedgerEntry> {
        self.by_member
            .get(&member)
            .into_iter()
            .flatten()
            .filter_map(|i| self.entries.get(*i).cloned())
            .collect()
    }

    fn version(&self, member: MemberId) -> u64 {
        self.by_member
            .get(&member)
            .map_or(0, |v| u64::try_from(v.len()).unwrap_or(u64::MAX))
    }

    fn check_version(&self, member: MemberId, based_on: u64) -> Result<(), StoreError> {
        if self.version(member) == based_on {
            Ok(())
        } else {
            Err(StoreError::new(
                StoreErrorKind::Conflict,
                format!("the dues ledger of {member} changed since it was read"),
            ))
        }
    }

    fn push(&mut self, new: NewLedgerEntry) -> LedgerEntry {
        let idx = self.entries.len();
        let id = EntryId::new(u64::try_from(idx).unwrap_or(u64::MAX).saturating_add(1));
        let entry = new.into_entry(id);
        self.by_member
            .entry(entry.kind.member())
            .or_default()
            .push(idx);
        self.by_branch.entry(entry.branch).or_default().push(idx);
        match &entry.kind {
            LedgerEntryKind::Assessment { member, month, .. } => {
                self.assessed.insert((*member, *month));
            }
            LedgerEntryKind::Payment { payment_id, .. } => {
                self.by_payment_id
                    .insert(payment_id.as_str().to_owned(), idx);
            }
            LedgerEntryKind::Allocation { payment, .. } => {
                let p = usize::try_from(payment.get().saturating_sub(1)).unwrap_or(usize::MAX);
                self.allocations_of.entry(p).or_default().push(idx);
            }
            LedgerEntryKind::Reversal { reverses, .. } => {
                if let Some(LedgerEntry {
                    kind: LedgerEntryKind::Assessment { member, month, .. },
                    ..
                }) = self.entry(*reverses)
                {
                    let key = (*member, *month);
                    self.assessed.remove(&key);
                }
            }
            LedgerEntryKind::Exemption { .. } => {}
        }
        self.entries.push(entry.clone());
        entry
    }

    fn entry(&self, id: EntryId) -> Option<&LedgerEntry> {
        usize::try_from(id.get().checked_sub(1)?)
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    fn payment_outcome(&self, idx: usize) -> Option<PaymentOutcome> {
        let payment = self.entries.get(idx)?.clone();
        let allocations = self
            .allocations_of
            .get(&idx)
            .into_iter()
            .flatten()
            .filter_map(|i| self.entries.get(*i).cloned())
            .collect();
        Some(PaymentOutcome::AlreadyRecorded {
            payment,
            allocations,
        })
    }

    fn reliefs_in_force(&self, member: MemberId) -> Vec<Relief> {
        let entries = self.member_entries(member);
        let reversed: BTreeSet<EntryId> = entries
            .iter()
            .filter_map(|e| match e.kind {
                LedgerEntryKind::Reversal { reverses, .. } => Some(reverses),
                _ => None,
            })
            .collect();
        entries
            .into_iter()
            .filter(|e| !reversed.contains(&e.id))
            .filter_map(|e| match e.kind {
                LedgerEntryKind::Exemption { relief } => Some(relief),
                _ => None,
            })
            .collect()
    }

    fn collect(&self, idx: impl Iterator<Item = usize>) -> Vec<LedgerEntry> {
        let mut idx: Vec<usize> = idx.collect();
        idx.sort_unstable();
        idx.dedup();
        idx.into_iter()
            .filter_map(|i| self.entries.get(i).cloned())
            .collect()
    }
}

impl Inner {
    fn dues(&self) -> &DuesState {
        &self.dues
    }
}

/// One payment under the store's write lock: every check before the first
/// change, so a refused payment changes nothing.
fn record_one(
    inner: &mut Inner,
    payment: NewPayment,
    effects: Effects,
    based_on: u64,
) -> Result<PaymentOutcome, StoreError> {
    let LedgerEntryKind::Payment {
        member,
        payment_id,
        amount,
        voluntary,
        ..
    } = &payment.payment.kind
    else {
        return Err(rejected("a payment entry is required"));
    };
    let member = *member;
    if let Some(idx) = inner.dues.by_payment_id.get(payment_id.as_str()) {
        return inner
            .dues
            .payment_outcome(*idx)
            .ok_or_else(|| StoreError::new(StoreErrorKind::Corrupt, "payment index broken"));
    }
    inner.dues.check_version(member, based_on)?;
    let dues_part = amount
        .checked_sub(*voluntary)
        .ok_or_else(|| rejected("the voluntary part is outside the range of an amount"))?;
    let allocated = payment
        .allocations
        .iter()
        .try_fold(Money::ZERO, |a, (_, x)| {
            if x.is_negative() {
                None
            } else {
                a.checked_add(*x)
            }
        })
        .ok_or_else(|| {
            rejected("a negative allocation, or allocations past the range of an amount")
        })?;
    if allocated > dues_part || voluntary.is_negative() || dues_part.is_negative() {
        return Err(rejected(format!(
            "allocations {allocated} exceed the dues part {dues_part} of the payment"
        )));
    }
    if !effects.records_only_about(member) {
        return Err(rejected(
            "the activity-record entry belongs to another member",
        ));
    }
    inner.check_effects(&effects)?;
    let branch = payment.payment.branch;
    let recorded_on = payment.payment.recorded_on;
    let stored = inner.dues.push(payment.payment);
    let allocations = payment
        .allocations
        .into_iter()
        .map(|(month, amount)| {
            inner.dues.push(NewLedgerEntry {
                branch,
                recorded_on,
                kind: LedgerEntryKind::Allocation {
                    member,
                    payment: stored.id,
                    month,
                    amount,
                },
            })
        })
        .collect();
    let records = inner.apply(effects);
    Ok(PaymentOutcome::Recorded {
        payment: stored,
        allocations,
        records,
    })
}

#[async_trait]
impl DuesStore for MemoryStore {
    async fn put_dues_profile(
        &self,
        profile: DuesProfile,
        effects: Effects,
    ) -> Result<DuesProfile, StoreError> {
        let mut inner = self.write()?;
        inner.check_effects(&effects)?;
        inner.dues.profiles.insert(profile.member, profile.clone());
        inner.apply(effects);
        Ok(profile)
    }

    async fn dues_profile(&self, member: MemberId) -> Result<Option<DuesProfile>, StoreError> {
        Ok(self.read()?.dues().profiles.get(&member).cloned())
    }

    async fn dues_profiles(&self, members: &[MemberId]) -> Result<Vec<DuesProfile>, StoreError> {
        let inner = self.read()?;
        let ids: BTreeSet<MemberId> = members.iter().copied().collect();
        Ok(ids
            .iter()
            .filter_map(|m| inner.dues.profiles.get(m).cloned())
            .collect())
    }

    async fn append_assessments(
        &self,
        entries: Vec<NewLedgerEntry>,
        effects: Effects,
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        let mut inner = self.write()?;
        inner.check_effects(&effects)?;
        let mut seen = BTreeSet::new();
        for e in &entries {
            let LedgerEntryKind::Assessment { member, month, .. } = &e.kind else {
                return Err(rejected("only assessments may be appended here"));
            };
            if inner.dues.assessed.contains(&(*member, *month)) || !seen.insert((*member, *month)) {
                return Err(rejected(format!(
                    "{member} is already assessed for {month}"
                )));
            }
        }
        let stored = entries.into_iter().map(|e| inner.dues.push(e)).collect();
        inner.apply(effects);
        Ok(stored)
    }

    async fn record_payments(
        &self,
        batch: Vec<(NewPayment, Effects, u64)>,
    ) -> Result<Vec<Result<PaymentOutcome, StoreError>>, StoreError> {
        let mut inner = self.write()?;
        Ok(batch
            .into_iter()
            .map(|(payment, effects, based_on)| record_one(&mut inner, payment, effects, based_on))
            .collect())
    }

    async fn append_dues_entry(
        &self,
        entry: NewLedgerEntry,
        based_on: u64,
        effects: Effects,
    ) -> Result<LedgerEntry, StoreError> {
        let mut inner = self.write()?;
        let member = entry.kind.member();
        inner.dues.check_version(member, based_on)?;
        inner.check_effects(&effects)?;
        match &entry.kind {
            LedgerEntryKind::Reversal { reverses, .. } => {
                let target = inner.dues.entry(*reverses).ok_or_else(|| {
                    StoreError::new(StoreErrorKind::NotFound, format!("{reverses} not found"))
                })?;
                if target.kind.member() != member {
                    return Err(rejected("the reversal names another member"));
                }
                let mine = inner.dues.member_entries(member);
                check_reversal(&mine, *reverses).map_err(|e| rejected(e.to_string()))?;
            }
            LedgerEntryKind::Exemption { relief } => {
                let existing = inner.dues.reliefs_in_force(member);
                check_relief(&existing, relief).map_err(|e| rejected(e.to_string()))?;
            }
            _ => {
                return Err(rejected(
                    "only reversals and exemptions may be appended here",
                ));
            }
        }
        let stored = inner.dues.push(entry);
        inner.apply(effects);
        Ok(stored)
    }

    async fn dues_entries_of_member(
        &self,
        member: MemberId,
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        Ok(self.read()?.dues.member_entries(member))
    }

    async fn dues_entries_of_members(
        &self,
        members: &[MemberId],
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        let inner = self.read()?;
        let d = &inner.dues;
        Ok(d.collect(
            members
                .iter()
                .filter_map(|m| d.by_member.get(m))
                .flatten()
                .copied(),
        ))
    }

    async fn dues_entries_of_branches(
        &self,
        branches: &[OrgId],
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        let inner = self.read()?;
        let d = &inner.dues;
        Ok(d.collect(
            branches
                .iter()
                .filter_map(|b| d.by_branch.get(b))
                .flatten()
                .copied(),
        ))
    }

    async fn open_departure_cases(
        &self,
        cases: Vec<(SelfDepartureCase, Effects)>,
    ) -> Result<Vec<SelfDepartureCase>, StoreError> {
        let mut inner = self.write()?;
        for (_, effects) in &cases {
            inner.check_effects(effects)?;
            effects.check_new_ids(1)?;
        }
        let mut open: BTreeSet<MemberId> = inner
            .dues
            .cases
            .values()
            .filter(|c| c.status == CaseStatus::Open)
            .map(|c| c.member)
            .collect();
        let mut opened = Vec::new();
        for (case, effects) in cases {
            if !open.insert(case.member) {
                continue;
            }
            let id = crate::CaseId::new(
                inner
                    .dues
                    .cases
                    .keys()
                    .next_back()
                    .map_or(1, |k| k.get() + 1),
            );
            let stored = SelfDepartureCase {
                id,
                status: CaseStatus::Open,
                ..case
            };
            let effects = effects.with_new_ids(&[id.get()])?;
            inner.dues.cases.insert(id, stored.clone());
            inner.apply(effects);
            opened.push(stored);
        }
        Ok(opened)
    }

    async fn departure_case(
        &self,
        id: crate::CaseId,
    ) -> Result<Option<SelfDepartureCase>, StoreError> {
        Ok(self.read()?.dues.cases.get(&id).cloned())
    }

    async fn departure_cases(
        &self,
        branches: &[OrgId],
    ) -> Result<Vec<SelfDepartureCase>, StoreError> {
        let inner = self.read()?;
        Ok(inner
            .dues
            .cases
            .values()
            .filter(|c| branches.contains(&c.branch))
            .cloned()
            .collect())
    }

    async fn update_departure_case(
        &self,
        case: SelfDepartureCase,
        effects: Effects,
    ) -> Result<SelfDepartureCase, StoreError> {
        let mut inner = self.write()?;
        inner.check_effects(&effects)?;
        let current = inner.dues.cases.get(&case.id).ok_or_else(|| {
            StoreError::new(
                StoreErrorKind::NotFound,
                format!("case {} not found", case.id),
            )
        })?;
        if current.status != CaseStatus::Open {
            return Err(StoreError::new(
                StoreErrorKind::Conflict,
                format!("case {} is no longer open", case.id),
            ));
        }
        if current.member != case.member || current.branch != case.branch {
            return Err(rejected("a case keeps its member and branch"));
        }
        inner.dues.cases.insert(case.id, case.clone());
        inner.apply(effects);
        Ok(case)
    }
}
