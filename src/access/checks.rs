//! The access checks (三级管理, `docs/RULES.md` MEM-1, MEM-6, MEM-14): one
//! pure function per kind of act, over the tree and a member's placement.

use super::{Action, Actor, Denied, Placement, Role, Scope};
use crate::org::OrgTree;
use crate::{MemberId, OrgId};
use std::fmt;

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

fn reads_home_line(actor: &Actor, p: &Placement, tree: &OrgTree) -> bool {
    actor.is_reader() && actor.covers_org(p.home, tree)
}

fn reads_location(actor: &Actor, p: &Placement, tree: &OrgTree) -> bool {
    actor.is_reader() && p.mobile_location.is_some_and(|o| actor.covers_org(o, tree))
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
        || reads_home_line(actor, p, tree)
        || reads_location(actor, p, tree)
        || (actor.is_reader()
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
/// and the current location (`docs/RULES.md` MEM-6).
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
    let ok =
        actor.is_self(member) || reads_home_line(actor, p, tree) || reads_location(actor, p, tree);
    ok.then_some(())
        .ok_or_else(|| deny(actor, Action::ReadRecord, member))
}

/// May `actor` append `activity` to member `member`'s activity record? An
/// officer of the home line or the current location; the member for their
/// own online check-in. Only the [`crate::record::Appendable`] kinds can be
/// appended at all, and only by an actor the entry can name (a member, a
/// job, or an officer account of an organisation; `docs/RULES.md` MEM-5a).
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_append_record(
    actor: &Actor,
    member: MemberId,
    p: &Placement,
    activity: &crate::record::Appendable,
    tree: &OrgTree,
) -> Result<(), Denied> {
    let own_check_in = actor.is_self(member)
        && matches!(activity, crate::record::Appendable::OnlineCheckIn { .. });
    // Each appended entry names who appended it (MEM-5a): an account that
    // names no member, no job and no organisation (the bare platform
    // administrator) appends nothing.
    let names_someone = actor.acted_by().is_some() || matches!(actor.scope, Scope::Subtree(_));
    let ok = names_someone
        && (own_check_in || covers_home_line(actor, p, tree) || covers_location(actor, p, tree));
    ok.then_some(())
        .ok_or_else(|| deny(actor, Action::AppendRecord, member))
}

/// May `actor` read organisation `org` and its subtree? Any officer whose
/// scope covers it.
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_read_org(actor: &Actor, org: OrgId, tree: &OrgTree) -> Result<(), Denied> {
    (actor.is_reader() && actor.covers_org(org, tree))
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
/// member's home branch (三级管理, `docs/RULES.md` MEM-14).
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

/// May `actor` broadcast from, or manage the messages of, organisation
/// `org`? An officer (branch, committee, platform) or a scheduled job (a
/// delivery-receipt callback, a scheduled broadcast) whose scope covers
/// it.
/// [`docs/RULES.md` NOTE-9]
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_notify(actor: &Actor, org: OrgId, tree: &OrgTree) -> Result<(), Denied> {
    ((actor.is_officer() || actor.role == Role::System) && actor.covers_org(org, tree))
        .then_some(())
        .ok_or_else(|| deny(actor, Action::Notify, org))
}

/// May `actor` run the dispatcher and the deadline scan? A scheduled job
/// or the platform administrator, over the whole platform (the outbox is
/// one queue). [`docs/RULES.md` NOTE-6]
///
/// # Errors
/// [`Denied`] otherwise.
pub fn check_dispatch(actor: &Actor) -> Result<(), Denied> {
    (matches!(actor.role, Role::System | Role::PlatformAdmin) && actor.scope == Scope::All)
        .then_some(())
        .ok_or_else(|| deny(actor, Action::Dispatch, "the outbox"))
}

/// 党务公开: may `actor` propose, review, approve, publish or withdraw the
/// items of `org`, or answer its applications? A branch or committee
/// officer whose scope covers it (the office a review or an approval also
/// needs is checked against the office holders, `docs/RULES.md` DISC-7).
///
/// # Errors
/// [`Denied`] otherwise (members, treasurers, jobs, the platform
/// administrator: disclosure is the organisation's own act).
pub fn check_disclose(actor: &Actor, org: OrgId, tree: &OrgTree) -> Result<(), Denied> {
    let officer = matches!(actor.role, Role::BranchOfficer | Role::CommitteeOfficer);
    (officer && actor.covers_org(org, tree))
        .then_some(())
        .ok_or_else(|| deny(actor, Action::Disclose, org))
}
