//! 投票请求 (vote requests): one request type per write of
//! [`crate::service::VotesHandle`].

use super::{AttendanceMode, BallotPaper, ElectionBuilder, Grade, MotionKind};
use super::{Round, VoteId, WrittenOpinion};
use crate::{MemberId, OrgId};
use std::collections::BTreeMap;

/// 发起选举 (open an election in `org`, held today).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OpenElection {
    /// The organisation electing.
    pub org: OrgId,
    /// The set-up (body, seats, candidates).
    pub setup: ElectionBuilder,
}

impl OpenElection {
    /// Opens the election `setup` describes in `org`.
    pub fn new(org: OrgId, setup: ElectionBuilder) -> Self {
        Self { org, setup }
    }
}

/// 重新投票 / 另行选举 (the next round of a closed election).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NextRound {
    /// The closed round before.
    pub previous: VoteId,
    /// A run-off among the tied, or a further round among the unelected.
    pub round: Round,
    /// The candidates of the round.
    pub candidates: Vec<MemberId>,
    /// The seats to fill.
    pub seats: u32,
}

impl NextRound {
    /// A `round` after `previous` among `candidates` for `seats`.
    pub fn new(previous: VoteId, round: Round, candidates: Vec<MemberId>, seats: u32) -> Self {
        Self {
            previous,
            round,
            candidates,
            seats,
        }
    }
}

/// 发起表决 (a branch assembly vote on one person).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenMotion {
    /// The organisation voting.
    pub org: OrgId,
    /// Admission, conversion, extension or discipline.
    pub kind: MotionKind,
    /// The person voted on.
    pub subject: MemberId,
}

impl OpenMotion {
    /// A motion of `kind` about `subject` in `org`.
    pub fn new(org: OrgId, kind: MotionKind, subject: MemberId) -> Self {
        Self { org, kind, subject }
    }
}

/// 签到 (a check-in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckIn {
    /// The vote.
    pub vote: VoteId,
    /// Who is present.
    pub member: MemberId,
    /// In person or online.
    pub mode: AttendanceMode,
}

impl CheckIn {
    /// `member` is present at `vote` by `mode`.
    pub fn new(vote: VoteId, member: MemberId, mode: AttendanceMode) -> Self {
        Self { vote, member, mode }
    }
}

/// 书面意见 (an absent member's written opinion on a motion).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordOpinion {
    /// The vote.
    pub vote: VoteId,
    /// The absent member.
    pub member: MemberId,
    /// The opinion.
    pub opinion: WrittenOpinion,
}

impl RecordOpinion {
    /// `member`'s written `opinion` on `vote`.
    pub fn new(vote: VoteId, member: MemberId, opinion: WrittenOpinion) -> Self {
        Self {
            vote,
            member,
            opinion,
        }
    }
}

/// 投票 (a ballot paper for a vote).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Cast {
    /// The vote.
    pub vote: VoteId,
    /// The marked paper.
    pub paper: BallotPaper,
}

impl Cast {
    /// Casts `paper` in `vote`.
    pub fn new(vote: VoteId, paper: BallotPaper) -> Self {
        Self { vote, paper }
    }
}

/// 民主评议 (grades for the members of `org` for `year`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Appraise {
    /// The organisation appraising.
    pub org: OrgId,
    /// The year appraised.
    pub year: i32,
    /// The grades given.
    pub grades: BTreeMap<MemberId, Grade>,
}

impl Appraise {
    /// Grades for `org`'s members for `year`.
    pub fn new(org: OrgId, year: i32, grades: BTreeMap<MemberId, Grade>) -> Self {
        Self { org, year, grades }
    }
}
