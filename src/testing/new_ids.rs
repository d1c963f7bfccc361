//! 新记录编号一致性 (new-id conformance): a create write fills the id it
//! assigns into the journal entries that ask for it
//! ([`Effects::with_new_ids`]), and refuses, storing nothing, an entry
//! that names a record the write does not create.

use super::fixtures::{d, new_member, two_branches};
use super::votes::new_vote;
use crate::dues::{CaseStatus, Money, MonthRange, SelfDepartureCase};
use crate::store::{Effects, NEW_ID, NewJournalEntry, Store, StoreErrorKind, Stream};
use chrono::{TimeZone, Utc};
use std::sync::Arc;

fn asks(index: usize) -> NewJournalEntry {
    NewJournalEntry::new(
        Stream::new("notify.events").unwrap(),
        Utc.with_ymd_and_hms(2024, 6, 1, 2, 0, 0).unwrap(),
        format!(r#"{{"id":{NEW_ID},"i":{index}}}"#),
    )
    .of_new_record(index)
}

async fn bodies(store: &Arc<dyn Store>) -> Vec<String> {
    store
        .journal(&Stream::new("notify.events").unwrap(), None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.body)
        .collect()
}

pub(super) async fn create_writes_fill_their_new_ids(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let batch = vec![
        new_member(&store, a, 1).await,
        new_member(&store, a, 2).await,
    ];
    let fx = Effects::none().with_journal(asks(1)).with_journal(asks(0));
    let made = store.insert_members(batch, fx).await.unwrap();
    let (m1, m2) = (made[0].id().get(), made[1].id().get());
    assert_eq!(
        bodies(&store).await,
        [
            format!(r#"{{"id":{m2},"i":1}}"#),
            format!(r#"{{"id":{m1},"i":0}}"#)
        ]
    );
    let vote = store
        .create_vote(new_vote(a, 9), Effects::none().with_journal(asks(0)))
        .await
        .unwrap();
    let v = vote.id().get();
    assert_eq!(bodies(&store).await[2], format!(r#"{{"id":{v},"i":0}}"#));
    let case = SelfDepartureCase {
        id: crate::CaseId::new(0),
        member: made[0].id(),
        branch: a,
        opened_on: d(2024, 6, 1),
        months: MonthRange::new("2024-01".parse().unwrap(), "2024-06".parse().unwrap()).unwrap(),
        owed: Money::from_fen(54_000),
        status: CaseStatus::Open,
    };
    let opened = store
        .open_departure_cases(vec![(case, Effects::none().with_journal(asks(0)))])
        .await
        .unwrap();
    let c = opened[0].id.get();
    assert_eq!(bodies(&store).await[3], format!(r#"{{"id":{c},"i":0}}"#));
    let item = store
        .insert_item(
            super::disclosure::disclosable(a, "事项", "内容"),
            Effects::none().with_journal(asks(0)),
        )
        .await
        .unwrap();
    let i = item.id().get();
    assert_eq!(bodies(&store).await[4], format!(r#"{{"id":{i},"i":0}}"#));
    let application = crate::disclosure::NewApplication {
        org: a,
        applicant: made[0].id(),
        about: crate::disclosure::Content::new("申请").unwrap(),
        received_on: d(2024, 6, 1),
    };
    let applied = store
        .insert_application(application, Effects::none().with_journal(asks(0)))
        .await
        .unwrap();
    let p = applied.id().get();
    assert_eq!(bodies(&store).await[5], format!(r#"{{"id":{p},"i":0}}"#));
}

pub(super) async fn an_entry_naming_no_created_record_stores_nothing(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let one = vec![new_member(&store, a, 1).await];
    let err = store
        .insert_members(one, Effects::none().with_journal(asks(1)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Rejected);
    assert!(store.members_by_home(&[a]).await.unwrap().is_empty());
    let err = store
        .create_vote(new_vote(a, 9), Effects::none().with_journal(asks(1)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Rejected);
    assert!(
        store
            .get_vote(crate::election::VoteId::new(1))
            .await
            .unwrap()
            .is_none()
    );
    let err = store
        .insert_item(
            super::disclosure::disclosable(a, "事项", "内容"),
            Effects::none().with_journal(asks(1)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Rejected);
    assert!(store.items_of(&[a]).await.unwrap().is_empty());
    let application = crate::disclosure::NewApplication {
        org: a,
        applicant: crate::MemberId::new(1),
        about: crate::disclosure::Content::new("申请").unwrap(),
        received_on: d(2024, 6, 1),
    };
    let err = store
        .insert_application(application, Effects::none().with_journal(asks(1)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Rejected);
    assert!(store.applications_of(&[a]).await.unwrap().is_empty());
    assert!(bodies(&store).await.is_empty());
}
