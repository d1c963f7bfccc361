//! Member checks: uniqueness (一人一档), all-or-nothing batches, versions,
//! the home and online indexes, and concurrent writers.

use super::fixtures::{as_new, d, edited, entry, new_member, org, two_branches};
use crate::MemberId;
use crate::member::{Contact, MembershipKind, MembershipRequest, NewMember};
use crate::org::{BranchForm, OrgKind};
use crate::store::Effects;
use crate::store::{Store, StoreErrorKind, UniqueField};
use std::sync::Arc;

pub(super) async fn unique_fields(store: Arc<dyn Store>) {
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

pub(super) async fn bulk_insert_is_all_or_nothing(store: Arc<dyn Store>) {
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

pub(super) async fn stale_member_write_changes_nothing(store: Arc<dyn Store>) {
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

pub(super) async fn indexes_follow_updates(store: Arc<dyn Store>) {
    let (c, a, b) = two_branches(&store).await;
    let online = org(
        &store,
        "网上党支部",
        OrgKind::Branch(BranchForm::Online {
            theme: crate::org::OnlineTheme::YoungMembers,
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

pub(super) async fn concurrent_inserts_of_one_person_store_one(store: Arc<dyn Store>) {
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

pub(super) async fn concurrent_updates_of_one_version_store_one(store: Arc<dyn Store>) {
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

/// Every refused member or record write leaves the whole state as it was.
pub(super) async fn refused_writes_change_nothing(store: Arc<dyn Store>) {
    let (_, a, b) = two_branches(&store).await;
    let m = store
        .insert_member(new_member(&store, a, 8).await, Effects::none())
        .await
        .unwrap();
    let (m2, _) = store
        .update_member(m.clone(), Effects::record(entry(m.id(), "first")))
        .await
        .unwrap();
    let before = super::dump(&*store, &[]).await.unwrap();
    let twin = new_member(&store, b, 8).await;
    assert!(
        store
            .insert_member(twin.clone(), Effects::none())
            .await
            .is_err(),
        "same person"
    );
    let batch = vec![new_member(&store, b, 9).await, twin];
    assert!(
        store.insert_members(batch, Effects::none()).await.is_err(),
        "batch with a twin"
    );
    let stale = store
        .update_member(edited(&m, |_| {}), Effects::record(entry(m.id(), "stale")))
        .await;
    assert!(stale.is_err(), "a stale version");
    let other = store
        .update_member(m2.clone(), Effects::record(entry(MemberId::new(999), "x")))
        .await;
    assert!(other.is_err(), "an entry of another member");
    let ghost = as_new(&m2)
        .into_member(MemberId::new(12345))
        .with_version(m2.version());
    assert!(
        store.update_member(ghost, Effects::none()).await.is_err(),
        "unknown"
    );
    let r = store
        .append_record(entry(MemberId::new(999), "ghost"), Effects::none())
        .await;
    assert!(r.is_err(), "a record of nobody");
    assert_eq!(super::dump(&*store, &[]).await.unwrap(), before);
}
