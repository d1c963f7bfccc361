//! Reward, sanction and detention checks: the decision, its activity-record
//! entries and an expulsion's member update are one write.

use super::fixtures::{edited, entry, new_member, two_branches};
use crate::discipline::{Measure, NewDecision, ProbationTerm};
use crate::record::{Activity, NewRecordEntry, RewardOrSanction};
use crate::store::{Effects, Store, StoreErrorKind};
use crate::{MemberId, OrgId};
use chrono::{NaiveDate, TimeZone, Utc};
use std::sync::Arc;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A decision about `member`, decided and approved by `org`, on 2024-03-01.
pub(crate) fn decision(member: MemberId, org: OrgId, measure: Measure) -> NewDecision {
    NewDecision {
        member,
        measure,
        decided_on: d(2024, 3, 1),
        decided_by: org,
        approved_by: org,
        title: measure.label_zh().to_owned(),
        acted_by: Some(crate::access::ActedBy::Member(MemberId::new(77))),
        recorded_at: Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap(),
    }
}

fn sanction_entry(member: MemberId, title: &str) -> NewRecordEntry {
    let mut e = entry(member, "x");
    e.activity = Activity::RewardOrSanction {
        kind: RewardOrSanction::Sanction,
        title: title.into(),
    };
    e
}

pub(super) async fn decisions_round_trip_with_their_entries(store: Arc<dyn Store>) {
    let (c, a, _) = two_branches(&store).await;
    let m = store
        .insert_member(new_member(&store, a, 1).await, Effects::none())
        .await
        .unwrap();
    let other = store
        .insert_member(new_member(&store, a, 2).await, Effects::none())
        .await
        .unwrap();
    let measures = [
        Measure::Warning,
        Measure::Probation {
            term: ProbationTerm::TwoYears,
            rights_restored: false,
        },
        Measure::Detention {
            released_on: Some(d(2024, 5, 1)),
        },
        Measure::Reward,
    ];
    let mut stored = Vec::new();
    for measure in measures {
        let mut new = decision(m.id(), a, measure);
        new.approved_by = c;
        let (dec, member, entries) = store
            .record_decision(
                new.clone(),
                None,
                Effects::record(sanction_entry(m.id(), "处分")),
            )
            .await
            .unwrap();
        assert_eq!(member, None);
        assert_eq!(entries.len(), 1);
        assert_eq!(dec, new.into_decision(dec.id));
        stored.push(dec);
    }
    assert!(stored.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(store.decisions_of(&[m.id()]).await.unwrap(), stored);
    assert_eq!(
        store.decisions_of(&[other.id(), m.id()]).await.unwrap(),
        stored
    );
    assert!(store.decisions_of(&[other.id()]).await.unwrap().is_empty());
    assert_eq!(store.records_of(m.id()).await.unwrap().len(), 4);

    // About nobody, or with an entry about someone else: nothing stored.
    let ghost = store
        .record_decision(
            decision(MemberId::new(999), a, Measure::Warning),
            None,
            Effects::none(),
        )
        .await;
    assert_eq!(
        ghost.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::NotFound)
    );
    let wrong = store
        .record_decision(
            decision(m.id(), a, Measure::Warning),
            None,
            Effects::record(sanction_entry(other.id(), "别人")),
        )
        .await;
    assert_eq!(
        wrong.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Rejected)
    );
    assert_eq!(
        store.decisions_of(&[m.id(), other.id()]).await.unwrap(),
        stored
    );
    assert!(store.records_of(other.id()).await.unwrap().is_empty());
    assert_eq!(store.records_of(m.id()).await.unwrap().len(), 4);
}

pub(super) async fn an_expulsion_and_its_exit_are_one_write(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let m = store
        .insert_member(new_member(&store, a, 3).await, Effects::none())
        .await
        .unwrap();
    // A stale exit: nothing is stored, not the decision, not the entry.
    let stale = edited(&m, |_| {}).with_version(m.version() + 5);
    let r = store
        .record_decision(
            decision(m.id(), a, Measure::Expulsion),
            Some(stale),
            Effects::record(sanction_entry(m.id(), "开除党籍")),
        )
        .await;
    assert_eq!(
        r.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Conflict)
    );
    assert!(store.decisions_of(&[m.id()]).await.unwrap().is_empty());
    assert!(store.records_of(m.id()).await.unwrap().is_empty());
    assert_eq!(store.get_member(m.id()).await.unwrap(), Some(m.clone()));

    // An exit of another member is refused.
    let other = store
        .insert_member(new_member(&store, a, 4).await, Effects::none())
        .await
        .unwrap();
    let r = store
        .record_decision(
            decision(m.id(), a, Measure::Expulsion),
            Some(other.clone()),
            Effects::none(),
        )
        .await;
    assert_eq!(
        r.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Rejected)
    );
    assert_eq!(store.get_member(other.id()).await.unwrap(), Some(other));

    let exit = edited(&m, |_| {});
    let (dec, member, entries) = store
        .record_decision(
            decision(m.id(), a, Measure::Expulsion),
            Some(exit),
            Effects::record(sanction_entry(m.id(), "开除党籍")),
        )
        .await
        .unwrap();
    let member = member.unwrap();
    assert_eq!(member.version(), m.version() + 1);
    assert_eq!(store.get_member(m.id()).await.unwrap(), Some(member));
    assert_eq!(store.decisions_of(&[m.id()]).await.unwrap(), vec![dec]);
    assert_eq!(entries.len(), 1);
}
