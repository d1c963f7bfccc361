//! 内存存储 (in-memory store): the default store, for tests, examples and
//! small deployments that keep their own snapshot.
//!
//! One `RwLock` guards everything, and no lock is held across an `.await`,
//! so every trait method is atomic: all its checks run before its first
//! change.

mod discipline;
mod disclosure;
mod dues;

use super::{
    Effects, JournalEntry, JournalStore, MAX_JOURNAL_PAGE, MemberStore, OrgStore, RecordStore,
    StoreError, StoreErrorKind, Stream, UniqueField,
};
use crate::access::Placement;
use crate::member::{EmployeeNo, IdNumber, Member, NewMember};
use crate::org::{NewOrganisation, OrgTree, Organisation};
use crate::record::{NewRecordEntry, RecordEntry};
use crate::{JournalId, MemberId, OrgId, RecordId};
use async_trait::async_trait;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

mod offices;
mod outbox;
mod votes;

#[derive(Default)]
struct Inner {
    tree: Arc<OrgTree>,
    last_org: u64,
    last_member: u64,
    last_record: u64,
    members: HashMap<MemberId, Member>,
    by_id_number: HashMap<String, MemberId>,
    by_employee_no: HashMap<String, MemberId>,
    by_home: HashMap<OrgId, BTreeSet<MemberId>>,
    by_online: HashMap<OrgId, BTreeSet<MemberId>>,
    records: HashMap<MemberId, Vec<RecordEntry>>,
    journal: Vec<JournalEntry>,
    votes: votes::VoteState,
    dues: dues::DuesState,
    discipline: discipline::DisciplineState,
    disclosure: disclosure::DisclosureState,
    offices: offices::OfficeState,
    outbox: outbox::OutboxState,
}

/// 内存存储: every store trait, in memory.
///
/// ```
/// use dangjian::store::{Effects, MemoryStore, OrgStore};
/// use dangjian::org::{NewOrganisation, OrgKind};
/// # tokio_test_block_on(async {
/// let store = MemoryStore::new();
/// let org = store.insert_org(NewOrganisation::new("某某公司党委".parse()?, OrgKind::GrassrootsCommittee), Effects::none()).await?;
/// assert_eq!(store.org_tree().await?.len(), 1);
/// assert_eq!(org.version, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Default)]
pub struct MemoryStore {
    inner: RwLock<Inner>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

fn poisoned() -> StoreError {
    StoreError::new(
        StoreErrorKind::Unavailable,
        "the in-memory store's lock is poisoned (a writer panicked)",
    )
}

fn duplicate(field: UniqueField) -> StoreError {
    let what = match field {
        UniqueField::IdNumber => "a record with this identity number already exists (一人一档)",
        UniqueField::EmployeeNo => "a record with this employee number already exists",
    };
    StoreError::new(StoreErrorKind::Duplicate(field), what)
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> Result<RwLockReadGuard<'_, Inner>, StoreError> {
        self.inner.read().map_err(|_| poisoned())
    }

    fn write(&self) -> Result<RwLockWriteGuard<'_, Inner>, StoreError> {
        self.inner.write().map_err(|_| poisoned())
    }
}

impl Inner {
    fn check_unique(&self, member: &Member, except: Option<MemberId>) -> Result<(), StoreError> {
        let taken = |owner: Option<&MemberId>| owner.is_some_and(|o| Some(*o) != except);
        if taken(self.by_id_number.get(member.identity.id_number.as_str())) {
            return Err(duplicate(UniqueField::IdNumber));
        }
        if let Some(no) = &member.contact.employee_no {
            if taken(self.by_employee_no.get(no.as_str())) {
                return Err(duplicate(UniqueField::EmployeeNo));
            }
        }
        Ok(())
    }

    fn index(&mut self, m: &Member) {
        self.by_id_number
            .insert(m.identity.id_number.as_str().to_owned(), m.id);
        if let Some(no) = &m.contact.employee_no {
            self.by_employee_no.insert(no.as_str().to_owned(), m.id);
        }
        self.by_home.entry(m.home()).or_default().insert(m.id);
        for org in m.memberships.online().keys() {
            self.by_online.entry(*org).or_default().insert(m.id);
        }
    }

    fn unindex(&mut self, m: &Member) {
        self.by_id_number.remove(m.identity.id_number.as_str());
        if let Some(no) = &m.contact.employee_no {
            self.by_employee_no.remove(no.as_str());
        }
        if let Some(set) = self.by_home.get_mut(&m.home()) {
            set.remove(&m.id);
        }
        for org in m.memberships.online().keys() {
            if let Some(set) = self.by_online.get_mut(org) {
                set.remove(&m.id);
            }
        }
    }

    fn append(&mut self, entry: NewRecordEntry) -> RecordEntry {
        self.last_record += 1;
        let stored = entry.into_entry(RecordId::new(self.last_record));
        self.records
            .entry(stored.member)
            .or_default()
            .push(stored.clone());
        stored
    }

    /// What committing `effects` needs: every activity-record entry is
    /// about a stored member. Checked with the write's own checks, before
    /// its first change.
    fn check_effects(&self, effects: &Effects) -> Result<(), StoreError> {
        match effects
            .records()
            .iter()
            .find(|r| !self.members.contains_key(&r.member))
        {
            Some(r) => Err(StoreError::new(
                StoreErrorKind::NotFound,
                format!("{} not found", r.member),
            )),
            None => Ok(()),
        }
    }

    /// Commits checked effects; returns the activity-record entries.
    fn apply(&mut self, effects: Effects) -> Vec<RecordEntry> {
        let (records, journal) = effects.into_parts();
        for j in journal {
            let id = JournalId::new(u64::try_from(self.journal.len()).unwrap_or(u64::MAX) + 1);
            self.journal.push(j.into_entry(id));
        }
        records.into_iter().map(|r| self.append(r)).collect()
    }

    fn collect(&self, ids: impl IntoIterator<Item = MemberId>) -> Vec<Member> {
        let mut ids: Vec<MemberId> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.iter()
            .filter_map(|id| self.members.get(id).cloned())
            .collect()
    }
}

impl crate::store::Store for MemoryStore {}

#[async_trait]
impl OrgStore for MemoryStore {
    async fn org_tree(&self) -> Result<Arc<OrgTree>, StoreError> {
        Ok(Arc::clone(&self.read()?.tree))
    }

    async fn insert_org(
        &self,
        new: NewOrganisation,
        effects: Effects,
    ) -> Result<Organisation, StoreError> {
        let mut inner = self.write()?;
        inner.tree.check_new(&new).map_err(rejected)?;
        inner.check_effects(&effects)?;
        let id = OrgId::new(inner.last_org + 1);
        let org = Organisation {
            id,
            name: new.name,
            kind: new.kind,
            parent: new.parent,
            version: 1,
        };
        let mut tree = (*inner.tree).clone();
        tree.insert(org.clone()).map_err(rejected)?;
        inner.tree = Arc::new(tree);
        inner.last_org += 1;
        inner.apply(effects);
        Ok(org)
    }

    async fn update_org(
        &self,
        org: Organisation,
        effects: Effects,
    ) -> Result<Organisation, StoreError> {
        let mut inner = self.write()?;
        inner.check_effects(&effects)?;
        let current = inner.tree.get(org.id).ok_or_else(|| {
            StoreError::new(StoreErrorKind::NotFound, format!("{} not found", org.id))
        })?;
        if current.version != org.version {
            return Err(StoreError::new(
                StoreErrorKind::Conflict,
                format!("{} changed since it was read", org.id),
            ));
        }
        if current.kind != org.kind {
            return Err(StoreError::new(
                StoreErrorKind::Rejected,
                "the kind of an organisation cannot change",
            ));
        }
        inner
            .tree
            .check_reparent(org.id, org.parent)
            .map_err(rejected)?;
        let stored = Organisation {
            version: org.version + 1,
            ..org
        };
        let all = inner.tree.iter().map(|o| {
            if o.id == stored.id {
                stored.clone()
            } else {
                o.clone()
            }
        });
        let tree = OrgTree::from_orgs(all.collect::<Vec<_>>()).map_err(rejected)?;
        inner.tree = Arc::new(tree);
        inner.apply(effects);
        Ok(stored)
    }
}

fn rejected(e: crate::org::OrgError) -> StoreError {
    StoreError::new(StoreErrorKind::Rejected, e.to_string()).with_source(e)
}

#[async_trait]
impl MemberStore for MemoryStore {
    async fn insert_members(
        &self,
        new: Vec<NewMember>,
        effects: Effects,
    ) -> Result<Vec<Member>, StoreError> {
        let mut inner = self.write()?;
        inner.check_effects(&effects)?;
        let first = inner.last_member + 1;
        let members: Vec<Member> = new
            .into_iter()
            .zip(first..)
            .map(|(m, id)| m.into_member(MemberId::new(id)))
            .collect();
        // Check the whole batch, against the store and against itself,
        // before the first change.
        let mut seen_ids = std::collections::HashSet::new();
        let mut seen_nos = std::collections::HashSet::new();
        for m in &members {
            inner.check_unique(m, None)?;
            if !seen_ids.insert(m.identity.id_number.as_str()) {
                return Err(duplicate(UniqueField::IdNumber));
            }
            if let Some(no) = &m.contact.employee_no {
                if !seen_nos.insert(no.as_str()) {
                    return Err(duplicate(UniqueField::EmployeeNo));
                }
            }
        }
        let ids: Vec<u64> = members.iter().map(|m| m.id.get()).collect();
        let effects = effects.with_new_ids(&ids)?;
        for m in &members {
            inner.index(m);
            inner.members.insert(m.id, m.clone());
        }
        inner.last_member += members.len() as u64;
        inner.apply(effects);
        Ok(members)
    }

    async fn get_member(&self, id: MemberId) -> Result<Option<Member>, StoreError> {
        Ok(self.read()?.members.get(&id).cloned())
    }

    async fn get_members(&self, ids: &[MemberId]) -> Result<Vec<Member>, StoreError> {
        let inner = self.read()?;
        let ids: std::collections::BTreeSet<MemberId> = ids.iter().copied().collect();
        Ok(ids
            .iter()
            .filter_map(|id| inner.members.get(id).cloned())
            .collect())
    }

    async fn placement(&self, id: MemberId) -> Result<Option<Placement>, StoreError> {
        Ok(self
            .read()?
            .members
            .get(&id)
            .map(|m| m.memberships.placement()))
    }

    async fn find_by_id_number(&self, id_number: &IdNumber) -> Result<Option<Member>, StoreError> {
        let inner = self.read()?;
        Ok(inner
            .by_id_number
            .get(id_number.as_str())
            .and_then(|id| inner.members.get(id))
            .cloned())
    }

    async fn find_by_employee_no(&self, no: &EmployeeNo) -> Result<Option<Member>, StoreError> {
        let inner = self.read()?;
        Ok(inner
            .by_employee_no
            .get(no.as_str())
            .and_then(|id| inner.members.get(id))
            .cloned())
    }

    async fn update_member(
        &self,
        member: Member,
        effects: Effects,
    ) -> Result<(Member, Vec<RecordEntry>), StoreError> {
        let mut inner = self.write()?;
        let current = inner.members.get(&member.id).cloned().ok_or_else(|| {
            StoreError::new(StoreErrorKind::NotFound, format!("{} not found", member.id))
        })?;
        if current.version != member.version {
            return Err(StoreError::new(
                StoreErrorKind::Conflict,
                format!("{} changed since it was read", member.id),
            ));
        }
        if !effects.records_only_about(member.id) {
            return Err(StoreError::new(
                StoreErrorKind::Rejected,
                "the activity-record entry belongs to another member",
            ));
        }
        inner.check_unique(&member, Some(member.id))?;
        inner.check_effects(&effects)?;
        let stored = Member {
            version: member.version + 1,
            ..member
        };
        inner.unindex(&current);
        inner.index(&stored);
        inner.members.insert(stored.id, stored.clone());
        let entries = inner.apply(effects);
        Ok((stored, entries))
    }

    async fn members_by_home(&self, orgs: &[OrgId]) -> Result<Vec<Member>, StoreError> {
        let inner = self.read()?;
        let ids = orgs
            .iter()
            .filter_map(|o| inner.by_home.get(o))
            .flatten()
            .copied();
        Ok(inner.collect(ids))
    }

    async fn members_by_online(&self, org: OrgId) -> Result<Vec<Member>, StoreError> {
        let inner = self.read()?;
        let ids = inner.by_online.get(&org).into_iter().flatten().copied();
        Ok(inner.collect(ids))
    }

    async fn members_of_branches(
        &self,
        branches: &[OrgId],
    ) -> Result<Vec<(OrgId, Member)>, StoreError> {
        let inner = self.read()?;
        let mut branches = branches.to_vec();
        branches.sort_unstable();
        branches.dedup();
        let mut out = Vec::new();
        for b in branches {
            let ids: BTreeSet<MemberId> = [inner.by_home.get(&b), inner.by_online.get(&b)]
                .into_iter()
                .flatten()
                .flatten()
                .copied()
                .collect();
            out.extend(
                ids.iter()
                    .filter_map(|id| inner.members.get(id))
                    .map(|m| (b, m.clone())),
            );
        }
        Ok(out)
    }
}

#[async_trait]
impl RecordStore for MemoryStore {
    async fn append_record(
        &self,
        entry: NewRecordEntry,
        effects: Effects,
    ) -> Result<RecordEntry, StoreError> {
        let mut inner = self.write()?;
        if !inner.members.contains_key(&entry.member) {
            return Err(StoreError::new(
                StoreErrorKind::NotFound,
                format!("{} not found", entry.member),
            ));
        }
        inner.check_effects(&effects)?;
        let stored = inner.append(entry);
        inner.apply(effects);
        Ok(stored)
    }

    async fn records_of(&self, member: MemberId) -> Result<Vec<RecordEntry>, StoreError> {
        Ok(self
            .read()?
            .records
            .get(&member)
            .cloned()
            .unwrap_or_default())
    }
}

#[async_trait]
impl JournalStore for MemoryStore {
    async fn journal(
        &self,
        stream: &Stream,
        after: Option<JournalId>,
        limit: usize,
    ) -> Result<Vec<JournalEntry>, StoreError> {
        let inner = self.read()?;
        let from = after.map_or(0, |a| usize::try_from(a.get()).unwrap_or(usize::MAX));
        Ok(inner
            .journal
            .iter()
            .skip(from)
            .filter(|j| &j.stream == stream)
            .take(limit.min(MAX_JOURNAL_PAGE))
            .cloned()
            .collect())
    }
}
