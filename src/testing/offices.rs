//! Office-holder checks: installs end and add atomically, refusals store
//! nothing, one confirmation per election, one winner among concurrent
//! ends of one holding.

use super::dump::dump;
use super::fixtures::{new_member, two_branches};
use crate::election::VoteId;
use crate::office::{InstallOffices, NewOfficeHolder, OfficeId, Post, Source};
use crate::store::{Effects, NewJournalEntry, Store, StoreErrorKind, Stream};
use crate::{MemberId, OrgId};
use chrono::{NaiveDate, TimeZone, Utc};
use std::sync::Arc;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn holding(org: OrgId, member: MemberId, post: Post, source: Source) -> NewOfficeHolder {
    NewOfficeHolder::new(org, member, post, source, d(2024, 6, 1), d(2027, 6, 1))
}

fn note() -> Effects {
    Effects::none().with_journal(NewJournalEntry::new(
        Stream::new("audit").unwrap(),
        Utc.with_ymd_and_hms(2024, 6, 1, 2, 0, 0).unwrap(),
        "office",
    ))
}

async fn audit(store: &Arc<dyn Store>) -> usize {
    store
        .journal(&Stream::new("audit").unwrap(), None, 1_000)
        .await
        .unwrap()
        .len()
}

pub(super) async fn installs_end_and_add_atomically(store: Arc<dyn Store>) {
    let (c, a, b) = two_branches(&store).await;
    let m1 = store
        .insert_member(new_member(&store, a, 1).await, Effects::none())
        .await
        .unwrap();
    let m2 = store
        .insert_member(new_member(&store, a, 2).await, Effects::none())
        .await
        .unwrap();
    let vote = Source::Elected {
        vote: VoteId::new(7),
    };
    let first = store
        .install_offices(
            InstallOffices::new(
                a,
                d(2024, 6, 1),
                vec![
                    holding(a, m1.id(), Post::Secretary, vote),
                    holding(a, m2.id(), Post::Member, vote)
                        .portfolio(crate::office::Portfolio::discipline()),
                ],
                vec![],
            ),
            note(),
        )
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert!(first[0].id() < first[1].id());
    assert_eq!(store.offices_of(&[a]).await.unwrap(), first);
    assert_eq!(store.offices_of(&[b, c]).await.unwrap(), vec![]);
    assert_eq!(
        store.office(first[1].id()).await.unwrap().as_ref(),
        Some(&first[1])
    );
    assert_eq!(store.office(OfficeId::new(999)).await.unwrap(), None);
    assert_eq!(audit(&store).await, 1);
    // An appointment ends the secretary's holding and adds the new one.
    let appointed = Source::Appointed { by: c };
    let next = store
        .install_offices(
            InstallOffices::new(
                a,
                d(2025, 1, 1),
                vec![holding(a, m2.id(), Post::Secretary, appointed)],
                vec![first[0].id()],
            ),
            Effects::none(),
        )
        .await
        .unwrap();
    let all = store.offices_of(&[a]).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].ended_on(), Some(d(2025, 1, 1)));
    assert_eq!(all[1].ended_on(), None);
    assert_eq!(all[2], next[0]);
    // Refusals change nothing and store no effects.
    let before = dump(&*store, &[]).await.unwrap();
    let refusals = [
        // The holding ended already.
        (
            InstallOffices::new(
                a,
                d(2025, 2, 1),
                vec![holding(a, m1.id(), Post::Member, appointed)],
                vec![first[0].id()],
            ),
            StoreErrorKind::Conflict,
        ),
        // Not a holding of this organisation.
        (
            InstallOffices::new(b, d(2025, 2, 1), vec![], vec![first[1].id()]),
            StoreErrorKind::Conflict,
        ),
        // Missing.
        (
            InstallOffices::new(a, d(2025, 2, 1), vec![], vec![OfficeId::new(999)]),
            StoreErrorKind::Conflict,
        ),
        // A holding of another organisation.
        (
            InstallOffices::new(
                a,
                d(2025, 2, 1),
                vec![holding(b, m1.id(), Post::Member, appointed)],
                vec![],
            ),
            StoreErrorKind::Rejected,
        ),
        // The same election and member again.
        (
            InstallOffices::new(
                a,
                d(2025, 2, 1),
                vec![holding(a, m1.id(), Post::Member, vote)],
                vec![all[1].id()],
            ),
            StoreErrorKind::Rejected,
        ),
    ];
    for (install, kind) in refusals {
        let e = store
            .install_offices(install.clone(), note())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), &kind, "{install:?}");
    }
    assert_eq!(dump(&*store, &[]).await.unwrap(), before);
    assert_eq!(audit(&store).await, 1);
}

pub(super) async fn concurrent_ends_of_one_holding_store_one(store: Arc<dyn Store>) {
    let (c, a, _) = two_branches(&store).await;
    let mut members = Vec::new();
    for n in 0..17 {
        members.push(
            store
                .insert_member(new_member(&store, a, 10 + n).await, Effects::none())
                .await
                .unwrap()
                .id(),
        );
    }
    let appointed = Source::Appointed { by: c };
    let first = store
        .install_offices(
            InstallOffices::new(
                a,
                d(2024, 6, 1),
                vec![holding(a, members[0], Post::Secretary, appointed)],
                vec![],
            ),
            Effects::none(),
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for m in &members[1..] {
        let store = Arc::clone(&store);
        let install = InstallOffices::new(
            a,
            d(2025, 1, 1),
            vec![holding(a, *m, Post::Secretary, appointed)],
            vec![first[0].id()],
        );
        tasks.push(tokio::spawn(async move {
            store.install_offices(install, note()).await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(e) => assert!(matches!(e.kind(), StoreErrorKind::Conflict), "{e}"),
        }
    }
    assert_eq!(won, 1);
    let all = store.offices_of(&[a]).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all.iter().filter(|h| h.ended_on().is_none()).count(), 1);
    assert_eq!(audit(&store).await, 1);
}
