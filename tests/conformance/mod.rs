//! 存储一致性测试 (store conformance): one suite, written once, generic over
//! the store. Every backend's test file (`store_memory.rs`, and the database
//! adapters' files) calls [`run_all`] so the backends cannot drift apart.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crate::common::{d, nth_id_number};
use chrono::{TimeZone, Utc};
use dangjian::lifecycle::{self, ImportedStage, Lifecycle, TransitionContext};
use dangjian::member::{
    Contact, Identity, Member, MembershipKind, MembershipRequest, Memberships, NewMember,
    OccupationCategory, RegistrationStatus,
};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind, Organisation};
use dangjian::period::WorkCalendar;
use dangjian::record::{Activity, NewRecordEntry};
use dangjian::store::Effects;
use dangjian::store::{Store, StoreErrorKind, UniqueField};
use dangjian::{MemberId, OrgId};
use std::sync::Arc;

/// Runs every conformance check against fresh stores from `make`.
pub async fn run_all<F, Fut>(make: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Arc<dyn Store>>,
{
    orgs_and_versions(make().await).await;
    unique_fields(make().await).await;
    bulk_insert_is_all_or_nothing(make().await).await;
    stale_member_write_changes_nothing(make().await).await;
    indexes_follow_updates(make().await).await;
    records_are_append_only_and_ordered(make().await).await;
    concurrent_inserts_of_one_person_store_one(make().await).await;
    concurrent_updates_of_one_version_store_one(make().await).await;
    votes::run_all(&make).await;
    dues::run_all(&make).await;
    effects::run_all(&make).await;
}

pub mod dues;
pub mod effects;
pub mod votes;

async fn org(
    store: &Arc<dyn Store>,
    name: &str,
    kind: OrgKind,
    parent: Option<OrgId>,
) -> Organisation {
    let new = NewOrganisation::new(name.parse().unwrap(), kind);
    let new = match parent {
        Some(p) => new.under(p),
        None => new,
    };
    store.insert_org(new, Effects::none()).await.unwrap()
}

pub async fn two_branches(store: &Arc<dyn Store>) -> (OrgId, OrgId, OrgId) {
    let c = org(store, "党委", OrgKind::GrassrootsCommittee, None)
        .await
        .id;
    let a = org(
        store,
        "一支部",
        OrgKind::Branch(BranchForm::Physical),
        Some(c),
    )
    .await
    .id;
    let b = org(
        store,
        "二支部",
        OrgKind::Branch(BranchForm::Physical),
        Some(c),
    )
    .await
    .id;
    (c, a, b)
}

pub async fn new_member(store: &Arc<dyn Store>, home: OrgId, n: u32) -> NewMember {
    let tree = store.org_tree().await.unwrap();
    let rules = lifecycle::national_rules();
    let calendar = WorkCalendar::default();
    let none = |_: MemberId, _: chrono::NaiveDate| None;
    let id_number = nth_id_number(n);
    let ctx = TransitionContext {
        birth_date: id_number.birth_date(),
        subject: MemberId::new(0),
        today: d(2024, 6, 1),
        rules: &rules,
        calendar: &calendar,
        introducer_stage: &none,
    };
    let lc = Lifecycle::import(
        ImportedStage::Full {
            joined_on: d(2000, 7, 1),
            full_since: d(2001, 7, 1),
        },
        &ctx,
    )
    .unwrap();
    NewMember {
        identity: Identity {
            name: "测试".parse().unwrap(),
            id_number,
        },
        contact: Contact {
            employee_no: Some(format!("E{n}").parse().unwrap()),
            ..Contact::default()
        },
        occupation: OccupationCategory::InService,
        registration: RegistrationStatus::Pending {
            submitted_on: d(2024, 6, 1),
        },
        lifecycle: lc,
        memberships: Memberships::new(home, d(2024, 6, 1), &tree).unwrap(),
    }
}

/// The parts of a stored record, as a [`NewMember`] (to rebuild the record
/// with a field changed: [`Member`]'s fields are the library's own).
pub fn as_new(m: &Member) -> NewMember {
    NewMember {
        identity: m.identity().clone(),
        contact: m.contact().clone(),
        occupation: m.occupation(),
        registration: m.registration().clone(),
        lifecycle: m.lifecycle().clone(),
        memberships: m.memberships().clone(),
    }
}

/// `m` with `change` applied to its parts, keeping its id and version (a
/// write a store must check like any other).
pub fn edited(m: &Member, change: impl FnOnce(&mut NewMember)) -> Member {
    let mut new = as_new(m);
    change(&mut new);
    new.into_member(m.id()).with_version(m.version())
}

pub fn entry(member: MemberId, note: &str) -> NewRecordEntry {
    NewRecordEntry {
        member,
        occurred_on: d(2024, 6, 1),
        activity: Activity::AssistanceVisit {
            description: note.into(),
        },
        recorded_by: None,
        acted_by: None,
        recorded_at: Utc.with_ymd_and_hms(2024, 6, 1, 2, 0, 0).unwrap(),
    }
}

async fn orgs_and_versions(store: Arc<dyn Store>) {
    let (c, a, b) = two_branches(&store).await;
    let tree = store.org_tree().await.unwrap();
    assert_eq!(tree.len(), 3);
    let branch = tree.get(b).unwrap().clone();
    assert_eq!(branch.version, 1);
    // A party group outside a branch is rejected by the store itself.
    let stray = store
        .insert_org(
            NewOrganisation::new("小组".parse().unwrap(), OrgKind::PartyGroup).under(c),
            Effects::none(),
        )
        .await;
    assert_eq!(
        stray.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Rejected)
    );
    // Renaming bumps the version; a stale write is a conflict.
    let renamed = store
        .update_org(
            Organisation {
                name: "第二党支部".parse().unwrap(),
                ..branch.clone()
            },
            Effects::none(),
        )
        .await
        .unwrap();
    assert_eq!(renamed.version, 2);
    let stale = store
        .update_org(
            Organisation {
                name: "旧名".parse().unwrap(),
                ..branch
            },
            Effects::none(),
        )
        .await;
    assert_eq!(
        stale.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Conflict)
    );
    // A cycle is rejected and the tree is unchanged.
    let committee = store.org_tree().await.unwrap().get(c).unwrap().clone();
    let cycle = store
        .update_org(
            Organisation {
                parent: Some(a),
                ..committee
            },
            Effects::none(),
        )
        .await;
    assert_eq!(
        cycle.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Rejected)
    );
    let tree = store.org_tree().await.unwrap();
    assert_eq!(tree.parent(c), None);
    assert_eq!(tree.get(b).unwrap().name.as_str(), "第二党支部");
}

async fn unique_fields(store: Arc<dyn Store>) {
    let (_, a, b) = two_branches(&store).await;
    let m = store
        .insert_member(new_member(&store, a, 1).await, Effects::none())
        .await
        .unwrap();
    assert_eq!(m.version(), 1);
    let same_person = new_member(&store, b, 1).await;
    let r = store
        .insert_member(
            NewMember {
                contact: Contact::default(),
                ..same_person
            },
            Effects::none(),
        )
        .await;
    assert_eq!(
        r.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Duplicate(UniqueField::IdNumber))
    );
    let mut other = new_member(&store, b, 2).await;
    other.contact.employee_no = m.contact().employee_no.clone();
    let r = store.insert_member(other, Effects::none()).await;
    assert_eq!(
        r.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Duplicate(UniqueField::EmployeeNo))
    );
    assert_eq!(store.members_by_home(&[a, b]).await.unwrap().len(), 1);
    let found = store
        .find_by_id_number(&m.identity().id_number)
        .await
        .unwrap();
    assert_eq!(found.map(|f| f.id()), Some(m.id()));
    let found = store
        .find_by_employee_no(m.contact().employee_no.as_ref().unwrap())
        .await
        .unwrap();
    assert_eq!(found.map(|f| f.id()), Some(m.id()));
}

async fn bulk_insert_is_all_or_nothing(store: Arc<dyn Store>) {
    let (_, a, b) = two_branches(&store).await;
    let mut batch = Vec::new();
    for n in 10..20 {
        batch.push(new_member(&store, if n % 2 == 0 { a } else { b }, n).await);
    }
    let stored = store
        .insert_members(batch.clone(), Effects::none())
        .await
        .unwrap();
    assert_eq!(stored.len(), 10);
    assert!(stored.windows(2).all(|w| w[0].id() < w[1].id()));
    assert_eq!(store.members_by_home(&[a, b]).await.unwrap(), stored);
    // A batch with one duplicate (inside the batch, or against the store)
    // stores nothing.
    let mut fresh = Vec::new();
    for n in 20..25 {
        fresh.push(new_member(&store, a, n).await);
    }
    let mut within = fresh.clone();
    within.push(new_member(&store, b, 20).await);
    within.last_mut().unwrap().contact.employee_no = None;
    let r = store.insert_members(within, Effects::none()).await;
    assert_eq!(
        r.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Duplicate(UniqueField::IdNumber))
    );
    let mut against = fresh.clone();
    against.push(batch[0].clone());
    assert!(
        store
            .insert_members(against, Effects::none())
            .await
            .is_err()
    );
    assert_eq!(store.members_by_home(&[a, b]).await.unwrap().len(), 10);
    assert_eq!(
        store
            .insert_members(fresh, Effects::none())
            .await
            .unwrap()
            .len(),
        5
    );
    assert!(
        store
            .insert_members(Vec::new(), Effects::none())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn stale_member_write_changes_nothing(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let m = store
        .insert_member(new_member(&store, a, 3).await, Effects::none())
        .await
        .unwrap();
    let (m2, e) = store
        .update_member(m.clone(), Effects::record(entry(m.id(), "first")))
        .await
        .unwrap();
    assert_eq!(m2.version(), 2);
    assert_eq!(e.len(), 1);
    // Writing the old version again: a conflict, and neither the record nor
    // the activity-record entry is stored.
    let r = store
        .update_member(m.clone(), Effects::record(entry(m.id(), "second")))
        .await;
    assert_eq!(
        r.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Conflict)
    );
    assert_eq!(store.get_member(m.id()).await.unwrap(), Some(m2.clone()));
    assert_eq!(store.records_of(m.id()).await.unwrap().len(), 1);
    // An entry for another member is refused as a whole.
    let r = store
        .update_member(m2.clone(), Effects::record(entry(MemberId::new(999), "x")))
        .await;
    assert!(r.is_err());
    assert_eq!(store.get_member(m.id()).await.unwrap(), Some(m2));
    // An unknown member.
    let ghost = as_new(&m)
        .into_member(MemberId::new(12345))
        .with_version(m.version());
    assert_eq!(
        store
            .update_member(ghost, Effects::none())
            .await
            .err()
            .map(|e| e.kind().clone()),
        Some(StoreErrorKind::NotFound)
    );
}

async fn indexes_follow_updates(store: Arc<dyn Store>) {
    let (c, a, b) = two_branches(&store).await;
    let online = org(
        &store,
        "网上党支部",
        OrgKind::Branch(BranchForm::Online {
            theme: dangjian::org::OnlineTheme::YoungMembers,
        }),
        Some(c),
    )
    .await
    .id;
    let m = store
        .insert_member(new_member(&store, a, 4).await, Effects::none())
        .await
        .unwrap();
    let tree = store.org_tree().await.unwrap();
    let moved = m
        .memberships()
        .apply(
            &MembershipRequest::TransferHome {
                to: b,
                on: d(2024, 6, 1),
            },
            &tree,
            d(2024, 6, 1),
        )
        .unwrap();
    let moved = moved
        .apply(
            &MembershipRequest::Join {
                org: online,
                kind: MembershipKind::Online,
                on: d(2024, 6, 1),
            },
            &tree,
            d(2024, 6, 1),
        )
        .unwrap();
    let (m2, _) = store
        .update_member(edited(&m, |n| n.memberships = moved), Effects::none())
        .await
        .unwrap();
    assert!(store.members_by_home(&[a]).await.unwrap().is_empty());
    assert_eq!(store.members_by_home(&[b]).await.unwrap(), vec![m2.clone()]);
    assert_eq!(
        store.members_by_online(online).await.unwrap(),
        vec![m2.clone()]
    );
    let p = store.placement(m2.id()).await.unwrap().unwrap();
    assert_eq!(p.home, b);
    assert_eq!(p.online, vec![online]);
    assert!(store.placement(MemberId::new(999)).await.unwrap().is_none());
}

async fn records_are_append_only_and_ordered(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let m = store
        .insert_member(new_member(&store, a, 5).await, Effects::none())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            store
                .append_record(entry(m.id(), &format!("visit {i}")), Effects::none())
                .await
                .unwrap()
                .id,
        );
    }
    let read = store.records_of(m.id()).await.unwrap();
    assert_eq!(read.iter().map(|e| e.id).collect::<Vec<_>>(), ids);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    // Who acted is kept with the entry, as given, on every store.
    for who in [
        dangjian::access::ActedBy::Member(MemberId::new(77)),
        dangjian::access::ActedBy::System("nightly arrears scan".into()),
    ] {
        let mut e = entry(m.id(), "visit by someone named");
        e.acted_by = Some(who.clone());
        let stored = store.append_record(e, Effects::none()).await.unwrap();
        assert_eq!(stored.acted_by.as_ref(), Some(&who));
        let back = store.records_of(m.id()).await.unwrap();
        assert_eq!(back.last().and_then(|r| r.acted_by.clone()), Some(who));
    }
    let r = store
        .append_record(entry(MemberId::new(999), "ghost"), Effects::none())
        .await;
    assert_eq!(
        r.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::NotFound)
    );
}

async fn concurrent_inserts_of_one_person_store_one(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let new = new_member(&store, a, 6).await;
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (store, new) = (Arc::clone(&store), new.clone());
        tasks.push(tokio::spawn(async move {
            store.insert_member(new, Effects::none()).await.is_ok()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap());
    }
    assert_eq!(ok, 1);
    assert_eq!(store.members_by_home(&[a]).await.unwrap().len(), 1);
}

async fn concurrent_updates_of_one_version_store_one(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let m = store
        .insert_member(new_member(&store, a, 7).await, Effects::none())
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..32 {
        let (store, m) = (Arc::clone(&store), m.clone());
        tasks.push(tokio::spawn(async move {
            store
                .update_member(
                    m.clone(),
                    Effects::record(entry(m.id(), &format!("try {i}"))),
                )
                .await
                .is_ok()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap());
    }
    assert_eq!(ok, 1);
    assert_eq!(store.records_of(m.id()).await.unwrap().len(), 1);
    assert_eq!(
        store.get_member(m.id()).await.unwrap().map(|m| m.version()),
        Some(2)
    );
}

/// A branch and one member in it, for tests that need a stored member.
pub async fn seed_one_member(store: &Arc<dyn Store>) -> Member {
    let (_, a, _) = two_branches(store).await;
    store
        .insert_member(new_member(store, a, 42).await, Effects::none())
        .await
        .unwrap()
}
