//! 三级管理 (scoped access): who may read and write what.
//!
//! Every service call takes an [`Actor`]. An actor has a [`Role`] and a
//! [`Scope`]: the whole platform, an organisation subtree (a committee or a
//! branch and everything below it), or one member alone. The checks here are
//! pure functions over the organisation tree and a member's [`Placement`];
//! services call them before touching the store, so a refused call changes
//! nothing. The rules (`../shared/DOMAIN.md` §2, seed 003):
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

use crate::org::OrgTree;
use crate::{MemberId, OrgId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// 角色: what an actor is in the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
}

/// 管理范围: the part of the organisation an actor acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// Everything (platform administration).
    All,
    /// An organisation and everything below it.
    Subtree(OrgId),
    /// One member's own record.
    Member(MemberId),
}

/// 操作者: who is calling, in what role and scope.
///
/// ```
/// use dangjian::access::{Actor, Role, Scope};
/// use dangjian::{MemberId, OrgId};
/// let secretary = Actor::branch_officer(MemberId::new(5), OrgId::new(2));
/// assert_eq!(secretary.role(), Role::BranchOfficer);
/// assert_eq!(secretary.scope(), Scope::Subtree(OrgId::new(2)));
/// let me = Actor::member(MemberId::new(9));
/// assert_eq!(me.scope(), Scope::Member(MemberId::new(9)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    member: Option<MemberId>,
    role: Role,
    scope: Scope,
}

impl Actor {
    /// A member acting for themselves.
    pub fn member(member: MemberId) -> Self {
        Self {
            member: Some(member),
            role: Role::Member,
            scope: Scope::Member(member),
        }
    }

    /// A branch secretary or branch committee member of `branch`.
    pub fn branch_officer(member: MemberId, branch: OrgId) -> Self {
        Self {
            member: Some(member),
            role: Role::BranchOfficer,
            scope: Scope::Subtree(branch),
        }
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
    pub fn branch_treasurer(member: MemberId, branch: OrgId) -> Self {
        Self {
            member: Some(member),
            role: Role::BranchTreasurer,
            scope: Scope::Subtree(branch),
        }
    }

    /// A committee member or organiser of `org` (a committee or general
    /// branch), acting on its whole subtree.
    pub fn committee_officer(member: MemberId, org: OrgId) -> Self {
        Self {
            member: Some(member),
            role: Role::CommitteeOfficer,
            scope: Scope::Subtree(org),
        }
    }

    /// The platform administrator (not necessarily a member).
    pub fn platform_admin() -> Self {
        Self {
            member: None,
            role: Role::PlatformAdmin,
            scope: Scope::All,
        }
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

    /// Whether the actor's scope covers organisation `org`.
    pub fn covers_org(&self, org: OrgId, tree: &OrgTree) -> bool {
        match self.scope {
            Scope::All => true,
            Scope::Subtree(root) => tree.is_within(org, root),
            Scope::Member(_) => false,
        }
    }

    fn is_officer(&self) -> bool {
        matches!(
            self.role,
            Role::BranchOfficer | Role::CommitteeOfficer | Role::PlatformAdmin
        )
    }

    fn is_dues_officer(&self) -> bool {
        self.is_officer() || self.role == Role::BranchTreasurer
    }

    fn is_self(&self, member: MemberId) -> bool {
        self.scope == Scope::Member(member)
    }
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
        let scope = match self.scope {
            Scope::All => "all".to_owned(),
            Scope::Subtree(o) => format!("subtree of {o}"),
            Scope::Member(m) => format!("{m} only"),
        };
        write!(
            f,
            "{:?} with scope {scope} may not {:?} {}",
            self.role, self.action, self.target
        )
    }
}

fn deny(actor: &Actor, action: Action, target: impl fmt::Display) -> Denied {
    Denied {
        role: actor.role,
        scope: actor.scope,
        action,
        target: target.to_string(),
    }
}

fn covers_home_line(actor: &Actor, p: &Placement, tree: &OrgTree) -> bool {
    actor.is_officer() && actor.covers_org(p.home, tree)
}

fn covers_location(actor: &Actor, p: &Placement, tree: &OrgTree) -> bool {
    actor.is_officer() && p.mobile_location.is_some_and(|o| actor.covers_org(o, tree))
}

/// May `actor` read member `member`'s profile?
///
/// Self, the home line, the current location, a dual-managing organisation
/// and the online branches the member joined.
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_read_member(
    actor: &Actor,
    member: MemberId,
    p: &Placement,
    tree: &OrgTree,
) -> Result<(), Denied> {
    let ok = actor.is_self(member)
        || covers_home_line(actor, p, tree)
        || covers_location(actor, p, tree)
        || (actor.is_officer()
            && (p.dual.is_some_and(|o| actor.covers_org(o, tree))
                || p.online.iter().any(|o| actor.covers_org(*o, tree))));
    ok.then_some(())
        .ok_or_else(|| deny(actor, Action::ReadMember, member))
}

/// May `actor` change member `member`'s record, memberships or lifecycle?
/// Only an officer of the home line.
///
/// # Errors
/// [`Denied`] otherwise: the member themselves, the current location, online
/// branches and other branches are refused.
pub fn check_manage_member(
    actor: &Actor,
    member: MemberId,
    p: &Placement,
    tree: &OrgTree,
) -> Result<(), Denied> {
    covers_home_line(actor, p, tree)
        .then_some(())
        .ok_or_else(|| deny(actor, Action::ManageMember, member))
}

/// May `actor` read member `member`'s activity record? Self, the home line
/// and the current location (`../shared/DOMAIN.md` §2).
///
/// ```
/// use dangjian::access::{check_read_record, Actor, Placement};
/// use dangjian::org::{BranchForm, OrgKind, OrgTree, Organisation};
/// use dangjian::{MemberId, OrgId};
/// let org = |id, kind, parent| Organisation {
///     id: OrgId::new(id), name: format!("org {id}").parse().unwrap(), kind, parent, version: 0,
/// };
/// let branch = OrgKind::Branch(BranchForm::Physical);
/// let tree = OrgTree::from_orgs([
///     org(1, OrgKind::GrassrootsCommittee, None),
///     org(2, branch.clone(), Some(OrgId::new(1))),
///     org(3, branch.clone(), Some(OrgId::new(1))),
///     org(4, branch, None),
/// ])?;
/// let p = Placement { home: OrgId::new(2), mobile_location: Some(OrgId::new(4)), dual: None, online: vec![] };
/// let m = MemberId::new(7);
/// assert!(check_read_record(&Actor::committee_officer(MemberId::new(1), OrgId::new(1)), m, &p, &tree).is_ok());
/// assert!(check_read_record(&Actor::branch_officer(MemberId::new(2), OrgId::new(4)), m, &p, &tree).is_ok());
/// assert!(check_read_record(&Actor::branch_officer(MemberId::new(3), OrgId::new(3)), m, &p, &tree).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_read_record(
    actor: &Actor,
    member: MemberId,
    p: &Placement,
    tree: &OrgTree,
) -> Result<(), Denied> {
    let ok = actor.is_self(member)
        || covers_home_line(actor, p, tree)
        || covers_location(actor, p, tree);
    ok.then_some(())
        .ok_or_else(|| deny(actor, Action::ReadRecord, member))
}

/// May `actor` append `activity` to member `member`'s activity record? An
/// officer of the home line or the current location; the member for their
/// own online check-in.
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_append_record(
    actor: &Actor,
    member: MemberId,
    p: &Placement,
    activity: &crate::record::Activity,
    tree: &OrgTree,
) -> Result<(), Denied> {
    let own_check_in =
        actor.is_self(member) && matches!(activity, crate::record::Activity::OnlineCheckIn { .. });
    let ok = own_check_in || covers_home_line(actor, p, tree) || covers_location(actor, p, tree);
    ok.then_some(())
        .ok_or_else(|| deny(actor, Action::AppendRecord, member))
}

/// May `actor` read organisation `org` and its subtree? Any officer whose
/// scope covers it.
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_read_org(actor: &Actor, org: OrgId, tree: &OrgTree) -> Result<(), Denied> {
    (actor.is_officer() && actor.covers_org(org, tree))
        .then_some(())
        .ok_or_else(|| deny(actor, Action::ReadOrg, org))
}

/// May `actor` create an organisation of `kind` under `parent` (or a root
/// when `parent` is `None`), or change `parent`'s child? Roots: the platform
/// administrator. Below a parent: a committee officer covering it, or a
/// branch officer adding a party group to their own branch.
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_manage_org(
    actor: &Actor,
    parent: Option<OrgId>,
    kind: &crate::org::OrgKind,
    tree: &OrgTree,
) -> Result<(), Denied> {
    let ok = match (actor.role, parent) {
        (Role::PlatformAdmin, _) => true,
        (Role::CommitteeOfficer, Some(p)) => actor.covers_org(p, tree),
        (Role::BranchOfficer, Some(p)) => {
            matches!(kind, crate::org::OrgKind::PartyGroup) && actor.covers_org(p, tree)
        }
        _ => false,
    };
    let target = parent.map_or_else(|| "a new root".to_owned(), |p| p.to_string());
    ok.then_some(())
        .ok_or_else(|| deny(actor, Action::ManageOrg, target))
}

/// May `actor` read member `member`'s dues statement (党费明细)? The member
/// themselves; a treasurer, secretary or committee officer covering the
/// member's home branch (seed 004: 三级管理).
///
/// ```
/// use dangjian::access::{check_read_dues, Actor, Placement};
/// use dangjian::org::{BranchForm, OrgKind, OrgTree, Organisation};
/// use dangjian::{MemberId, OrgId};
/// let org = |id, kind, parent| Organisation {
///     id: OrgId::new(id), name: format!("org {id}").parse().unwrap(), kind, parent, version: 0,
/// };
/// let branch = OrgKind::Branch(BranchForm::Physical);
/// let tree = OrgTree::from_orgs([
///     org(1, OrgKind::GrassrootsCommittee, None),
///     org(2, branch.clone(), Some(OrgId::new(1))),
///     org(3, branch, Some(OrgId::new(1))),
/// ])?;
/// let p = Placement { home: OrgId::new(2), mobile_location: None, dual: None, online: vec![] };
/// let m = MemberId::new(7);
/// assert!(check_read_dues(&Actor::member(m), m, &p, &tree).is_ok());
/// assert!(check_read_dues(&Actor::branch_treasurer(MemberId::new(1), OrgId::new(2)), m, &p, &tree).is_ok());
/// assert!(check_read_dues(&Actor::branch_treasurer(MemberId::new(1), OrgId::new(3)), m, &p, &tree).is_err());
/// assert!(check_read_dues(&Actor::member(MemberId::new(8)), m, &p, &tree).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_read_dues(
    actor: &Actor,
    member: MemberId,
    p: &Placement,
    tree: &OrgTree,
) -> Result<(), Denied> {
    (actor.is_self(member) || (actor.is_dues_officer() && actor.covers_org(p.home, tree)))
        .then_some(())
        .ok_or_else(|| deny(actor, Action::ReadDues, member))
}

/// May `actor` read the dues of organisation `org` (its ledger, reports,
/// unpaid list)? A treasurer or secretary of a branch covering it; a
/// committee officer covering it (its subtree).
///
/// # Errors
/// [`Denied`] otherwise (members included).
pub fn check_read_branch_dues(actor: &Actor, org: OrgId, tree: &OrgTree) -> Result<(), Denied> {
    (actor.is_dues_officer() && actor.covers_org(org, tree))
        .then_some(())
        .ok_or_else(|| deny(actor, Action::ReadBranchDues, org))
}

/// May `actor` record dues for branch `branch` (assessments, payments,
/// reliefs, reversals, self-departure cases)? Its treasurer or secretary,
/// or a committee officer covering it.
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_manage_dues(actor: &Actor, branch: OrgId, tree: &OrgTree) -> Result<(), Denied> {
    (actor.is_dues_officer() && actor.covers_org(branch, tree))
        .then_some(())
        .ok_or_else(|| deny(actor, Action::ManageDues, branch))
}

/// 组织投票: may `actor` open, run (check-in, written opinions) and close a
/// vote of `org`? A branch officer for their own branch, a committee
/// officer for their subtree. [Branch 2018; Election 2020]
///
/// ```
/// use dangjian::access::{check_run_vote, Actor};
/// use dangjian::org::{BranchForm, OrgKind, OrgTree, Organisation};
/// use dangjian::{MemberId, OrgId};
/// let org = |id, kind, parent| Organisation {
///     id: OrgId::new(id), name: format!("org {id}").parse().unwrap(), kind, parent, version: 0,
/// };
/// let tree = OrgTree::from_orgs([
///     org(1, OrgKind::GrassrootsCommittee, None),
///     org(2, OrgKind::Branch(BranchForm::Physical), Some(OrgId::new(1))),
///     org(3, OrgKind::Branch(BranchForm::Physical), Some(OrgId::new(1))),
/// ])?;
/// let b = OrgId::new(2);
/// assert!(check_run_vote(&Actor::branch_officer(MemberId::new(1), b), b, &tree).is_ok());
/// assert!(check_run_vote(&Actor::committee_officer(MemberId::new(1), OrgId::new(1)), b, &tree).is_ok());
/// assert!(check_run_vote(&Actor::branch_officer(MemberId::new(1), OrgId::new(3)), b, &tree).is_err());
/// assert!(check_run_vote(&Actor::member(MemberId::new(1)), b, &tree).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Denied`] otherwise (members, the platform administrator, other
/// branches).
pub fn check_run_vote(actor: &Actor, org: OrgId, tree: &OrgTree) -> Result<(), Denied> {
    let officer = matches!(actor.role, Role::BranchOfficer | Role::CommitteeOfficer);
    (officer && actor.covers_org(org, tree))
        .then_some(())
        .ok_or_else(|| deny(actor, Action::RunVote, org))
}

/// 投票: who casts with `actor`? Only a member acting for themselves (an
/// officer votes as a member, never for someone else). Returns the voter.
///
/// # Errors
/// [`Denied`] for any other actor.
pub fn check_cast(actor: &Actor, org: OrgId) -> Result<MemberId, Denied> {
    match actor.scope {
        Scope::Member(m) if actor.role == Role::Member => Ok(m),
        _ => Err(deny(actor, Action::CastBallot, org)),
    }
}

/// 查看结果: may `actor` read the published results of a vote of `org`
/// whose roll lists `on_roll`? An officer who may run it, or a member on
/// the roll.
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_read_vote_results(
    actor: &Actor,
    org: OrgId,
    on_roll: impl Fn(MemberId) -> bool,
    tree: &OrgTree,
) -> Result<(), Denied> {
    let member = matches!(actor.scope, Scope::Member(m) if on_roll(m));
    let officer = check_run_vote(actor, org, tree).is_ok();
    (member || officer)
        .then_some(())
        .ok_or_else(|| deny(actor, Action::ReadVoteResults, org))
}
