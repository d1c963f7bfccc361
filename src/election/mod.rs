//! 选举与表决 (votes and elections): the roll, election set-up, ballots, the
//! count and its report, motion votes, democratic appraisal, anonymous
//! evaluation and the secret ballot. [Election 2020; Development 2014
//! Art. 27; Branch 2018; `docs/RULES.md` VOTE-1 … VOTE-17]
//!
//! Everything here is pure: no clock, no store, no randomness except the
//! RNG a caller passes to [`seal`]. The counting rules are versioned
//! ([`national_election_rules`]): "election-1990" counts a majority of those
//! present and compares returned ballots with those issued; "election-2020"
//! counts a majority of those entitled and compares with the number who
//! voted. Every [`CountReport`] names the version that counted it.
//!
//! ```
//! use chrono::NaiveDate;
//! use dangjian::election::*;
//! use dangjian::{MemberId, OrgId};
//! let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
//! let roll = Roll::from_parts(OrgId::new(2), on, (1..=9).map(MemberId::new), []);
//! let setup = ElectionBuilder::new()
//!     .org(OrgId::new(2)).body(Body::BranchCommittee).seats(3).held_on(on)
//!     .candidates((1..=4).map(MemberId::new))
//!     .build(&roll, &national_election_rules())?;
//! // 8 of 9 present; each ballot: yes to candidates 1–3.
//! let ballots = vec![Ballot::from_masks(0b0111, 0b1000, vec![]); 8];
//! let report = CountReport::count(&setup,
//!     Turnout { entitled: 9, present: 8, issued: 8, voted: 8 }, &ballots);
//! assert_eq!(report.elected().len(), 3);
//! # Ok::<(), ElectionError>(())
//! ```

mod appraisal;
mod ballot;
mod electorate;
mod error;
mod motion;
mod paper;
mod receipt;
mod request;
mod rules;
mod setup;
mod tally;

#[cfg(test)]
mod tests;

pub use appraisal::{
    Appraisal, AppraisalEntry, AppraisalRules, EvaluationForm, EvaluationResponse,
    EvaluationSummary, ExcellentBase, Grade, GroupSummary,
};
pub use ballot::{Ballot, BallotPaper, Mark};
pub use electorate::{Attendance, AttendanceMode, NotEntitledReason, Roll, WrittenOpinion};
pub use error::ElectionError;
pub use motion::{Motion, MotionKind, MotionReport, assembly_quorate};
pub use paper::count_papers;
pub use receipt::{Receipt, SealedBallot, TrackingCode, seal};
pub use request::{Appraise, Cast, CheckIn, NextRound, OpenElection, OpenMotion, RecordOpinion};
pub use rules::{
    ElectionRules, MajorityBase, ReturnedComparedWith, national_election_rules, rules_1990,
    rules_2020,
};
pub use setup::{Body, ElectionBuilder, ElectionSetup, Round, TermPlan};
pub use tally::{CandidateLine, CountReport, Counts, Outcome, Standing, Turnout, count_ballots};

use crate::OrgId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// 候选人上限: a compact ballot holds at most 64 listed candidates (one
/// bit each); write-ins are unlimited.
pub const MAX_CANDIDATES: usize = 64;

/// 纸质选票候选人上限: a paper-only count
/// ([`ElectionBuilder::paper_only`], [`count_papers`]) lists at most this
/// many candidates (a 党员大会 electing delegates). [Election 2020;
/// `docs/RULES.md` VOTE-7]
pub const MAX_PAPER_CANDIDATES: usize = 1000;

/// 投票标识 (vote id): an election round or a motion, assigned by the store.
///
/// ```
/// use dangjian::election::VoteId;
/// assert_eq!(VoteId::new(4).to_string(), "vote#4");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VoteId(u64);

impl VoteId {
    /// Wraps a raw id, as read from storage.
    pub const fn new(raw: u64) -> Self {
        Self(raw)
    }
    /// The raw number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Debug for VoteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vote#{}", self.0)
    }
}

impl fmt::Display for VoteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vote#{}", self.0)
    }
}

/// 投票种类 (what is voted on): an election round or a motion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "of", rename_all = "snake_case")]
#[non_exhaustive]
pub enum VoteKind {
    /// 选举.
    Election(ElectionSetup),
    /// 表决.
    Motion(Motion),
}

impl VoteKind {
    /// 填票: the compact ballot for `paper`.
    ///
    /// # Errors
    /// As [`Ballot::fill`] or [`Motion::ballot`].
    pub fn ballot(&self, roll: &Roll, paper: &BallotPaper) -> Result<Ballot, ElectionError> {
        match self {
            Self::Election(setup) => Ballot::fill(setup, roll, paper),
            Self::Motion(m) => m.ballot(paper),
        }
    }
}

/// 投票状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteStatus {
    /// 投票中: ballots accepted, no results.
    Open,
    /// 已结束: no more ballots; results published.
    Closed,
}

/// 新投票 (a vote to open): what the store keeps before assigning an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVote {
    /// The organisation voting.
    pub org: OrgId,
    /// What is voted on.
    pub kind: VoteKind,
    /// The roll on the session day.
    pub roll: Roll,
    /// 会议日期.
    pub session: NaiveDate,
}

/// 投票 (a vote) as stored, without its ballots or the list of who voted
/// (the store keeps those apart).
///
/// Deserializing checks the record ([`VoteRecord::check`]): attendance
/// only of members entitled on its roll, one organisation throughout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawVoteRecord")]
pub struct VoteRecord {
    /// Assigned by the store.
    pub(crate) id: VoteId,
    /// The organisation voting.
    pub(crate) org: OrgId,
    /// What is voted on.
    pub(crate) kind: VoteKind,
    /// The roll.
    pub(crate) roll: Roll,
    /// Who is present, and written opinions.
    pub(crate) attendance: Attendance,
    /// 会议日期.
    pub(crate) session: NaiveDate,
    /// Open or closed.
    pub(crate) status: VoteStatus,
}

/// The serde form of [`VoteRecord`], before its checks.
#[derive(Deserialize)]
struct RawVoteRecord {
    id: VoteId,
    org: OrgId,
    kind: VoteKind,
    roll: Roll,
    attendance: Attendance,
    session: NaiveDate,
    status: VoteStatus,
}

impl TryFrom<RawVoteRecord> for VoteRecord {
    type Error = ElectionError;
    fn try_from(r: RawVoteRecord) -> Result<Self, ElectionError> {
        let v = Self {
            id: r.id,
            org: r.org,
            kind: r.kind,
            roll: r.roll,
            attendance: r.attendance,
            session: r.session,
            status: r.status,
        };
        v.check()?;
        Ok(v)
    }
}

impl VoteRecord {
    /// 自检: what [`Attendance::check_in`] and
    /// [`Attendance::written_opinion`] ensure, and what opening the vote
    /// ensures: everyone present or giving a written opinion is entitled on
    /// the roll, no one is both, and the roll and the set-up or motion are
    /// of the organisation voting. (Whether an election takes written
    /// opinions is the service's check, not the record's: the stores
    /// accept them.)
    ///
    /// # Errors
    /// [`ElectionError::NotOnRoll`] for attendance of someone not
    /// entitled; [`ElectionError::WrittenOpinion`] for a written opinion
    /// from someone present or in an election;
    /// [`ElectionError::WrongKind`] for a roll, set-up or motion of another
    /// organisation.
    pub fn check(&self) -> Result<(), ElectionError> {
        let kind_org = match &self.kind {
            VoteKind::Election(s) => s.org,
            VoteKind::Motion(m) => m.org,
        };
        if self.roll.org != self.org || kind_org != self.org {
            return Err(ElectionError::WrongKind(
                "the roll and what is voted on belong to the organisation voting",
            ));
        }
        if let VoteKind::Motion(m) = &self.kind {
            m.check(&self.roll)?;
        }
        let a = &self.attendance;
        for m in a.present.keys().chain(a.written.keys()) {
            self.roll.check_entitled(*m)?;
        }
        if let Some(m) = a.written.keys().find(|m| a.present.contains_key(m)) {
            return Err(ElectionError::WrittenOpinion(format!(
                "{m} is present and votes in person"
            )));
        }
        Ok(())
    }

    /// Assigned by the store.
    pub fn id(&self) -> VoteId {
        self.id
    }

    /// The organisation voting.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// What is voted on.
    pub fn kind(&self) -> &VoteKind {
        &self.kind
    }

    /// The roll.
    pub fn roll(&self) -> &Roll {
        &self.roll
    }

    /// Who is present, and written opinions.
    pub fn attendance(&self) -> &Attendance {
        &self.attendance
    }

    /// 会议日期.
    pub fn session(&self) -> NaiveDate {
        self.session
    }

    /// Open or closed.
    pub fn status(&self) -> VoteStatus {
        self.status
    }
}

impl VoteRecord {
    /// The record of a new vote, with the id the store assigned.
    pub fn from_new(id: VoteId, new: NewVote) -> Self {
        Self {
            id,
            org: new.org,
            kind: new.kind,
            roll: new.roll,
            attendance: Attendance::default(),
            session: new.session,
            status: VoteStatus::Open,
        }
    }

    /// The record with `attendance` in place of its own (for store
    /// implementations: a check-in or a written opinion, checked with
    /// [`Attendance::check_in`] or [`Attendance::written_opinion`]
    /// against [`VoteRecord::roll`], then stored).
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use dangjian::election::*;
    /// # use dangjian::{MemberId, OrgId};
    /// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    /// let roll = Roll::from_parts(OrgId::new(2), on, (1..=3).map(MemberId::new), []);
    /// let motion = Motion::new(MotionKind::Discipline, MemberId::new(3), &roll)?;
    /// let new = NewVote { org: OrgId::new(2), kind: VoteKind::Motion(motion), roll, session: on };
    /// let v = VoteRecord::from_new(VoteId::new(1), new);
    /// let mut attendance = v.attendance().clone();
    /// attendance.check_in(v.roll(), MemberId::new(1), AttendanceMode::InPerson)?;
    /// let v = v.with_attendance(attendance).with_status(VoteStatus::Closed);
    /// assert_eq!((v.attendance().present_count(), v.status()), (1, VoteStatus::Closed));
    /// # Ok::<(), ElectionError>(())
    /// ```
    pub fn with_attendance(self, attendance: Attendance) -> Self {
        Self { attendance, ..self }
    }

    /// The record with `status` (for store implementations: closing a vote).
    pub fn with_status(self, status: VoteStatus) -> Self {
        Self { status, ..self }
    }

    /// 到会情况 for the count: entitled, present, ballots issued (one to
    /// each entitled member present) and `voted`.
    pub fn turnout(&self, voted: u32) -> Turnout {
        let present = self.attendance.present_count();
        Turnout {
            entitled: self.roll.entitled_count(),
            present,
            issued: present,
            voted,
        }
    }
}
