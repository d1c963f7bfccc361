//! 选举错误 (vote errors): why a vote, a ballot or an appraisal was refused.

use crate::MemberId;
use chrono::NaiveDate;

use super::electorate::NotEntitledReason;
use super::setup::Body;

/// 选举错误 (vote error): a refused election set-up, ballot, count, motion
/// or appraisal. Nothing is stored. [Election 2020; Development 2014
/// Art. 27; Branch 2018]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ElectionError {
    /// 应选名额: the number of seats must be at least 1.
    #[error("the number of seats must be at least 1 (got {0})")]
    NoSeats(i64),
    /// 监票人: a scrutineer must be an elector (entitled to vote).
    /// [Election 2020; `docs/RULES.md` VOTE-13]
    #[error("{0} may not be a scrutineer: not an elector of this election")]
    ScrutineerNotElector(MemberId),
    /// 监票人: a candidate may not be a scrutineer. [Election 2020; VOTE-13]
    #[error("{0} may not be a scrutineer: a candidate of this election")]
    ScrutineerIsCandidate(MemberId),
    /// 应选名额多于候选人: more seats than candidates.
    #[error("{seats} seats but only {candidates} candidates")]
    MoreSeatsThanCandidates {
        /// Seats to fill.
        seats: u32,
        /// Candidates listed.
        candidates: usize,
    },
    /// 差额选举: fewer candidates than seats × 1.2 rounded up.
    /// [Election 2020]
    #[error(
        "a competitive election for {seats} seats needs at least {required} candidates (20% more, rounded up); {candidates} listed"
    )]
    TooFewCandidates {
        /// Seats to fill.
        seats: u32,
        /// The minimum number of candidates.
        required: u32,
        /// Candidates listed.
        candidates: usize,
    },
    /// 候选人资格: a candidate (or write-in) may not stand.
    #[error("{member} may not stand: {reason}")]
    NotEntitledToStand {
        /// The person.
        member: MemberId,
        /// Why.
        reason: NotEntitledReason,
    },
    /// The same candidate twice on the list or the ballot.
    #[error("{0} is listed twice")]
    DuplicateCandidate(MemberId),
    /// A ballot holds at most [`super::MAX_CANDIDATES`] listed candidates.
    #[error("at most {max} candidates fit on a ballot; {got} listed")]
    TooManyCandidates {
        /// The limit.
        max: usize,
        /// Candidates listed.
        got: usize,
    },
    /// A body the organisation may not elect with these seats or this
    /// membership. [Branch 2018 Art. 20]
    #[error("{body:?}: {why}")]
    BodyNotAllowed {
        /// The body.
        body: Body,
        /// Why.
        why: String,
    },
    /// 任期: the term does not match the regulation, or the election is
    /// early or late by more than the allowed year, or without the higher
    /// committee's approval. [Election 2020 Art. 4]
    #[error("term: {0}")]
    Term(String),
    /// A required field of the builder is missing.
    #[error("missing {0}")]
    Missing(&'static str),
    /// No election rules are in force on the date, or the named version
    /// does not exist.
    #[error("no election rules: {0}")]
    NoRules(String),
    /// A mark for someone not on the candidate list.
    #[error("{0} is not a candidate in this election")]
    UnknownCandidate(MemberId),
    /// 另选他人: this election does not allow write-ins.
    #[error("this election does not allow write-in candidates (另选他人)")]
    WriteInNotAllowed,
    /// A write-in of someone already on the list.
    #[error("{0} is on the candidate list; mark them instead of writing them in")]
    WriteInIsCandidate(MemberId),
    /// A voter not on the roll, or on it but not entitled.
    #[error("{member} is not entitled to vote here: {why}")]
    NotOnRoll {
        /// The person.
        member: MemberId,
        /// Why.
        why: String,
    },
    /// The person already voted in this vote.
    #[error("{0} has already voted")]
    AlreadyVoted(MemberId),
    /// 投票已结束: the vote is closed.
    #[error("the vote is closed")]
    Closed,
    /// 结果未公布: results and ballots are available only after closing.
    #[error("the vote is still open; results are available only after it closes")]
    StillOpen,
    /// A written opinion from someone present, or in an election.
    #[error("written opinion refused: {0}")]
    WrittenOpinion(String),
    /// This operation does not apply to this kind of vote.
    #[error("wrong kind of vote: {0}")]
    WrongKind(&'static str),
    /// 民主评议: a grade refused.
    #[error("appraisal: {0}")]
    Appraisal(String),
    /// 优秀比例: more 优秀 grades than the cap allows.
    #[error("{given} graded 优秀 but at most {cap} of {graded} may be")]
    ExcellentOverCap {
        /// The cap.
        cap: u32,
        /// Grades of 优秀 given.
        given: u32,
        /// Members graded.
        graded: u32,
    },
    /// An evaluation response that does not fit the form.
    #[error("evaluation response: {0}")]
    Evaluation(String),
    /// A date the vote cannot use.
    #[error("date {date}: {why}")]
    Date {
        /// The date.
        date: NaiveDate,
        /// Why.
        why: &'static str,
    },
}

impl ElectionError {
    /// Whether the input itself was malformed (an unknown candidate, a
    /// missing field), rather than well-formed but against a rule.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Self::NoSeats(_)
                | Self::DuplicateCandidate(_)
                | Self::TooManyCandidates { .. }
                | Self::Missing(_)
                | Self::UnknownCandidate(_)
                | Self::WriteInIsCandidate(_)
                | Self::Evaluation(_)
        )
    }
}
