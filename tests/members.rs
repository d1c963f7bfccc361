//! Members through the services: bad input is refused with a typed error and
//! nothing is stored; the record is masked in Debug.

mod common;

use common::{d, nth_id_number, world};
use dangjian::ErrorKind;
use dangjian::lifecycle::{Stage, Training, Transition, TransitionRequest};
use dangjian::member::{ChangeMembership, Entry, MembershipKind, MembershipRequest, Registration};
use dangjian::org::{MoveOrg, NewOrganisation, OrgKind};
use dangjian::service::PageRequest;
use dangjian::{Error, MemberId, OrgId, Session};

fn applicant(w: &common::World, n: u32, on: chrono::NaiveDate) -> Registration {
    applicant_in(w.branch_a, n, on)
}

fn applicant_in(home: OrgId, n: u32, on: chrono::NaiveDate) -> Registration {
    Registration::new(
        "张晓红".parse().unwrap(),
        common::id_number("20000315", n),
        home,
        Entry::Application { on },
    )
    .mobile("13800138000".parse().unwrap())
    .employee_no(format!("E{n}").parse().unwrap())
}

/// Every member whose home is in `root`'s subtree.
async fn members_in(s: &Session, root: OrgId) -> Vec<dangjian::member::Member> {
    s.members()
        .list_in(root, PageRequest::default())
        .await
        .unwrap()
        .items
}

async fn record_len(s: &Session, m: MemberId) -> usize {
    s.records()
        .list(m, PageRequest::default())
        .await
        .unwrap()
        .items
        .len()
}

#[tokio::test]
async fn one_person_one_record() {
    let w = world().await;
    let c = w.dj.act_as(&w.committee_officer());
    c.members()
        .register(applicant(&w, 1, d(2024, 5, 1)))
        .await
        .unwrap();
    let again = c
        .members()
        .register(applicant_in(w.branch_b, 1, d(2024, 5, 2)))
        .await;
    assert!(matches!(
        again,
        Err(Error::Duplicate(dangjian::store::UniqueField::IdNumber))
    ));
    assert_eq!(members_in(&c, w.committee).await.len(), 1);
}

#[tokio::test]
async fn concurrent_registrations_of_one_person_store_one_record() {
    let w = world().await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (c, reg) = (
            w.dj.act_as(&w.committee_officer()),
            applicant(&w, 2, d(2024, 5, 1)),
        );
        tasks.push(tokio::spawn(async move {
            c.members().register(reg).await.is_ok()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap());
    }
    assert_eq!(ok, 1);
    assert_eq!(
        members_in(&w.dj.act_as(&w.committee_officer()), w.committee)
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn an_applicant_under_18_is_refused_and_not_stored() {
    let w = world().await;
    let c = w.dj.act_as(&w.committee_officer());
    // Born 2006-06-02: 17 on 2024-06-01.
    let reg = Registration::new(
        "少年".parse().unwrap(),
        common::id_number("20060602", 1),
        w.branch_a,
        Entry::Application { on: d(2024, 6, 1) },
    );
    let r = c.members().register(reg).await;
    assert_eq!(
        r.map_err(|e| e.kind()).err(),
        Some(ErrorKind::RuleViolation)
    );
    assert!(members_in(&c, w.committee).await.is_empty());
    let reg = Registration::new(
        "少年".parse().unwrap(),
        common::id_number("20060601", 1),
        w.branch_a,
        Entry::Application { on: d(2024, 6, 1) },
    );
    assert!(c.members().register(reg).await.is_ok());
}

#[tokio::test]
async fn online_branch_or_second_home_or_foreign_group_is_refused() {
    let w = world().await;
    let c = w.dj.act_as(&w.committee_officer());
    let online_home = c
        .members()
        .register(applicant_in(w.online, 3, d(2024, 5, 1)))
        .await;
    assert!(matches!(
        online_home,
        Err(Error::Membership(
            dangjian::member::MembershipError::OnlineBranchAsHome(_)
        ))
    ));

    let m = w.full_member(w.branch_a, 4).await;
    let members = c.members();
    let change = |req| members.change_membership(ChangeMembership::new(m.id(), req));
    let on = d(2024, 6, 1);
    let second_home = MembershipRequest::Join {
        org: w.branch_b,
        kind: MembershipKind::Home,
        on,
    };
    let r = change(second_home).await;
    assert!(matches!(
        r,
        Err(Error::Membership(
            dangjian::member::MembershipError::SecondHomeBranch { .. }
        ))
    ));
    let to_online = MembershipRequest::TransferHome { to: w.online, on };
    assert!(change(to_online).await.is_err());
    let group_b = c
        .orgs()
        .create(
            NewOrganisation::new("二支部党小组".parse().unwrap(), OrgKind::PartyGroup)
                .under(w.branch_b),
        )
        .await
        .unwrap();
    let foreign_group = MembershipRequest::Join {
        org: group_b.id,
        kind: MembershipKind::Group,
        on,
    };
    assert!(change(foreign_group).await.is_err());
    assert_eq!(c.members().get(m.id()).await.unwrap(), m);

    // The right ones succeed and are dated.
    let own_group = MembershipRequest::Join {
        org: w.group_a,
        kind: MembershipKind::Group,
        on,
    };
    let m2 = change(own_group).await.unwrap();
    assert_eq!(m2.memberships().group(), Some(w.group_a));
    let transfer = MembershipRequest::TransferHome { to: w.branch_b, on };
    let m3 = change(transfer).await.unwrap();
    assert_eq!(m3.home(), w.branch_b);
    assert_eq!(m3.memberships().group(), None);
    assert_eq!(m3.memberships().history().len(), 2);
    assert_eq!(
        record_len(&c, m.id()).await,
        1,
        "the transfer is recorded with the change"
    );
    assert_eq!(members_in(&c, w.branch_b).await.len(), 1);
    assert!(members_in(&c, w.branch_a).await.is_empty());
}

#[tokio::test]
async fn tree_refuses_cycles_and_party_groups_outside_branches() {
    let w = world().await;
    let admin = w.dj.act_as(&w.admin());
    let subtree = || async {
        admin
            .orgs()
            .subtree(w.committee, PageRequest::default())
            .await
            .unwrap()
            .items
    };
    let before = subtree().await;
    assert!(matches!(
        admin
            .orgs()
            .reparent(MoveOrg::new(w.committee, w.branch_a))
            .await,
        Err(Error::Org(_))
    ));
    assert!(matches!(
        admin
            .orgs()
            .reparent(MoveOrg::new(w.general, w.general))
            .await,
        Err(Error::Org(_))
    ));
    let stray =
        NewOrganisation::new("游离党小组".parse().unwrap(), OrgKind::PartyGroup).under(w.general);
    assert!(matches!(
        admin.orgs().create(stray).await,
        Err(Error::Org(_))
    ));
    assert_eq!(subtree().await, before);
    // A legal move works and bumps the version.
    let moved = admin
        .orgs()
        .reparent(MoveOrg::new(w.branch_b, w.committee))
        .await
        .unwrap();
    assert_eq!(moved.parent, Some(w.committee));
    assert_eq!(moved.version, 2);
}

#[tokio::test]
async fn a_transition_before_the_previous_or_with_a_probationary_introducer_changes_nothing() {
    let w = world().await;
    let c = w.dj.act_as(&w.committee_officer());
    let a = c
        .members()
        .register(applicant(&w, 5, d(2023, 1, 10)))
        .await
        .unwrap();
    c.members().approve(a.id()).await.unwrap();
    let lifecycle = c.lifecycle();
    let transition = |req| lifecycle.transition(Transition::new(a.id(), req));
    transition(TransitionRequest::BecomeActivist { on: d(2023, 2, 1) })
        .await
        .unwrap();
    let records = || async {
        c.records()
            .list(a.id(), PageRequest::default())
            .await
            .unwrap()
            .items
    };
    let before = c.members().get(a.id()).await.unwrap();
    let records_before = records().await;

    let backdated = TransitionRequest::BecomeDevelopmentTarget {
        on: d(2023, 1, 31),
        introducers: [MemberId::new(1), MemberId::new(2)],
    };
    assert!(matches!(
        transition(backdated).await,
        Err(Error::Transition(_))
    ));

    // One introducer is a probationary member.
    let full = w.full_member(w.branch_a, 6).await;
    let reg = Registration::new(
        "预备党员".parse().unwrap(),
        nth_id_number(7),
        w.branch_a,
        Entry::Import(dangjian::lifecycle::ImportedStage::Probationary {
            resolution_on: d(2024, 1, 5),
            probation_end: None,
            extended: false,
        }),
    );
    let prob = c.members().register(reg).await.unwrap();
    let prob = c.members().approve(prob.id()).await.unwrap();
    assert_eq!(prob.lifecycle().stage(), Stage::Probationary);
    let req = TransitionRequest::BecomeDevelopmentTarget {
        on: d(2024, 2, 1),
        introducers: [full.id(), prob.id()],
    };
    let r = transition(req).await;
    assert!(matches!(
        r,
        Err(Error::Transition(
            dangjian::lifecycle::TransitionError::IntroducerNotFull { .. }
        ))
    ));

    assert_eq!(c.members().get(a.id()).await.unwrap(), before);
    assert_eq!(records().await, records_before);

    // With two full introducers it goes through and is recorded.
    let other = w.full_member(w.branch_a, 8).await;
    let req = TransitionRequest::BecomeDevelopmentTarget {
        on: d(2024, 2, 1),
        introducers: [full.id(), other.id()],
    };
    let m = transition(req).await.unwrap();
    assert_eq!(m.lifecycle().stage(), Stage::DevelopmentTarget);
    assert_eq!(records().await.len(), records_before.len() + 1);
}

#[tokio::test]
async fn the_whole_path_to_full_membership_with_the_clock() {
    let w = world().await;
    let c = w.dj.act_as(&w.committee_officer());
    w.clock.set_date(d(2022, 3, 1));
    let a = c
        .members()
        .register(applicant(&w, 9, d(2022, 3, 1)))
        .await
        .unwrap();
    let lifecycle = c.lifecycle();
    let transition = |req| lifecycle.transition(Transition::new(a.id(), req));
    // Transitions wait for approval of the registration.
    let r = transition(TransitionRequest::BecomeActivist { on: d(2022, 3, 1) }).await;
    assert!(matches!(r, Err(Error::Registration(_))));
    c.members().approve(a.id()).await.unwrap();
    // A transition dated after the clock's today is refused.
    let r = transition(TransitionRequest::BecomeActivist { on: d(2022, 3, 2) }).await;
    assert!(matches!(r, Err(Error::Transition(_))));
    transition(TransitionRequest::BecomeActivist { on: d(2022, 3, 1) })
        .await
        .unwrap();
    let i1 = w.full_member(w.branch_a, 10).await;
    let i2 = w.full_member(w.branch_a, 11).await;
    w.clock.set_date(d(2023, 3, 1));
    transition(TransitionRequest::BecomeDevelopmentTarget {
        on: d(2023, 3, 1),
        introducers: [i1.id(), i2.id()],
    })
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
    transition(admit).await.unwrap();
    w.clock.set_date(d(2024, 5, 20));
    let m = transition(TransitionRequest::Convert { on: d(2024, 5, 20) })
        .await
        .unwrap();
    assert_eq!(m.lifecycle().stage(), Stage::Full);
    assert_eq!(m.lifecycle().full_since(), Some(d(2024, 5, 8)));
    assert_eq!(record_len(&c, a.id()).await, 4);
}

#[tokio::test]
async fn personal_data_is_masked_in_debug_and_errors() {
    let w = world().await;
    let m =
        w.dj.act_as(&w.committee_officer())
            .members()
            .register(applicant(&w, 12, d(2024, 5, 1)))
            .await
            .unwrap();
    let debug = format!("{m:?}");
    assert!(!debug.contains(m.identity().id_number.as_str()));
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
        w.dj.act_as(&w.committee_officer())
            .orgs()
            .structure_report(w.committee)
            .await
            .unwrap();
    let text = format!("{findings:?}");
    assert!(text.contains("CommitteeRequired"), "{text}");
    assert!(text.contains("BelowMinimumFullMembers"), "{text}");
    // A branch secretary sees only their branch's findings.
    let own =
        w.dj.act_as(&w.secretary_b())
            .orgs()
            .structure_report(w.branch_b)
            .await
            .unwrap();
    assert!(own.iter().all(|f| f.org() == w.branch_b));
}
