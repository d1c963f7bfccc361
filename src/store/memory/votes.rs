//! 投票存储 in memory: votes, who voted and the sealed ballots, in separate
//! maps; ballots keyed by their random tracking code, so their order says
//! nothing about the order of casting.

use super::{MemoryStore, poisoned};
use crate::MemberId;
use crate::election::{
    AttendanceMode, NewVote, SealedBallot, TrackingCode, VoteId, VoteRecord, VoteStatus,
    WrittenOpinion,
};
use crate::store::{Effects, StoreError, StoreErrorKind, VoteStore};
use async_trait::async_trait;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Votes in memory.
#[derive(Default)]
pub(super) struct VoteState {
    last: u64,
    votes: HashMap<VoteId, VoteEntry>,
}

struct VoteEntry {
    record: VoteRecord,
    /// 参加投票名单: who voted. Nothing here points at a ballot.
    voted: HashSet<MemberId>,
    /// 选票: keyed by the random code. Nothing here points at a voter.
    ballots: BTreeMap<TrackingCode, SealedBallot>,
}

fn not_found(id: VoteId) -> StoreError {
    StoreError::new(StoreErrorKind::NotFound, format!("{id} not found"))
}

fn rejected(msg: impl Into<String>) -> StoreError {
    StoreError::new(StoreErrorKind::Rejected, msg)
}

impl VoteState {
    fn entry(&self, id: VoteId) -> Result<&VoteEntry, StoreError> {
        self.votes.get(&id).ok_or_else(|| not_found(id))
    }

    fn open_entry(&mut self, id: VoteId) -> Result<&mut VoteEntry, StoreError> {
        let e = self.votes.get_mut(&id).ok_or_else(|| not_found(id))?;
        if e.record.status == VoteStatus::Closed {
            return Err(rejected(format!("{id} is closed")));
        }
        Ok(e)
    }
}

impl MemoryStore {
    fn with_votes<T>(
        &self,
        f: impl FnOnce(&VoteState) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let inner = self.inner.read().map_err(|_| poisoned())?;
        f(&inner.votes)
    }

    /// A vote write: `f` returns its answer and whether it changed
    /// anything; `effects` are committed exactly when it did.
    fn with_votes_mut<T>(
        &self,
        effects: Effects,
        f: impl FnOnce(&mut VoteState) -> Result<(T, bool), StoreError>,
    ) -> Result<T, StoreError> {
        let mut inner = self.inner.write().map_err(|_| poisoned())?;
        inner.check_effects(&effects)?;
        let (answer, changed) = f(&mut inner.votes)?;
        if changed {
            inner.apply(effects);
        }
        Ok(answer)
    }
}

#[async_trait]
impl VoteStore for MemoryStore {
    async fn create_vote(&self, new: NewVote, effects: Effects) -> Result<VoteRecord, StoreError> {
        let mut inner = self.inner.write().map_err(|_| poisoned())?;
        inner.check_effects(&effects)?;
        let id = VoteId::new(inner.votes.last + 1);
        let effects = effects.with_new_ids(&[id.get()])?;
        let record = VoteRecord::from_new(id, new);
        inner.votes.last += 1;
        inner.votes.votes.insert(
            id,
            VoteEntry {
                record: record.clone(),
                voted: HashSet::new(),
                ballots: BTreeMap::new(),
            },
        );
        inner.apply(effects);
        Ok(record)
    }

    async fn get_vote(&self, id: VoteId) -> Result<Option<VoteRecord>, StoreError> {
        self.with_votes(|v| Ok(v.votes.get(&id).map(|e| e.record.clone())))
    }

    async fn check_in(
        &self,
        id: VoteId,
        member: MemberId,
        mode: AttendanceMode,
        effects: Effects,
    ) -> Result<VoteRecord, StoreError> {
        self.with_votes_mut(effects, |v| {
            let e = v.open_entry(id)?;
            let VoteRecord {
                roll, attendance, ..
            } = &mut e.record;
            let before = attendance.clone();
            attendance
                .check_in(roll, member, mode)
                .map_err(|err| rejected(err.to_string()))?;
            let changed = *attendance != before;
            Ok((e.record.clone(), changed))
        })
    }

    async fn record_written_opinion(
        &self,
        id: VoteId,
        member: MemberId,
        opinion: WrittenOpinion,
        effects: Effects,
    ) -> Result<VoteRecord, StoreError> {
        self.with_votes_mut(effects, |v| {
            let e = v.open_entry(id)?;
            let VoteRecord {
                roll, attendance, ..
            } = &mut e.record;
            let before = attendance.clone();
            attendance
                .written_opinion(roll, member, opinion)
                .map_err(|err| rejected(err.to_string()))?;
            let changed = *attendance != before;
            Ok((e.record.clone(), changed))
        })
    }

    async fn cast_ballot(
        &self,
        voter: MemberId,
        ballot: SealedBallot,
        effects: Effects,
    ) -> Result<(), StoreError> {
        self.with_votes_mut(effects, |v| {
            let id = ballot.vote;
            let e = v.open_entry(id)?;
            if !e.record.roll.entitled.contains(&voter) {
                return Err(rejected(format!("{voter} is not entitled to vote in {id}")));
            }
            // A person written in twice would count twice (VOTE-7).
            ballot
                .ballot
                .check_write_ins()
                .map_err(|err| rejected(err.to_string()))?;
            if e.voted.contains(&voter) {
                return Err(StoreError::new(
                    StoreErrorKind::Conflict,
                    format!("{voter} has already voted in {id}"),
                ));
            }
            if e.ballots.contains_key(&ballot.code) {
                return Err(StoreError::new(
                    StoreErrorKind::Conflict,
                    "tracking code already used; seal again",
                ));
            }
            // All checks passed: now the changes, together.
            e.record.attendance.written.remove(&voter);
            e.record
                .attendance
                .present
                .entry(voter)
                .or_insert(AttendanceMode::Online);
            e.voted.insert(voter);
            e.ballots.insert(ballot.code, ballot);
            Ok(((), true))
        })
    }

    async fn has_voted(&self, id: VoteId, member: MemberId) -> Result<bool, StoreError> {
        self.with_votes(|v| Ok(v.entry(id)?.voted.contains(&member)))
    }

    async fn voters(&self, id: VoteId) -> Result<BTreeSet<MemberId>, StoreError> {
        self.with_votes(|v| Ok(v.entry(id)?.voted.iter().copied().collect()))
    }

    async fn close_vote(&self, id: VoteId, effects: Effects) -> Result<VoteRecord, StoreError> {
        self.with_votes_mut(effects, |v| {
            let e = v.votes.get_mut(&id).ok_or_else(|| not_found(id))?;
            let changed = e.record.status != VoteStatus::Closed;
            e.record.status = VoteStatus::Closed;
            Ok((e.record.clone(), changed))
        })
    }

    async fn sealed_ballots(&self, id: VoteId) -> Result<Vec<SealedBallot>, StoreError> {
        self.with_votes(|v| {
            let e = v.entry(id)?;
            if e.record.status == VoteStatus::Open {
                return Err(rejected(format!(
                    "{id} is still open: ballots are available only after it closes"
                )));
            }
            Ok(e.ballots.values().cloned().collect())
        })
    }
}
