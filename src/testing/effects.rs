//! 附带记录一致性 (side-effect conformance): every write commits its
//! [`Effects`] with the change or not at all, and only when it changes
//! something; the journal reads back in commit order, by stream.

use super::dues::payment;
use super::fixtures::{d, edited, entry, new_member, two_branches};
use crate::dues::{LedgerEntryKind, Money, NewLedgerEntry, PaymentOutcome};
use crate::election::{AttendanceMode, Ballot, seal};
use crate::org::{BranchForm, NewOrganisation, OrgKind};
use crate::store::{Effects, JournalEntry, NewJournalEntry, Store, StoreErrorKind, Stream};
use crate::{JournalId, MemberId};
use chrono::{TimeZone, Utc};
use std::sync::Arc;

fn stream(name: &str) -> Stream {
    Stream::new(name).unwrap()
}

fn note(s: &str, body: &str) -> NewJournalEntry {
    NewJournalEntry::new(
        stream(s),
        Utc.with_ymd_and_hms(2024, 6, 1, 2, 0, 0).unwrap(),
        body,
    )
}

async fn all(store: &Arc<dyn Store>, s: &str) -> Vec<JournalEntry> {
    store.journal(&stream(s), None, 10_000).await.unwrap()
}

async fn bodies(store: &Arc<dyn Store>, s: &str) -> Vec<String> {
    all(store, s).await.into_iter().map(|j| j.body).collect()
}

pub(super) async fn member_writes_commit_their_effects_or_none(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let m = store
        .insert_member(
            new_member(&store, a, 1).await,
            Effects::none().with_journal(note("audit", "registered")),
        )
        .await
        .unwrap();
    let fx = Effects::record(entry(m.id(), "visit"))
        .with_journal(note("audit", "visited").about_member(m.id()))
        .with_journal(note("outbox", "tell the secretary").about_org(a));
    let (m2, stored) = store.update_member(m.clone(), fx).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(store.records_of(m.id()).await.unwrap(), stored);
    assert_eq!(bodies(&store, "audit").await, ["registered", "visited"]);
    let out = all(&store, "outbox").await;
    assert_eq!((out.len(), out[0].org, out[0].member), (1, Some(a), None));
    assert_eq!(all(&store, "audit").await[1].member, Some(m.id()));

    // A stale version: neither the change nor its effects.
    let stale = Effects::record(entry(m.id(), "late")).with_journal(note("audit", "stale"));
    let err = store.update_member(m.clone(), stale).await.unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Conflict);
    // An entry about another member: refused, nothing stored.
    let foreign =
        Effects::record(entry(MemberId::new(999_999), "x")).with_journal(note("audit", "foreign"));
    let err = store.update_member(m2.clone(), foreign).await.unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Rejected);
    // An effect about an unknown member on another write: NotFound.
    let ghost =
        Effects::record(entry(MemberId::new(999_999), "x")).with_journal(note("audit", "ghost"));
    let err = store
        .insert_org(
            NewOrganisation::new(
                "三支部".parse().unwrap(),
                OrgKind::Branch(BranchForm::Physical),
            )
            .under(a),
            ghost,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            StoreErrorKind::NotFound | StoreErrorKind::Rejected
        ),
        "{err}"
    );
    // A duplicate insert: refused, no effect.
    let dup = store
        .insert_member(
            new_member(&store, a, 1).await,
            Effects::none().with_journal(note("audit", "duplicate")),
        )
        .await;
    assert!(dup.is_err());
    assert_eq!(bodies(&store, "audit").await, ["registered", "visited"]);
    assert_eq!(store.records_of(m.id()).await.unwrap(), stored);
    assert_eq!(store.org_tree().await.unwrap().len(), 3);
    // An unchanged record rewritten still commits its effects: the write
    // happened (a new version).
    let same = edited(&m2, |_| {});
    let (m3, _) = store
        .update_member(same, Effects::none().with_journal(note("audit", "again")))
        .await
        .unwrap();
    assert_eq!(m3.version(), m2.version() + 1);
    assert_eq!(all(&store, "audit").await.len(), 3);
}

pub(super) async fn org_and_vote_writes_commit_effects_once(store: Arc<dyn Store>) {
    let (c, a, _) = two_branches(&store).await;
    let tree = store.org_tree().await.unwrap();
    let mut org = tree.get(a).unwrap().clone();
    org.parent = Some(a); // a cycle: refused with its effects
    let err = store
        .update_org(org, Effects::none().with_journal(note("audit", "cycle")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Rejected);
    let mut org = tree.get(a).unwrap().clone();
    org.name = "一支部（新）".parse().unwrap();
    store
        .update_org(org, Effects::none().with_journal(note("audit", "renamed")))
        .await
        .unwrap();
    let vote = store
        .create_vote(
            super::votes::new_vote(a, 9),
            Effects::none().with_journal(note("outbox", "vote opened").about_org(a)),
        )
        .await
        .unwrap();
    let voter = super::votes::voter(1);
    for _ in 0..2 {
        store
            .check_in(
                vote.id(),
                voter,
                AttendanceMode::InPerson,
                Effects::none().with_journal(note("points", "checked in")),
            )
            .await
            .unwrap();
    }
    let (sealed, _) = seal(
        vote.id(),
        vote.session(),
        Ballot::from_masks(1, 0, vec![]),
        &mut rand::rng(),
    );
    store
        .cast_ballot(
            voter,
            sealed.clone(),
            Effects::none().with_journal(note("points", "voted")),
        )
        .await
        .unwrap();
    let again = store
        .cast_ballot(
            voter,
            sealed,
            Effects::none().with_journal(note("points", "voted twice")),
        )
        .await;
    assert!(again.is_err());
    for _ in 0..2 {
        store
            .close_vote(
                vote.id(),
                Effects::none().with_journal(note("outbox", "vote closed")),
            )
            .await
            .unwrap();
    }
    assert_eq!(bodies(&store, "audit").await, ["renamed"]);
    assert_eq!(bodies(&store, "points").await, ["checked in", "voted"]);
    assert_eq!(
        bodies(&store, "outbox").await,
        ["vote opened", "vote closed"]
    );
    assert_eq!(store.org_tree().await.unwrap().get(c).unwrap().version, 1);
}

pub(super) async fn payments_commit_the_effects_of_accepted_items_only(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let m = store
        .insert_member(new_member(&store, a, 1).await, Effects::none())
        .await
        .unwrap();
    let fx = |s: &str| {
        Effects::record(entry(m.id(), s)).with_journal(note("points", s).about_member(m.id()))
    };
    let out = store
        .record_payments(vec![
            (payment(a, m.id(), "P1", 100, &[]), fx("P1"), 0),
            (payment(a, m.id(), "P1", 100, &[]), fx("P1 again"), 1), // same id in the batch
            (payment(a, m.id(), "P2", 100, &[]), fx("P2 stale"), 0), // stale version
            (payment(a, m.id(), "P3", 100, &[]), fx("P3"), 1),
        ])
        .await
        .unwrap();
    let kinds: Vec<&str> = out
        .iter()
        .map(|o| match o {
            Ok(PaymentOutcome::Recorded { .. }) => "recorded",
            Ok(PaymentOutcome::AlreadyRecorded { .. }) => "already",
            Err(_) => "refused",
        })
        .collect();
    assert_eq!(kinds, ["recorded", "already", "refused", "recorded"]);
    let Ok(PaymentOutcome::Recorded { records, .. }) = &out[3] else {
        panic!("item 3 recorded")
    };
    assert_eq!(records.len(), 1);
    // Recording P1 again later: already recorded, its effects not stored.
    let again = store
        .record_payment(payment(a, m.id(), "P1", 100, &[]), fx("P1 later"), 2)
        .await
        .unwrap();
    assert!(matches!(again, PaymentOutcome::AlreadyRecorded { .. }));
    assert_eq!(bodies(&store, "points").await, ["P1", "P3"]);
    assert_eq!(store.records_of(m.id()).await.unwrap().len(), 2);
    // Batch-level effects of an assessment run, all or nothing.
    let assess = |month: &str| NewLedgerEntry {
        branch: a,
        recorded_on: d(2024, 6, 1),
        kind: LedgerEntryKind::Assessment {
            member: m.id(),
            month: month.parse().unwrap(),
            amount: Money::from_fen(100),
            rule_version: "dues-2017".into(),
        },
    };
    let run = |s: &str| Effects::none().with_journal(note("outbox", s));
    store
        .append_assessments(vec![assess("2024-01")], run("January"))
        .await
        .unwrap();
    let twice = store
        .append_assessments(vec![assess("2024-02"), assess("2024-01")], run("twice"))
        .await;
    assert!(twice.is_err());
    assert_eq!(bodies(&store, "outbox").await, ["January"]);
}

pub(super) async fn journal_reads_by_stream_in_order(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let mut fx = Effects::none();
    for i in 0..25 {
        let s = if i % 5 == 0 { "audit" } else { "outbox" };
        fx = fx.with_journal(note(s, &format!("{i}")));
    }
    store
        .insert_member(new_member(&store, a, 1).await, fx)
        .await
        .unwrap();
    let outbox = all(&store, "outbox").await;
    assert_eq!(outbox.len(), 20);
    assert!(
        outbox.windows(2).all(|w| w[0].id < w[1].id),
        "increasing ids"
    );
    let page = store
        .journal(&stream("outbox"), Some(outbox[4].id), 3)
        .await
        .unwrap();
    assert_eq!(page, outbox[5..8].to_vec());
    let rest = store
        .journal(&stream("outbox"), Some(outbox[19].id), 10)
        .await
        .unwrap();
    assert!(rest.is_empty());
    assert!(all(&store, "nothing-here").await.is_empty());
    let audit = all(&store, "audit").await;
    assert_eq!(audit.len(), 5);
    assert_eq!(audit[0].body, "0");
    let none = store
        .journal(&stream("audit"), Some(JournalId::new(u64::MAX >> 2)), 5)
        .await
        .unwrap();
    assert!(none.is_empty());
}

pub(super) async fn concurrent_writers_of_one_version_store_one_effect(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let m = store
        .insert_member(new_member(&store, a, 1).await, Effects::none())
        .await
        .unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = Arc::clone(&store);
            let m = m.clone();
            tokio::spawn(async move {
                let fx = Effects::record(entry(m.id(), &format!("try {i}")))
                    .with_journal(note("audit", &format!("try {i}")));
                store.update_member(m, fx).await
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            won += 1;
        }
    }
    assert_eq!(won, 1);
    assert_eq!(all(&store, "audit").await.len(), 1);
    assert_eq!(store.records_of(m.id()).await.unwrap().len(), 1);
}
