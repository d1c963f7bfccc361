//! Dues services end to end on the in-memory store: the dues acceptance
//! items that need a store (payments, reports, transfers, arrears,
//! access, bad input leaving the ledger unchanged).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{World, d, world_on};
use dangjian::access::Actor;
use dangjian::dues::arrears::{CaseDecision, CaseStatus};
use dangjian::dues::ledger::{PayAhead, PaymentOutcome, ReliefKind};
use dangjian::dues::{
    DuesError, Income, IncomeDeclaration, LedgerEntryKind, Money, Month, MonthRange, parse_category,
};
use dangjian::member::{MembershipRequest, OccupationCategory};
use dangjian::record::Activity;
use dangjian::service::{PaymentRequest, ReliefRequest};
use dangjian::store::MemoryStore;
use dangjian::{Error, ErrorKind, MemberId, OrgId};
use std::sync::Arc;

fn mo(s: &str) -> Month {
    s.parse().unwrap()
}
fn money(s: &str) -> Money {
    s.parse().unwrap()
}
fn treasurer(b: OrgId) -> Actor {
    Actor::branch_treasurer(MemberId::new(904), b)
}
fn wage(w: &str) -> Income {
    Income::Wage {
        monthly_wage: money(w),
        income_tax: Money::ZERO,
        social_insurance: Money::ZERO,
        housing_fund: Money::ZERO,
        annuity: Money::ZERO,
        irregular: Money::ZERO,
    }
}
fn pay(member: MemberId, id: &str, amount: &str, on: chrono::NaiveDate) -> PaymentRequest {
    PaymentRequest {
        member,
        payment_id: id.parse().unwrap(),
        amount: money(amount),
        voluntary: Money::ZERO,
        received_on: on,
        for_month: None,
        pay_ahead: PayAhead::Monthly,
    }
}
fn dues_err(r: Result<impl std::fmt::Debug, Error>) -> DuesError {
    match r {
        Err(Error::Dues(e)) => e,
        other => panic!("expected a dues error, got {other:?}"),
    }
}

fn denied<T>(r: Result<T, Error>) -> bool {
    r.err().map(|e| e.kind()) == Some(ErrorKind::PermissionDenied)
}

async fn world_2024() -> World {
    world_on(Arc::new(MemoryStore::new()), d(2024, 1, 5)).await
}

/// A full member of `home` earning `w` a month from January 2024.
async fn earner(w: &World, home: OrgId, n: u32, pay: &str) -> MemberId {
    let m = w.full_member(home, n).await.id;
    let decl = IncomeDeclaration {
        from: mo("2024-01"),
        category: OccupationCategory::InService,
        income: wage(pay),
    };
    w.dj.declare_dues_income(&treasurer(home), m, decl)
        .await
        .unwrap();
    m
}

#[tokio::test]
async fn the_2017_cap_through_the_service_and_the_2016_amount() {
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 6, 1)).await;
    let m = w.full_member(w.branch_a, 1).await.id;
    let t = treasurer(w.branch_a);
    for from in ["2016-01", "2024-01"] {
        let decl = IncomeDeclaration {
            from: mo(from),
            category: OccupationCategory::InService,
            income: wage("60000"),
        };
        w.dj.declare_dues_income(&t, m, decl).await.unwrap();
    }
    let e24 = w.dj.dues_explanation(&t, m, mo("2024-03")).await.unwrap();
    assert_eq!(e24.amount, money("1000.00"));
    assert!(e24.capped);
    assert_eq!(e24.rule_version, "dues-2017");
    let e16 = w.dj.dues_explanation(&t, m, mo("2016-03")).await.unwrap();
    assert_eq!(e16.amount, money("1200.00"));
    assert_eq!(e16.rule_version, "dues-2008");
    // The member may read their own explanation.
    assert!(
        w.dj.dues_explanation(&Actor::member(m), m, mo("2024-03"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn payments_go_oldest_first_and_one_external_id_is_one_payment() {
    let w = world_2024().await;
    let t = treasurer(w.branch_a);
    let m = earner(&w, w.branch_a, 1, "6000").await; // 90.00 a month
    for month in ["2024-01", "2024-02", "2024-03"] {
        w.clock.set_date(mo(month).first_day());
        let run =
            w.dj.assess_dues_month(&t, w.branch_a, mo(month))
                .await
                .unwrap();
        assert_eq!(run.assessed.len(), 1);
    }
    // Assessing again writes nothing.
    let again =
        w.dj.assess_dues_month(&t, w.branch_a, mo("2024-03"))
            .await
            .unwrap();
    assert!(again.assessed.is_empty());
    assert_eq!(again.already_assessed, vec![m]);
    let today = d(2024, 3, 20);
    w.clock.set_date(today);
    let out =
        w.dj.record_dues_payment(&t, pay(m, "WX-1", "135.00", today))
            .await
            .unwrap();
    let PaymentOutcome::Recorded {
        allocations,
        record,
        ..
    } = out
    else {
        panic!("first recording")
    };
    let months: Vec<(Month, Money)> = allocations
        .iter()
        .map(|a| match a.kind {
            LedgerEntryKind::Allocation { month, amount, .. } => (month, amount),
            _ => panic!("allocation"),
        })
        .collect();
    assert_eq!(
        months,
        vec![(mo("2024-01"), money("90")), (mo("2024-02"), money("45"))]
    );
    assert!(matches!(
        record.unwrap().activity,
        Activity::DuesPaid { .. }
    ));
    // Recording the same id again changes nothing.
    let before = w.dj.dues_statement(&t, m).await.unwrap();
    let dup =
        w.dj.record_dues_payment(&t, pay(m, "WX-1", "135.00", today))
            .await
            .unwrap();
    assert!(matches!(dup, PaymentOutcome::AlreadyRecorded { .. }));
    assert_eq!(w.dj.dues_statement(&t, m).await.unwrap(), before);
    // The same id with another amount is refused.
    let clash =
        w.dj.record_dues_payment(&t, pay(m, "WX-1", "90.00", today))
            .await;
    assert!(matches!(dues_err(clash), DuesError::PaymentIdConflict(_)));
    assert_eq!(before.owed, money("135.00"));
    assert_eq!(before.paid_up_to, Some(mo("2024-01")));
    let record = w.dj.activity_record(&w.secretary_a(), m).await.unwrap();
    assert_eq!(
        record
            .iter()
            .filter(|r| matches!(r.activity, Activity::DuesPaid { .. }))
            .count(),
        1
    );
}

#[tokio::test]
async fn thirty_two_concurrent_recordings_of_one_id_store_one_payment() {
    let w = world_2024().await;
    let t = treasurer(w.branch_a);
    let m = earner(&w, w.branch_a, 1, "6000").await;
    w.dj.assess_dues_month(&t, w.branch_a, mo("2024-01"))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let dj = w.dj.clone();
        tasks.push(tokio::spawn(async move {
            dj.record_dues_payment(&t, pay(m, "GW-42", "90.00", d(2024, 1, 5)))
                .await
        }));
    }
    let mut recorded = 0;
    for task in tasks {
        if let PaymentOutcome::Recorded { .. } = task.await.unwrap().unwrap() {
            recorded += 1;
        }
    }
    assert_eq!(recorded, 1);
    let s = w.dj.dues_statement(&t, m).await.unwrap();
    let payments = s
        .entries
        .iter()
        .filter(|e| matches!(e.kind, LedgerEntryKind::Payment { .. }))
        .count();
    assert_eq!(payments, 1);
    assert_eq!(s.owed, Money::ZERO);
}

#[tokio::test]
async fn paying_ahead_needs_consent_and_stays_in_the_year() {
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 11, 5)).await;
    let t = treasurer(w.branch_a);
    let m = earner(&w, w.branch_a, 1, "6000").await;
    let today = d(2024, 11, 5);
    // Monthly (default): only November can be paid.
    let r =
        w.dj.record_dues_payment(&t, pay(m, "A1", "180.00", today))
            .await;
    assert!(matches!(dues_err(r), DuesError::PaysTooFarAhead { .. }));
    // Quarterly consent: November and December.
    let mut q = pay(m, "A2", "180.00", today);
    q.pay_ahead = PayAhead::Quarterly;
    assert!(w.dj.record_dues_payment(&t, q).await.is_ok());
    // Past the year without leave: refused; with leave: allowed.
    let mut y = pay(m, "A3", "90.00", today);
    y.pay_ahead = PayAhead::Until {
        until: mo("2025-01"),
        beyond_year: false,
    };
    assert!(matches!(
        dues_err(w.dj.record_dues_payment(&t, y.clone()).await),
        DuesError::AheadPastYear(_)
    ));
    y.pay_ahead = PayAhead::Until {
        until: mo("2025-01"),
        beyond_year: true,
    };
    assert!(w.dj.record_dues_payment(&t, y).await.is_ok());
    let s = w.dj.dues_statement(&Actor::member(m), m).await.unwrap();
    assert_eq!(s.paid_up_to, Some(mo("2025-01")));
}

#[tokio::test]
async fn a_large_voluntary_payment_is_flagged_for_the_central_department() {
    let w = world_2024().await;
    let t = treasurer(w.branch_a);
    let m = earner(&w, w.branch_a, 1, "6000").await;
    for (id, vol, flagged) in [("V1", "999.99", false), ("V2", "1000.00", true)] {
        let mut p = pay(m, id, vol, d(2024, 1, 5));
        p.voluntary = money(vol);
        let PaymentOutcome::Recorded {
            payment,
            allocations,
            ..
        } = w.dj.record_dues_payment(&t, p).await.unwrap()
        else {
            panic!("recorded")
        };
        assert!(allocations.is_empty());
        assert!(matches!(payment.kind,
            LedgerEntryKind::Payment { forward_to_central, .. } if forward_to_central == flagged));
    }
}

#[tokio::test]
async fn bad_input_is_a_typed_error_and_the_ledger_is_unchanged() {
    let w = world_2024().await;
    let t = treasurer(w.branch_a);
    let m = earner(&w, w.branch_a, 1, "6000").await;
    w.dj.assess_dues_month(&t, w.branch_a, mo("2024-01"))
        .await
        .unwrap();
    w.dj.grant_dues_relief(
        &t,
        ReliefRequest {
            member: m,
            kind: ReliefKind::Exemption,
            months: MonthRange::new(mo("2024-03"), mo("2024-04")).unwrap(),
            reason: "大病住院".into(),
            requested_on: d(2024, 1, 2),
            reported_to: w.general,
            reported_on: d(2024, 1, 5),
        },
    )
    .await
    .unwrap();
    let before = w.dj.dues_statement(&t, m).await.unwrap();
    let profile_before = w.dj.store().dues_profile(m).await.unwrap();
    let decl = |income| IncomeDeclaration {
        from: mo("2024-02"),
        category: OccupationCategory::InService,
        income,
    };
    // Negative income.
    let neg = Income::Wage {
        monthly_wage: money("-1"),
        income_tax: Money::ZERO,
        social_insurance: Money::ZERO,
        housing_fund: Money::ZERO,
        annuity: Money::ZERO,
        irregular: Money::ZERO,
    };
    let e = dues_err(w.dj.declare_dues_income(&t, m, decl(neg)).await);
    assert!(matches!(
        e,
        DuesError::Negative {
            field: "monthly_wage",
            ..
        }
    ));
    // Non-numeric income and more than two decimals.
    assert!(matches!(
        "五千".parse::<Money>(),
        Err(DuesError::NotANumber { .. })
    ));
    assert!(matches!(
        "30.001".parse::<Money>(),
        Err(DuesError::TooManyDecimals { .. })
    ));
    let json = r#"{"member":1,"payment_id":"X","amount":"30.001","voluntary":"0","received_on":"2024-01-05","for_month":null,"pay_ahead":{"type":"monthly"}}"#;
    let err = serde_json::from_str::<PaymentRequest>(json).unwrap_err();
    assert!(err.to_string().contains("more than two decimals"), "{err}");
    // Deductions larger than income.
    let over = Income::Wage {
        monthly_wage: money("5000"),
        income_tax: money("3000"),
        social_insurance: money("2000.01"),
        housing_fund: Money::ZERO,
        annuity: Money::ZERO,
        irregular: Money::ZERO,
    };
    let e = dues_err(w.dj.declare_dues_income(&t, m, decl(over)).await);
    assert!(matches!(e, DuesError::DeductionsExceedIncome { .. }));
    // An unknown category.
    assert_eq!(
        parse_category("cadre"),
        Err(DuesError::UnknownCategory("cadre".into()))
    );
    let err = serde_json::from_str::<IncomeDeclaration>(
        r#"{"from":"2024-01","category":"cadre","income":{"type":"none"}}"#,
    );
    assert!(err.is_err());
    // A payment for a month before the member joined (2000-07).
    let mut early = pay(m, "E1", "90.00", d(2024, 1, 5));
    early.for_month = Some(mo("2000-06"));
    assert!(matches!(
        dues_err(w.dj.record_dues_payment(&t, early).await),
        DuesError::MonthBeforeJoining { .. }
    ));
    // A zero payment.
    let zero = pay(m, "Z1", "0", d(2024, 1, 5));
    assert!(matches!(
        dues_err(w.dj.record_dues_payment(&t, zero).await),
        DuesError::NonPositivePayment(_)
    ));
    // A reversal of an entry that does not exist.
    let e = dues_err(
        w.dj.reverse_dues_entry(&t, m, dangjian::dues::EntryId::new(999), "wrong")
            .await,
    );
    assert!(matches!(e, DuesError::UnknownEntry(_)));
    // An exemption overlapping another.
    let e = dues_err(
        w.dj.grant_dues_relief(
            &t,
            ReliefRequest {
                member: m,
                kind: ReliefKind::Reduction { pays: money("10") },
                months: MonthRange::new(mo("2024-04"), mo("2024-06")).unwrap(),
                reason: "困难".into(),
                requested_on: d(2024, 1, 2),
                reported_to: w.general,
                reported_on: d(2024, 1, 5),
            },
        )
        .await,
    );
    assert!(matches!(e, DuesError::ReliefOverlaps { .. }));
    // Nothing changed.
    assert_eq!(w.dj.dues_statement(&t, m).await.unwrap(), before);
    assert_eq!(w.dj.store().dues_profile(m).await.unwrap(), profile_before);
}

#[tokio::test]
async fn a_mid_year_transfer_splits_the_reports_and_paid_up_to_travels() {
    let w = world_2024().await;
    let ta = treasurer(w.branch_a);
    let tb = treasurer(w.branch_b);
    let m = earner(&w, w.branch_a, 1, "6000").await;
    let stay = earner(&w, w.branch_a, 2, "3000").await; // 15.00
    for i in 1..=5 {
        let month = Month::new(2024, i).unwrap();
        w.clock.set_date(d(2024, i, 10));
        w.dj.assess_dues_month(&ta, w.branch_a, month)
            .await
            .unwrap();
        let id = format!("P{i}");
        w.dj.record_dues_payment(&ta, pay(m, &id, "90.00", d(2024, i, 10)))
            .await
            .unwrap();
    }
    w.clock.set_date(d(2024, 6, 12));
    w.dj.change_membership(
        &w.committee_officer(),
        m,
        MembershipRequest::TransferHome {
            to: w.branch_b,
            on: d(2024, 6, 12),
        },
    )
    .await
    .unwrap();
    let paid_up_to = w.dj.dues_statement(&tb, m).await.unwrap().paid_up_to;
    assert_eq!(paid_up_to, Some(mo("2024-05")));
    let run_a =
        w.dj.assess_dues_month(&ta, w.branch_a, mo("2024-06"))
            .await
            .unwrap();
    assert_eq!(run_a.assessed.len(), 1); // only `stay`
    let run_b =
        w.dj.assess_dues_month(&tb, w.branch_b, mo("2024-06"))
            .await
            .unwrap();
    assert_eq!(run_b.assessed.len(), 1);
    // The receiving branch cannot assess months before the transfer.
    let before =
        w.dj.assess_dues_month(&tb, w.branch_b, mo("2024-05"))
            .await
            .unwrap();
    assert!(before.assessed.is_empty());
    w.dj.record_dues_payment(&tb, pay(m, "P6", "90.00", d(2024, 6, 12)))
        .await
        .unwrap();
    let may_a =
        w.dj.dues_report(&ta, w.branch_a, mo("2024-05"))
            .await
            .unwrap();
    assert_eq!((may_a.collected, may_a.payers), (money("90"), 1));
    assert_eq!(may_a.expected, money("105"));
    let june_a =
        w.dj.dues_report(&ta, w.branch_a, mo("2024-06"))
            .await
            .unwrap();
    assert_eq!(
        (june_a.expected, june_a.collected),
        (money("15"), Money::ZERO)
    );
    let june_b =
        w.dj.dues_report(&tb, w.branch_b, mo("2024-06"))
            .await
            .unwrap();
    assert_eq!(
        (june_b.expected, june_b.collected, june_b.payers),
        (money("90"), money("90"), 1)
    );
    let may_b =
        w.dj.dues_report(&tb, w.branch_b, mo("2024-05"))
            .await
            .unwrap();
    assert_eq!(may_b.expected, Money::ZERO);
    // The general branch rolls both up; the unpaid list shows `stay`.
    let june =
        w.dj.dues_report(&w.committee_officer(), w.general, mo("2024-06"))
            .await
            .unwrap();
    assert_eq!(
        (june.expected, june.collected, june.outstanding),
        (money("105"), money("90"), money("15"))
    );
    let unpaid =
        w.dj.dues_unpaid_list(&ta, w.branch_a, d(2024, 6, 12))
            .await
            .unwrap();
    assert_eq!(unpaid.len(), 1);
    assert_eq!(unpaid[0].member, stay);
    assert_eq!(unpaid[0].months.len(), 6);
    assert_eq!(unpaid[0].amount, money("90"));
    // Branch A no longer reads the transferred member's statement.
    assert_eq!(
        w.dj.dues_statement(&ta, m).await.unwrap_err().kind(),
        ErrorKind::PermissionDenied
    );
}

#[tokio::test]
async fn the_arrears_scan_opens_a_case_at_the_sixth_month_and_a_payment_resets() {
    let w = world_2024().await;
    let t = treasurer(w.branch_a);
    let m = earner(&w, w.branch_a, 1, "6000").await;
    let payer = earner(&w, w.branch_a, 2, "6000").await;
    for i in 1..=6 {
        w.clock.set_date(d(2024, i, 5));
        w.dj.assess_dues_month(&t, w.branch_a, Month::new(2024, i).unwrap())
            .await
            .unwrap();
        let id = format!("ok{i}");
        w.dj.record_dues_payment(&t, pay(payer, &id, "90.00", d(2024, i, 5)))
            .await
            .unwrap();
        let scan =
            w.dj.scan_dues_arrears(&t, w.branch_a, d(2024, i, 5))
                .await
                .unwrap();
        assert_eq!(scan.lines.len(), 1, "only the non-payer owes");
        assert_eq!(scan.lines[0].consecutive_unpaid, i);
        assert_eq!(scan.opened.len(), usize::from(i == 6), "month {i}");
    }
    // A second scan does not open another case.
    let again =
        w.dj.scan_dues_arrears(&t, w.branch_a, d(2024, 6, 20))
            .await
            .unwrap();
    assert!(again.opened.is_empty());
    let cases = w.dj.departure_cases(&t, w.branch_a).await.unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(
        cases[0].months,
        MonthRange::new(mo("2024-01"), mo("2024-06")).unwrap()
    );
    // The branch decides: justified; the member is still a member.
    let closed =
        w.dj.decide_departure_case(
            &t,
            cases[0].id,
            CaseDecision::Justified {
                reason: "援藏，联系中断".into(),
            },
        )
        .await
        .unwrap();
    assert!(matches!(closed.status, CaseStatus::Justified { .. }));
    assert!(
        w.dj.stage(&w.committee_officer(), m)
            .await
            .unwrap()
            .is_member()
    );
    // Paying everything owed resets the count.
    w.clock.set_date(d(2024, 7, 5));
    w.dj.assess_dues_month(&t, w.branch_a, mo("2024-07"))
        .await
        .unwrap();
    w.dj.record_dues_payment(&t, pay(m, "late", "630.00", d(2024, 7, 5)))
        .await
        .unwrap();
    let scan =
        w.dj.scan_dues_arrears(&t, w.branch_a, d(2024, 7, 5))
            .await
            .unwrap();
    assert!(scan.lines.iter().all(|l| l.member != m));
    assert!(scan.opened.is_empty());
}

#[tokio::test]
async fn exemptions_count_in_reports_and_end_an_unpaid_run() {
    let w = world_2024().await;
    let t = treasurer(w.branch_a);
    let m = earner(&w, w.branch_a, 1, "6000").await;
    w.dj.grant_dues_relief(
        &t,
        ReliefRequest {
            member: m,
            kind: ReliefKind::Exemption,
            months: MonthRange::new(mo("2024-02"), mo("2024-02")).unwrap(),
            reason: "失业".into(),
            requested_on: d(2024, 1, 2),
            reported_to: w.committee,
            reported_on: d(2024, 1, 5),
        },
    )
    .await
    .unwrap();
    for i in 1..=3 {
        w.clock.set_date(d(2024, i, 5));
        w.dj.assess_dues_month(&t, w.branch_a, Month::new(2024, i).unwrap())
            .await
            .unwrap();
    }
    let feb =
        w.dj.dues_report(&t, w.branch_a, mo("2024-02"))
            .await
            .unwrap();
    assert_eq!(
        (feb.expected, feb.exempted, feb.outstanding),
        (money("90"), money("90"), Money::ZERO)
    );
    let e = w.dj.dues_explanation(&t, m, mo("2024-02")).await.unwrap();
    assert_eq!(e.amount, Money::ZERO);
    let scan =
        w.dj.scan_dues_arrears(&t, w.branch_a, d(2024, 3, 5))
            .await
            .unwrap();
    assert_eq!(scan.lines[0].consecutive_unpaid, 1);
    assert_eq!(
        scan.lines[0].unpaid_months,
        vec![mo("2024-01"), mo("2024-03")]
    );
    // The relief must be reported to a committee above the branch.
    let e = dues_err(
        w.dj.grant_dues_relief(
            &t,
            ReliefRequest {
                member: m,
                kind: ReliefKind::Exemption,
                months: MonthRange::new(mo("2024-05"), mo("2024-05")).unwrap(),
                reason: "x".into(),
                requested_on: d(2024, 1, 2),
                reported_to: w.branch_b,
                reported_on: d(2024, 1, 5),
            },
        )
        .await,
    );
    assert!(matches!(e, DuesError::NotHigherCommittee(_)));
}

#[tokio::test]
async fn reversals_are_compensating_entries() {
    let w = world_2024().await;
    let t = treasurer(w.branch_a);
    let m = earner(&w, w.branch_a, 1, "6000").await;
    w.dj.assess_dues_month(&t, w.branch_a, mo("2024-01"))
        .await
        .unwrap();
    let PaymentOutcome::Recorded { payment, .. } =
        w.dj.record_dues_payment(&t, pay(m, "R1", "90.00", d(2024, 1, 5)))
            .await
            .unwrap()
    else {
        panic!()
    };
    assert_eq!(w.dj.dues_statement(&t, m).await.unwrap().owed, Money::ZERO);
    let rev =
        w.dj.reverse_dues_entry(&t, m, payment.id, "银行退单")
            .await
            .unwrap();
    assert!(matches!(rev.kind, LedgerEntryKind::Reversal { .. }));
    let s = w.dj.dues_statement(&t, m).await.unwrap();
    assert_eq!(s.owed, money("90"));
    assert_eq!(s.entries.len(), 4); // assessment, payment, allocation, reversal
    let twice = dues_err(w.dj.reverse_dues_entry(&t, m, payment.id, "again").await);
    assert!(matches!(twice, DuesError::CannotReverse { .. }));
}

#[tokio::test]
async fn scoped_access_to_dues() {
    let w = world_2024().await;
    let m = earner(&w, w.branch_a, 1, "6000").await;
    let other = w.full_member(w.branch_a, 2).await.id;
    let june = mo("2024-01");
    assert!(denied(w.dj.dues_statement(&Actor::member(other), m).await));
    assert!(denied(
        w.dj.dues_report(&Actor::member(m), w.branch_a, june).await
    ));
    assert!(denied(
        w.dj.dues_report(&treasurer(w.branch_b), w.branch_a, june)
            .await
    ));
    assert!(denied(
        w.dj.assess_dues_month(&treasurer(w.branch_b), w.branch_a, june)
            .await
    ));
    assert!(
        w.dj.dues_report(&w.secretary_a(), w.branch_a, june)
            .await
            .is_ok()
    );
    assert!(
        w.dj.dues_report(&w.committee_officer(), w.committee, june)
            .await
            .is_ok()
    );
    assert!(denied(
        w.dj.dues_report(&w.elsewhere_officer(), w.branch_a, june)
            .await
    ));
    // A treasurer handles dues only.
    assert!(denied(w.dj.member(&treasurer(w.branch_a), m).await));
}

#[tokio::test]
async fn a_probationary_member_pays_from_the_month_of_acceptance() {
    use dangjian::lifecycle::ImportedStage;
    use dangjian::member::{Entry, Registration};
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 6, 20)).await;
    let t = treasurer(w.branch_a);
    let reg = Registration::new()
        .name("新党员".parse().unwrap())
        .id_number(common::nth_id_number(40_000))
        .home(w.branch_a)
        .entry(Entry::Import(ImportedStage::Probationary {
            resolution_on: d(2024, 3, 18),
            probation_end: None,
            extended: false,
        }));
    let m = w.dj.register(&w.committee_officer(), reg).await.unwrap();
    let m =
        w.dj.approve_registration(&w.committee_officer(), m.id)
            .await
            .unwrap()
            .id;
    let decl = IncomeDeclaration {
        from: mo("2024-01"),
        category: OccupationCategory::InService,
        income: wage("3000"),
    };
    let p = w.dj.declare_dues_income(&t, m, decl).await.unwrap();
    assert_eq!(p.pays_from, mo("2024-03"));
    let feb =
        w.dj.assess_dues_month(&t, w.branch_a, mo("2024-02"))
            .await
            .unwrap();
    assert!(feb.assessed.is_empty());
    assert!(matches!(feb.skipped.as_slice(), [(id, why)] if *id == m && why.contains("before")));
    let mar =
        w.dj.assess_dues_month(&t, w.branch_a, mo("2024-03"))
            .await
            .unwrap();
    assert_eq!(mar.assessed.len(), 1);
    let e = dues_err(w.dj.dues_explanation(&t, m, mo("2024-02")).await);
    assert!(matches!(e, DuesError::MonthBeforeJoining { .. }));
    // An applicant pays nothing.
    let reg = Registration::new()
        .name("申请人".parse().unwrap())
        .id_number(common::nth_id_number(40_001))
        .home(w.branch_a)
        .entry(Entry::Import(ImportedStage::Applicant {
            applied_on: d(2024, 1, 2),
        }));
    let a = w.dj.register(&w.committee_officer(), reg).await.unwrap();
    let a =
        w.dj.approve_registration(&w.committee_officer(), a.id)
            .await
            .unwrap()
            .id;
    let decl = IncomeDeclaration {
        from: mo("2024-01"),
        category: OccupationCategory::Student,
        income: Income::None,
    };
    let e = dues_err(w.dj.declare_dues_income(&t, a, decl).await);
    assert_eq!(e, DuesError::NotAMember(a));
}

#[test]
fn service_types_round_trip() {
    let p = pay(MemberId::new(1), "WX-9", "12.30", d(2024, 6, 1));
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<PaymentRequest>(&json).unwrap(), p);
    let r = ReliefRequest {
        member: MemberId::new(1),
        kind: ReliefKind::Reduction {
            pays: money("1.00"),
        },
        months: MonthRange::new(mo("2024-01"), mo("2024-12")).unwrap(),
        reason: "低收入".into(),
        requested_on: d(2024, 1, 2),
        reported_to: OrgId::new(1),
        reported_on: d(2024, 1, 3),
    };
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<ReliefRequest>(&json).unwrap(), r);
}

#[tokio::test]
async fn a_rule_change_mid_year_leaves_past_months_as_they_were() {
    use dangjian::RuleBook;
    use dangjian::dues::{DuesRules, Rounding};
    use dangjian::rules::{RuleVersion, Versioned};
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 6, 20)).await;
    let t = treasurer(w.branch_a);
    let m = earner(&w, w.branch_a, 1, "2989").await; // 14.945 → 14.95 at the fen
    let june = w.dj.dues_explanation(&t, m, mo("2024-06")).await.unwrap();
    assert_eq!(june.amount, money("14.95"));
    let run =
        w.dj.assess_dues_month(&t, w.branch_a, mo("2024-06"))
            .await
            .unwrap();
    assert_eq!(run.assessed.len(), 1);
    // Branch A's subtree adopts a variant from 1 July: rounding to the jiao.
    let mut book = RuleBook::national();
    let jiao = DuesRules {
        rounding: Rounding::JIAO_HALF_UP,
        ..DuesRules::dues_2017()
    };
    let versions = Versioned::new(vec![RuleVersion {
        name: "branch-a-2024h2".into(),
        effective_from: d(2024, 7, 1),
        rules: jiao,
    }])
    .unwrap();
    book.dues.adopt(w.branch_a, versions).unwrap();
    let dj = w.dj.clone().with_rules(book);
    w.clock.set_date(d(2024, 8, 2));
    let again = dj.dues_explanation(&t, m, mo("2024-06")).await.unwrap();
    assert_eq!(
        (again.amount, again.rule_version.as_str()),
        (money("14.95"), "dues-2017")
    );
    let july = dj.dues_explanation(&t, m, mo("2024-07")).await.unwrap();
    assert_eq!(
        (july.amount, july.rule_version.as_str()),
        (money("14.90"), "branch-a-2024h2")
    );
    // Another subtree keeps the national rule.
    let other = earner(&w, w.branch_b, 2, "2989").await;
    let theirs = dj
        .dues_explanation(&Actor::member(other), other, mo("2024-07"))
        .await
        .unwrap();
    assert_eq!(theirs.amount, money("14.95"));
    // June's stored assessment is unchanged.
    let s = dj.dues_statement(&t, m).await.unwrap();
    assert_eq!(s.lines[0].assessed, money("14.95"));
}

/// Two identical worlds: payments of branch A (and one of branch B) for the
/// batch and the one-by-one paths.
async fn batch_world() -> (World, MemberId, MemberId, MemberId) {
    let w = world_2024().await;
    let m1 = earner(&w, w.branch_a, 1, "6000").await;
    let m2 = earner(&w, w.branch_a, 2, "6000").await;
    let other = earner(&w, w.branch_b, 3, "6000").await;
    for b in [w.branch_a, w.branch_b] {
        w.dj.assess_dues_month(&treasurer(b), b, mo("2024-01"))
            .await
            .unwrap();
    }
    (w, m1, m2, other)
}

fn batch_requests(m1: MemberId, m2: MemberId, other: MemberId) -> Vec<PaymentRequest> {
    let on = d(2024, 1, 5);
    let mut ahead = pay(m1, "K5", "90.00", on);
    ahead.pay_ahead = PayAhead::Quarterly;
    vec![
        pay(m1, "K1", "90.00", on),
        pay(other, "K2", "90.00", on), // another branch: refused
        pay(m1, "K1", "90.00", on),    // the same id again
        pay(m2, "K3", "0", on),        // not a payment
        pay(m2, "K4", "90.00", on),
        ahead,                      // m1 again, a month ahead
        pay(m2, "K1", "90.00", on), // m1's id for another member
        pay(MemberId::new(9999), "K6", "90.00", on),
    ]
}

fn comparable(r: Result<PaymentOutcome, Error>) -> Result<PaymentOutcome, (ErrorKind, String)> {
    r.map_err(|e| (e.kind(), e.to_string()))
}

#[tokio::test]
async fn a_batch_of_payments_gives_what_one_by_one_gives_and_checks_scope_per_item() {
    let (wb, m1, m2, other) = batch_world().await;
    let (ws, ..) = batch_world().await;
    let t = treasurer(wb.branch_a);
    let batch: Vec<_> = wb
        .dj
        .record_dues_payments(&t, batch_requests(m1, m2, other))
        .await
        .unwrap()
        .into_iter()
        .map(comparable)
        .collect();
    let mut single = Vec::new();
    for req in batch_requests(m1, m2, other) {
        single.push(comparable(ws.dj.record_dues_payment(&t, req).await));
    }
    assert_eq!(batch, single);
    let kinds: Vec<Option<ErrorKind>> = batch
        .iter()
        .map(|r| r.as_ref().err().map(|e| e.0))
        .collect();
    assert_eq!(kinds[1], Some(ErrorKind::PermissionDenied));
    assert_eq!(kinds[7], Some(ErrorKind::NotFound));
    assert!(kinds[3].is_some() && kinds[6].is_some());
    assert!(matches!(batch[0], Ok(PaymentOutcome::Recorded { .. })));
    assert!(matches!(
        batch[2],
        Ok(PaymentOutcome::AlreadyRecorded { .. })
    ));
    assert!(matches!(batch[4], Ok(PaymentOutcome::Recorded { .. })));
    assert!(matches!(batch[5], Ok(PaymentOutcome::Recorded { .. })));
    // The same ledgers, the same activity records; nothing for the refused.
    let officer = Actor::committee_officer(MemberId::new(905), wb.committee);
    for m in [m1, m2, other] {
        let a = wb.dj.dues_statement(&officer, m).await.unwrap();
        let b = ws.dj.dues_statement(&officer, m).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(
            wb.dj.activity_record(&wb.admin(), m).await.unwrap(),
            ws.dj.activity_record(&ws.admin(), m).await.unwrap()
        );
    }
    let other_statement = wb.dj.dues_statement(&officer, other).await.unwrap();
    assert!(
        !other_statement
            .entries
            .iter()
            .any(|e| matches!(e.kind, LedgerEntryKind::Payment { .. }))
    );
    // A member's own actor may not record anything: every item refused.
    let own = wb
        .dj
        .record_dues_payments(
            &Actor::member(m1),
            vec![pay(m1, "Z1", "90.00", d(2024, 1, 5))],
        )
        .await
        .unwrap();
    assert!(denied(own.into_iter().next().unwrap()));
}

#[tokio::test]
async fn assessing_a_subtree_gives_the_runs_of_each_branch() {
    let make = || async {
        let w = world_2024().await;
        let a1 = earner(&w, w.branch_a, 1, "6000").await;
        let a2 = earner(&w, w.branch_a, 2, "9000").await;
        let b1 = earner(&w, w.branch_b, 3, "6000").await;
        let _unprofiled = w.full_member(w.branch_b, 4).await.id;
        // One already assessed before the run.
        w.dj.assess_dues_month(&treasurer(w.branch_b), w.branch_b, mo("2024-01"))
            .await
            .unwrap();
        (w, [a1, a2, b1])
    };
    let (wt, members) = make().await;
    let (wb, _) = make().await;
    let officer = Actor::committee_officer(MemberId::new(905), wt.committee);
    assert!(denied(
        wt.dj
            .assess_dues_month_in(&treasurer(wt.branch_a), wt.committee, mo("2024-01"))
            .await
    ));
    let whole = wt
        .dj
        .assess_dues_month_in(&officer, wt.committee, mo("2024-01"))
        .await
        .unwrap();
    let mut one_by_one = Vec::new();
    for run in &whole {
        one_by_one.push(
            wb.dj
                .assess_dues_month(&officer, run.branch, mo("2024-01"))
                .await
                .unwrap(),
        );
    }
    assert_eq!(whole, one_by_one);
    assert!(
        whole
            .iter()
            .any(|r| r.branch == wt.branch_a && r.assessed.len() == 2)
    );
    assert!(
        whole
            .iter()
            .any(|r| r.branch == wt.branch_b && r.already_assessed.len() == 1)
    );
    for m in members {
        assert_eq!(
            wt.dj.dues_statement(&officer, m).await.unwrap(),
            wb.dj.dues_statement(&officer, m).await.unwrap()
        );
    }
}
