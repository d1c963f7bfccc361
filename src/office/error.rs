//! 班子成员错误 (office-holder errors).

use crate::MemberId;
use crate::election::VoteId;

/// Why an office-holder write was refused. Nothing was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OfficeError {
    /// 分工 (a portfolio) must be 1 to 20 visible characters.
    #[error("a portfolio is 1 to 20 characters without control or invisible characters: {0:?}")]
    BadPortfolio(String),
    /// The vote is a motion, not an election.
    #[error("{0} is a motion, not an election")]
    NotAnElection(VoteId),
    /// 代表 (delegates) hold no post in the organisation.
    #[error("{0} elected delegates, who hold no post in the organisation")]
    DelegatesHoldNoPost(VoteId),
    /// The vote is still open: results only after closing.
    #[error("{0} is still open; confirm its result after closing")]
    StillOpen(VoteId),
    /// The election elected no one (not quorate, or void).
    #[error("{0} elected no one (not quorate or void)")]
    NoneElected(VoteId),
    /// 只有当选人可以任职: the member was not elected in this vote.
    #[error("{member} was not elected in {vote}")]
    NotElected {
        /// The vote.
        vote: VoteId,
        /// The member named for a post.
        member: MemberId,
    },
    /// A member was given two posts in one confirmation.
    #[error("{0} is given two posts")]
    TwoPosts(MemberId),
    /// More than one secretary (书记).
    #[error("an organisation has one secretary (书记), not {0}")]
    TwoSecretaries(usize),
    /// The result of this vote is already confirmed.
    #[error("the result of {0} is already confirmed")]
    AlreadyConfirmed(VoteId),
    /// A party group (党小组) elects no committee and holds no posts.
    #[error("a party group (党小组) has no committee and no office holders")]
    NoCommittee,
    /// An organisation at the top of the tree has no higher committee to
    /// appoint its office holders.
    #[error("an organisation at the top has no higher committee to appoint its office holders")]
    NoHigherCommittee,
    /// 只设书记: below the full-member threshold a branch has a secretary
    /// alone, no committee. [Branch 2018 Art. 20]
    #[error(
        "a branch of {full} full members (fewer than {threshold}) has a secretary alone, not a {post}"
    )]
    SecretaryAlone {
        /// The branch's full members on the day.
        full: u32,
        /// The threshold (7).
        threshold: u32,
        /// The post asked for.
        post: &'static str,
    },
    /// 委员会人数: the committee would be larger than allowed.
    #[error("a committee has at most {max} members; this makes {size}")]
    CommitteeTooLarge {
        /// The most allowed (7).
        max: u32,
        /// The size it would have.
        size: u32,
    },
    /// The appointee is not a full member on the day.
    #[error("{0} is not a full member on the first day of office")]
    NotFullMember(MemberId),
    /// A date beyond the calendar.
    #[error("the term end of a term from {0} is out of range")]
    DateOutOfRange(chrono::NaiveDate),
}

impl OfficeError {
    /// Whether the input itself was malformed (rather than refused by a rule).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::BadPortfolio(_) | Self::DateOutOfRange(_))
    }
}
