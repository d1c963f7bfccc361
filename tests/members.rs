//! Members through the services: bad input is refused with a typed error and
//! nothing is stored; the record is masked in Debug.

mod common;

use common::{d, nth_id_number, world};
use dangjian::ErrorKind;
use dangjian::lifecycle::{Stage, Training, TransitionRequest};
use dangjian::member::{Entry, MembershipKind, MembershipRequest, Registration};
use dangjian::org::{NewOrganisation, OrgKind};
use dangjian::{Error, MemberId};

fn applicant(w: &common::World, n: u32, on: chrono::NaiveDate) -> Registration {
    Registration::new()
        .name("张晓红".parse().unwrap())
        .id_number(common::id_number("20000315", n))
        .mobile("13800138000".parse().unwrap())
        .employee_no(format!("E{n}").parse().unwrap())
        .home(w.branch_a)
        .entry(Entry::Application { on })
}

#[tokio::test]
async fn one_person_one_record() {
    let w = world().await;
    let c = w.committee_officer();
    w.dj.register(&c, applicant(&w, 1, d(2024, 5, 1)))
        .await
        .unwrap();
    let again =
        w.dj.register(&c, applicant(&w, 1, d(2024, 5, 2)).home(w.branch_b))
            .await;
    assert!(matches!(
        again,
        Err(Error::Duplicate(dangjian::store::UniqueField::IdNumber))
    ));
    assert_eq!(
        w.dj.subtree_members(&c, w.committee).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn concurrent_registrations_of_one_person_store_one_record() {
    let w = world().await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let dj = w.dj.clone();
        let (c, reg) = (w.committee_officer(), applicant(&w, 2, d(2024, 5, 1)));
        tasks.push(tokio::spawn(
            async move { dj.register(&c, reg).await.is_ok() },
        ));
    }
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap());
    }
    assert_eq!(ok, 1);
    assert_eq!(
        w.dj.subtree_members(&w.committee_officer(), w.committee)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_applicant_under_18_is_refused_and_not_stored() {
    let w = world().await;
    // Born 2006-06-02: 17 on 2024-06-01.
    let reg = Registration::new()
        .name("少年".parse().unwrap())
        .id_number(common::id_number("20060602", 1))
        .home(w.branch_a)
        .entry(Entry::Application { on: d(2024, 6, 1) });
    let r = w.dj.register(&w.committee_officer(), reg).await;
    assert_eq!(
        r.map_err(|e| e.kind()).err(),
        Some(ErrorKind::RuleViolation)
    );
    assert!(
        w.dj.subtree_members(&w.committee_officer(), w.committee)
            .await
            .unwrap()
            .is_empty()
    );
    let reg = Registration::new()
        .name("少年".parse().unwrap())
        .id_number(common::id_number("20060601", 1))
        .home(w.branch_a)
        .entry(Entry::Application { on: d(2024, 6, 1) });
    assert!(w.dj.register(&w.committee_officer(), reg).await.is_ok());
}

#[tokio::test]
async fn online_branch_or_second_home_or_foreign_group_is_refused() {
    let w = world().await;
    let c = w.committee_officer();
    let online_home =
        w.dj.register(&c, applicant(&w, 3, d(2024, 5, 1)).home(w.online))
            .await;
    assert!(matches!(
        online_home,
        Err(Error::Membership(
            dangjian::member::MembershipError::OnlineBranchAsHome(_)
        ))
    ));

    let m = w.full_member(w.branch_a, 4).await;
    let on = d(2024, 6, 1);
    let second_home = MembershipRequest::Join {
        org: w.branch_b,
        kind: MembershipKind::Home,
        on,
    };
    let r = w.dj.change_membership(&c, m.id, second_home).await;
    assert!(matches!(
        r,
        Err(Error::Membership(
            dangjian::member::MembershipError::SecondHomeBranch { .. }
        ))
    ));
    let to_online = MembershipRequest::TransferHome { to: w.online, on };
    assert!(w.dj.change_membership(&c, m.id, to_online).await.is_err());
    let group_b =
        w.dj.create_org(
            &c,
            NewOrganisation {
                name: "二支部党小组".parse().unwrap(),
                kind: OrgKind::PartyGroup,
                parent: Some(w.branch_b),
            },
        )
        .await
        .unwrap();
    let foreign_group = MembershipRequest::Join {
        org: group_b.id,
        kind: MembershipKind::Group,
        on,
    };
    assert!(
        w.dj.change_membership(&c, m.id, foreign_group)
            .await
            .is_err()
    );
    assert_eq!(w.dj.member(&c, m.id).await.unwrap(), m);

    // The right ones succeed and are dated.
    let own_group = MembershipRequest::Join {
        org: w.group_a,
        kind: MembershipKind::Group,
        on,
    };
    let m2 = w.dj.change_membership(&c, m.id, own_group).await.unwrap();
    assert_eq!(m2.memberships.group(), Some(w.group_a));
    let transfer = MembershipRequest::TransferHome { to: w.branch_b, on };
    let m3 = w.dj.change_membership(&c, m.id, transfer).await.unwrap();
    assert_eq!(m3.home(), w.branch_b);
    assert_eq!(m3.memberships.group(), None);
    assert_eq!(m3.memberships.history().len(), 2);
    let record = w.dj.activity_record(&c, m.id).await.unwrap();
    assert_eq!(record.len(), 1, "the transfer is recorded with the change");
    assert_eq!(w.dj.subtree_members(&c, w.branch_b).await.unwrap().len(), 1);
    assert!(
        w.dj.subtree_members(&c, w.branch_a)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn tree_refuses_cycles_and_party_groups_outside_branches() {
    let w = world().await;
    let admin = w.admin();
    let before = w.dj.subtree(&admin, w.committee).await.unwrap();
    assert!(matches!(
        w.dj.move_org(&admin, w.committee, Some(w.branch_a)).await,
        Err(Error::Org(_))
    ));
    assert!(matches!(
        w.dj.move_org(&admin, w.general, Some(w.general)).await,
        Err(Error::Org(_))
    ));
    let stray = NewOrganisation {
        name: "游离党小组".parse().unwrap(),
        kind: OrgKind::PartyGroup,
        parent: Some(w.general),
    };
    assert!(matches!(
        w.dj.create_org(&admin, stray).await,
        Err(Error::Org(_))
    ));
    assert_eq!(w.dj.subtree(&admin, w.committee).await.unwrap(), before);
    // A legal move works and bumps the version.
    let moved =
        w.dj.move_org(&admin, w.branch_b, Some(w.committee))
            .await
            .unwrap();
    assert_eq!(moved.parent, Some(w.committee));
    assert_eq!(moved.version, 2);
}

#[tokio::test]
async fn a_transition_before_the_previous_or_with_a_probationary_introducer_changes_nothing() {
    let w = world().await;
    let c = w.committee_officer();
    let a =
        w.dj.register(&c, applicant(&w, 5, d(2023, 1, 10)))
            .await
            .unwrap();
    w.dj.approve_registration(&c, a.id).await.unwrap();
    w.dj.transition(
        &c,
        a.id,
        TransitionRequest::BecomeActivist { on: d(2023, 2, 1) },
    )
    .await
    .unwrap();
    let before = w.dj.member(&c, a.id).await.unwrap();
    let records_before = w.dj.activity_record(&c, a.id).await.unwrap();

    let backdated = TransitionRequest::BecomeDevelopmentTarget {
        on: d(2023, 1, 31),
        introducers: [MemberId::new(1), MemberId::new(2)],
    };
    assert!(matches!(
        w.dj.transition(&c, a.id, backdated).await,
        Err(Error::Transition(_))
    ));

    // One introducer is a probationary member.
    let full = w.full_member(w.branch_a, 6).await;
    let reg = Registration::new()
        .name("预备党员".parse().unwrap())
        .id_number(nth_id_number(7))
        .home(w.branch_a)
        .entry(Entry::Import(
            dangjian::lifecycle::ImportedStage::Probationary {
                resolution_on: d(2024, 1, 5),
                probation_end: None,
                extended: false,
            },
        ));
    let prob = w.dj.register(&c, reg).await.unwrap();
    let prob = w.dj.approve_registration(&c, prob.id).await.unwrap();
    assert_eq!(prob.lifecycle.stage(), Stage::Probationary);
    let req = TransitionRequest::BecomeDevelopmentTarget {
        on: d(2024, 2, 1),
        introducers: [full.id, prob.id],
    };
    let r = w.dj.transition(&c, a.id, req).await;
    assert!(matches!(
        r,
        Err(Error::Transition(
            dangjian::lifecycle::TransitionError::IntroducerNotFull { .. }
        ))
    ));

    assert_eq!(w.dj.member(&c, a.id).await.unwrap(), before);
    assert_eq!(
        w.dj.activity_record(&c, a.id).await.unwrap(),
        records_before
    );

    // With two full introducers it goes through and is recorded.
    let other = w.full_member(w.branch_a, 8).await;
    let req = TransitionRequest::BecomeDevelopmentTarget {
        on: d(2024, 2, 1),
        introducers: [full.id, other.id],
    };
    let m = w.dj.transition(&c, a.id, req).await.unwrap();
    assert_eq!(m.lifecycle.stage(), Stage::DevelopmentTarget);
    assert_eq!(
        w.dj.activity_record(&c, a.id).await.unwrap().len(),
        records_before.len() + 1
    );
}

#[tokio::test]
async fn the_whole_path_to_full_membership_with_the_clock() {
    let w = world().await;
    let c = w.committee_officer();
    w.clock.set_date(d(2022, 3, 1));
    let a =
        w.dj.register(&c, applicant(&w, 9, d(2022, 3, 1)))
            .await
            .unwrap();
    // Transitions wait for approval of the registration.
    let r =
        w.dj.transition(
            &c,
            a.id,
            TransitionRequest::BecomeActivist { on: d(2022, 3, 1) },
        )
        .await;
    assert!(matches!(r, Err(Error::Registration(_))));
    w.dj.approve_registration(&c, a.id).await.unwrap();
    // A transition dated after the clock's today is refused.
    let r =
        w.dj.transition(
            &c,
            a.id,
            TransitionRequest::BecomeActivist { on: d(2022, 3, 2) },
        )
        .await;
    assert!(matches!(r, Err(Error::Transition(_))));
    w.dj.transition(
        &c,
        a.id,
        TransitionRequest::BecomeActivist { on: d(2022, 3, 1) },
    )
    .await
    .unwrap();
    let i1 = w.full_member(w.branch_a, 10).await;
    let i2 = w.full_member(w.branch_a, 11).await;
    w.clock.set_date(d(2023, 3, 1));
    w.dj.transition(
        &c,
        a.id,
        TransitionRequest::BecomeDevelopmentTarget {
            on: d(2023, 3, 1),
            introducers: [i1.id, i2.id],
        },
    )
    .await
    .unwrap();
    w.clock.set_date(d(2023, 5, 10));
    let admit = TransitionRequest::Admit {
        resolution_on: d(2023, 5, 8),
        approved_on: d(2023, 5, 10),
        special_case: false,
        political_review_on: d(2023, 4, 1),
        training: Training {
            days: 0,
            class_hours: 24,
        },
        notice_posted_on: d(2023, 4, 24),
    };
    w.dj.transition(&c, a.id, admit).await.unwrap();
    w.clock.set_date(d(2024, 5, 20));
    let m =
        w.dj.transition(&c, a.id, TransitionRequest::Convert { on: d(2024, 5, 20) })
            .await
            .unwrap();
    assert_eq!(m.lifecycle.stage(), Stage::Full);
    assert_eq!(m.lifecycle.full_since(), Some(d(2024, 5, 8)));
    assert_eq!(w.dj.activity_record(&c, a.id).await.unwrap().len(), 4);
}

#[tokio::test]
async fn personal_data_is_masked_in_debug_and_errors() {
    let w = world().await;
    let m =
        w.dj.register(&w.committee_officer(), applicant(&w, 12, d(2024, 5, 1)))
            .await
            .unwrap();
    let debug = format!("{m:?}");
    assert!(!debug.contains(m.identity.id_number.as_str()));
    assert!(!debug.contains("20000315"));
    assert!(!debug.contains("13800138000"));
    let err = "11010519491231002Y"
        .parse::<dangjian::member::IdNumber>()
        .unwrap_err();
    assert!(!err.to_string().contains("110105194912"));
}

#[tokio::test]
async fn structure_report_finds_small_branches() {
    let w = world().await;
    for n in 0..7 {
        w.full_member(w.branch_a, 100 + n).await;
    }
    for n in 0..2 {
        w.full_member(w.branch_b, 200 + n).await;
    }
    let findings =
        w.dj.structure_report(&w.committee_officer(), w.committee)
            .await
            .unwrap();
    let text = format!("{findings:?}");
    assert!(text.contains("CommitteeRequired"), "{text}");
    assert!(text.contains("BelowMinimumFullMembers"), "{text}");
    // A branch secretary sees only their branch's findings.
    let own =
        w.dj.structure_report(&w.secretary_b(), w.branch_b)
            .await
            .unwrap();
    assert!(own.iter().all(|f| f.org() == w.branch_b));
}
