//! 投票存储 (vote storage): votes, who voted, and the sealed ballots, kept
//! apart so that nothing stored links a voter to a ballot.
//! [Election 2020; `docs/RULES.md` VOTE-12]
//!
//! A backend keeps two things with nothing in common: the list of members
//! who voted (per vote) and the sealed ballots (per vote, keyed by their
//! random tracking code). A ballot row holds no voter id, no time finer
//! than the session day and no sequential id, and the backend must not
//! return or cluster ballots in casting order (key them by the code). Both
//! are written by the one method [`VoteStore::cast_ballot`], atomically.

use super::{Effects, StoreError};
use crate::MemberId;
use crate::OrgId;
use crate::election::{
    AttendanceMode, NewVote, SealedBallot, VoteId, VoteRecord, VoteStatus, WrittenOpinion,
};
use async_trait::async_trait;
use std::collections::BTreeSet;

/// Where a vote sits ([`VoteStore::locate_vote`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct VoteLocation {
    /// The organisation voting.
    pub org: OrgId,
    /// Whether the vote is still open.
    pub open: bool,
    /// Whether the member asked about is on the roll.
    pub on_roll: bool,
}

impl VoteLocation {
    /// A location (for store implementations).
    pub fn new(org: OrgId, open: bool, on_roll: bool) -> Self {
        Self { org, open, on_roll }
    }
}

/// 投票存储: votes, attendance, who voted and the sealed ballots.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::*;
/// use dangjian::store::{Effects, MemoryStore, VoteStore};
/// use dangjian::{MemberId, OrgId};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=3).map(MemberId::new), []);
/// let motion = Motion::new(MotionKind::Discipline, MemberId::new(3), &roll)?;
/// let store = MemoryStore::new();
/// let v = store.create_vote(NewVote {
///     org: OrgId::new(2), kind: VoteKind::Motion(motion), roll, session: on,
/// }, Effects::none()).await?;
/// let mut rng = rand::rng();
/// let (sealed, _receipt) = seal(v.id(), on, Ballot::from_masks(1, 0, vec![]), &mut rng);
/// store.cast_ballot(MemberId::new(1), sealed.clone(), Effects::none()).await?;
/// assert!(store.cast_ballot(MemberId::new(1), sealed, Effects::none()).await.is_err()); // once
/// assert!(store.sealed_ballots(v.id()).await.is_err()); // still open
/// store.close_vote(v.id(), Effects::none()).await?;
/// assert_eq!(store.sealed_ballots(v.id()).await?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
#[async_trait]
pub trait VoteStore: Send + Sync {
    /// Opens a vote; the store assigns the id.
    async fn create_vote(&self, new: NewVote, effects: Effects) -> Result<VoteRecord, StoreError>;

    /// One vote (without ballots).
    async fn get_vote(&self, id: VoteId) -> Result<Option<VoteRecord>, StoreError>;

    /// 定位: where vote `id` sits, for the access check that comes before
    /// anything is read for the caller: its organisation, whether it is
    /// open, and whether `member` is on its roll. The default reads the
    /// record; a backend may answer from an index.
    async fn locate_vote(
        &self,
        id: VoteId,
        member: Option<MemberId>,
    ) -> Result<Option<VoteLocation>, StoreError> {
        Ok(self.get_vote(id).await?.map(|v| VoteLocation {
            org: v.org,
            open: v.status == VoteStatus::Open,
            on_roll: member.is_some_and(|m| v.roll.lists(m)),
        }))
    }

    /// 签到: checks `member` in (entitled members only; the first check-in
    /// stands). Refused ([`super::StoreErrorKind::Rejected`]) once closed or
    /// for someone not entitled.
    async fn check_in(
        &self,
        id: VoteId,
        member: MemberId,
        mode: AttendanceMode,
        effects: Effects,
    ) -> Result<VoteRecord, StoreError>;

    /// 书面意见: records an absent entitled member's written opinion on a
    /// motion. Refused once closed, for someone present or not entitled.
    async fn record_written_opinion(
        &self,
        id: VoteId,
        member: MemberId,
        opinion: WrittenOpinion,
        effects: Effects,
    ) -> Result<VoteRecord, StoreError>;

    /// 投票: in one atomic step, checks the vote is open and `voter` is
    /// entitled and has not voted, checks `voter` in online if absent,
    /// marks `voter` as having voted, and stores `ballot` apart from the
    /// voter. A second ballot from the same voter, however concurrent, is
    /// refused with [`super::StoreErrorKind::Conflict`] and stores nothing;
    /// a closed vote or a voter not entitled with
    /// [`super::StoreErrorKind::Rejected`]; an unknown vote with
    /// [`super::StoreErrorKind::NotFound`].
    ///
    /// `effects` must carry nothing of the ballot (the service passes only
    /// what is about the voter's taking part).
    async fn cast_ballot(
        &self,
        voter: MemberId,
        ballot: SealedBallot,
        effects: Effects,
    ) -> Result<(), StoreError>;

    /// Whether `member` has voted in vote `id`.
    async fn has_voted(&self, id: VoteId, member: MemberId) -> Result<bool, StoreError>;

    /// 参加投票名单: who voted (no ballots).
    async fn voters(&self, id: VoteId) -> Result<BTreeSet<MemberId>, StoreError>;

    /// 结束投票: closes the vote; idempotent (closing again stores no
    /// effects).
    async fn close_vote(&self, id: VoteId, effects: Effects) -> Result<VoteRecord, StoreError>;

    /// 选票: the sealed ballots, ordered by tracking code (not by casting).
    /// Refused with [`super::StoreErrorKind::Rejected`] while the vote is
    /// open: results only after closing.
    async fn sealed_ballots(&self, id: VoteId) -> Result<Vec<SealedBallot>, StoreError>;
}
