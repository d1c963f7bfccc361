//! Activity-record checks: append-only, ordered ids, who acted.

use super::fixtures::{entry, new_member, two_branches};
use crate::MemberId;
use crate::store::Effects;
use crate::store::{Store, StoreErrorKind};
use std::sync::Arc;

pub(super) async fn records_are_append_only_and_ordered(store: Arc<dyn Store>) {
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
        crate::access::ActedBy::Member(MemberId::new(77)),
        crate::access::ActedBy::System("nightly arrears scan".into()),
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
