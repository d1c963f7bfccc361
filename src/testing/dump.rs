//! 状态快照 (a state dump): everything a store holds that the contract can
//! enumerate, read through the public traits only, for before/after
//! comparisons in tests.

use super::fixtures::{entry, new_member, two_branches};
use super::votes::{new_vote, voter};
use crate::dues::{DuesProfile, LedgerEntry, SelfDepartureCase};
use crate::election::{SealedBallot, VoteId, VoteRecord, VoteStatus};
use crate::member::Member;
use crate::org::Organisation;
use crate::record::RecordEntry;
use crate::store::Effects;
use crate::store::{Store, StoreError};
use crate::{MemberId, OrgId};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A full, deterministic dump of a store's state ([`dump`]): two dumps of
/// the same state are equal, whatever order the backend returns rows in.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StateDump {
    /// The organisation tree, by id.
    pub orgs: Vec<Organisation>,
    /// Every member found through the tree (home branch or online branch
    /// of any organisation), by id.
    pub members: Vec<Member>,
    /// Each member's activity record, oldest first.
    pub records: BTreeMap<MemberId, Vec<RecordEntry>>,
    /// The dues profiles of those members, by member id.
    pub dues_profiles: Vec<DuesProfile>,
    /// Each member's ledger entries, oldest first.
    pub ledger_by_member: BTreeMap<MemberId, Vec<LedgerEntry>>,
    /// The ledger entries recorded by any organisation of the tree, by id.
    pub ledger_by_branch: Vec<LedgerEntry>,
    /// The self-departure cases of any organisation of the tree, by id.
    pub departure_cases: Vec<SelfDepartureCase>,
    /// The votes asked for, in the order asked.
    pub votes: Vec<VoteDump>,
    /// Each member's rewards, sanctions and detentions, oldest first.
    pub decisions: BTreeMap<MemberId, Vec<crate::discipline::Decision>>,
    /// The office holdings (current and ended) of any organisation of the
    /// tree, by id.
    pub offices: Vec<crate::office::OfficeHolder>,
    /// The disclosure items (党务公开事项) of any organisation of the tree,
    /// by id.
    pub disclosure_items: Vec<crate::disclosure::Item>,
    /// The applications for disclosure (依申请公开) to any organisation of
    /// the tree, by id.
    pub applications: Vec<crate::disclosure::Application>,
    /// Every message in the outbox, by id (the spending and the cursors
    /// are read by key: [`crate::store::OutboxStore::spent`], [`crate::store::OutboxStore::cursor`]).
    pub outbox: Vec<crate::notify::StoredMessage>,
}

/// One vote in a [`StateDump`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VoteDump {
    /// The vote asked for.
    pub id: VoteId,
    /// The record, `None` when the store has no such vote.
    pub record: Option<VoteRecord>,
    /// Who voted.
    pub voters: BTreeSet<MemberId>,
    /// The sealed ballots, by tracking code; `None` while the vote is open
    /// (the contract gives no ballots before closing).
    pub ballots: Option<Vec<SealedBallot>>,
}

/// 状态快照: reads everything `store` holds that the contract can
/// enumerate. The [`VoteStore`](crate::store::VoteStore) contract cannot
/// list votes, so the caller names them in `votes`.
///
/// # Errors
/// The first error of the store's reads.
///
/// ```
/// # dangjian::testing::block_on(async {
/// use dangjian::store::{MemoryStore, Store};
/// use dangjian::testing;
/// use std::sync::Arc;
/// let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
/// let before = testing::dump(&*store, &[]).await?;
/// let m = testing::seed_one_member(&store).await;
/// let after = testing::dump(&*store, &[]).await?;
/// assert_ne!(before, after);
/// assert_eq!(after.members, vec![m]);
/// # Ok::<(), dangjian::store::StoreError>(()) }).unwrap();
/// ```
pub async fn dump(store: &dyn Store, votes: &[VoteId]) -> Result<StateDump, StoreError> {
    let tree = store.org_tree().await?;
    let mut orgs: Vec<Organisation> = tree.iter().cloned().collect();
    orgs.sort_by_key(|o| o.id);
    let org_ids: Vec<OrgId> = orgs.iter().map(|o| o.id).collect();
    let mut members = BTreeMap::new();
    for m in store.members_by_home(&org_ids).await? {
        members.insert(m.id(), m);
    }
    for org in &org_ids {
        for m in store.members_by_online(*org).await? {
            members.insert(m.id(), m);
        }
    }
    let ids: Vec<MemberId> = members.keys().copied().collect();
    let mut records = BTreeMap::new();
    let mut ledger_by_member = BTreeMap::new();
    for id in &ids {
        records.insert(*id, store.records_of(*id).await?);
        ledger_by_member.insert(*id, store.dues_entries_of_member(*id).await?);
    }
    let mut decisions: BTreeMap<MemberId, Vec<crate::discipline::Decision>> = BTreeMap::new();
    for d in store.decisions_of(&ids).await? {
        decisions.entry(d.member).or_default().push(d);
    }
    for list in decisions.values_mut() {
        list.sort_by_key(|d| d.id);
    }
    let mut dues_profiles = store.dues_profiles(&ids).await?;
    dues_profiles.sort_by_key(|p| p.member);
    let mut ledger_by_branch = store.dues_entries_of_branches(&org_ids).await?;
    ledger_by_branch.sort_by_key(|e| e.id);
    let mut departure_cases = store.departure_cases(&org_ids).await?;
    departure_cases.sort_by_key(|c| c.id);
    let mut dumped = Vec::new();
    for id in votes {
        let record = store.get_vote(*id).await?;
        let (voters, ballots) = match &record {
            None => (BTreeSet::new(), None),
            Some(r) => {
                let voters = store.voters(*id).await?;
                let ballots = if r.status() == VoteStatus::Closed {
                    let mut b = store.sealed_ballots(*id).await?;
                    b.sort_by_key(|b| b.code);
                    Some(b)
                } else {
                    None
                };
                (voters, ballots)
            }
        };
        dumped.push(VoteDump {
            id: *id,
            record,
            voters,
            ballots,
        });
    }
    let mut offices = store.offices_of(&org_ids).await?;
    offices.sort_by_key(|h| h.id());
    let mut disclosure_items = store.items_of(&org_ids).await?;
    disclosure_items.sort_by_key(|i| i.id());
    let mut applications = store.applications_of(&org_ids).await?;
    applications.sort_by_key(|a| a.id());
    let mut outbox: Vec<crate::notify::StoredMessage> = Vec::new();
    loop {
        let all = crate::notify::MessageFilter::all();
        let after = outbox.last().map(|m| m.id);
        let page = store
            .messages(&all, after, crate::notify::MAX_CLAIM)
            .await?;
        if page.is_empty() {
            break;
        }
        outbox.extend(page);
    }
    Ok(StateDump {
        offices,
        disclosure_items,
        applications,
        outbox,
        orgs,
        members: members.into_values().collect(),
        records,
        dues_profiles,
        ledger_by_member,
        ledger_by_branch,
        departure_cases,
        votes: dumped,
        decisions,
    })
}

pub(super) async fn empty_store_dumps_empty(store: Arc<dyn Store>) {
    let d = dump(&*store, &[VoteId::new(1)]).await.unwrap();
    assert!(d.orgs.is_empty() && d.members.is_empty(), "{d:?}");
    assert!(d.ledger_by_branch.is_empty() && d.departure_cases.is_empty());
    assert!(d.offices.is_empty() && d.outbox.is_empty());
    assert!(d.disclosure_items.is_empty() && d.applications.is_empty());
    assert_eq!(d.votes.len(), 1);
    assert_eq!(d.votes[0].record, None);
}

/// Something in every area; the dump sees all of it, twice the same.
pub(super) async fn dump_is_complete_and_deterministic(store: Arc<dyn Store>) {
    let (_, a, b) = two_branches(&store).await;
    let m = store
        .insert_member(new_member(&store, a, 1).await, Effects::none())
        .await
        .unwrap();
    store
        .insert_member(new_member(&store, b, 2).await, Effects::none())
        .await
        .unwrap();
    store
        .append_record(entry(m.id(), "visit"), Effects::none())
        .await
        .unwrap();
    store
        .put_dues_profile(
            DuesProfile::new(m.id(), "2000-07".parse().unwrap()),
            Effects::none(),
        )
        .await
        .unwrap();
    let open = store
        .create_vote(new_vote(a, 10), Effects::none())
        .await
        .unwrap();
    let closed = store
        .create_vote(new_vote(b, 10), Effects::none())
        .await
        .unwrap();
    let ballot = crate::election::Ballot::from_masks(1, 0, vec![]);
    let (sealed, _) =
        crate::election::seal(closed.id(), closed.session(), ballot, &mut rand::rng());
    store
        .cast_ballot(voter(1), sealed, Effects::none())
        .await
        .unwrap();
    store
        .close_vote(closed.id(), Effects::none())
        .await
        .unwrap();
    let on = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let holding = crate::office::NewOfficeHolder::new(
        a,
        m.id(),
        crate::office::Post::Secretary,
        crate::office::Source::Appointed { by: a },
        on,
        on,
    );
    store
        .install_offices(
            crate::office::InstallOffices::new(a, on, vec![holding], vec![]),
            Effects::none(),
        )
        .await
        .unwrap();
    let out = crate::notify::OutgoingMessage::new(
        "dump",
        crate::notify::Channel::Email,
        "a@example.com",
        "张三",
        "通知",
    );
    let now = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 6, 3, 9, 0, 0).unwrap();
    store
        .enqueue(crate::notify::Enqueue::new(vec![
            crate::notify::NewMessage::new(a, out, now),
        ]))
        .await
        .unwrap();
    store
        .insert_item(
            super::disclosure::disclosable(a, "事项", "内容"),
            Effects::none(),
        )
        .await
        .unwrap();
    store
        .insert_application(
            crate::disclosure::NewApplication {
                org: b,
                applicant: m.id(),
                about: crate::disclosure::Content::new("申请").unwrap(),
                received_on: on,
            },
            Effects::none(),
        )
        .await
        .unwrap();
    let ids = [open.id(), closed.id()];
    let first = dump(&*store, &ids).await.unwrap();
    assert_eq!(first.disclosure_items.len(), 1);
    assert_eq!(first.applications.len(), 1);
    assert_eq!(first.offices.len(), 1);
    assert_eq!(first.outbox.len(), 1);
    assert_eq!(first, dump(&*store, &ids).await.unwrap());
    assert_eq!(first.orgs.len(), 3);
    assert_eq!(first.members.len(), 2);
    assert_eq!(first.records[&m.id()].len(), 1);
    assert_eq!(first.dues_profiles.len(), 1);
    assert!(first.votes[0].ballots.is_none());
    assert_eq!(first.votes[1].ballots.as_ref().map(Vec::len), Some(1));
    assert_eq!(first.votes[1].voters.len(), 1);
    // A decision shows, and a second dump is the same.
    store
        .record_decision(
            super::discipline::decision(m.id(), a, crate::discipline::Measure::Warning),
            None,
            Effects::none(),
        )
        .await
        .unwrap();
    let second = dump(&*store, &ids).await.unwrap();
    assert_eq!(second.decisions[&m.id()].len(), 1);
    assert_ne!(first, second);
    assert_eq!(second, dump(&*store, &ids).await.unwrap());
}
