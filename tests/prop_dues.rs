//! Property tests for the dues ledger: allocations never exceed payments,
//! balances do not depend on the order entries are ingested, and recording
//! one external payment id any number of times changes nothing after the
//! first.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use dangjian::dues::{
    Balances, EntryId, LedgerEntry, LedgerEntryKind, Money, Month, MonthRange, NewLedgerEntry,
    NewPayment, PaymentOutcome, Relief, ReliefKind, allocate, check_relief, check_reversal,
};
use dangjian::store::Effects;
use dangjian::store::{DuesStore, MemoryStore};
use dangjian::{MemberId, OrgId};
use proptest::prelude::*;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
}

fn month(i: u32) -> Month {
    Month::new(2023 + i32::try_from(i / 12).unwrap(), i % 12 + 1).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    Pay { member: u8, fen: i32 },
    Reverse { pick: usize },
    Exempt { member: u8, first: u32, len: u32 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..3, 1i32..60_000).prop_map(|(member, fen)| Op::Pay { member, fen }),
        1 => any::<usize>().prop_map(|pick| Op::Reverse { pick }),
        1 => (0u8..3, 0u32..24, 1u32..4).prop_map(|(member, first, len)| Op::Exempt { member, first, len }),
    ]
}

/// Builds a ledger the way the service does: assessments, then each
/// operation checked against the balances so far (a refused one writes
/// nothing).
fn simulate(assessed: &[Vec<i32>], ops: &[Op]) -> Vec<LedgerEntry> {
    let mut entries: Vec<LedgerEntry> = Vec::new();
    let push = |entries: &mut Vec<LedgerEntry>, kind| {
        let id = EntryId::new(u64::try_from(entries.len()).unwrap() + 1);
        entries.push(
            NewLedgerEntry {
                branch: OrgId::new(1),
                recorded_on: day(),
                kind,
            }
            .into_entry(id),
        );
        id
    };
    for (m, months) in assessed.iter().enumerate() {
        for (i, fen) in months.iter().enumerate() {
            push(
                &mut entries,
                LedgerEntryKind::Assessment {
                    member: MemberId::new(m as u64),
                    month: month(i as u32),
                    amount: Money::from_fen(*fen),
                    rule_version: "dues-2017".into(),
                },
            );
        }
    }
    for (n, op) in ops.iter().enumerate() {
        match *op {
            Op::Pay { member, fen } => {
                let member = MemberId::new(u64::from(member));
                let b = Balances::rebuild(&entries).unwrap();
                let owed: Vec<(Month, Money)> = b
                    .member(member)
                    .map(|b| {
                        b.months
                            .iter()
                            .map(|(m, c)| (*m, c.outstanding()))
                            .collect()
                    })
                    .unwrap_or_default();
                let Ok(alloc) = allocate(Money::from_fen(fen), &owed, month(23)) else {
                    continue;
                };
                let p = push(
                    &mut entries,
                    LedgerEntryKind::Payment {
                        member,
                        payment_id: format!("P{n}").parse().unwrap(),
                        amount: Money::from_fen(fen),
                        voluntary: Money::ZERO,
                        forward_to_central: false,
                        received_on: day(),
                    },
                );
                for (m, a) in alloc {
                    push(
                        &mut entries,
                        LedgerEntryKind::Allocation {
                            member,
                            payment: p,
                            month: m,
                            amount: a,
                        },
                    );
                }
            }
            Op::Reverse { pick } => {
                let payments: Vec<&LedgerEntry> = entries
                    .iter()
                    .filter(|e| {
                        matches!(
                            e.kind,
                            LedgerEntryKind::Payment { .. } | LedgerEntryKind::Exemption { .. }
                        )
                    })
                    .collect();
                if payments.is_empty() {
                    continue;
                }
                let target = payments[pick % payments.len()];
                let (id, member) = (target.id, target.kind.member());
                if check_reversal(&entries, id).is_ok() {
                    push(
                        &mut entries,
                        LedgerEntryKind::Reversal {
                            member,
                            reverses: id,
                            reason: "冲正".into(),
                        },
                    );
                }
            }
            Op::Exempt { member, first, len } => {
                let member = MemberId::new(u64::from(member));
                let months =
                    MonthRange::new(month(first), month((first + len - 1).min(23))).unwrap();
                let existing = Balances::rebuild(&entries)
                    .unwrap()
                    .member(member)
                    .map(|b| b.reliefs.clone())
                    .unwrap_or_default();
                let relief = Relief {
                    member,
                    kind: ReliefKind::Exemption,
                    months,
                    reason: "困难".into(),
                    requested_on: day(),
                    approved_on: day(),
                    approved_by: OrgId::new(1),
                    reported_to: OrgId::new(0),
                    reported_on: day(),
                };
                if check_relief(&existing, &relief).is_ok() {
                    push(&mut entries, LedgerEntryKind::Exemption { relief });
                }
            }
        }
    }
    entries
}

fn ledger() -> impl Strategy<Value = Vec<LedgerEntry>> {
    (
        prop::collection::vec(prop::collection::vec(0i32..200_000, 0..24), 1..4),
        prop::collection::vec(op(), 0..30),
    )
        .prop_map(|(a, ops)| simulate(&a, &ops))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn allocations_never_exceed_payments(entries in ledger()) {
        let b = Balances::rebuild(&entries).unwrap();
        let (mut paid, mut allocated) = (Money::ZERO, Money::ZERO);
        for id in b.member_ids() {
            let mb = b.member(id).unwrap();
            prop_assert!(mb.allocated <= mb.paid, "{id}: {:?} > {:?}", mb.allocated, mb.paid);
            let by_month = mb.months.values().fold(Money::ZERO, |a, c| a.checked_add(c.allocated).unwrap());
            prop_assert_eq!(by_month, mb.allocated);
            paid = paid.checked_add(mb.paid).unwrap();
            allocated = allocated.checked_add(mb.allocated).unwrap();
        }
        prop_assert!(allocated <= paid);
    }

    #[test]
    fn replay_in_any_order_gives_the_same_balances(
        (entries, shuffled) in ledger().prop_flat_map(|e| (Just(e.clone()), Just(e).prop_shuffle()))
    ) {
        let a = Balances::rebuild(&entries).unwrap();
        let b = Balances::rebuild(&shuffled).unwrap();
        prop_assert_eq!(a.to_sorted(), b.to_sorted());
    }

    #[test]
    fn one_external_id_recorded_many_times_changes_nothing_after_the_first(
        times in 1usize..12,
        fen in 1i32..100_000,
        versions in prop::collection::vec(0u64..3, 12),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let store = MemoryStore::new();
            let m = MemberId::new(1);
            let p = NewPayment {
                payment: NewLedgerEntry {
                    branch: OrgId::new(1),
                    recorded_on: day(),
                    kind: LedgerEntryKind::Payment {
                        member: m,
                        payment_id: "WX-SAME".parse().unwrap(),
                        amount: Money::from_fen(fen),
                        voluntary: Money::from_fen(fen),
                        forward_to_central: false,
                        received_on: day(),
                    },
                },
                allocations: vec![],
            };
            let first = store.record_payment(p.clone(), Effects::none(), 0).await.unwrap();
            let after_first = store.dues_entries_of_member(m).await.unwrap();
            let PaymentOutcome::Recorded { payment, .. } = first else { panic!("first") };
            for v in versions.iter().take(times) {
                let again = store.record_payment(p.clone(), Effects::none(), *v).await.unwrap();
                let PaymentOutcome::AlreadyRecorded { payment: same, .. } = again else {
                    panic!("again")
                };
                assert_eq!(same, payment);
            }
            assert_eq!(store.dues_entries_of_member(m).await.unwrap(), after_first);
        });
    }
}
