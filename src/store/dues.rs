//! 党费存储 (dues storage): profiles, the append-only ledger and
//! self-departure cases.
//!
//! Every write that must not be split is one method: a payment with its
//! allocations and its activity-record entry ([`DuesStore::record_payment`]),
//! a batch of payments ([`DuesStore::record_payments`]), a batch of
//! assessments. The ledger has no update and no delete. A
//! payment's external id is unique: recording it again returns the first
//! payment and changes nothing, also under concurrency. Writes that depend
//! on what the caller read of a member's ledger name the version they read
//! (the number of the member's entries, as
//! [`DuesStore::dues_entries_of_member`] returns them); a stale write is
//! refused with
//! [`StoreErrorKind::Conflict`](super::StoreErrorKind::Conflict).

use super::{Effects, StoreError};
use crate::dues::DuesProfile;
use crate::dues::arrears::SelfDepartureCase;
use crate::dues::ledger::{LedgerEntry, NewLedgerEntry, NewPayment, PaymentOutcome};
use crate::{MemberId, OrgId};
use async_trait::async_trait;

/// 党费存储: what a backend implements for dues.
#[async_trait]
pub trait DuesStore: Send + Sync {
    /// Creates or replaces a member's dues profile, with `effects`.
    async fn put_dues_profile(
        &self,
        profile: DuesProfile,
        effects: Effects,
    ) -> Result<DuesProfile, StoreError>;

    /// One member's profile (default: [`DuesStore::dues_profiles`] of one).
    async fn dues_profile(&self, member: MemberId) -> Result<Option<DuesProfile>, StoreError> {
        Ok(self.dues_profiles(&[member]).await?.pop())
    }

    /// The profiles of `members` that exist, ordered by member id.
    async fn dues_profiles(&self, members: &[MemberId]) -> Result<Vec<DuesProfile>, StoreError>;

    /// Appends assessments, all or none. Refuses
    /// ([`Rejected`](super::StoreErrorKind::Rejected)) an entry that is not
    /// an assessment, or a month already assessed (and not reversed) for
    /// the member. `effects` are committed with them.
    async fn append_assessments(
        &self,
        entries: Vec<NewLedgerEntry>,
        effects: Effects,
    ) -> Result<Vec<LedgerEntry>, StoreError>;

    /// Records a payment, its allocations and its `effects` in one atomic
    /// step. When the external payment id is already stored, returns
    /// [`PaymentOutcome::AlreadyRecorded`] and changes nothing (its effects
    /// are not stored). Otherwise refuses a stale `based_on` (`Conflict`),
    /// allocations larger than the dues part of the payment (`Rejected`),
    /// and an activity-record entry about another member (`Rejected`).
    ///
    /// The default is the batch of one ([`DuesStore::record_payments`]).
    async fn record_payment(
        &self,
        payment: NewPayment,
        effects: Effects,
        based_on: u64,
    ) -> Result<PaymentOutcome, StoreError> {
        self.record_payments(vec![(payment, effects, based_on)])
            .await?
            .pop()
            .unwrap_or_else(|| {
                Err(StoreError::new(
                    super::StoreErrorKind::Rejected,
                    "the batch of one gave no answer",
                ))
            })
    }

    /// 批量缴费 (batch payments): records many payments in one atomic
    /// write. Each item follows the rules of [`DuesStore::record_payment`],
    /// applied in the order given (an item's `based_on` counts the entries
    /// of the items before it for the same member): an external id already
    /// stored, or stored by an earlier item of the batch, gives that item
    /// [`PaymentOutcome::AlreadyRecorded`] and changes nothing; a stale
    /// `based_on` gives that item `Conflict`; allocations above the dues
    /// part or an activity-record entry of another member give it
    /// `Rejected`. All accepted items are committed together, each with its
    /// own effects; the outer error means nothing was stored.
    async fn record_payments(
        &self,
        batch: Vec<(NewPayment, Effects, u64)>,
    ) -> Result<Vec<Result<PaymentOutcome, StoreError>>, StoreError>;

    /// Appends a reversal or an exemption for a member whose ledger is at
    /// version `based_on`. Refuses a stale version (`Conflict`), a reversal
    /// of an unknown entry (`NotFound`) or of one that cannot be reversed,
    /// an exemption overlapping another, and any other kind (`Rejected`).
    /// `effects` are committed with it.
    async fn append_dues_entry(
        &self,
        entry: NewLedgerEntry,
        based_on: u64,
        effects: Effects,
    ) -> Result<LedgerEntry, StoreError>;

    /// The entries about `member` (any branch), oldest first.
    async fn dues_entries_of_member(
        &self,
        member: MemberId,
    ) -> Result<Vec<LedgerEntry>, StoreError>;

    /// The entries about any of `members`, ordered by id.
    async fn dues_entries_of_members(
        &self,
        members: &[MemberId],
    ) -> Result<Vec<LedgerEntry>, StoreError>;

    /// The entries recorded by any of `branches`, ordered by id.
    async fn dues_entries_of_branches(
        &self,
        branches: &[OrgId],
    ) -> Result<Vec<LedgerEntry>, StoreError>;

    /// Opens cases (ids assigned by the store), each with its effects,
    /// skipping a member who already has an open case (whose effects are
    /// not stored); returns the cases opened.
    async fn open_departure_cases(
        &self,
        cases: Vec<(SelfDepartureCase, Effects)>,
    ) -> Result<Vec<SelfDepartureCase>, StoreError>;

    /// One case.
    async fn departure_case(
        &self,
        id: crate::CaseId,
    ) -> Result<Option<SelfDepartureCase>, StoreError>;

    /// The cases of `branches`, ordered by id.
    async fn departure_cases(
        &self,
        branches: &[OrgId],
    ) -> Result<Vec<SelfDepartureCase>, StoreError>;

    /// Replaces a case that is still open in the store (`Conflict` if it
    /// was closed meanwhile, `NotFound` if unknown), with `effects`.
    async fn update_departure_case(
        &self,
        case: SelfDepartureCase,
        effects: Effects,
    ) -> Result<SelfDepartureCase, StoreError>;
}
