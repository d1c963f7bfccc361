//! MEM-5a and DEV-5a: an officer cannot forge the library's own
//! activity-record entries, and a listing's introducers reveal nothing
//! about people outside the actor's reach.
//!
//! The requests are built from JSON, as a web handler would receive them,
//! so the entries the library writes itself cannot even be asked for.

mod common;

use common::{d, nth_id_number, world};
use dangjian::lifecycle::{ExitReason, Stage, Transition, TransitionRequest};
use dangjian::member::{ChangeMembership, Entry, MembershipKind, MembershipRequest, Registration};
use dangjian::record::{Activity, AppendActivity};
use dangjian::service::PageRequest;
use dangjian::{MemberId, Session};
use serde_json::json;

/// The request an officer's client would send for `activity`.
fn request(member: MemberId, activity: &Activity) -> Option<AppendActivity> {
    let body = json!({
        "member": member,
        "occurred_on": "2024-06-01",
        "activity": serde_json::to_value(activity).ok()?,
    });
    serde_json::from_value(body).ok()
}

async fn entries(s: &Session, m: MemberId) -> usize {
    s.records()
        .list(m, PageRequest::default())
        .await
        .map(|p| p.items.len())
        .unwrap_or(usize::MAX)
}

/// Appends `activity` as `s` would if the request could be made; `true`
/// when something was stored.
async fn forged(s: &Session, m: MemberId, activity: &Activity) -> bool {
    match request(m, activity) {
        Some(req) => s.records().append(req).await.is_ok(),
        None => false,
    }
}

#[tokio::test]
async fn the_current_location_cannot_write_an_expulsion_or_a_payment() {
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
    let before = entries(&sa, m.id()).await;

    let expelled = Activity::StageChanged {
        from: Some(Stage::Full),
        to: Stage::Exited(ExitReason::Expelled),
    };
    assert!(!forged(&loc, m.id(), &expelled).await);
    let paid = Activity::DuesPaid {
        amount: "50.00".parse().unwrap(),
        month: d(2024, 5, 1),
    };
    assert!(!forged(&loc, m.id(), &paid).await);
    let transfer = Activity::RelationshipTransfer {
        from: w.branch_a,
        to: w.elsewhere,
    };
    assert!(!forged(&loc, m.id(), &transfer).await);
    assert_eq!(entries(&sa, m.id()).await, before);

    // What the location may append goes through, naming who appended it.
    let visit = Activity::AssistanceVisit {
        description: "走访慰问".into(),
    };
    let req = request(m.id(), &visit).unwrap();
    let entry = loc.records().append(req).await.unwrap();
    assert_eq!(entry.recorded_by, Some(w.elsewhere));
    assert_eq!(entry.acted_by, w.elsewhere_officer().acted_by());
    assert_eq!(entry.activity, visit);
    // An account that names no one appends nothing: the entry could not
    // say who appended it.
    let admin = w.dj.act_as(&w.admin());
    let req = request(m.id(), &visit).unwrap();
    assert_eq!(
        admin.records().append(req).await.unwrap_err().kind(),
        dangjian::ErrorKind::PermissionDenied
    );
    let desk =
        w.dj.act_as(&dangjian::access::Actor::branch_officer(None, w.elsewhere));
    let req = request(m.id(), &visit).unwrap();
    assert_eq!(
        desk.records().append(req).await.unwrap().recorded_by,
        Some(w.elsewhere)
    );
}

#[tokio::test]
async fn the_home_secretary_cannot_record_a_living_member_as_deceased() {
    let w = world().await;
    let m = w.full_member(w.branch_a, 3).await;
    let sa = w.dj.act_as(&w.secretary_a());
    let deceased = Activity::StageChanged {
        from: Some(Stage::Full),
        to: Stage::Exited(ExitReason::Deceased),
    };
    assert!(!forged(&sa, m.id(), &deceased).await);
    let sanction = Activity::RewardOrSanction {
        kind: dangjian::record::RewardOrSanction::Sanction,
        title: "开除党籍".into(),
    };
    assert!(!forged(&sa, m.id(), &sanction).await);
    assert_eq!(entries(&sa, m.id()).await, 0);
    assert_eq!(
        sa.lifecycle().stage(m.id()).await.unwrap(),
        Stage::Full,
        "still a living full member"
    );
}

/// A development target listed by secretary A with introducer `outsider`
/// and one full member of branch A; the error's text.
async fn listing_error(w: &common::World, n: u32, outsider: MemberId) -> String {
    let c = w.dj.act_as(&w.committee_officer());
    let reg = Registration::new(
        "张晓红".parse().unwrap(),
        nth_id_number(n),
        w.branch_a,
        Entry::Application { on: d(2023, 1, 10) },
    );
    let a = c.members().register(reg).await.unwrap();
    c.members().approve(a.id()).await.unwrap();
    let sa = w.dj.act_as(&w.secretary_a());
    sa.lifecycle()
        .transition(Transition::new(
            a.id(),
            TransitionRequest::BecomeActivist { on: d(2023, 2, 1) },
        ))
        .await
        .unwrap();
    let insider = w.full_member(w.branch_a, n + 1).await;
    let r = sa
        .lifecycle()
        .transition(Transition::new(
            a.id(),
            TransitionRequest::BecomeDevelopmentTarget {
                on: d(2024, 2, 1),
                introducers: [insider.id(), outsider],
            },
        ))
        .await;
    match r {
        Ok(_) => "accepted".into(),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn an_introducer_outside_the_reach_is_only_not_eligible() {
    let w = world().await;
    let admin = w.dj.act_as(&w.admin());
    // A probationary member elsewhere (another root, outside the
    // secretary's reach and the subject's committee).
    let reg = Registration::new(
        "预备党员".parse().unwrap(),
        nth_id_number(40),
        w.elsewhere,
        Entry::Import(dangjian::lifecycle::ImportedStage::Probationary {
            resolution_on: d(2024, 1, 5),
            probation_end: None,
            extended: false,
        }),
    );
    let prob = admin.members().register(reg).await.unwrap();
    let prob = admin.members().approve(prob.id()).await.unwrap();
    let reg = Registration::new(
        "正式党员".parse().unwrap(),
        nth_id_number(41),
        w.elsewhere,
        Entry::Import(dangjian::lifecycle::ImportedStage::Full {
            joined_on: d(2000, 7, 1),
            full_since: d(2001, 7, 1),
        }),
    );
    let full = admin.members().register(reg).await.unwrap();
    let full = admin.members().approve(full.id()).await.unwrap();

    let of_probationary = listing_error(&w, 50, prob.id()).await;
    let of_full = listing_error(&w, 60, full.id()).await;
    let of_missing = listing_error(&w, 70, MemberId::new(9_999)).await;
    // Not the stage, not the date: the same words for all three.
    assert!(
        !of_probationary.contains("probationary"),
        "{of_probationary}"
    );
    assert!(!of_probationary.contains("2024-02-01"), "{of_probationary}");
    let strip = |s: &str, id: MemberId| s.replace(&id.to_string(), "#");
    assert_eq!(
        strip(&of_probationary, prob.id()),
        strip(&of_full, full.id())
    );
    assert_eq!(
        strip(&of_full, full.id()),
        strip(&of_missing, MemberId::new(9_999))
    );
    assert!(of_full.contains("not an eligible introducer"), "{of_full}");
}

#[tokio::test]
async fn an_introducer_in_the_subjects_committee_is_checked_in_full() {
    let w = world().await;
    // A full member of branch B: outside secretary A's scope, inside the
    // subject's home committee.
    let b = w.full_member(w.branch_b, 80).await;
    assert_eq!(listing_error(&w, 81, b.id()).await, "accepted");
}

#[tokio::test]
async fn an_imported_listing_reads_no_introducer_outside_the_reach() {
    use dangjian::lifecycle::{ImportedStage, Introducer};
    let w = world().await;
    let admin = w.dj.act_as(&w.admin());
    let reg = Registration::new(
        "预备党员".parse().unwrap(),
        nth_id_number(100),
        w.elsewhere,
        Entry::Import(ImportedStage::Probationary {
            resolution_on: d(2024, 1, 5),
            probation_end: None,
            extended: false,
        }),
    );
    let prob = admin.members().register(reg).await.unwrap();
    let prob = admin.members().approve(prob.id()).await.unwrap();
    let insider = w.full_member(w.branch_a, 101).await;
    let sa = w.dj.act_as(&w.secretary_a());
    let import = |n, outsider: MemberId| {
        Registration::new(
            "张晓红".parse().unwrap(),
            nth_id_number(n),
            w.branch_a,
            Entry::Import(ImportedStage::DevelopmentTarget {
                since: d(2024, 2, 1),
                introducers: [
                    Introducer::Member(insider.id()),
                    Introducer::Member(outsider),
                ],
            }),
        )
    };
    let of_prob = sa
        .members()
        .register(import(102, prob.id()))
        .await
        .unwrap_err()
        .to_string();
    let of_missing = sa
        .members()
        .register(import(103, MemberId::new(9_999)))
        .await
        .unwrap_err()
        .to_string();
    assert!(of_prob.contains("not an eligible introducer"), "{of_prob}");
    assert!(
        !of_prob.contains("预备党员") && !of_prob.contains("2024-02-01"),
        "{of_prob}"
    );
    assert_eq!(
        of_prob.replace(&prob.id().to_string(), "#"),
        of_missing.replace(&MemberId::new(9_999).to_string(), "#")
    );
}
