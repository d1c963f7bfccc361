//! Organisation checks: ids, versions, and the tree rules the store
//! re-checks itself.

use super::fixtures::two_branches;
use crate::org::{NewOrganisation, OrgKind, Organisation};
use crate::store::Effects;
use crate::store::{Store, StoreErrorKind};
use std::sync::Arc;

pub(super) async fn orgs_and_versions(store: Arc<dyn Store>) {
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

/// Every refused tree write leaves the whole state as it was.
pub(super) async fn refused_writes_change_nothing(store: Arc<dyn Store>) {
    let (c, a, b) = two_branches(&store).await;
    let before = super::dump(&*store, &[]).await.unwrap();
    let tree = store.org_tree().await.unwrap();
    let stray = store
        .insert_org(
            NewOrganisation::new("小组".parse().unwrap(), OrgKind::PartyGroup).under(c),
            Effects::none(),
        )
        .await;
    assert!(stray.is_err(), "a party group outside a branch");
    let committee = tree.get(c).unwrap().clone();
    let cycle = store
        .update_org(
            Organisation {
                parent: Some(a),
                ..committee
            },
            Effects::none(),
        )
        .await;
    assert!(cycle.is_err(), "a cycle");
    let branch = tree.get(b).unwrap().clone();
    let stale = store
        .update_org(
            Organisation {
                name: "旧名".parse().unwrap(),
                version: branch.version + 1,
                ..branch
            },
            Effects::none(),
        )
        .await;
    assert!(stale.is_err(), "a version that was never stored");
    assert_eq!(super::dump(&*store, &[]).await.unwrap(), before);
}
