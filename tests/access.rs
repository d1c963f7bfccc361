//! 三级管理: scoped access, as the foundation issue's acceptance states it.

mod common;

use common::{d, world};
use dangjian::ErrorKind;
use dangjian::access::Actor;
use dangjian::lifecycle::{ExitReason, TransitionRequest};
use dangjian::member::{MembershipKind, MembershipRequest};
use dangjian::record::Activity;

fn denied<T: std::fmt::Debug>(r: Result<T, dangjian::Error>) -> bool {
    matches!(r.map_err(|e| e.kind()), Err(ErrorKind::PermissionDenied))
}

#[tokio::test]
async fn secretary_of_a_cannot_read_or_write_a_member_of_b_but_the_committee_can() {
    let w = world().await;
    let m = w.full_member(w.branch_b, 1).await;
    let sa = w.secretary_a();
    assert!(denied(w.dj.member(&sa, m.id).await));
    assert!(denied(w.dj.activity_record(&sa, m.id).await));
    let exit = TransitionRequest::Exit {
        on: d(2024, 6, 1),
        reason: ExitReason::Deceased,
    };
    assert!(denied(w.dj.transition(&sa, m.id, exit.clone()).await));
    let check_in = Activity::AssistanceVisit {
        description: "慰问".into(),
    };
    assert!(denied(
        w.dj.record_activity(&sa, m.id, d(2024, 6, 1), check_in.clone())
            .await
    ));
    assert!(denied(w.dj.subtree_members(&sa, w.branch_b).await));
    // Nothing changed.
    let after = w.dj.member(&w.committee_officer(), m.id).await.unwrap();
    assert_eq!(after, m);
    assert!(
        w.dj.activity_record(&w.committee_officer(), m.id)
            .await
            .unwrap()
            .is_empty()
    );

    // The committee above both succeeds, and so does B's own secretary.
    let c = w.committee_officer();
    assert!(w.dj.member(&c, m.id).await.is_ok());
    assert!(
        w.dj.record_activity(&c, m.id, d(2024, 6, 1), check_in)
            .await
            .is_ok()
    );
    assert!(w.dj.transition(&w.secretary_b(), m.id, exit).await.is_ok());
    assert_eq!(w.dj.activity_record(&c, m.id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn current_location_sees_the_record_but_cannot_change_the_home_membership() {
    let w = world().await;
    let m = w.full_member(w.branch_a, 2).await;
    let join = MembershipRequest::Join {
        org: w.elsewhere,
        kind: MembershipKind::MobileLocation,
        on: d(2024, 6, 1),
    };
    w.dj.change_membership(&w.secretary_a(), m.id, join)
        .await
        .unwrap();

    let loc = w.elsewhere_officer();
    let entry =
        w.dj.record_activity(
            &loc,
            m.id,
            d(2024, 6, 1),
            Activity::OnlineCheckIn {
                place: "深圳".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(entry.recorded_by, Some(w.elsewhere));
    assert_eq!(w.dj.activity_record(&loc, m.id).await.unwrap().len(), 1);
    assert_eq!(
        w.dj.activity_record(&w.secretary_a(), m.id)
            .await
            .unwrap()
            .len(),
        1
    );

    let before = w.dj.member(&loc, m.id).await.unwrap();
    let take_over = MembershipRequest::TransferHome {
        to: w.elsewhere,
        on: d(2024, 6, 1),
    };
    assert!(denied(w.dj.change_membership(&loc, m.id, take_over).await));
    let leave = MembershipRequest::Leave {
        org: w.elsewhere,
        kind: MembershipKind::MobileLocation,
        on: d(2024, 6, 1),
    };
    assert!(denied(w.dj.change_membership(&loc, m.id, leave).await));
    let exit = TransitionRequest::Exit {
        on: d(2024, 6, 1),
        reason: ExitReason::Removed,
    };
    assert!(denied(w.dj.transition(&loc, m.id, exit).await));
    assert_eq!(w.dj.member(&loc, m.id).await.unwrap(), before);

    // When the member stops being mobile, the location loses sight.
    let leave = MembershipRequest::Leave {
        org: w.elsewhere,
        kind: MembershipKind::MobileLocation,
        on: d(2024, 6, 1),
    };
    w.dj.change_membership(&w.secretary_a(), m.id, leave)
        .await
        .unwrap();
    assert!(denied(w.dj.activity_record(&loc, m.id).await));
}

#[tokio::test]
async fn a_member_reads_their_own_record_only_and_may_check_in() {
    let w = world().await;
    let me = w.full_member(w.branch_a, 3).await;
    let other = w.full_member(w.branch_a, 4).await;
    let actor = Actor::member(me.id);
    assert!(w.dj.member(&actor, me.id).await.is_ok());
    assert!(denied(w.dj.member(&actor, other.id).await));
    let check_in = Activity::OnlineCheckIn {
        place: "网上报到".into(),
    };
    assert!(
        w.dj.record_activity(&actor, me.id, d(2024, 6, 1), check_in.clone())
            .await
            .is_ok()
    );
    assert!(denied(
        w.dj.record_activity(&actor, other.id, d(2024, 6, 1), check_in)
            .await
    ));
    let reward = Activity::RewardOrSanction {
        kind: dangjian::record::RewardOrSanction::Reward,
        title: "自己表扬自己".into(),
    };
    assert!(denied(
        w.dj.record_activity(&actor, me.id, d(2024, 6, 1), reward)
            .await
    ));
    assert!(denied(w.dj.subtree(&actor, w.branch_a).await));
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
    w.dj.change_membership(&w.secretary_a(), m.id, join)
        .await
        .unwrap();
    let online_secretary = Actor::branch_officer(dangjian::MemberId::new(904), w.online);
    assert!(w.dj.member(&online_secretary, m.id).await.is_ok());
    assert_eq!(
        w.dj.online_branch_members(&online_secretary, w.online)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(denied(w.dj.activity_record(&online_secretary, m.id).await));
    let t = TransitionRequest::Exit {
        on: d(2024, 6, 1),
        reason: ExitReason::Deceased,
    };
    assert!(denied(w.dj.transition(&online_secretary, m.id, t).await));
}

#[tokio::test]
async fn only_the_committee_approves_registrations_and_builds_the_tree() {
    let w = world().await;
    let reg = dangjian::member::Registration::new()
        .name("赵六".parse().unwrap())
        .id_number(common::nth_id_number(77))
        .home(w.branch_a)
        .entry(dangjian::member::Entry::Application { on: d(2024, 5, 1) });
    let m = w.dj.register(&w.secretary_a(), reg).await.unwrap();
    assert!(m.card().is_none());
    assert!(denied(
        w.dj.approve_registration(&w.secretary_a(), m.id).await
    ));
    let approved =
        w.dj.approve_registration(&w.committee_officer(), m.id)
            .await
            .unwrap();
    assert!(approved.card().is_some());

    let new = |kind, parent| dangjian::org::NewOrganisation {
        name: "新组织".parse().unwrap(),
        kind,
        parent,
    };
    let physical = dangjian::org::OrgKind::Branch(dangjian::org::BranchForm::Physical);
    assert!(denied(
        w.dj.create_org(&w.secretary_a(), new(physical.clone(), Some(w.general)))
            .await
    ));
    assert!(denied(
        w.dj.create_org(&w.committee_officer(), new(physical.clone(), None))
            .await
    ));
    assert!(
        w.dj.create_org(
            &w.secretary_a(),
            new(dangjian::org::OrgKind::PartyGroup, Some(w.branch_a))
        )
        .await
        .is_ok()
    );
    assert!(
        w.dj.create_org(&w.committee_officer(), new(physical, Some(w.general)))
            .await
            .is_ok()
    );
}
