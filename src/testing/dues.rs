//! Dues conformance checks: written against [`Store`] only, so every
//! backend (memory, SQLite, PostgreSQL) runs the same ones.

use super::fixtures::d;
use super::fixtures::{new_member, two_branches};
use crate::dues::{
    CaseStatus, DuesProfile, EntryId, Income, IncomeDeclaration, LedgerEntryKind, Money, Month,
    MonthRange, NewLedgerEntry, NewPayment, PaymentOutcome, Relief, ReliefKind, SelfDepartureCase,
};
use crate::member::OccupationCategory;
use crate::record::{Activity, NewRecordEntry};
use crate::store::Effects;
use crate::store::{Store, StoreErrorKind};
use crate::{MemberId, OrgId};
use chrono::{TimeZone, Utc};
use std::sync::Arc;

fn mo(s: &str) -> Month {
    s.parse().unwrap()
}

async fn setup(store: &Arc<dyn Store>) -> (OrgId, OrgId, MemberId) {
    let (_, a, b) = two_branches(store).await;
    let m = store
        .insert_member(new_member(store, a, 1).await, Effects::none())
        .await
        .unwrap();
    (a, b, m.id())
}

fn assessment(branch: OrgId, member: MemberId, month: &str, fen: i32) -> NewLedgerEntry {
    NewLedgerEntry {
        branch,
        recorded_on: d(2024, 6, 1),
        kind: LedgerEntryKind::Assessment {
            member,
            month: mo(month),
            amount: Money::from_fen(fen),
            rule_version: "dues-2017".into(),
        },
    }
}

pub(super) fn payment(
    branch: OrgId,
    member: MemberId,
    id: &str,
    fen: i32,
    alloc: &[(&str, i32)],
) -> NewPayment {
    NewPayment {
        payment: NewLedgerEntry {
            branch,
            recorded_on: d(2024, 6, 1),
            kind: LedgerEntryKind::Payment {
                member,
                payment_id: id.parse().unwrap(),
                amount: Money::from_fen(fen),
                voluntary: Money::ZERO,
                forward_to_central: false,
                received_on: d(2024, 6, 1),
            },
        },
        allocations: alloc
            .iter()
            .map(|(m, f)| (mo(m), Money::from_fen(*f)))
            .collect(),
    }
}

fn record(member: MemberId, fen: i32) -> NewRecordEntry {
    NewRecordEntry {
        member,
        occurred_on: d(2024, 6, 1),
        activity: Activity::DuesPaid {
            amount: Money::from_fen(fen).amount(),
            month: d(2024, 6, 1),
        },
        recorded_by: None,
        acted_by: None,
        recorded_at: Utc.with_ymd_and_hms(2024, 6, 1, 2, 0, 0).unwrap(),
    }
}

fn relief(member: MemberId, branch: OrgId, first: &str, last: &str) -> NewLedgerEntry {
    NewLedgerEntry {
        branch,
        recorded_on: d(2024, 6, 1),
        kind: LedgerEntryKind::Exemption {
            relief: Relief {
                member,
                kind: ReliefKind::Exemption,
                months: MonthRange::new(mo(first), mo(last)).unwrap(),
                reason: "困难".into(),
                requested_on: d(2024, 5, 1),
                approved_on: d(2024, 6, 1),
                approved_by: branch,
                reported_to: OrgId::new(1),
                reported_on: d(2024, 6, 1),
            },
        },
    }
}

pub(super) async fn profiles_round_trip(store: Arc<dyn Store>) {
    let (_, _, m) = setup(&store).await;
    assert_eq!(store.dues_profile(m).await.unwrap(), None);
    let mut p = DuesProfile::new(m, mo("2000-07"));
    p.declare(IncomeDeclaration {
        from: mo("2024-01"),
        category: OccupationCategory::Retiree,
        income: Income::Pension {
            basic_pension: Money::from_fen(500_000),
        },
    })
    .unwrap();
    store
        .put_dues_profile(p.clone(), Effects::none())
        .await
        .unwrap();
    assert_eq!(store.dues_profile(m).await.unwrap(), Some(p.clone()));
    assert_eq!(
        store.dues_profiles(&[m, MemberId::new(999)]).await.unwrap(),
        vec![p]
    );
}

pub(super) async fn assessments_are_unique_per_month(store: Arc<dyn Store>) {
    let (a, _, m) = setup(&store).await;
    let stored = store
        .append_assessments(
            vec![
                assessment(a, m, "2024-01", 9000),
                assessment(a, m, "2024-02", 9000),
            ],
            Effects::none(),
        )
        .await
        .unwrap();
    assert!(stored[0].id < stored[1].id);
    assert_eq!(ledger_version(&store, m).await, 2);
    // A batch with one duplicate writes nothing.
    let err = store
        .append_assessments(
            vec![
                assessment(a, m, "2024-03", 9000),
                assessment(a, m, "2024-02", 1),
            ],
            Effects::none(),
        )
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), StoreErrorKind::Rejected);
    assert_eq!(ledger_version(&store, m).await, 2);
    // After a reversal the month may be assessed again.
    store
        .append_dues_entry(
            NewLedgerEntry {
                branch: a,
                recorded_on: d(2024, 6, 1),
                kind: LedgerEntryKind::Reversal {
                    member: m,
                    reverses: stored[1].id,
                    reason: "基数错".into(),
                },
            },
            2,
            Effects::none(),
        )
        .await
        .unwrap();
    store
        .append_assessments(vec![assessment(a, m, "2024-02", 4500)], Effects::none())
        .await
        .unwrap();
    assert_eq!(ledger_version(&store, m).await, 4);
}

pub(super) async fn payment_ids_are_idempotent_and_atomic(store: Arc<dyn Store>) {
    let (a, _, m) = setup(&store).await;
    store
        .append_assessments(vec![assessment(a, m, "2024-01", 9000)], Effects::none())
        .await
        .unwrap();
    let p = payment(a, m, "WX-1", 9000, &[("2024-01", 9000)]);
    let first = store
        .record_payment(p.clone(), Effects::record(record(m, 9000)), 1)
        .await
        .unwrap();
    let PaymentOutcome::Recorded {
        payment: stored,
        allocations,
        records: r,
    } = first
    else {
        panic!("recorded with its record entry")
    };
    let [r] = &r[..] else {
        panic!("one activity-record entry")
    };
    assert_eq!(allocations.len(), 1);
    assert_eq!(r.member, m);
    assert_eq!(store.records_of(m).await.unwrap().len(), 1);
    // Again, even with a stale version: the first payment, nothing written.
    let again = store
        .record_payment(p, Effects::record(record(m, 9000)), 0)
        .await
        .unwrap();
    let PaymentOutcome::AlreadyRecorded {
        payment: same,
        allocations: same_alloc,
    } = again
    else {
        panic!("already recorded")
    };
    assert_eq!(same, stored);
    assert_eq!(same_alloc, allocations);
    assert_eq!(ledger_version(&store, m).await, 3);
    assert_eq!(store.records_of(m).await.unwrap().len(), 1);
}

pub(super) async fn concurrent_recordings_of_one_id_store_one(store: Arc<dyn Store>) {
    let (a, _, m) = setup(&store).await;
    store
        .append_assessments(vec![assessment(a, m, "2024-01", 9000)], Effects::none())
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let store = store.clone();
        let p = payment(a, m, "GW-32", 9000, &[("2024-01", 9000)]);
        tasks.push(tokio::spawn(async move {
            store
                .record_payment(p, Effects::record(record(m, 9000)), 1)
                .await
        }));
    }
    let mut recorded = 0;
    for t in tasks {
        match t.await.unwrap().unwrap() {
            PaymentOutcome::Recorded { .. } => recorded += 1,
            PaymentOutcome::AlreadyRecorded { .. } => {}
        }
    }
    assert_eq!(recorded, 1);
    let payments = store
        .dues_entries_of_member(m)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| matches!(e.kind, LedgerEntryKind::Payment { .. }))
        .count();
    assert_eq!(payments, 1);
    assert_eq!(store.records_of(m).await.unwrap().len(), 1);
}

pub(super) async fn stale_and_bad_payments_change_nothing(store: Arc<dyn Store>) {
    let (a, _, m) = setup(&store).await;
    store
        .append_assessments(vec![assessment(a, m, "2024-01", 9000)], Effects::none())
        .await
        .unwrap();
    let stale = store
        .record_payment(
            payment(a, m, "S1", 9000, &[("2024-01", 9000)]),
            Effects::none(),
            0,
        )
        .await
        .unwrap_err();
    assert_eq!(*stale.kind(), StoreErrorKind::Conflict);
    let over = store
        .record_payment(
            payment(a, m, "S2", 100, &[("2024-01", 9000)]),
            Effects::none(),
            1,
        )
        .await
        .unwrap_err();
    assert_eq!(*over.kind(), StoreErrorKind::Rejected);
    let other = store
        .record_payment(
            payment(a, m, "S3", 9000, &[]),
            Effects::record(record(MemberId::new(77), 9000)),
            1,
        )
        .await
        .unwrap_err();
    assert_eq!(*other.kind(), StoreErrorKind::Rejected);
    assert_eq!(ledger_version(&store, m).await, 1);
    assert!(store.records_of(m).await.unwrap().is_empty());
}

pub(super) async fn reversals_and_exemptions_are_checked(store: Arc<dyn Store>) {
    let (a, _, m) = setup(&store).await;
    let rev = |target: u64| NewLedgerEntry {
        branch: a,
        recorded_on: d(2024, 6, 1),
        kind: LedgerEntryKind::Reversal {
            member: m,
            reverses: EntryId::new(target),
            reason: "x".into(),
        },
    };
    let missing = store
        .append_dues_entry(rev(99), 0, Effects::none())
        .await
        .unwrap_err();
    assert_eq!(*missing.kind(), StoreErrorKind::NotFound);
    let e = store
        .append_dues_entry(relief(m, a, "2024-01", "2024-03"), 0, Effects::none())
        .await
        .unwrap();
    let overlap = store
        .append_dues_entry(relief(m, a, "2024-03", "2024-04"), 1, Effects::none())
        .await
        .unwrap_err();
    assert_eq!(*overlap.kind(), StoreErrorKind::Rejected);
    store
        .append_dues_entry(rev(e.id.get()), 1, Effects::none())
        .await
        .unwrap();
    let twice = store
        .append_dues_entry(rev(e.id.get()), 2, Effects::none())
        .await
        .unwrap_err();
    assert_eq!(*twice.kind(), StoreErrorKind::Rejected);
    // The reversed exemption no longer blocks the months.
    store
        .append_dues_entry(relief(m, a, "2024-03", "2024-04"), 2, Effects::none())
        .await
        .unwrap();
    // Other kinds are refused here; stale versions too.
    let stale = store
        .append_dues_entry(relief(m, a, "2025-01", "2025-01"), 0, Effects::none())
        .await
        .unwrap_err();
    assert_eq!(*stale.kind(), StoreErrorKind::Conflict);
    let wrong = store
        .append_dues_entry(assessment(a, m, "2024-09", 1), 3, Effects::none())
        .await
        .unwrap_err();
    assert_eq!(*wrong.kind(), StoreErrorKind::Rejected);
    assert_eq!(ledger_version(&store, m).await, 3);
}

pub(super) async fn entries_by_branch_and_member(store: Arc<dyn Store>) {
    let (a, b, m) = setup(&store).await;
    let n = store
        .insert_member(new_member(&store, b, 2).await, Effects::none())
        .await
        .unwrap()
        .id();
    store
        .append_assessments(
            vec![
                assessment(a, m, "2024-05", 100),
                assessment(b, n, "2024-05", 200),
                assessment(b, m, "2024-06", 100),
            ],
            Effects::none(),
        )
        .await
        .unwrap();
    let of_a = store.dues_entries_of_branches(&[a]).await.unwrap();
    assert_eq!(of_a.len(), 1);
    let of_b = store.dues_entries_of_branches(&[b, a]).await.unwrap();
    assert_eq!(of_b.len(), 3);
    assert!(of_b.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(store.dues_entries_of_member(m).await.unwrap().len(), 2);
    assert_eq!(
        store
            .dues_entries_of_members(&[n, m, n])
            .await
            .unwrap()
            .len(),
        3
    );
}

pub(super) async fn departure_cases_open_once(store: Arc<dyn Store>) {
    let (a, _, m) = setup(&store).await;
    let case = SelfDepartureCase {
        id: crate::CaseId::new(0),
        member: m,
        branch: a,
        opened_on: d(2024, 6, 1),
        months: MonthRange::new(mo("2024-01"), mo("2024-06")).unwrap(),
        owed: Money::from_fen(54_000),
        status: CaseStatus::Open,
    };
    let opened = store
        .open_departure_cases(vec![
            (case.clone(), Effects::none()),
            (case.clone(), Effects::none()),
        ])
        .await
        .unwrap();
    assert_eq!(opened.len(), 1);
    assert!(
        store
            .open_departure_cases(vec![(case, Effects::none())])
            .await
            .unwrap()
            .is_empty()
    );
    let id = opened[0].id;
    let closed = SelfDepartureCase {
        status: CaseStatus::PassedToDecision { on: d(2024, 6, 2) },
        ..opened[0].clone()
    };
    store
        .update_departure_case(closed.clone(), Effects::none())
        .await
        .unwrap();
    assert_eq!(
        store.departure_case(id).await.unwrap(),
        Some(closed.clone())
    );
    let err = store
        .update_departure_case(closed, Effects::none())
        .await
        .unwrap_err();
    assert_eq!(*err.kind(), StoreErrorKind::Conflict);
    assert_eq!(store.departure_cases(&[a]).await.unwrap().len(), 1);
}

fn kind_of(
    r: &Result<PaymentOutcome, crate::store::StoreError>,
) -> Result<&'static str, StoreErrorKind> {
    match r {
        Ok(PaymentOutcome::Recorded { .. }) => Ok("recorded"),
        Ok(PaymentOutcome::AlreadyRecorded { .. }) => Ok("already"),
        Err(e) => Err(e.kind().clone()),
    }
}

pub(super) async fn batch_payments_store_exactly_the_good_items(store: Arc<dyn Store>) {
    let (a, _, m1) = setup(&store).await;
    let m2 = store
        .insert_member(new_member(&store, a, 2).await, Effects::none())
        .await
        .unwrap()
        .id();
    store
        .append_assessments(
            vec![
                assessment(a, m1, "2024-01", 9000),
                assessment(a, m1, "2024-02", 9000),
                assessment(a, m2, "2024-01", 9000),
            ],
            Effects::none(),
        )
        .await
        .unwrap();
    let old = store
        .record_payment(
            payment(a, m1, "OLD", 9000, &[("2024-01", 9000)]),
            Effects::none(),
            2,
        )
        .await
        .unwrap();
    let PaymentOutcome::Recorded {
        payment: old_payment,
        allocations: old_alloc,
        ..
    } = old
    else {
        panic!("recorded")
    };
    assert_eq!(ledger_version(&store, m1).await, 4);
    let batch = vec![
        // 0: good (m1 at version 4).
        (
            payment(a, m1, "B1", 9000, &[("2024-02", 9000)]),
            Effects::record(record(m1, 9000)),
            4,
        ),
        // 1: the same external id again inside the batch.
        (
            payment(a, m1, "B1", 9000, &[("2024-02", 9000)]),
            Effects::record(record(m1, 9000)),
            6,
        ),
        // 2: an id stored before (a stale version does not matter).
        (
            payment(a, m1, "OLD", 9000, &[("2024-01", 9000)]),
            Effects::record(record(m1, 9000)),
            0,
        ),
        // 3: stale.
        (
            payment(a, m2, "B2", 9000, &[("2024-01", 9000)]),
            Effects::record(record(m2, 9000)),
            0,
        ),
        // 4: over-allocated.
        (
            payment(a, m2, "B3", 100, &[("2024-01", 9000)]),
            Effects::none(),
            1,
        ),
        // 5: the record of another member.
        (
            payment(a, m2, "B4", 9000, &[]),
            Effects::record(record(m1, 9000)),
            1,
        ),
        // 6: good.
        (
            payment(a, m2, "B5", 9000, &[("2024-01", 9000)]),
            Effects::record(record(m2, 9000)),
            1,
        ),
        // 7: good, after item 0 of the same member.
        (
            payment(a, m1, "B6", 100, &[]),
            Effects::record(record(m1, 100)),
            6,
        ),
    ];
    let out = store.record_payments(batch).await.unwrap();
    let kinds: Vec<_> = out.iter().map(kind_of).collect();
    assert_eq!(
        kinds,
        vec![
            Ok("recorded"),
            Ok("already"),
            Ok("already"),
            Err(StoreErrorKind::Conflict),
            Err(StoreErrorKind::Rejected),
            Err(StoreErrorKind::Rejected),
            Ok("recorded"),
            Ok("recorded"),
        ]
    );
    let Ok(PaymentOutcome::Recorded {
        payment: b1,
        allocations: b1_alloc,
        records: r1,
    }) = &out[0]
    else {
        panic!("item 0 recorded")
    };
    let [r1] = &r1[..] else {
        panic!("one activity-record entry")
    };
    assert_eq!(r1.member, m1);
    assert_eq!(b1_alloc.len(), 1);
    assert!(
        matches!(b1_alloc[0].kind, LedgerEntryKind::Allocation { payment, month, .. } if payment == b1.id && month == mo("2024-02"))
    );
    let Ok(PaymentOutcome::AlreadyRecorded {
        payment: again,
        allocations: again_alloc,
    }) = &out[1]
    else {
        panic!("item 1 already recorded")
    };
    assert_eq!((again, again_alloc), (b1, b1_alloc));
    let Ok(PaymentOutcome::AlreadyRecorded {
        payment: o,
        allocations: oa,
    }) = &out[2]
    else {
        panic!("item 2 already recorded")
    };
    assert_eq!((o, oa), (&old_payment, &old_alloc));
    let Ok(PaymentOutcome::Recorded {
        records: r6,
        allocations: a6,
        ..
    }) = &out[6]
    else {
        panic!("item 6 recorded")
    };
    let [r6] = &r6[..] else {
        panic!("one activity-record entry")
    };
    assert_eq!((r6.member, a6.len()), (m2, 1));
    // Exactly the good items are stored, with their record entries.
    let ids_of = |entries: Vec<crate::dues::LedgerEntry>| -> Vec<String> {
        entries
            .into_iter()
            .filter_map(|e| match e.kind {
                LedgerEntryKind::Payment { payment_id, .. } => Some(payment_id.to_string()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        ids_of(store.dues_entries_of_member(m1).await.unwrap()),
        ["OLD", "B1", "B6"]
    );
    assert_eq!(
        ids_of(store.dues_entries_of_member(m2).await.unwrap()),
        ["B5"]
    );
    assert_eq!(ledger_version(&store, m1).await, 7);
    assert_eq!(ledger_version(&store, m2).await, 3);
    assert_eq!(store.records_of(m1).await.unwrap().len(), 2);
    assert_eq!(store.records_of(m2).await.unwrap().len(), 1);
    let stored_ids: Vec<EntryId> = store
        .dues_entries_of_member(m1)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert!(stored_ids.contains(&b1.id) && stored_ids.contains(&b1_alloc[0].id));
    // An empty batch is fine.
    assert!(store.record_payments(Vec::new()).await.unwrap().is_empty());
}

pub(super) async fn concurrent_batches_of_one_id_store_one(store: Arc<dyn Store>) {
    let (a, _, m) = setup(&store).await;
    let m2 = store
        .insert_member(new_member(&store, a, 2).await, Effects::none())
        .await
        .unwrap()
        .id();
    store
        .append_assessments(
            vec![
                assessment(a, m, "2024-01", 9000),
                assessment(a, m2, "2024-01", 9000),
            ],
            Effects::none(),
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for k in 0..32 {
        let store = store.clone();
        let batch = vec![
            (
                payment(a, m2, &format!("OWN-{k}"), 100, &[]),
                Effects::record(record(m2, 100)),
                1,
            ),
            (
                payment(a, m, "GW-B32", 9000, &[("2024-01", 9000)]),
                Effects::record(record(m, 9000)),
                1,
            ),
        ];
        tasks.push(tokio::spawn(
            async move { store.record_payments(batch).await },
        ));
    }
    let (mut shared, mut own) = (0, 0);
    for t in tasks {
        let out = t.await.unwrap().unwrap();
        let kinds: Vec<_> = out.iter().map(kind_of).collect();
        match kinds[0] {
            Ok("recorded") => own += 1,
            Err(StoreErrorKind::Conflict) => {}
            ref other => panic!("own item: {other:?}"),
        }
        match kinds[1] {
            Ok("recorded") => shared += 1,
            Ok("already") => {}
            ref other => panic!("shared item: {other:?}"),
        }
    }
    assert_eq!((shared, own), (1, 1));
    let payments = |entries: Vec<crate::dues::LedgerEntry>| {
        entries
            .into_iter()
            .filter(|e| matches!(e.kind, LedgerEntryKind::Payment { .. }))
            .count()
    };
    assert_eq!(payments(store.dues_entries_of_member(m).await.unwrap()), 1);
    assert_eq!(payments(store.dues_entries_of_member(m2).await.unwrap()), 1);
    assert_eq!(store.records_of(m).await.unwrap().len(), 1);
    assert_eq!(store.records_of(m2).await.unwrap().len(), 1);
    assert_eq!(ledger_version(&store, m).await, 3);
}

/// More rows than one multi-row statement takes (1,000), two rows of a
/// member in one call (assessments, allocations): every row comes back to
/// its own member and payment.
pub(super) async fn large_batches_cross_statement_chunks(store: Arc<dyn Store>) {
    let (a, _, _) = setup(&store).await;
    let mut news = Vec::new();
    for n in 10..1_110 {
        news.push(new_member(&store, a, n).await);
    }
    let members: Vec<MemberId> = store
        .insert_members(news, Effects::none())
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id())
        .collect();
    let assessments: Vec<NewLedgerEntry> = members
        .iter()
        .flat_map(|m| {
            [
                assessment(a, *m, "2024-01", 9000),
                assessment(a, *m, "2024-02", 4000),
            ]
        })
        .collect();
    let stored = store
        .append_assessments(assessments.clone(), Effects::none())
        .await
        .unwrap();
    assert_eq!(stored.len(), assessments.len());
    for (s, n) in stored.iter().zip(&assessments) {
        assert_eq!(s.kind, n.kind);
    }
    let batch = members
        .iter()
        .enumerate()
        .map(|(k, m)| {
            (
                payment(
                    a,
                    *m,
                    &format!("BIG-{k}"),
                    13000,
                    &[("2024-01", 9000), ("2024-02", 4000)],
                ),
                Effects::record(record(*m, 13000)),
                2,
            )
        })
        .collect();
    let out = store.record_payments(batch).await.unwrap();
    assert_eq!(out.len(), members.len());
    for (k, (o, m)) in out.into_iter().zip(&members).enumerate() {
        let Ok(PaymentOutcome::Recorded {
            payment,
            allocations,
            records: r,
        }) = o
        else {
            panic!("item {k} recorded")
        };
        let [r] = &r[..] else {
            panic!("one activity-record entry")
        };
        assert!(
            matches!(&payment.kind, LedgerEntryKind::Payment { member, payment_id, .. }
            if member == m && payment_id.to_string() == format!("BIG-{k}"))
        );
        assert_eq!(r.member, *m);
        let months: Vec<Month> = allocations
            .iter()
            .map(|e| match e.kind {
                LedgerEntryKind::Allocation {
                    member,
                    payment: p,
                    month,
                    ..
                } => {
                    assert_eq!((member, p), (*m, payment.id));
                    month
                }
                _ => panic!("an allocation"),
            })
            .collect();
        assert_eq!(months, [mo("2024-01"), mo("2024-02")]);
        if k % 500 == 0 || k + 1 == members.len() {
            let mine = store.dues_entries_of_member(*m).await.unwrap();
            assert_eq!(mine.len(), 5);
            assert!(mine.contains(&payment) && allocations.iter().all(|x| mine.contains(x)));
            assert_eq!(store.records_of(*m).await.unwrap(), vec![r.clone()]);
            assert_eq!(ledger_version(&store, *m).await, 5);
        }
    }
}

/// The version of a member's ledger: the number of entries about them.
async fn ledger_version(store: &Arc<dyn Store>, m: MemberId) -> u64 {
    let n = store.dues_entries_of_member(m).await.unwrap().len();
    u64::try_from(n).unwrap()
}

/// Every refused ledger write leaves the whole state as it was.
pub(super) async fn refused_writes_change_nothing(store: Arc<dyn Store>) {
    let (a, _, m) = setup(&store).await;
    store
        .append_assessments(vec![assessment(a, m, "2024-01", 9000)], Effects::none())
        .await
        .unwrap();
    let before = super::dump(&*store, &[]).await.unwrap();
    let dup = store
        .append_assessments(
            vec![
                assessment(a, m, "2024-02", 9000),
                assessment(a, m, "2024-01", 1),
            ],
            Effects::none(),
        )
        .await;
    assert!(dup.is_err(), "a month assessed twice");
    let good = payment(a, m, "R1", 9000, &[("2024-01", 9000)]);
    let stale = store
        .record_payment(good.clone(), Effects::record(record(m, 9000)), 0)
        .await;
    assert!(stale.is_err(), "a stale ledger version");
    let over = store
        .record_payment(
            payment(a, m, "R2", 100, &[("2024-01", 9000)]),
            Effects::none(),
            1,
        )
        .await;
    assert!(over.is_err(), "over-allocated");
    let other = store
        .record_payment(
            good.clone(),
            Effects::record(record(MemberId::new(77), 9000)),
            1,
        )
        .await;
    assert!(other.is_err(), "the record of another member");
    let out = store
        .record_payments(vec![(good.clone(), Effects::record(record(m, 9000)), 5)])
        .await
        .unwrap();
    assert!(out[0].is_err(), "a stale item of a batch");
    let reversal = NewLedgerEntry {
        branch: a,
        recorded_on: d(2024, 6, 1),
        kind: LedgerEntryKind::Reversal {
            member: m,
            reverses: EntryId::new(99),
            reason: "x".into(),
        },
    };
    assert!(
        store
            .append_dues_entry(reversal, 1, Effects::none())
            .await
            .is_err(),
        "unknown"
    );
    let stale = store
        .append_dues_entry(relief(m, a, "2025-01", "2025-01"), 0, Effects::none())
        .await;
    assert!(stale.is_err(), "a stale exemption");
    assert_eq!(super::dump(&*store, &[]).await.unwrap(), before);
}
