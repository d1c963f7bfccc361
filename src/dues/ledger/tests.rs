//! Ledger unit tests: allocation, pay-ahead limits, reversals, reliefs,
//! serde.

use super::*;

fn month(s: &str) -> Month {
    s.parse().unwrap_or_else(|_| Month::of(NaiveDate::MIN))
}
fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default()
}
fn e(id: u64, kind: LedgerEntryKind) -> LedgerEntry {
    LedgerEntry {
        id: EntryId::new(id),
        branch: OrgId::new(1),
        recorded_on: day(),
        kind,
    }
}
const M: MemberId = MemberId::new(5);

fn assess(id: u64, mo: &str, fen: i32) -> LedgerEntry {
    e(
        id,
        LedgerEntryKind::Assessment {
            member: M,
            month: month(mo),
            amount: Money::from_fen(fen),
            rule_version: "dues-2017".into(),
        },
    )
}

fn relief(first: &str, last: &str, kind: ReliefKind) -> Relief {
    Relief {
        member: M,
        kind,
        months: MonthRange {
            first: month(first),
            last: month(last),
        },
        reason: "困难".into(),
        requested_on: day(),
        approved_on: day(),
        approved_by: OrgId::new(1),
        reported_to: OrgId::new(0),
        reported_on: day(),
    }
}

#[test]
fn pay_ahead_limits() {
    let cur = month("2024-05");
    assert_eq!(PayAhead::Monthly.limit(cur), Ok(cur));
    assert_eq!(PayAhead::Quarterly.limit(cur), Ok(month("2024-06")));
    assert_eq!(PayAhead::Yearly.limit(cur), Ok(month("2024-12")));
    let past = PayAhead::Until {
        until: month("2025-01"),
        beyond_year: false,
    };
    assert_eq!(
        past.limit(cur),
        Err(DuesError::AheadPastYear(month("2025-01")))
    );
    let allowed = PayAhead::Until {
        until: month("2025-01"),
        beyond_year: true,
    };
    assert_eq!(allowed.limit(cur), Ok(month("2025-01")));
}

#[test]
fn allocation_refuses_nothing_and_leftovers() {
    let owed = [(month("2024-01"), Money::from_fen(100))];
    assert_eq!(
        allocate(Money::ZERO, &owed, month("2024-01")),
        Err(DuesError::NonPositivePayment(Money::ZERO))
    );
    // A month past the limit is not paid.
    let owed = [
        (month("2024-01"), Money::from_fen(100)),
        (month("2024-02"), Money::from_fen(100)),
    ];
    assert!(matches!(
        allocate(Money::from_fen(150), &owed, month("2024-01")),
        Err(DuesError::PaysTooFarAhead { .. })
    ));
}

#[test]
fn reversal_checks() {
    let entries = vec![
        assess(1, "2024-01", 3000),
        e(
            2,
            LedgerEntryKind::Payment {
                member: M,
                payment_id: "P1".parse().unwrap_or_else(|_| unreachable!()),
                amount: Money::from_fen(3000),
                voluntary: Money::ZERO,
                forward_to_central: false,
                received_on: day(),
            },
        ),
        e(
            3,
            LedgerEntryKind::Allocation {
                member: M,
                payment: EntryId::new(2),
                month: month("2024-01"),
                amount: Money::from_fen(3000),
            },
        ),
        e(
            4,
            LedgerEntryKind::Reversal {
                member: M,
                reverses: EntryId::new(2),
                reason: "退款".into(),
            },
        ),
    ];
    assert_eq!(
        check_reversal(&entries, EntryId::new(9)).err(),
        Some(DuesError::UnknownEntry(EntryId::new(9)))
    );
    assert!(matches!(
        check_reversal(&entries, EntryId::new(2)),
        Err(DuesError::CannotReverse { .. })
    ));
    assert!(matches!(
        check_reversal(&entries, EntryId::new(3)),
        Err(DuesError::CannotReverse { .. })
    ));
    assert!(matches!(
        check_reversal(&entries, EntryId::new(4)),
        Err(DuesError::CannotReverse { .. })
    ));
    assert!(check_reversal(&entries, EntryId::new(1)).is_ok());
    // The reversed payment takes its allocation with it.
    let b = Balances::rebuild(&entries).unwrap_or_default();
    let mb = b.member(M).cloned().unwrap_or_default();
    assert_eq!(mb.owed(), Ok(Money::from_fen(3000)));
    assert_eq!(mb.paid, Money::ZERO);
    assert_eq!(mb.paid_up_to(), None);
}

#[test]
fn reliefs_overlap_and_apply() {
    let a = relief("2024-01", "2024-03", ReliefKind::Exemption);
    let b = relief("2024-03", "2024-04", ReliefKind::Exemption);
    assert!(matches!(
        check_relief(std::slice::from_ref(&a), &b),
        Err(DuesError::ReliefOverlaps { .. })
    ));
    let c = relief(
        "2024-04",
        "2024-04",
        ReliefKind::Reduction {
            pays: Money::from_fen(500),
        },
    );
    assert_eq!(check_relief(std::slice::from_ref(&a), &c), Ok(()));
    let mut no_reason = c.clone();
    no_reason.reason = String::new();
    assert_eq!(
        check_relief(&[], &no_reason),
        Err(DuesError::ReasonRequired)
    );
    let entries = vec![
        assess(1, "2024-03", 3000),
        assess(2, "2024-04", 3000),
        e(3, LedgerEntryKind::Exemption { relief: a }),
        e(4, LedgerEntryKind::Exemption { relief: c }),
    ];
    let mb = Balances::rebuild(&entries)
        .unwrap_or_default()
        .member(M)
        .cloned()
        .unwrap_or_default();
    assert_eq!(mb.owed(), Ok(Money::from_fen(500)));
    assert_eq!(mb.paid_up_to(), Some(month("2024-03")));
}

#[test]
fn entries_round_trip_with_a_type_tag() {
    let entries = vec![
        assess(1, "2024-01", 3000),
        e(
            2,
            LedgerEntryKind::Exemption {
                relief: relief("2024-01", "2024-02", ReliefKind::Exemption),
            },
        ),
        e(
            3,
            LedgerEntryKind::Reversal {
                member: M,
                reverses: EntryId::new(1),
                reason: "x".into(),
            },
        ),
    ];
    let json = serde_json::to_string(&entries).unwrap_or_default();
    assert!(json.contains(r#""type":"exemption""#));
    assert_eq!(
        serde_json::from_str::<Vec<LedgerEntry>>(&json).ok(),
        Some(entries)
    );
    let ahead = PayAhead::Until {
        until: month("2024-09"),
        beyond_year: false,
    };
    let json = serde_json::to_string(&ahead).unwrap_or_default();
    assert_eq!(serde_json::from_str::<PayAhead>(&json).ok(), Some(ahead));
    assert!(serde_json::from_str::<ExternalPaymentId>("\"\"").is_err());
    assert!(" P1".parse::<ExternalPaymentId>().is_err());
}
