//! 组织关系错误 (membership errors): why a change was refused.

use super::MembershipKind;
use crate::OrgId;
use chrono::NaiveDate;

/// Why a membership change was refused. Nothing is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MembershipError {
    /// The organisation is not in the tree.
    #[error("organisation {0} does not exist")]
    UnknownOrg(OrgId),
    /// 一人一个组织关系: the member already has a home branch.
    #[error(
        "the member already has a home branch ({current}); transfer the relationship instead of adding a second one"
    )]
    SecondHomeBranch {
        /// The current home branch.
        current: OrgId,
    },
    /// Online branches hold activities and votes, not the relationship.
    #[error("{0} is an online branch and cannot hold the organisational relationship")]
    OnlineBranchAsHome(OrgId),
    /// The home must be a physical branch.
    #[error("{0} is not a physical branch and cannot hold the organisational relationship")]
    HomeNotABranch(OrgId),
    /// Only online branches can be joined as such.
    #[error("{0} is not an online branch")]
    NotAnOnlineBranch(OrgId),
    /// A party group must be one of the home branch's own groups.
    #[error("{group} is not a party group of the home branch {home}")]
    GroupOutsideHomeBranch {
        /// The group asked for.
        group: OrgId,
        /// The member's home branch.
        home: OrgId,
    },
    /// A mobile location or dual-management organisation must differ from
    /// the home branch.
    #[error("{0} is the member's home branch")]
    IsHomeBranch(OrgId),
    /// The member already belongs to `org` this way.
    #[error("the member already belongs to {org} as {kind:?}")]
    AlreadyMember {
        /// The organisation.
        org: OrgId,
        /// The kind of membership.
        kind: MembershipKind,
    },
    /// The member does not belong to `org` this way.
    #[error("the member does not belong to {org} as {kind:?}")]
    NotMember {
        /// The organisation.
        org: OrgId,
        /// The kind of membership.
        kind: MembershipKind,
    },
    /// The home branch is transferred, never left.
    #[error("the home branch is transferred, not left")]
    CannotLeaveHome,
    /// Changes are kept in date order.
    #[error("a change dated {date} comes before the previous change on {previous}")]
    DatedBeforePrevious {
        /// The requested date.
        date: NaiveDate,
        /// The date of the latest change.
        previous: NaiveDate,
    },
    /// 出生前: a membership dated before the member's birth.
    #[error("a membership dated {date} is before the birth date {birth_date}")]
    BeforeBirth {
        /// The membership's date.
        date: NaiveDate,
        /// The member's birth date.
        birth_date: NaiveDate,
    },
    /// A party group is joined within the home branch, so not before it.
    #[error("party group {org} joined on {date}, before the home branch from {home_since}")]
    BeforeHomeSince {
        /// The party group.
        org: OrgId,
        /// The date given for it.
        date: NaiveDate,
        /// Since when the home branch holds the relationship.
        home_since: NaiveDate,
    },
    /// A change cannot be dated in the future.
    #[error("a change dated {date} is after today ({today})")]
    InTheFuture {
        /// The requested date.
        date: NaiveDate,
        /// Today, by the injected clock.
        today: NaiveDate,
    },
}
