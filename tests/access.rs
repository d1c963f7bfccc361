//! 三级管理: scoped access (MEM-1, MEM-6, MEM-14), end to end.
//!
//! Two answers to a refusal: a target outside the actor's scope is
//! `NotFound` (the same answer as for an id that does not exist, so nothing
//! outside the scope can be probed); a target inside the scope that the role
//! may not act on is `PermissionDenied`.

mod common;

use common::{d, world};
use dangjian::access::Actor;
use dangjian::lifecycle::{ExitReason, Transition, TransitionRequest};
use dangjian::member::{ChangeMembership, Entry, MembershipKind, MembershipRequest, Registration};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::record::{AppendActivity, Appendable};
use dangjian::service::PageRequest;
use dangjian::{Entity, Error, ErrorKind, MemberId};

/// In scope, but the role may not.
fn denied<T: std::fmt::Debug>(r: Result<T, Error>) -> bool {
    matches!(r.map_err(|e| e.kind()), Err(ErrorKind::PermissionDenied))
}

/// Outside the scope: answered as if it did not exist.
fn not_found<T: std::fmt::Debug>(r: Result<T, Error>) -> bool {
    matches!(r.map_err(|e| e.kind()), Err(ErrorKind::NotFound))
}

#[tokio::test]
async fn secretary_of_a_cannot_read_or_write_a_member_of_b_but_the_committee_can() {
    let w = world().await;
    let m = w.full_member(w.branch_b, 1).await;
    let sa = w.dj.act_as(&w.secretary_a());
    assert!(not_found(sa.members().get(m.id()).await));
    assert!(not_found(
        sa.records().list(m.id(), PageRequest::default()).await
    ));
    let exit = TransitionRequest::Exit {
        on: d(2024, 6, 1),
        reason: ExitReason::Deceased,
    };
    assert!(not_found(
        sa.lifecycle()
            .transition(Transition::new(m.id(), exit.clone()))
            .await
    ));
    let check_in = Appendable::AssistanceVisit {
        description: "慰问".into(),
    };
    assert!(not_found(
        sa.records()
            .append(AppendActivity::new(m.id(), d(2024, 6, 1), check_in.clone()))
            .await
    ));
    assert!(not_found(
        sa.members()
            .list_in(w.branch_b, PageRequest::default())
            .await
    ));
    // The member of B is refused exactly as a member id that does not exist.
    let Err(Error::NotFound { what, id }) = sa.members().get(m.id()).await else {
        panic!("a member outside the scope must read as missing");
    };
    assert_eq!((what, id), (Entity::Member, m.id().get().to_string()));
    let missing = MemberId::new(m.id().get() + 1_000);
    let Err(Error::NotFound { what, .. }) = sa.members().get(missing).await else {
        panic!("a missing member must be NotFound");
    };
    assert_eq!(what, Entity::Member);

    // Nothing changed.
    let c = w.dj.act_as(&w.committee_officer());
    let after = c.members().get(m.id()).await.unwrap();
    assert_eq!(after, m);
    assert!(
        c.records()
            .list(m.id(), PageRequest::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // The committee above both succeeds, and so does B's own secretary.
    assert!(c.members().get(m.id()).await.is_ok());
    assert!(
        c.records()
            .append(AppendActivity::new(m.id(), d(2024, 6, 1), check_in))
            .await
            .is_ok()
    );
    assert!(
        w.dj.act_as(&w.secretary_b())
            .lifecycle()
            .transition(Transition::new(m.id(), exit))
            .await
            .is_ok()
    );
    assert_eq!(
        c.records()
            .list(m.id(), PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}

#[tokio::test]
async fn current_location_sees_the_record_but_cannot_change_the_home_membership() {
    let w = world().await;
    let m = w.full_member(w.branch_a, 2).await;
    let sa = w.dj.act_as(&w.secretary_a());
    let join = MembershipRequest::Join {
        org: w.elsewhere,
        kind: MembershipKind::MobileLocation,
        on: d(2024, 6, 1),
    };
    sa.members()
        .change_membership(ChangeMembership::new(m.id(), join))
        .await
        .unwrap();

    let loc = w.dj.act_as(&w.elsewhere_officer());
    let entry = loc
        .records()
        .append(AppendActivity::new(
            m.id(),
            d(2024, 6, 1),
            Appendable::OnlineCheckIn {
                place: "深圳".into(),
            },
        ))
        .await
        .unwrap();
    assert_eq!(entry.recorded_by, Some(w.elsewhere));
    let entries = |s: &dangjian::Session| {
        let s = s.clone();
        let id = m.id();
        async move {
            s.records()
                .list(id, PageRequest::default())
                .await
                .map(|p| p.items.len())
        }
    };
    assert_eq!(entries(&loc).await.unwrap(), 1);
    assert_eq!(entries(&sa).await.unwrap(), 1);

    // The member is in the location's scope: the refusals are
    // PermissionDenied, not NotFound.
    let before = loc.members().get(m.id()).await.unwrap();
    let take_over = MembershipRequest::TransferHome {
        to: w.elsewhere,
        on: d(2024, 6, 1),
    };
    assert!(denied(
        loc.members()
            .change_membership(ChangeMembership::new(m.id(), take_over))
            .await
    ));
    let leave = MembershipRequest::Leave {
        org: w.elsewhere,
        kind: MembershipKind::MobileLocation,
        on: d(2024, 6, 1),
    };
    assert!(denied(
        loc.members()
            .change_membership(ChangeMembership::new(m.id(), leave))
            .await
    ));
    let exit = TransitionRequest::Exit {
        on: d(2024, 6, 1),
        reason: ExitReason::Removed,
    };
    assert!(denied(
        loc.lifecycle()
            .transition(Transition::new(m.id(), exit))
            .await
    ));
    assert_eq!(loc.members().get(m.id()).await.unwrap(), before);

    // When the member stops being mobile, the location loses sight: the
    // member is outside its scope now.
    let leave = MembershipRequest::Leave {
        org: w.elsewhere,
        kind: MembershipKind::MobileLocation,
        on: d(2024, 6, 1),
    };
    sa.members()
        .change_membership(ChangeMembership::new(m.id(), leave))
        .await
        .unwrap();
    assert!(not_found(entries(&loc).await));
    assert!(not_found(loc.members().get(m.id()).await));
}

#[tokio::test]
async fn a_member_reads_their_own_record_only_and_may_check_in() {
    let w = world().await;
    let me = w.full_member(w.branch_a, 3).await;
    let other = w.full_member(w.branch_a, 4).await;
    let actor = w.dj.act_as(&Actor::member(me.id()));
    assert!(actor.members().get(me.id()).await.is_ok());
    assert!(not_found(actor.members().get(other.id()).await));
    let check_in = Appendable::OnlineCheckIn {
        place: "网上报到".into(),
    };
    assert!(
        actor
            .records()
            .append(AppendActivity::new(
                me.id(),
                d(2024, 6, 1),
                check_in.clone()
            ))
            .await
            .is_ok()
    );
    assert!(not_found(
        actor
            .records()
            .append(AppendActivity::new(other.id(), d(2024, 6, 1), check_in))
            .await
    ));
    // Their own record is in scope; only the kind of entry is refused.
    let reward = Appendable::VolunteerService {
        hours: "8".parse().unwrap(),
        description: "自己记自己".into(),
    };
    assert!(denied(
        actor
            .records()
            .append(AppendActivity::new(me.id(), d(2024, 6, 1), reward))
            .await
    ));
    // A member's scope is themselves: the branch is outside it.
    assert!(not_found(
        actor
            .orgs()
            .subtree(w.branch_a, PageRequest::default())
            .await
    ));
    // Nothing was written beyond the own check-in.
    let own = actor
        .records()
        .list(me.id(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(own.items.len(), 1);
}

#[tokio::test]
async fn online_branch_sees_the_profile_but_not_the_activity_record() {
    let w = world().await;
    let m = w.full_member(w.branch_a, 5).await;
    let join = MembershipRequest::Join {
        org: w.online,
        kind: MembershipKind::Online,
        on: d(2024, 6, 1),
    };
    w.dj.act_as(&w.secretary_a())
        .members()
        .change_membership(ChangeMembership::new(m.id(), join))
        .await
        .unwrap();
    let online_secretary =
        w.dj.act_as(&Actor::branch_officer(MemberId::new(904), w.online));
    assert!(online_secretary.members().get(m.id()).await.is_ok());
    assert_eq!(
        online_secretary
            .members()
            .list_online(w.online, PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    // The member is in the online branch's scope; the activity record and
    // the lifecycle are not its to read or change.
    assert!(denied(
        online_secretary
            .records()
            .list(m.id(), PageRequest::default())
            .await
    ));
    let t = TransitionRequest::Exit {
        on: d(2024, 6, 1),
        reason: ExitReason::Deceased,
    };
    assert!(denied(
        online_secretary
            .lifecycle()
            .transition(Transition::new(m.id(), t))
            .await
    ));
}

#[tokio::test]
async fn only_the_committee_approves_registrations_and_builds_the_tree() {
    let w = world().await;
    let sa = w.dj.act_as(&w.secretary_a());
    let c = w.dj.act_as(&w.committee_officer());
    let reg = Registration::new(
        "赵六".parse().unwrap(),
        common::nth_id_number(77),
        w.branch_a,
        Entry::Application { on: d(2024, 5, 1) },
    );
    let m = sa.members().register(reg).await.unwrap();
    assert!(m.card().is_none());
    // The record is the secretary's own branch's: in scope, but a branch
    // does not approve its own submissions.
    assert!(denied(sa.members().approve(m.id()).await));
    let approved = c.members().approve(m.id()).await.unwrap();
    assert!(approved.card().is_some());
    // Nor may it register and approve in one step.
    let reg = Registration::new(
        "钱七".parse().unwrap(),
        common::nth_id_number(78),
        w.branch_a,
        Entry::Application { on: d(2024, 5, 1) },
    );
    assert!(denied(sa.members().register_approved(reg).await));

    let new = |kind, parent: Option<dangjian::OrgId>| {
        let new = NewOrganisation::new("新组织".parse().unwrap(), kind);
        match parent {
            Some(p) => new.under(p),
            None => new,
        }
    };
    let physical = OrgKind::Branch(BranchForm::Physical);
    // The general branch above the secretary's branch is outside the scope.
    assert!(not_found(
        sa.orgs()
            .create(new(physical.clone(), Some(w.general)))
            .await
    ));
    // A new root is the platform administrator's alone.
    assert!(denied(c.orgs().create(new(physical.clone(), None)).await));
    assert!(
        sa.orgs()
            .create(new(OrgKind::PartyGroup, Some(w.branch_a)))
            .await
            .is_ok()
    );
    assert!(
        c.orgs()
            .create(new(physical, Some(w.general)))
            .await
            .is_ok()
    );
}
