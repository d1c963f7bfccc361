//! A store written the way a third party writes one: outside the crate,
//! with only the public contract (the `dangjian::store` traits, the public
//! domain types, their constructors and the public rule checks). It keeps
//! everything in one `Mutex` of plain collections and passes every trial
//! of the conformance suite, which shows the public contract is enough.
//!
//! `cargo test --features testing --test third_party_store`

#[path = "third_party_store/disclosure.rs"]
mod disclosure;
#[path = "third_party_store/outbox.rs"]
mod outbox;

use async_trait::async_trait;
use dangjian::access::Placement;
use dangjian::discipline::{Decision, NewDecision};
use dangjian::dues::{
    CaseStatus, DuesProfile, EntryId, LedgerEntry, LedgerEntryKind, Money, NewLedgerEntry,
    NewPayment, PaymentOutcome, SelfDepartureCase, check_relief, check_reversal,
};
use dangjian::election::{
    AttendanceMode, NewVote, SealedBallot, TrackingCode, VoteId, VoteRecord, VoteStatus,
    WrittenOpinion,
};
use dangjian::member::{EmployeeNo, IdNumber, Member, NewMember};
use dangjian::office::{InstallOffices, OfficeHolder, OfficeId, Source};
use dangjian::org::{NewOrganisation, OrgTree, Organisation};
use dangjian::record::{NewRecordEntry, RecordEntry};
use dangjian::store::Effects;
use dangjian::store::{
    DisciplineStore, DuesStore, JournalEntry, JournalStore, MemberStore, OrgStore, RecordStore,
    Store, StoreError, StoreErrorKind, Stream, UniqueField, VoteStore,
};
use dangjian::testing::{self, Arguments};
use dangjian::{CaseId, DecisionId, JournalId, MemberId, OrgId, RecordId};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::sync::{Arc, Mutex, MutexGuard};

fn main() {
    let args = Arguments::from_args();
    let trials = testing::trials("third_party", || async {
        Arc::new(PlainStore::default()) as Arc<dyn Store>
    });
    testing::run(&args, trials).exit();
}

/// Everything in one lock: each method takes it once and never awaits while
/// holding it, so each method is atomic.
#[derive(Default)]
struct PlainStore(Mutex<State>);

#[derive(Default)]
struct State {
    tree: Arc<OrgTree>,
    members: BTreeMap<MemberId, Member>,
    records: Vec<RecordEntry>,
    ledger: Vec<LedgerEntry>,
    profiles: BTreeMap<MemberId, DuesProfile>,
    cases: BTreeMap<CaseId, SelfDepartureCase>,
    votes: BTreeMap<VoteId, Vote>,
    journal: Vec<JournalEntry>,
    decisions: Vec<Decision>,
    offices: Vec<OfficeHolder>,
    outbox: outbox::Outbox,
    disclosure: disclosure::Disclosure,
}

struct Vote {
    record: VoteRecord,
    /// Who voted; nothing here points at a ballot.
    voted: BTreeSet<MemberId>,
    /// Keyed by the random code; nothing here points at a voter.
    ballots: BTreeMap<TrackingCode, SealedBallot>,
}

fn fail(kind: StoreErrorKind, msg: impl Display) -> StoreError {
    StoreError::new(kind, msg.to_string())
}
fn rejected(msg: impl Display) -> StoreError {
    fail(StoreErrorKind::Rejected, msg)
}
fn not_found(what: impl Display) -> StoreError {
    fail(StoreErrorKind::NotFound, format!("{what} not found"))
}
fn conflict(what: impl Display) -> StoreError {
    fail(
        StoreErrorKind::Conflict,
        format!("{what} changed since read"),
    )
}
fn next(n: usize) -> u64 {
    u64::try_from(n).unwrap() + 1
}

impl PlainStore {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap()
    }
}

impl State {
    /// The unique field `m` would share with another stored member.
    fn taken(&self, m: &Member, others: &[Member]) -> Option<UniqueField> {
        let all = self
            .members
            .values()
            .chain(others)
            .filter(|o| o.id() != m.id());
        for o in all {
            if o.identity().id_number == m.identity().id_number {
                return Some(UniqueField::IdNumber);
            }
            if m.contact().employee_no.is_some()
                && o.contact().employee_no == m.contact().employee_no
            {
                return Some(UniqueField::EmployeeNo);
            }
        }
        None
    }

    fn append(&mut self, entry: NewRecordEntry) -> RecordEntry {
        let stored = entry.into_entry(RecordId::new(next(self.records.len())));
        self.records.push(stored.clone());
        stored
    }

    /// A write's effects may name only stored members; checked before the
    /// write's first change.
    fn check(&self, effects: &Effects) -> Result<(), StoreError> {
        match effects
            .records()
            .iter()
            .find(|r| !self.members.contains_key(&r.member))
        {
            Some(r) => Err(not_found(r.member)),
            None => Ok(()),
        }
    }

    /// Commits checked effects with the write.
    fn apply(&mut self, effects: Effects) -> Vec<RecordEntry> {
        let (records, journal) = effects.into_parts();
        for j in journal {
            let id = JournalId::new(next(self.journal.len()));
            self.journal.push(j.into_entry(id));
        }
        records.into_iter().map(|r| self.append(r)).collect()
    }

    fn push(&mut self, entry: NewLedgerEntry) -> LedgerEntry {
        let stored = entry.into_entry(EntryId::new(next(self.ledger.len())));
        self.ledger.push(stored.clone());
        stored
    }

    fn entries_of(&self, member: MemberId) -> Vec<LedgerEntry> {
        let mine = self.ledger.iter().filter(|e| e.kind.member() == member);
        mine.cloned().collect()
    }

    fn check_version(&self, member: MemberId, based_on: u64) -> Result<(), StoreError> {
        let version = u64::try_from(self.entries_of(member).len()).unwrap();
        if version == based_on {
            Ok(())
        } else {
            Err(conflict(format!("the ledger of {member}")))
        }
    }

    fn reversed(&self) -> BTreeSet<EntryId> {
        self.ledger
            .iter()
            .filter_map(|e| match e.kind {
                LedgerEntryKind::Reversal { reverses, .. } => Some(reverses),
                _ => None,
            })
            .collect()
    }

    fn record_payment(
        &mut self,
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
        let same_id = |e: &&LedgerEntry| matches!(&e.kind, LedgerEntryKind::Payment { payment_id: p, .. } if p == payment_id);
        if let Some(first) = self.ledger.iter().find(same_id).cloned() {
            let allocations = self
                .ledger
                .iter()
                .filter(|e| matches!(e.kind, LedgerEntryKind::Allocation { payment, .. } if payment == first.id))
                .cloned()
                .collect();
            return Ok(PaymentOutcome::AlreadyRecorded {
                payment: first,
                allocations,
            });
        }
        self.check_version(member, based_on)?;
        let dues_part = amount
            .checked_sub(*voluntary)
            .ok_or_else(|| rejected("the voluntary part is outside the range of an amount"))?;
        let mut allocated = Money::ZERO;
        for (_, x) in &payment.allocations {
            if x.is_negative() {
                return Err(rejected("a negative allocation"));
            }
            allocated = allocated
                .checked_add(*x)
                .ok_or_else(|| rejected("allocations past the range of an amount"))?;
        }
        if allocated > dues_part || voluntary.is_negative() || dues_part.is_negative() {
            return Err(rejected("allocations exceed the dues part of the payment"));
        }
        if !effects.records_only_about(member) {
            return Err(rejected(
                "the activity-record entry belongs to another member",
            ));
        }
        self.check(&effects)?;
        let (branch, recorded_on) = (payment.payment.branch, payment.payment.recorded_on);
        let stored = self.push(payment.payment);
        let allocations = payment
            .allocations
            .into_iter()
            .map(|(month, amount)| {
                let kind = LedgerEntryKind::Allocation {
                    member,
                    payment: stored.id,
                    month,
                    amount,
                };
                self.push(NewLedgerEntry {
                    branch,
                    recorded_on,
                    kind,
                })
            })
            .collect();
        let records = self.apply(effects);
        Ok(PaymentOutcome::Recorded {
            payment: stored,
            allocations,
            records,
        })
    }

    fn open_vote(&mut self, id: VoteId) -> Result<&mut Vote, StoreError> {
        let v = self.votes.get_mut(&id).ok_or_else(|| not_found(id))?;
        if v.record.status() == VoteStatus::Closed {
            return Err(rejected(format!("{id} is closed")));
        }
        Ok(v)
    }

    fn vote(&self, id: VoteId) -> Result<&Vote, StoreError> {
        self.votes.get(&id).ok_or_else(|| not_found(id))
    }
}

impl Store for PlainStore {}

#[async_trait]
impl OrgStore for PlainStore {
    async fn org_tree(&self) -> Result<Arc<OrgTree>, StoreError> {
        Ok(Arc::clone(&self.state().tree))
    }

    async fn insert_org(
        &self,
        new: NewOrganisation,
        effects: Effects,
    ) -> Result<Organisation, StoreError> {
        let mut s = self.state();
        s.tree.check_new(&new).map_err(rejected)?;
        s.check(&effects)?;
        let id = OrgId::new(next(s.tree.len()));
        let org = Organisation {
            version: 1,
            ..Organisation::from_new(id, new)
        };
        let mut tree = (*s.tree).clone();
        tree.insert(org.clone()).map_err(rejected)?;
        s.tree = Arc::new(tree);
        s.apply(effects);
        Ok(org)
    }

    async fn update_org(
        &self,
        org: Organisation,
        effects: Effects,
    ) -> Result<Organisation, StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        let current = s.tree.get(org.id).ok_or_else(|| not_found(org.id))?;
        if current.version != org.version {
            return Err(conflict(org.id));
        }
        if current.kind != org.kind {
            return Err(rejected("the kind of an organisation cannot change"));
        }
        s.tree
            .check_reparent(org.id, org.parent)
            .map_err(rejected)?;
        let stored = Organisation {
            version: org.version + 1,
            ..org
        };
        let all = s.tree.iter().map(|o| {
            if o.id == stored.id {
                stored.clone()
            } else {
                o.clone()
            }
        });
        s.tree = Arc::new(OrgTree::from_orgs(all.collect::<Vec<_>>()).map_err(rejected)?);
        s.apply(effects);
        Ok(stored)
    }
}

#[async_trait]
impl MemberStore for PlainStore {
    async fn insert_members(
        &self,
        new: Vec<NewMember>,
        effects: Effects,
    ) -> Result<Vec<Member>, StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        let first = s.members.keys().next_back().map_or(1, |id| id.get() + 1);
        let mut batch: Vec<Member> = Vec::new();
        for (n, m) in (first..).zip(new) {
            let m = m.into_member(MemberId::new(n));
            if let Some(field) = s.taken(&m, &batch) {
                return Err(fail(StoreErrorKind::Duplicate(field), "already taken"));
            }
            batch.push(m);
        }
        let ids: Vec<u64> = batch.iter().map(|m| m.id().get()).collect();
        let effects = effects.with_new_ids(&ids)?;
        s.members.extend(batch.iter().map(|m| (m.id(), m.clone())));
        s.apply(effects);
        Ok(batch)
    }

    async fn get_members(&self, ids: &[MemberId]) -> Result<Vec<Member>, StoreError> {
        let s = self.state();
        let ids: BTreeSet<&MemberId> = ids.iter().collect();
        Ok(ids
            .into_iter()
            .filter_map(|id| s.members.get(id).cloned())
            .collect())
    }

    async fn placement(&self, id: MemberId) -> Result<Option<Placement>, StoreError> {
        Ok(self
            .state()
            .members
            .get(&id)
            .map(|m| m.memberships().placement()))
    }

    async fn find_by_id_number(&self, id_number: &IdNumber) -> Result<Option<Member>, StoreError> {
        let s = self.state();
        Ok(s.members
            .values()
            .find(|m| &m.identity().id_number == id_number)
            .cloned())
    }

    async fn find_by_employee_no(&self, no: &EmployeeNo) -> Result<Option<Member>, StoreError> {
        let s = self.state();
        Ok(s.members
            .values()
            .find(|m| m.contact().employee_no.as_ref() == Some(no))
            .cloned())
    }

    async fn update_member(
        &self,
        member: Member,
        effects: Effects,
    ) -> Result<(Member, Vec<RecordEntry>), StoreError> {
        let mut s = self.state();
        let current = s
            .members
            .get(&member.id())
            .ok_or_else(|| not_found(member.id()))?;
        if current.version() != member.version() {
            return Err(conflict(member.id()));
        }
        if !effects.records_only_about(member.id()) {
            return Err(rejected(
                "the activity-record entry belongs to another member",
            ));
        }
        if let Some(field) = s.taken(&member, &[]) {
            return Err(fail(StoreErrorKind::Duplicate(field), "already taken"));
        }
        s.check(&effects)?;
        let version = member.version() + 1;
        let stored = member.with_version(version);
        s.members.insert(stored.id(), stored.clone());
        let entries = s.apply(effects);
        Ok((stored, entries))
    }

    async fn members_by_home(&self, orgs: &[OrgId]) -> Result<Vec<Member>, StoreError> {
        let s = self.state();
        Ok(s.members
            .values()
            .filter(|m| orgs.contains(&m.home()))
            .cloned()
            .collect())
    }

    async fn members_by_online(&self, org: OrgId) -> Result<Vec<Member>, StoreError> {
        let s = self.state();
        let joined = |m: &&Member| m.memberships().online().contains_key(&org);
        Ok(s.members.values().filter(joined).cloned().collect())
    }
}

#[async_trait]
impl RecordStore for PlainStore {
    async fn append_record(
        &self,
        entry: NewRecordEntry,
        effects: Effects,
    ) -> Result<RecordEntry, StoreError> {
        let mut s = self.state();
        if !s.members.contains_key(&entry.member) {
            return Err(not_found(entry.member));
        }
        s.check(&effects)?;
        let stored = s.append(entry);
        s.apply(effects);
        Ok(stored)
    }

    async fn records_of(&self, member: MemberId) -> Result<Vec<RecordEntry>, StoreError> {
        let s = self.state();
        Ok(s.records
            .iter()
            .filter(|r| r.member == member)
            .cloned()
            .collect())
    }
}

#[async_trait]
impl DisciplineStore for PlainStore {
    async fn record_decision(
        &self,
        decision: NewDecision,
        exit: Option<Member>,
        effects: Effects,
    ) -> Result<(Decision, Option<Member>, Vec<RecordEntry>), StoreError> {
        let mut s = self.state();
        let member = decision.member;
        if !s.members.contains_key(&member) {
            return Err(not_found(member));
        }
        if !effects.records_only_about(member) || exit.as_ref().is_some_and(|m| m.id() != member) {
            return Err(rejected("the entry or the exit belongs to another member"));
        }
        if let Some(m) = &exit {
            let current = s.members.get(&m.id()).ok_or_else(|| not_found(m.id()))?;
            if current.version() != m.version() {
                return Err(conflict(m.id()));
            }
        }
        s.check(&effects)?;
        let stored_member = exit.map(|m| {
            let version = m.version() + 1;
            let stored = m.with_version(version);
            s.members.insert(stored.id(), stored.clone());
            stored
        });
        let id = DecisionId::new(s.decisions.len() as u64 + 1);
        let stored = decision.into_decision(id);
        s.decisions.push(stored.clone());
        let entries = s.apply(effects);
        Ok((stored, stored_member, entries))
    }

    async fn decisions_of(&self, members: &[MemberId]) -> Result<Vec<Decision>, StoreError> {
        let s = self.state();
        let mut out: Vec<Decision> = s
            .decisions
            .iter()
            .filter(|d| members.contains(&d.member))
            .cloned()
            .collect();
        out.sort_by_key(|d| (d.member, d.id));
        Ok(out)
    }
}

#[async_trait]
impl DuesStore for PlainStore {
    async fn put_dues_profile(
        &self,
        profile: DuesProfile,
        effects: Effects,
    ) -> Result<DuesProfile, StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        s.profiles.insert(profile.member, profile.clone());
        s.apply(effects);
        Ok(profile)
    }

    async fn dues_profiles(&self, members: &[MemberId]) -> Result<Vec<DuesProfile>, StoreError> {
        let s = self.state();
        let ids: BTreeSet<&MemberId> = members.iter().collect();
        Ok(ids
            .into_iter()
            .filter_map(|m| s.profiles.get(m).cloned())
            .collect())
    }

    async fn append_assessments(
        &self,
        entries: Vec<NewLedgerEntry>,
        effects: Effects,
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        let reversed = s.reversed();
        let mut assessed: BTreeSet<_> = s
            .ledger
            .iter()
            .filter(|e| !reversed.contains(&e.id))
            .filter_map(|e| match e.kind {
                LedgerEntryKind::Assessment { member, month, .. } => Some((member, month)),
                _ => None,
            })
            .collect();
        for e in &entries {
            let LedgerEntryKind::Assessment { member, month, .. } = e.kind else {
                return Err(rejected("only assessments may be appended here"));
            };
            if !assessed.insert((member, month)) {
                return Err(rejected(format!(
                    "{member} is already assessed for {month}"
                )));
            }
        }
        let stored = entries.into_iter().map(|e| s.push(e)).collect();
        s.apply(effects);
        Ok(stored)
    }

    async fn record_payments(
        &self,
        batch: Vec<(NewPayment, Effects, u64)>,
    ) -> Result<Vec<Result<PaymentOutcome, StoreError>>, StoreError> {
        let mut s = self.state();
        Ok(batch
            .into_iter()
            .map(|(p, effects, based_on)| s.record_payment(p, effects, based_on))
            .collect())
    }

    async fn append_dues_entry(
        &self,
        entry: NewLedgerEntry,
        based_on: u64,
        effects: Effects,
    ) -> Result<LedgerEntry, StoreError> {
        let mut s = self.state();
        let member = entry.kind.member();
        s.check_version(member, based_on)?;
        s.check(&effects)?;
        let mine = s.entries_of(member);
        match &entry.kind {
            LedgerEntryKind::Reversal { reverses, .. } => {
                let target = s.ledger.iter().find(|e| e.id == *reverses);
                let target = target.ok_or_else(|| not_found(reverses))?;
                if target.kind.member() != member {
                    return Err(rejected("the reversal names another member"));
                }
                check_reversal(&mine, *reverses).map_err(rejected)?;
            }
            LedgerEntryKind::Exemption { relief } => {
                let reversed = s.reversed();
                let in_force: Vec<_> = mine
                    .into_iter()
                    .filter(|e| !reversed.contains(&e.id))
                    .filter_map(|e| match e.kind {
                        LedgerEntryKind::Exemption { relief } => Some(relief),
                        _ => None,
                    })
                    .collect();
                check_relief(&in_force, relief).map_err(rejected)?;
            }
            _ => {
                return Err(rejected(
                    "only reversals and exemptions may be appended here",
                ));
            }
        }
        let stored = s.push(entry);
        s.apply(effects);
        Ok(stored)
    }

    async fn dues_entries_of_member(
        &self,
        member: MemberId,
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        Ok(self.state().entries_of(member))
    }

    async fn dues_entries_of_members(
        &self,
        members: &[MemberId],
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        let s = self.state();
        let of = |e: &&LedgerEntry| members.contains(&e.kind.member());
        Ok(s.ledger.iter().filter(of).cloned().collect())
    }

    async fn dues_entries_of_branches(
        &self,
        branches: &[OrgId],
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        let s = self.state();
        Ok(s.ledger
            .iter()
            .filter(|e| branches.contains(&e.branch))
            .cloned()
            .collect())
    }

    async fn open_departure_cases(
        &self,
        cases: Vec<(SelfDepartureCase, Effects)>,
    ) -> Result<Vec<SelfDepartureCase>, StoreError> {
        let mut s = self.state();
        for (_, effects) in &cases {
            s.check(effects)?;
            effects.check_new_ids(1)?;
        }
        let mut open: BTreeSet<MemberId> = s
            .cases
            .values()
            .filter(|c| c.status == CaseStatus::Open)
            .map(|c| c.member)
            .collect();
        let mut opened = Vec::new();
        for (case, effects) in cases {
            if open.insert(case.member) {
                let id = CaseId::new(next(s.cases.len()));
                let stored = SelfDepartureCase {
                    id,
                    status: CaseStatus::Open,
                    ..case
                };
                let effects = effects.with_new_ids(&[id.get()])?;
                s.cases.insert(id, stored.clone());
                s.apply(effects);
                opened.push(stored);
            }
        }
        Ok(opened)
    }

    async fn departure_case(&self, id: CaseId) -> Result<Option<SelfDepartureCase>, StoreError> {
        Ok(self.state().cases.get(&id).cloned())
    }

    async fn departure_cases(
        &self,
        branches: &[OrgId],
    ) -> Result<Vec<SelfDepartureCase>, StoreError> {
        let s = self.state();
        Ok(s.cases
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
        let mut s = self.state();
        s.check(&effects)?;
        let current = s.cases.get(&case.id).ok_or_else(|| not_found(case.id))?;
        if current.status != CaseStatus::Open {
            return Err(conflict(format!("case {}", case.id)));
        }
        if current.member != case.member || current.branch != case.branch {
            return Err(rejected("a case keeps its member and branch"));
        }
        s.cases.insert(case.id, case.clone());
        s.apply(effects);
        Ok(case)
    }
}

#[async_trait]
impl VoteStore for PlainStore {
    async fn create_vote(&self, new: NewVote, effects: Effects) -> Result<VoteRecord, StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        let record = VoteRecord::from_new(VoteId::new(next(s.votes.len())), new);
        let effects = effects.with_new_ids(&[record.id().get()])?;
        let vote = Vote {
            record: record.clone(),
            voted: BTreeSet::new(),
            ballots: BTreeMap::new(),
        };
        s.votes.insert(record.id(), vote);
        s.apply(effects);
        Ok(record)
    }

    async fn get_vote(&self, id: VoteId) -> Result<Option<VoteRecord>, StoreError> {
        Ok(self.state().votes.get(&id).map(|v| v.record.clone()))
    }

    async fn check_in(
        &self,
        id: VoteId,
        member: MemberId,
        mode: AttendanceMode,
        effects: Effects,
    ) -> Result<VoteRecord, StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        let v = s.open_vote(id)?;
        let mut attendance = v.record.attendance().clone();
        attendance
            .check_in(v.record.roll(), member, mode)
            .map_err(rejected)?;
        let changed = &attendance != v.record.attendance();
        v.record = v.record.clone().with_attendance(attendance);
        let record = v.record.clone();
        if changed {
            s.apply(effects);
        }
        Ok(record)
    }

    async fn record_written_opinion(
        &self,
        id: VoteId,
        member: MemberId,
        opinion: WrittenOpinion,
        effects: Effects,
    ) -> Result<VoteRecord, StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        let v = s.open_vote(id)?;
        let mut attendance = v.record.attendance().clone();
        attendance
            .written_opinion(v.record.roll(), member, opinion)
            .map_err(rejected)?;
        let changed = &attendance != v.record.attendance();
        v.record = v.record.clone().with_attendance(attendance);
        let record = v.record.clone();
        if changed {
            s.apply(effects);
        }
        Ok(record)
    }

    async fn cast_ballot(
        &self,
        voter: MemberId,
        ballot: SealedBallot,
        effects: Effects,
    ) -> Result<(), StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        let id = ballot.vote;
        let v = s.open_vote(id)?;
        v.record.roll().check_entitled(voter).map_err(rejected)?;
        // A person written in twice would count twice (VOTE-7).
        ballot.ballot.check_write_ins().map_err(rejected)?;
        if v.voted.contains(&voter) {
            return Err(fail(
                StoreErrorKind::Conflict,
                format!("{voter} has voted in {id}"),
            ));
        }
        if v.ballots.contains_key(&ballot.code) {
            return Err(fail(
                StoreErrorKind::Conflict,
                "tracking code used; seal again",
            ));
        }
        let mut attendance = v.record.attendance().clone();
        attendance.written.remove(&voter);
        attendance
            .present
            .entry(voter)
            .or_insert(AttendanceMode::Online);
        v.record = v.record.clone().with_attendance(attendance);
        v.voted.insert(voter);
        v.ballots.insert(ballot.code, ballot);
        s.apply(effects);
        Ok(())
    }

    async fn has_voted(&self, id: VoteId, member: MemberId) -> Result<bool, StoreError> {
        Ok(self.state().vote(id)?.voted.contains(&member))
    }

    async fn voters(&self, id: VoteId) -> Result<BTreeSet<MemberId>, StoreError> {
        Ok(self.state().vote(id)?.voted.clone())
    }

    async fn close_vote(&self, id: VoteId, effects: Effects) -> Result<VoteRecord, StoreError> {
        let mut s = self.state();
        s.check(&effects)?;
        let v = s.votes.get_mut(&id).ok_or_else(|| not_found(id))?;
        let changed = v.record.status() != VoteStatus::Closed;
        v.record = v.record.clone().with_status(VoteStatus::Closed);
        let record = v.record.clone();
        if changed {
            s.apply(effects);
        }
        Ok(record)
    }

    async fn sealed_ballots(&self, id: VoteId) -> Result<Vec<SealedBallot>, StoreError> {
        let s = self.state();
        let v = s.vote(id)?;
        if v.record.status() == VoteStatus::Open {
            return Err(rejected(format!(
                "{id} is open: no ballots before it closes"
            )));
        }
        Ok(v.ballots.values().cloned().collect())
    }
}

#[async_trait]
impl JournalStore for PlainStore {
    async fn journal(
        &self,
        stream: &Stream,
        after: Option<JournalId>,
        limit: usize,
    ) -> Result<Vec<JournalEntry>, StoreError> {
        let s = self.state();
        Ok(s.journal
            .iter()
            .filter(|j| &j.stream == stream && Some(j.id) > after)
            .take(limit.min(dangjian::store::MAX_JOURNAL_PAGE))
            .cloned()
            .collect())
    }
}

#[async_trait]
impl dangjian::store::OfficeStore for PlainStore {
    async fn install_offices(
        &self,
        install: InstallOffices,
        effects: Effects,
    ) -> Result<Vec<OfficeHolder>, StoreError> {
        let mut s = self.state();
        for id in &install.ending {
            let current = s
                .offices
                .iter()
                .any(|h| h.id() == *id && h.org() == install.org && h.ended_on().is_none());
            if !current {
                return Err(conflict(id));
            }
        }
        for (i, h) in install.holders.iter().enumerate() {
            if h.org != install.org {
                return Err(rejected("a holding of another organisation"));
            }
            let elected = matches!(h.source, Source::Elected { .. });
            let again = s
                .offices
                .iter()
                .map(OfficeHolder::holding)
                .chain(install.holders.iter().take(i))
                .any(|o| elected && o.source == h.source && o.member == h.member);
            if again {
                return Err(rejected("this election's result is confirmed already"));
            }
        }
        s.check(&effects)?;
        for h in s.offices.iter_mut() {
            if install.ending.contains(&h.id()) {
                *h = OfficeHolder::from_parts(h.id(), h.holding().clone(), Some(install.on));
            }
        }
        let mut stored = Vec::new();
        for h in install.holders {
            let id = OfficeId::new(next(s.offices.len()));
            let held = OfficeHolder::from_parts(id, h, None);
            s.offices.push(held.clone());
            stored.push(held);
        }
        s.apply(effects);
        Ok(stored)
    }

    async fn office(&self, id: OfficeId) -> Result<Option<OfficeHolder>, StoreError> {
        Ok(self.state().offices.iter().find(|h| h.id() == id).cloned())
    }

    async fn offices_of(&self, orgs: &[OrgId]) -> Result<Vec<OfficeHolder>, StoreError> {
        Ok(self
            .state()
            .offices
            .iter()
            .filter(|h| orgs.contains(&h.org()))
            .cloned()
            .collect())
    }
}
