//! 选票 (ballots): marks yes / no / abstain for each candidate, write-ins,
//! and the compact form that is stored and counted. [Election 2020;
//! `docs/RULES.md` VOTE-7]

use super::{ElectionError, ElectionSetup, MAX_CANDIDATES, Roll};
use crate::MemberId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// 选票符号 (mark): 赞成, 不赞成 or 弃权 for one candidate; an unmarked
/// candidate counts as 弃权. [Election 2020]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// 赞成.
    Yes,
    /// 不赞成.
    No,
    /// 弃权.
    Abstain,
}

/// 填写的选票 (a filled-in ballot paper) as the voter marks it.
///
/// ```
/// use dangjian::election::{BallotPaper, Mark};
/// use dangjian::MemberId;
/// let paper = BallotPaper::new()
///     .mark(MemberId::new(1), Mark::Yes)
///     .mark(MemberId::new(2), Mark::No)
///     .write_in(MemberId::new(7));
/// assert_eq!(paper.marks.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotPaper {
    /// The marks, by candidate.
    pub marks: BTreeMap<MemberId, Mark>,
    /// 另选他人: people written in (each a yes for that person).
    pub write_ins: Vec<MemberId>,
}

impl BallotPaper {
    /// A blank paper (every candidate abstained).
    pub fn new() -> Self {
        Self::default()
    }
    /// Marks `candidate`.
    pub fn mark(mut self, candidate: MemberId, mark: Mark) -> Self {
        self.marks.insert(candidate, mark);
        self
    }
    /// Writes in `person`.
    pub fn write_in(mut self, person: MemberId) -> Self {
        self.write_ins.push(person);
        self
    }
}

/// 选票 (ballot), compact: bit `i` of `yes` / `no` is the `i`-th listed
/// candidate; abstentions are the rest; write-ins are listed apart. It holds
/// no voter, no time and no sequence number. [Election 2020]
///
/// A ballot with more yes marks (write-ins included) than seats is invalid
/// and counted as such; fewer is valid.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::*;
/// use dangjian::{MemberId, OrgId};
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=10).map(MemberId::new), []);
/// let setup = ElectionBuilder::new().org(OrgId::new(2)).body(Body::Delegates).seats(1)
///     .held_on(on).candidates([MemberId::new(1), MemberId::new(2)])
///     .build(&roll, &national_election_rules())?;
/// let yes_both = BallotPaper::new().mark(MemberId::new(1), Mark::Yes).mark(MemberId::new(2), Mark::Yes);
/// let ballot = Ballot::fill(&setup, &roll, &yes_both)?;
/// assert!(!ballot.is_valid(&setup)); // two yes marks for one seat
/// let stranger = BallotPaper::new().mark(MemberId::new(9), Mark::Yes);
/// assert_eq!(Ballot::fill(&setup, &roll, &stranger), Err(ElectionError::UnknownCandidate(MemberId::new(9))));
/// # Ok::<(), ElectionError>(())
/// ```
///
/// Deserializing sorts the write-ins and refuses one written in twice (a
/// ballot names a person once; `docs/RULES.md` VOTE-7).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawBallot")]
pub struct Ballot {
    /// 赞成 marks, one bit per listed candidate.
    pub yes: u64,
    /// 不赞成 marks, one bit per listed candidate.
    pub no: u64,
    /// 另选他人, sorted (a boxed slice: 16 bytes, so a ballot is 32).
    #[serde(default, skip_serializing_if = "<[MemberId]>::is_empty")]
    pub write_ins: Box<[MemberId]>,
}

/// The serde form of [`Ballot`], before its checks.
#[derive(Deserialize)]
struct RawBallot {
    yes: u64,
    no: u64,
    #[serde(default)]
    write_ins: Vec<MemberId>,
}

impl TryFrom<RawBallot> for Ballot {
    type Error = ElectionError;
    fn try_from(raw: RawBallot) -> Result<Self, ElectionError> {
        let b = Self::from_masks(raw.yes, raw.no, raw.write_ins);
        b.check_write_ins()?;
        Ok(b)
    }
}

impl Ballot {
    /// 另选他人 once each: the write-ins are sorted and name no one twice.
    /// A ballot that fails this is refused by the store and counted as
    /// invalid ([`count_ballots`](super::count_ballots)). [VOTE-7]
    ///
    /// ```
    /// use dangjian::election::{Ballot, ElectionError};
    /// use dangjian::MemberId;
    /// let twice = Ballot::from_masks(0, 0, vec![MemberId::new(7), MemberId::new(7)]);
    /// assert_eq!(twice.check_write_ins(), Err(ElectionError::DuplicateCandidate(MemberId::new(7))));
    /// assert!(Ballot::from_masks(1, 0, vec![MemberId::new(7)]).check_write_ins().is_ok());
    /// ```
    ///
    /// # Errors
    /// [`ElectionError::DuplicateCandidate`] for a person written in twice
    /// (or write-ins out of order, reported on the first out of place).
    pub fn check_write_ins(&self) -> Result<(), ElectionError> {
        match self.write_ins.windows(2).find(|w| w.first() >= w.get(1)) {
            Some(w) => Err(ElectionError::DuplicateCandidate(
                w.get(1).copied().unwrap_or_else(|| MemberId::new(0)),
            )),
            None => Ok(()),
        }
    }

    /// Whether the write-ins are sorted and name no one twice.
    pub(crate) fn write_ins_ok(&self) -> bool {
        self.write_ins.windows(2).all(|w| w.first() < w.get(1))
    }

    /// A ballot from its masks (imports of paper ballots, benches).
    pub fn from_masks(yes: u64, no: u64, mut write_ins: Vec<MemberId>) -> Self {
        write_ins.sort_unstable();
        Self {
            yes,
            no,
            write_ins: write_ins.into_boxed_slice(),
        }
    }

    /// 填票: encodes a paper for `setup`.
    ///
    /// # Errors
    /// [`ElectionError::TooManyCandidates`] for a set-up listing more than
    /// [`MAX_CANDIDATES`](super::MAX_CANDIDATES) (a paper-only election: count
    /// its papers with [`count_papers`](super::count_papers));
    /// [`ElectionError::UnknownCandidate`] for a mark on someone not listed;
    /// [`ElectionError::WriteInNotAllowed`],
    /// [`ElectionError::WriteInIsCandidate`],
    /// [`ElectionError::DuplicateCandidate`] or
    /// [`ElectionError::NotEntitledToStand`] for a bad write-in.
    pub fn fill(
        setup: &ElectionSetup,
        roll: &Roll,
        paper: &BallotPaper,
    ) -> Result<Self, ElectionError> {
        if setup.candidates.len() > MAX_CANDIDATES {
            return Err(ElectionError::TooManyCandidates {
                max: MAX_CANDIDATES,
                got: setup.candidates.len(),
            });
        }
        let (mut yes, mut no) = (0u64, 0u64);
        for (candidate, mark) in &paper.marks {
            let i = setup
                .position(*candidate)
                .ok_or(ElectionError::UnknownCandidate(*candidate))?;
            let bit = u32::try_from(i)
                .ok()
                .and_then(|i| 1u64.checked_shl(i))
                .ok_or(ElectionError::TooManyCandidates {
                    max: MAX_CANDIDATES,
                    got: setup.candidates.len(),
                })?;
            match mark {
                Mark::Yes => yes |= bit,
                Mark::No => no |= bit,
                Mark::Abstain => {}
            }
        }
        if !paper.write_ins.is_empty() && !setup.write_ins {
            return Err(ElectionError::WriteInNotAllowed);
        }
        let mut seen = BTreeSet::new();
        for w in &paper.write_ins {
            if setup.position(*w).is_some() {
                return Err(ElectionError::WriteInIsCandidate(*w));
            }
            if !seen.insert(*w) {
                return Err(ElectionError::DuplicateCandidate(*w));
            }
            roll.check_may_stand(*w)?;
        }
        Ok(Self::from_masks(yes, no, paper.write_ins.clone()))
    }

    /// 赞成票数: yes marks, write-ins included.
    pub fn yes_marks(&self) -> u32 {
        self.yes
            .count_ones()
            .saturating_add(u32::try_from(self.write_ins.len()).unwrap_or(u32::MAX))
    }

    /// 有效票: at most `setup.seats` yes marks, and well formed (no
    /// candidate both yes and no, no bit beyond the list).
    pub fn is_valid(&self, setup: &ElectionSetup) -> bool {
        let listed = listed_mask(setup.candidates.len());
        self.yes & self.no == 0
            && (self.yes | self.no) & !listed == 0
            && self.write_ins_ok()
            && self.yes_marks() <= setup.seats
            && (self.write_ins.is_empty() || setup.write_ins)
    }
}

/// The mask of the first `n` positions.
pub(crate) fn listed_mask(n: usize) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip() {
        let b = Ballot::from_masks(0b101, 0b010, vec![MemberId::new(9), MemberId::new(3)]);
        assert_eq!(&*b.write_ins, &[MemberId::new(3), MemberId::new(9)]);
        let json = serde_json::to_string(&b).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Ballot>(&json).ok(), Some(b));
        let p = BallotPaper::new().mark(MemberId::new(1), Mark::Abstain);
        let json = serde_json::to_string(&p).unwrap_or_default();
        assert_eq!(serde_json::from_str::<BallotPaper>(&json).ok(), Some(p));
    }

    #[test]
    fn a_write_in_twice_does_not_deserialize() {
        let json = r#"{"yes":1,"no":0,"write_ins":[7,7]}"#;
        assert!(serde_json::from_str::<Ballot>(json).is_err());
        let json = r#"{"yes":1,"no":0,"write_ins":[9,7]}"#;
        let b = serde_json::from_str::<Ballot>(json).ok();
        assert_eq!(
            b.map(|b| b.write_ins.to_vec()),
            Some(vec![MemberId::new(7), MemberId::new(9)])
        );
    }

    #[test]
    fn mask_edges() {
        assert_eq!(listed_mask(0), 0);
        assert_eq!(listed_mask(3), 0b111);
        assert_eq!(listed_mask(64), u64::MAX);
    }
}
