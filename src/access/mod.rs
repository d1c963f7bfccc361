//! 三级管理 (scoped access): who may read and write what.
//!
//! Every service call takes an [`Actor`]. An actor has a [`Role`] and a
//! [`Scope`]: the whole platform, an organisation subtree (a committee or a
//! branch and everything below it), or one member alone. The checks here are
//! pure functions over the organisation tree and a member's [`Placement`];
//! services call them before touching the store, so a refused call changes
//! nothing. The rules (`docs/RULES.md` MEM-1, MEM-6, MEM-14):
//!
//! - a member's record and activity record are readable by the member, by
//!   the home branch and its ancestors, and by a mobile member's
//!   current-location organisation (and the organisations above it);
//! - the member's memberships and lifecycle are changed only from the home
//!   line (home branch and ancestors), never from the current location;
//! - the activity record is appended to from the home line or the current
//!   location; a member may add their own online check-in;
//! - online branches and dual-managing organisations see the member's
//!   profile, not the activity record.
//!
//! The integrator authenticates the person (OA login, SSO) and builds the
//! actor from its own role table: the library trusts the actor it is given
//! and enforces its scope.

mod checks;

pub use checks::{
    check_append_record, check_cast, check_disclose, check_dispatch, check_manage_dues,
    check_manage_member, check_manage_org, check_notify, check_read_branch_dues, check_read_dues,
    check_read_member, check_read_org, check_read_record, check_read_vote_results, check_run_vote,
};

use crate::org::OrgTree;
use crate::{MemberId, OrgId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// 角色: what an actor is in the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// 党员: an ordinary member (or applicant) acting for themselves.
    Member,
    /// 支部书记 / 支委: a branch secretary or committee member.
    BranchOfficer,
    /// 党委委员 / 组织员: a committee member or organiser of a committee or
    /// general branch.
    CommitteeOfficer,
    /// 平台管理员: the integrator's administrator of the whole platform
    /// (sets up the tree).
    PlatformAdmin,
    /// 支部组织委员/党费收缴人 (branch treasurer): collects and records dues
    /// for one branch, nothing else (refused by every member-management,
    /// record and organisation check).
    BranchTreasurer,
    /// 系统任务 (scheduled work): scans, dispatch, pruning. Reads what its
    /// scope covers and does the scheduled dues work (assessments, the
    /// arrears scan, a gateway's payments); never manages members,
    /// organisations or votes.
    System,
    /// 社会公众 (the public): reads only what is published to society.
    Public,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Member => "a member",
            Self::BranchOfficer => "a branch officer",
            Self::CommitteeOfficer => "a committee officer",
            Self::PlatformAdmin => "the platform administrator",
            Self::BranchTreasurer => "a branch treasurer",
            Self::System => "a scheduled job",
            Self::Public => "the public",
        })
    }
}

/// 管理范围: the part of the organisation an actor acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scope {
    /// Everything (platform administration, platform-wide jobs).
    All,
    /// An organisation and everything below it.
    Subtree(OrgId),
    /// One member's own record.
    Member(MemberId),
    /// What is published to society, nothing else.
    Public,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::All => f.write_str("the whole platform"),
            Self::Subtree(o) => write!(f, "the subtree of {o}"),
            Self::Member(m) => write!(f, "{m} alone"),
            Self::Public => f.write_str("what is published"),
        }
    }
}

/// 经办人: who is recorded as having acted (in the activity record and,
/// later, the audit): a person by member id, or a scheduled job by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActedBy {
    /// A member (an officer acting, or a member for themselves).
    Member(MemberId),
    /// A scheduled job, by the name it was given.
    System(String),
}

impl fmt::Display for ActedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Member(m) => write!(f, "{m}"),
            Self::System(name) => write!(f, "system:{name}"),
        }
    }
}

/// 操作者: who is calling, in what role and scope.
///
/// An actor is built by the integrator's authentication code (OA login,
/// SSO, a scheduler), never read from a request: it has no `Deserialize`.
/// The library trusts the actor it is given and enforces its scope. An
/// officer's member id is optional; when given, it is recorded as the
/// person who acted.
///
/// ```
/// use dangjian::access::{ActedBy, Actor, Role, Scope};
/// use dangjian::{MemberId, OrgId};
/// let secretary = Actor::branch_officer(MemberId::new(5), OrgId::new(2));
/// assert_eq!(secretary.role(), Role::BranchOfficer);
/// assert_eq!(secretary.scope(), Scope::Subtree(OrgId::new(2)));
/// assert_eq!(secretary.acted_by(), Some(ActedBy::Member(MemberId::new(5))));
/// // An officer account not linked to a member record.
/// let desk = Actor::branch_officer(None, OrgId::new(2));
/// assert_eq!(desk.acted_by(), None);
/// let me = Actor::member(MemberId::new(9));
/// assert_eq!(me.scope(), Scope::Member(MemberId::new(9)));
/// let job = Actor::system("nightly arrears scan");
/// assert_eq!(job.acted_by(), Some(ActedBy::System("nightly arrears scan".into())));
/// ```
///
/// No role and scope but those the constructors make: an actor cannot be
/// read from JSON.
///
/// ```compile_fail
/// let forged: dangjian::access::Actor =
///     serde_json::from_str(r#"{"role":"platform_admin","scope":{"type":"all"}}"#).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor {
    member: Option<MemberId>,
    role: Role,
    scope: Scope,
    name: Option<std::sync::Arc<str>>,
}

impl Actor {
    fn officer(member: impl Into<Option<MemberId>>, role: Role, scope: Scope) -> Self {
        Self {
            member: member.into(),
            role,
            scope,
            name: None,
        }
    }

    /// A member acting for themselves.
    pub fn member(member: MemberId) -> Self {
        Self::officer(member, Role::Member, Scope::Member(member))
    }

    /// A branch secretary or branch committee member of `branch` (the
    /// member id, if the account has one, is recorded as who acted).
    pub fn branch_officer(member: impl Into<Option<MemberId>>, branch: OrgId) -> Self {
        Self::officer(member, Role::BranchOfficer, Scope::Subtree(branch))
    }

    /// The treasurer collecting dues for `branch` (dues only).
    ///
    /// ```
    /// use dangjian::access::{Actor, Role, Scope};
    /// use dangjian::{MemberId, OrgId};
    /// let t = Actor::branch_treasurer(MemberId::new(5), OrgId::new(2));
    /// assert_eq!(t.role(), Role::BranchTreasurer);
    /// assert_eq!(t.scope(), Scope::Subtree(OrgId::new(2)));
    /// ```
    pub fn branch_treasurer(member: impl Into<Option<MemberId>>, branch: OrgId) -> Self {
        Self::officer(member, Role::BranchTreasurer, Scope::Subtree(branch))
    }

    /// A committee member or organiser of `org` (a committee or general
    /// branch), acting on its whole subtree.
    pub fn committee_officer(member: impl Into<Option<MemberId>>, org: OrgId) -> Self {
        Self::officer(member, Role::CommitteeOfficer, Scope::Subtree(org))
    }

    /// The platform administrator (not necessarily a member).
    pub fn platform_admin() -> Self {
        Self::officer(None, Role::PlatformAdmin, Scope::All)
    }

    /// A scheduled job over the whole platform, recorded under `name`
    /// (`"nightly arrears scan"`). See [`Actor::within`] to narrow it.
    pub fn system(name: &str) -> Self {
        Self {
            member: None,
            role: Role::System,
            scope: Scope::All,
            name: Some(name.into()),
        }
    }

    /// The public (社会公众): reads only what is published to society.
    pub fn public() -> Self {
        Self::officer(None, Role::Public, Scope::Public)
    }

    /// This scheduled job narrowed to `org`'s subtree (a county's own
    /// job on a shared platform). Other actors are returned unchanged.
    pub fn within(mut self, org: OrgId) -> Self {
        if self.role == Role::System {
            self.scope = Scope::Subtree(org);
        }
        self
    }

    /// The member behind the actor, if any.
    pub fn member_id(&self) -> Option<MemberId> {
        self.member
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The scope.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// Who is recorded as having acted: the member, or the job's name.
    pub fn acted_by(&self) -> Option<ActedBy> {
        match (&self.name, self.member) {
            (Some(name), _) => Some(ActedBy::System(name.to_string())),
            (None, Some(m)) => Some(ActedBy::Member(m)),
            (None, None) => None,
        }
    }

    /// Whether the actor's scope covers organisation `org`.
    pub fn covers_org(&self, org: OrgId, tree: &OrgTree) -> bool {
        match self.scope {
            Scope::All => true,
            Scope::Subtree(root) => tree.is_within(org, root),
            Scope::Member(_) | Scope::Public => false,
        }
    }

    fn is_officer(&self) -> bool {
        matches!(
            self.role,
            Role::BranchOfficer | Role::CommitteeOfficer | Role::PlatformAdmin
        )
    }

    fn is_reader(&self) -> bool {
        self.is_officer() || self.role == Role::System
    }

    fn is_dues_officer(&self) -> bool {
        self.is_officer() || matches!(self.role, Role::BranchTreasurer | Role::System)
    }

    fn is_self(&self, member: MemberId) -> bool {
        self.scope == Scope::Member(member)
    }
}

/// 可见: whether `subject` lies inside `actor`'s scope at all, whatever
/// the role may do there.
///
/// The services answer a refusal on a subject the actor cannot see with
/// [`crate::Error::NotFound`], the same answer as for an id that does not
/// exist, so nobody can probe which ids exist outside their scope. A
/// refusal on a visible subject is [`crate::Error::PermissionDenied`].
pub fn visible(actor: &Actor, subject: &Subject<'_>, tree: &OrgTree) -> bool {
    match subject {
        Subject::Org(org) => actor.covers_org(*org, tree),
        Subject::Member { id, placement: p } => {
            actor.is_self(*id)
                || [Some(p.home), p.mobile_location, p.dual]
                    .into_iter()
                    .flatten()
                    .chain(p.online.iter().copied())
                    .any(|o| actor.covers_org(o, tree))
        }
        Subject::Vote { org, on_roll } => *on_roll || actor.covers_org(*org, tree),
    }
}

/// 对象: what a call acts on, located before the check.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Subject<'a> {
    /// An organisation (and its subtree).
    Org(OrgId),
    /// A member, where they sit.
    Member {
        /// The member.
        id: MemberId,
        /// Where they sit.
        placement: &'a Placement,
    },
    /// A vote of `org`; `on_roll` when the actor's member is on its roll.
    Vote {
        /// The organisation voting.
        org: OrgId,
        /// Whether the actor's member is on the roll.
        on_roll: bool,
    },
}

/// 党员所在: the organisations a member belongs to, as access checks need
/// them (see [`crate::member::Memberships::placement`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// The home branch.
    pub home: OrgId,
    /// A mobile member's current-location organisation.
    pub mobile_location: Option<OrgId>,
    /// A dual-managing organisation.
    pub dual: Option<OrgId>,
    /// Online branches joined.
    pub online: Vec<OrgId>,
}

/// 操作: what an actor tries to do, for the refusal message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read a member's profile.
    ReadMember,
    /// Change a member's record, memberships or lifecycle.
    ManageMember,
    /// Read a member's activity record.
    ReadRecord,
    /// Append to a member's activity record.
    AppendRecord,
    /// Read an organisation and its subtree.
    ReadOrg,
    /// Create or change an organisation.
    ManageOrg,
    /// 组织投票: open, run and close a vote or election.
    RunVote,
    /// 投票: cast a ballot.
    CastBallot,
    /// 查看结果: read a vote's published results.
    ReadVoteResults,
    /// Read a member's dues statement.
    ReadDues,
    /// Read a branch's or subtree's dues ledger and reports.
    ReadBranchDues,
    /// Record dues (assessments, payments, reliefs, reversals, cases).
    ManageDues,
    /// 群发与消息: broadcast to, and manage the messages of, an
    /// organisation's subtree.
    Notify,
    /// 投递: run the notification dispatcher or scan.
    Dispatch,
    /// 党务公开: propose, review, approve, publish or withdraw the items
    /// of an organisation, and answer its applications.
    Disclose,
}

/// 越权: the refusal, saying who tried what on what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denied {
    /// The actor's role.
    pub role: Role,
    /// The actor's scope.
    pub scope: Scope,
    /// What was attempted.
    pub action: Action,
    /// The target, as text (`member#5`, `org#2`).
    pub target: String,
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} acting on {} may not {} {}",
            self.role, self.scope, self.action, self.target
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ReadMember => "read the record of",
            Self::ManageMember => "change the record of",
            Self::ReadRecord => "read the activity record of",
            Self::AppendRecord => "append to the activity record of",
            Self::ReadOrg => "read",
            Self::ManageOrg => "create or change organisations under",
            Self::RunVote => "run the votes of",
            Self::CastBallot => "cast a ballot in a vote of",
            Self::ReadVoteResults => "read the results of a vote of",
            Self::ReadDues => "read the dues of",
            Self::ReadBranchDues => "read the dues ledger of",
            Self::ManageDues => "record dues for",
            Self::Notify => "send or manage the messages of",
            Self::Dispatch => "run the dispatcher for",
            Self::Disclose => "run the disclosure of",
        })
    }
}
