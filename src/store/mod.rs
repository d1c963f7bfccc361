//! 存储 (storage): the traits an integrator's database implements, and the
//! in-memory store that is the default.
//!
//! The traits are async (async-trait), object-safe and `Send + Sync`, so a
//! service holds an `Arc<dyn Store>`. Every write is one method that the
//! store commits atomically together with its side effects ([`Effects`]:
//! activity-record entries and journal entries), which every write method
//! takes as its last argument: the change and its effects are stored
//! together or not at all, and effects are stored exactly when the write
//! changes something (an idempotent repeat stores none). Each write of an existing record names
//! the version it read ([`Member::version`]); a store refuses a stale write
//! with [`StoreErrorKind::Conflict`]. Stores enforce uniqueness of identity
//! numbers and employee numbers themselves, so two concurrent registrations
//! of one person cannot both succeed.
//!
//! A store that keeps records as JSON (the SQL adapters, or your own) writes
//! and reads them as the versioned, public storage documents of
//! [`document`], so that renaming a domain field never changes stored data.

mod discipline;
mod disclosure;
pub mod document;
mod dues;
mod effects;
mod error;
pub(crate) mod memory;
mod offices;
mod outbox;
mod votes;

pub use discipline::DisciplineStore;
pub use disclosure::{DisclosureStore, PublishedRead, check_application_update, check_item_update};
pub use dues::*;
pub use effects::{
    BadStream, Effects, JournalEntry, JournalStore, MAX_JOURNAL_PAGE, MAX_STREAM_LEN, NEW_ID,
    NewJournalEntry, Stream,
};

pub use error::{StoreError, StoreErrorKind, UniqueField};
pub use memory::MemoryStore;
pub use offices::OfficeStore;
pub use outbox::{Enqueued, MAX_RATE_KEYS, OutboxStore, check_rate_keys};
pub use votes::*;

use crate::access::Placement;
use crate::member::{EmployeeNo, IdNumber, Member, NewMember};
use crate::org::{NewOrganisation, OrgTree, Organisation};
use crate::record::{NewRecordEntry, RecordEntry};
use crate::{MemberId, OrgId};
use async_trait::async_trait;
use std::sync::Arc;

/// 组织存储: organisations.
#[async_trait]
pub trait OrgStore: Send + Sync {
    /// The whole tree, as of now. Cheap to call repeatedly: stores keep it
    /// cached and share it.
    async fn org_tree(&self) -> Result<Arc<OrgTree>, StoreError>;

    /// Creates an organisation; the store assigns the id. The store checks
    /// the new organisation against the tree under its own lock or
    /// transaction ([`OrgTree::check_new`]).
    async fn insert_org(
        &self,
        new: NewOrganisation,
        effects: Effects,
    ) -> Result<Organisation, StoreError>;

    /// Replaces an organisation (rename, move to another parent) if its
    /// stored version is `org.version`; the store re-checks the tree rules
    /// (no cycle) atomically and bumps the version.
    async fn update_org(
        &self,
        org: Organisation,
        effects: Effects,
    ) -> Result<Organisation, StoreError>;
}

/// 党员存储: members' records.
#[async_trait]
pub trait MemberStore: Send + Sync {
    /// Creates a record; the store assigns the id and version 1. Refuses a
    /// second record with the same identity number or employee number
    /// ([`StoreErrorKind::Duplicate`]). The default is the bulk insert of
    /// one ([`MemberStore::insert_members`]).
    async fn insert_member(&self, new: NewMember, effects: Effects) -> Result<Member, StoreError> {
        self.insert_members(vec![new], effects)
            .await?
            .pop()
            .ok_or_else(|| {
                StoreError::new(StoreErrorKind::Rejected, "the insert of one gave no record")
            })
    }

    /// Creates many records in one atomic step (a bulk import from paper
    /// records or an OA system): all are stored, or none. Ids are assigned in
    /// the order given. Uniqueness holds across the batch and the store.
    async fn insert_members(
        &self,
        new: Vec<NewMember>,
        effects: Effects,
    ) -> Result<Vec<Member>, StoreError>;

    /// One record (default: [`MemberStore::get_members`] of one).
    async fn get_member(&self, id: MemberId) -> Result<Option<Member>, StoreError> {
        Ok(self.get_members(&[id]).await?.pop())
    }

    /// 批量读取党员 (several records): the records of `ids` that exist,
    /// ordered by id.
    async fn get_members(&self, ids: &[MemberId]) -> Result<Vec<Member>, StoreError>;

    /// Where a member sits, for access checks; cheaper than the whole record.
    async fn placement(&self, id: MemberId) -> Result<Option<Placement>, StoreError>;

    /// The record with this identity number (一人一档).
    async fn find_by_id_number(&self, id_number: &IdNumber) -> Result<Option<Member>, StoreError>;

    /// The record with this employee number (the OA login key).
    async fn find_by_employee_no(&self, no: &EmployeeNo) -> Result<Option<Member>, StoreError>;

    /// Replaces a record if its stored version is `member.version`, and in
    /// the same atomic step commits `effects`. Refuses activity-record
    /// entries about another member ([`StoreErrorKind::Rejected`]). Returns
    /// the stored record (version bumped) and the activity-record entries
    /// appended.
    async fn update_member(
        &self,
        member: Member,
        effects: Effects,
    ) -> Result<(Member, Vec<RecordEntry>), StoreError>;

    /// The members whose home branch is one of `orgs`, ordered by id.
    async fn members_by_home(&self, orgs: &[OrgId]) -> Result<Vec<Member>, StoreError>;

    /// The members who joined online branch `org`, ordered by id.
    async fn members_by_online(&self, org: OrgId) -> Result<Vec<Member>, StoreError>;

    /// 各支部党员 (the members of each branch, in one read): for each of
    /// `branches`, the members whose home it is and the members who joined
    /// it as an online branch, as `(branch, member)` pairs ordered by
    /// branch, then member id. The default asks
    /// [`MemberStore::members_by_home`] once and
    /// [`MemberStore::members_by_online`] per branch; the stores of this
    /// crate answer with one query (per 2,500 branches).
    async fn members_of_branches(
        &self,
        branches: &[OrgId],
    ) -> Result<Vec<(OrgId, Member)>, StoreError> {
        let mut out: Vec<(OrgId, Member)> = self
            .members_by_home(branches)
            .await?
            .into_iter()
            .map(|m| (m.home(), m))
            .collect();
        for b in branches {
            out.extend(
                self.members_by_online(*b)
                    .await?
                    .into_iter()
                    .map(|m| (*b, m)),
            );
        }
        out.sort_by_key(|(org, m)| (*org, m.id));
        out.dedup_by_key(|(org, m)| (*org, m.id));
        Ok(out)
    }
}

/// 活动证存储: the append-only activity record. There is no update and no
/// delete.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Appends an entry, and its `effects`; the store assigns increasing
    /// ids. An entry about an unknown member is
    /// [`StoreErrorKind::NotFound`].
    async fn append_record(
        &self,
        entry: NewRecordEntry,
        effects: Effects,
    ) -> Result<RecordEntry, StoreError>;

    /// A member's entries, oldest first.
    async fn records_of(&self, member: MemberId) -> Result<Vec<RecordEntry>, StoreError>;
}

/// Everything a service needs: the area traits, the journal, and closing.
///
/// A backend implements the area traits and then this one, usually with
/// nothing in it (`impl Store for MyStore {}`); a backend holding
/// connections overrides [`Store::close`].
#[async_trait]
pub trait Store:
    OrgStore
    + MemberStore
    + RecordStore
    + DuesStore
    + VoteStore
    + JournalStore
    + DisciplineStore
    + DisclosureStore
    + OfficeStore
    + OutboxStore
{
    /// Releases what the store holds (a connection pool, a file). Calls
    /// after closing fail with [`StoreErrorKind::Unavailable`] or
    /// succeed, as the backend allows; they never corrupt stored data.
    /// The default does nothing.
    async fn close(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
