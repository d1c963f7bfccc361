//! Dues services end to end on the in-memory store: the dues acceptance
//! items that need a store (payments, reports, transfers, arrears,
//! access, bad input leaving the ledger unchanged).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{World, d, world_on};
use dangjian::access::Actor;
use dangjian::dues::{
    AssessMonth, AssessmentRun, CaseDecision, CaseStatus, DecideCase, DeclareIncome, DuesError,
    Income, IncomeDeclaration, LedgerEntryKind, Money, Month, MonthRange, PayAhead, PaymentOutcome,
    PaymentRequest, ReliefKind, ReliefRequest, Reversal, parse_category,
};
use dangjian::member::{ChangeMembership, MembershipRequest, OccupationCategory};
use dangjian::record::Activity;
use dangjian::service::PageRequest;
use dangjian::store::MemoryStore;
use dangjian::{Dangjian, Error, ErrorKind, MemberId, OrgId};
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
    PaymentRequest::new(member, id.parse().unwrap(), money(amount), on)
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

/// Refused as outside the actor's scope: the same answer as a missing id.
fn not_found<T>(r: Result<T, Error>) -> bool {
    r.err().map(|e| e.kind()) == Some(ErrorKind::NotFound)
}

/// A branch's single assessment run.
async fn assess(s: &dangjian::Session, branch: OrgId, month: Month) -> AssessmentRun {
    let mut runs = s
        .dues()
        .assess_month(AssessMonth::new(branch, month))
        .await
        .unwrap();
    assert_eq!(runs.len(), 1, "a branch has one run");
    runs.remove(0)
}

async fn world_2024() -> World {
    world_on(Arc::new(MemoryStore::new()), d(2024, 1, 5)).await
}

/// A full member of `home` (in service, the default occupation) earning
/// `w` a month from January 2024.
async fn earner(w: &World, home: OrgId, n: u32, pay: &str) -> MemberId {
    let m = w.full_member(home, n).await.id();
    let decl = DeclareIncome::new(m, mo("2024-01"), wage(pay));
    w.dj.act_as(&treasurer(home))
        .dues()
        .declare_income(decl)
        .await
        .unwrap();
    m
}

#[tokio::test]
async fn the_2017_cap_through_the_service_and_the_2016_amount() {
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 6, 1)).await;
    let m = w.full_member(w.branch_a, 1).await.id();
    let t = w.dj.act_as(&treasurer(w.branch_a));
    for from in ["2016-01", "2024-01"] {
        let decl = DeclareIncome::new(m, mo(from), wage("60000"));
        t.dues().declare_income(decl).await.unwrap();
    }
    let e24 = t.dues().explain(m, mo("2024-03")).await.unwrap();
    assert_eq!(e24.amount, money("1000.00"));
    assert!(e24.capped);
    assert_eq!(e24.rule_version, "dues-2017");
    let e16 = t.dues().explain(m, mo("2016-03")).await.unwrap();
    assert_eq!(e16.amount, money("1200.00"));
    assert_eq!(e16.rule_version, "dues-2008");
    // The member may read their own explanation.
    assert!(
        w.dj.act_as(&Actor::member(m))
            .dues()
            .explain(m, mo("2024-03"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn payments_go_oldest_first_and_one_external_id_is_one_payment() {
    let w = world_2024().await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, w.branch_a, 1, "6000").await; // 90.00 a month
    for month in ["2024-01", "2024-02", "2024-03"] {
        w.clock.set_date(mo(month).first_day());
        let run = assess(&t, w.branch_a, mo(month)).await;
        assert_eq!(run.assessed.len(), 1);
    }
    // Assessing again writes nothing.
    let again = assess(&t, w.branch_a, mo("2024-03")).await;
    assert!(again.assessed.is_empty());
    assert_eq!(again.already_assessed, vec![m]);
    let today = d(2024, 3, 20);
    w.clock.set_date(today);
    let out = t
        .dues()
        .record_payment(pay(m, "WX-1", "135.00", today))
        .await
        .unwrap();
    let PaymentOutcome::Recorded {
        allocations,
        records,
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
        records.first().unwrap().activity.clone(),
        Activity::DuesPaid { .. }
    ));
    // Recording the same id again changes nothing.
    let before = t.dues().statement(m).await.unwrap();
    let dup = t
        .dues()
        .record_payment(pay(m, "WX-1", "135.00", today))
        .await
        .unwrap();
    assert!(matches!(dup, PaymentOutcome::AlreadyRecorded { .. }));
    assert_eq!(t.dues().statement(m).await.unwrap(), before);
    // The same id with another amount is refused.
    let clash = t
        .dues()
        .record_payment(pay(m, "WX-1", "90.00", today))
        .await;
    assert!(matches!(dues_err(clash), DuesError::PaymentIdConflict(_)));
    assert_eq!(before.owed, money("135.00"));
    assert_eq!(before.paid_up_to, Some(mo("2024-01")));
    let record =
        w.dj.act_as(&w.secretary_a())
            .records()
            .list(m, PageRequest::default())
            .await
            .unwrap()
            .items;
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
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, w.branch_a, 1, "6000").await;
    assess(&t, w.branch_a, mo("2024-01")).await;
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            t.dues()
                .record_payment(pay(m, "GW-42", "90.00", d(2024, 1, 5)))
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
    let s = t.dues().statement(m).await.unwrap();
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
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, w.branch_a, 1, "6000").await;
    let today = d(2024, 11, 5);
    // Monthly (default): only November can be paid.
    let r = t.dues().record_payment(pay(m, "A1", "180.00", today)).await;
    assert!(matches!(dues_err(r), DuesError::PaysTooFarAhead { .. }));
    // Quarterly consent: November and December.
    let q = pay(m, "A2", "180.00", today).pay_ahead(PayAhead::Quarterly);
    assert!(t.dues().record_payment(q).await.is_ok());
    // Past the year without leave: refused; with leave: allowed.
    let y = pay(m, "A3", "90.00", today).pay_ahead(PayAhead::Until {
        until: mo("2025-01"),
        beyond_year: false,
    });
    assert!(matches!(
        dues_err(t.dues().record_payment(y.clone()).await),
        DuesError::AheadPastYear(_)
    ));
    let y = y.pay_ahead(PayAhead::Until {
        until: mo("2025-01"),
        beyond_year: true,
    });
    assert!(t.dues().record_payment(y).await.is_ok());
    let s =
        w.dj.act_as(&Actor::member(m))
            .dues()
            .statement(m)
            .await
            .unwrap();
    // Paid ahead to January, but none of those months is assessed yet:
    // 已缴至 counts a month only once its assessment is covered (DUES-23).
    assert_eq!(s.paid_up_to, None);
    assert_eq!(s.credit, Money::ZERO);
}

#[tokio::test]
async fn a_large_voluntary_payment_is_flagged_for_the_central_department() {
    let w = world_2024().await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, w.branch_a, 1, "6000").await;
    for (id, vol, flagged) in [("V1", "999.99", false), ("V2", "1000.00", true)] {
        let p = pay(m, id, vol, d(2024, 1, 5)).voluntary(money(vol));
        let PaymentOutcome::Recorded {
            payment,
            allocations,
            ..
        } = t.dues().record_payment(p).await.unwrap()
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
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, w.branch_a, 1, "6000").await;
    assess(&t, w.branch_a, mo("2024-01")).await;
    t.dues()
        .grant_relief(
            ReliefRequest::new(
                m,
                ReliefKind::Exemption,
                MonthRange::new(mo("2024-03"), mo("2024-04")).unwrap(),
                "大病住院",
                d(2024, 1, 2),
                w.general,
            )
            .reported_on(d(2024, 1, 5)),
        )
        .await
        .unwrap();
    let before = t.dues().statement(m).await.unwrap();
    let profile_before = w.dj.store().dues_profile(m).await.unwrap();
    let decl = |income| DeclareIncome::new(m, mo("2024-02"), income);
    // Negative income.
    let neg = Income::Wage {
        monthly_wage: money("-1"),
        income_tax: Money::ZERO,
        social_insurance: Money::ZERO,
        housing_fund: Money::ZERO,
        annuity: Money::ZERO,
        irregular: Money::ZERO,
    };
    let e = dues_err(t.dues().declare_income(decl(neg)).await);
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
    let e = dues_err(t.dues().declare_income(decl(over)).await);
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
    let early = pay(m, "E1", "90.00", d(2024, 1, 5)).for_month(mo("2000-06"));
    assert!(matches!(
        dues_err(t.dues().record_payment(early).await),
        DuesError::MonthBeforeJoining { .. }
    ));
    // A zero payment.
    let zero = pay(m, "Z1", "0", d(2024, 1, 5));
    assert!(matches!(
        dues_err(t.dues().record_payment(zero).await),
        DuesError::NonPositivePayment(_)
    ));
    // A reversal of an entry that does not exist.
    let e = dues_err(
        t.dues()
            .reverse(Reversal::new(m, dangjian::dues::EntryId::new(999), "wrong"))
            .await,
    );
    assert!(matches!(e, DuesError::UnknownEntry(_)));
    // An exemption overlapping another.
    let e = dues_err(
        t.dues()
            .grant_relief(
                ReliefRequest::new(
                    m,
                    ReliefKind::Reduction { pays: money("10") },
                    MonthRange::new(mo("2024-04"), mo("2024-06")).unwrap(),
                    "困难",
                    d(2024, 1, 2),
                    w.general,
                )
                .reported_on(d(2024, 1, 5)),
            )
            .await,
    );
    assert!(matches!(e, DuesError::ReliefOverlaps { .. }));
    // Nothing changed.
    assert_eq!(t.dues().statement(m).await.unwrap(), before);
    assert_eq!(w.dj.store().dues_profile(m).await.unwrap(), profile_before);
}

#[tokio::test]
async fn a_mid_year_transfer_splits_the_reports_and_paid_up_to_travels() {
    let w = world_2024().await;
    let ta = w.dj.act_as(&treasurer(w.branch_a));
    let tb = w.dj.act_as(&treasurer(w.branch_b));
    let m = earner(&w, w.branch_a, 1, "6000").await;
    let stay = earner(&w, w.branch_a, 2, "3000").await; // 15.00
    for i in 1..=5 {
        let month = Month::new(2024, i).unwrap();
        w.clock.set_date(d(2024, i, 10));
        assess(&ta, w.branch_a, month).await;
        let id = format!("P{i}");
        ta.dues()
            .record_payment(pay(m, &id, "90.00", d(2024, i, 10)))
            .await
            .unwrap();
    }
    w.clock.set_date(d(2024, 6, 12));
    w.dj.act_as(&w.committee_officer())
        .members()
        .change_membership(ChangeMembership::new(
            m,
            MembershipRequest::TransferHome {
                to: w.branch_b,
                on: d(2024, 6, 12),
            },
        ))
        .await
        .unwrap();
    let paid_up_to = tb.dues().statement(m).await.unwrap().paid_up_to;
    assert_eq!(paid_up_to, Some(mo("2024-05")));
    let run_a = assess(&ta, w.branch_a, mo("2024-06")).await;
    assert_eq!(run_a.assessed.len(), 1); // only `stay`
    let run_b = assess(&tb, w.branch_b, mo("2024-06")).await;
    assert_eq!(run_b.assessed.len(), 1);
    // The receiving branch cannot assess months before the transfer.
    let before = assess(&tb, w.branch_b, mo("2024-05")).await;
    assert!(before.assessed.is_empty());
    tb.dues()
        .record_payment(pay(m, "P6", "90.00", d(2024, 6, 12)))
        .await
        .unwrap();
    let may_a = ta.dues().report(w.branch_a, mo("2024-05")).await.unwrap();
    assert_eq!((may_a.collected, may_a.payers), (money("90"), 1));
    assert_eq!(may_a.expected, money("105"));
    let june_a = ta.dues().report(w.branch_a, mo("2024-06")).await.unwrap();
    assert_eq!(
        (june_a.expected, june_a.collected),
        (money("15"), Money::ZERO)
    );
    let june_b = tb.dues().report(w.branch_b, mo("2024-06")).await.unwrap();
    assert_eq!(
        (june_b.expected, june_b.collected, june_b.payers),
        (money("90"), money("90"), 1)
    );
    let may_b = tb.dues().report(w.branch_b, mo("2024-05")).await.unwrap();
    assert_eq!(may_b.expected, Money::ZERO);
    // The general branch rolls both up; the unpaid list shows `stay`.
    let june =
        w.dj.act_as(&w.committee_officer())
            .dues()
            .report(w.general, mo("2024-06"))
            .await
            .unwrap();
    assert_eq!(
        (june.expected, june.collected, june.outstanding),
        (money("105"), money("90"), money("15"))
    );
    let unpaid = ta
        .dues()
        .unpaid(w.branch_a, Month::of(d(2024, 6, 12)))
        .await
        .unwrap();
    assert_eq!(unpaid.len(), 1);
    assert_eq!(unpaid[0].member, stay);
    assert_eq!(unpaid[0].months.len(), 6);
    assert_eq!(unpaid[0].amount, money("90"));
    // Branch A no longer reads the transferred member's statement: the
    // member's home is now outside its scope.
    assert_eq!(
        ta.dues().statement(m).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // But the branch that recorded a payment before the transfer may still
    // reverse it; an entry it did not record stays out of its reach.
    let p5 = ta
        .dues()
        .record_payment(pay(m, "P5", "90.00", d(2024, 5, 10)))
        .await;
    assert!(p5.is_err(), "branch A no longer records for the member");
    let ledger = tb.dues().statement(m).await.unwrap();
    let own = |branch, id: &str| {
        ledger.entries.iter().find(|e| {
            e.branch == branch
                && matches!(&e.kind, dangjian::dues::LedgerEntryKind::Payment { payment_id, .. }
                    if payment_id.as_str() == id)
        })
    };
    let from_a = own(w.branch_a, "P5").expect("branch A's May payment").id;
    let from_b = own(w.branch_b, "P6").expect("branch B's June payment").id;
    let reversed = ta
        .dues()
        .reverse(dangjian::dues::Reversal::new(m, from_a, "重复入账"))
        .await
        .unwrap();
    assert_eq!(reversed.branch, w.branch_a);
    let refused = ta
        .dues()
        .reverse(dangjian::dues::Reversal::new(m, from_b, "重复入账"))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn the_arrears_scan_opens_a_case_at_the_sixth_month_and_a_payment_resets() {
    let w = world_2024().await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, w.branch_a, 1, "6000").await;
    let payer = earner(&w, w.branch_a, 2, "6000").await;
    for i in 1..=6 {
        w.clock.set_date(d(2024, i, 5));
        assess(&t, w.branch_a, Month::new(2024, i).unwrap()).await;
        let id = format!("ok{i}");
        t.dues()
            .record_payment(pay(payer, &id, "90.00", d(2024, i, 5)))
            .await
            .unwrap();
        let scan = t
            .dues()
            .scan_arrears(w.branch_a, Month::of(d(2024, i, 5)))
            .await
            .unwrap();
        assert_eq!(scan.lines.len(), 1, "only the non-payer owes");
        assert_eq!(scan.lines[0].consecutive_unpaid, i);
        // The open reading (DUES-17), default: the current month is not
        // over, so a scan in June counts January–May only.
        assert!(scan.opened.is_empty(), "month {i}");
    }
    // Once June is over, January–June are six months: the case opens.
    w.clock.set_date(d(2024, 7, 1));
    let over = t
        .dues()
        .scan_arrears(w.branch_a, mo("2024-06"))
        .await
        .unwrap();
    assert_eq!(over.opened.len(), 1);
    // A second scan does not open another case.
    let again = t
        .dues()
        .scan_arrears(w.branch_a, Month::of(d(2024, 6, 20)))
        .await
        .unwrap();
    assert!(again.opened.is_empty());
    let cases = t
        .dues()
        .cases(w.branch_a, PageRequest::default())
        .await
        .unwrap()
        .items;
    assert_eq!(cases.len(), 1);
    assert_eq!(
        cases[0].months,
        MonthRange::new(mo("2024-01"), mo("2024-06")).unwrap()
    );
    // The branch decides: justified; the member is still a member.
    let closed = t
        .dues()
        .decide_case(DecideCase::new(
            cases[0].id,
            CaseDecision::Justified {
                reason: "援藏，联系中断".into(),
            },
        ))
        .await
        .unwrap();
    assert!(matches!(closed.status, CaseStatus::Justified { .. }));
    assert!(
        w.dj.act_as(&w.committee_officer())
            .lifecycle()
            .stage(m)
            .await
            .unwrap()
            .is_member()
    );
    // Paying everything owed resets the count.
    w.clock.set_date(d(2024, 7, 5));
    assess(&t, w.branch_a, mo("2024-07")).await;
    t.dues()
        .record_payment(pay(m, "late", "630.00", d(2024, 7, 5)))
        .await
        .unwrap();
    let scan = t
        .dues()
        .scan_arrears(w.branch_a, Month::of(d(2024, 7, 5)))
        .await
        .unwrap();
    assert!(scan.lines.iter().all(|l| l.member != m));
    assert!(scan.opened.is_empty());
}

#[tokio::test]
async fn exemptions_count_in_reports_and_end_an_unpaid_run() {
    let w = world_2024().await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, w.branch_a, 1, "6000").await;
    t.dues()
        .grant_relief(
            ReliefRequest::new(
                m,
                ReliefKind::Exemption,
                MonthRange::new(mo("2024-02"), mo("2024-02")).unwrap(),
                "失业",
                d(2024, 1, 2),
                w.committee,
            )
            .reported_on(d(2024, 1, 5)),
        )
        .await
        .unwrap();
    for i in 1..=3 {
        w.clock.set_date(d(2024, i, 5));
        assess(&t, w.branch_a, Month::new(2024, i).unwrap()).await;
    }
    let feb = t.dues().report(w.branch_a, mo("2024-02")).await.unwrap();
    assert_eq!(
        (feb.expected, feb.exempted, feb.outstanding),
        (money("90"), money("90"), Money::ZERO)
    );
    let e = t.dues().explain(m, mo("2024-02")).await.unwrap();
    assert_eq!(e.amount, Money::ZERO);
    let scan = t
        .dues()
        .scan_arrears(w.branch_a, Month::of(d(2024, 3, 5)))
        .await
        .unwrap();
    assert_eq!(scan.lines[0].consecutive_unpaid, 1);
    assert_eq!(
        scan.lines[0].unpaid_months,
        vec![mo("2024-01"), mo("2024-03")]
    );
    // The relief must be reported to a committee above the branch.
    let e = dues_err(
        t.dues()
            .grant_relief(
                ReliefRequest::new(
                    m,
                    ReliefKind::Exemption,
                    MonthRange::new(mo("2024-05"), mo("2024-05")).unwrap(),
                    "x",
                    d(2024, 1, 2),
                    w.branch_b,
                )
                .reported_on(d(2024, 1, 5)),
            )
            .await,
    );
    assert!(matches!(e, DuesError::NotHigherCommittee(_)));
}

#[tokio::test]
async fn reversals_are_compensating_entries() {
    let w = world_2024().await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, w.branch_a, 1, "6000").await;
    assess(&t, w.branch_a, mo("2024-01")).await;
    let PaymentOutcome::Recorded { payment, .. } = t
        .dues()
        .record_payment(pay(m, "R1", "90.00", d(2024, 1, 5)))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(t.dues().statement(m).await.unwrap().owed, Money::ZERO);
    let rev = t
        .dues()
        .reverse(Reversal::new(m, payment.id, "银行退单"))
        .await
        .unwrap();
    assert!(matches!(rev.kind, LedgerEntryKind::Reversal { .. }));
    let s = t.dues().statement(m).await.unwrap();
    assert_eq!(s.owed, money("90"));
    assert_eq!(s.entries.len(), 4); // assessment, payment, allocation, reversal
    let twice = dues_err(
        t.dues()
            .reverse(Reversal::new(m, payment.id, "again"))
            .await,
    );
    assert!(matches!(twice, DuesError::CannotReverse { .. }));
}

#[tokio::test]
async fn scoped_access_to_dues() {
    let w = world_2024().await;
    let m = earner(&w, w.branch_a, 1, "6000").await;
    let other = w.full_member(w.branch_a, 2).await.id();
    let june = mo("2024-01");
    let as_ = |a: &Actor| w.dj.act_as(a);
    // Outside the actor's scope: the same answer as a missing target.
    // A member's scope is themselves: another member, and any branch.
    assert!(not_found(
        as_(&Actor::member(other)).dues().statement(m).await
    ));
    assert!(not_found(
        as_(&Actor::member(m)).dues().report(w.branch_a, june).await
    ));
    // Another branch's treasurer, and an officer of another tree.
    assert!(not_found(
        as_(&treasurer(w.branch_b))
            .dues()
            .report(w.branch_a, june)
            .await
    ));
    assert!(not_found(
        as_(&treasurer(w.branch_b))
            .dues()
            .assess_month(AssessMonth::new(w.branch_a, june))
            .await
    ));
    assert!(
        as_(&w.secretary_a())
            .dues()
            .report(w.branch_a, june)
            .await
            .is_ok()
    );
    assert!(
        as_(&w.committee_officer())
            .dues()
            .report(w.committee, june)
            .await
            .is_ok()
    );
    assert!(not_found(
        as_(&w.elsewhere_officer())
            .dues()
            .report(w.branch_a, june)
            .await
    ));
    // A treasurer handles dues only: the member is in scope, the role may
    // not read the record.
    assert!(denied(as_(&treasurer(w.branch_a)).members().get(m).await));
}

#[tokio::test]
async fn a_probationary_member_pays_from_the_month_of_acceptance() {
    use dangjian::lifecycle::ImportedStage;
    use dangjian::member::{Entry, Registration};
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 6, 20)).await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let officer = w.dj.act_as(&w.committee_officer());
    let reg = Registration::new(
        "新党员".parse().unwrap(),
        common::nth_id_number(40_000),
        w.branch_a,
        Entry::Import(ImportedStage::Probationary {
            resolution_on: d(2024, 3, 18),
            probation_end: None,
            extended: false,
        }),
    );
    let m = officer.members().register(reg).await.unwrap();
    let m = officer.members().approve(m.id()).await.unwrap().id();
    let decl = DeclareIncome::new(m, mo("2024-01"), wage("3000"));
    let p = t.dues().declare_income(decl).await.unwrap();
    assert_eq!(p.pays_from, mo("2024-03"));
    let feb = assess(&t, w.branch_a, mo("2024-02")).await;
    assert!(feb.assessed.is_empty());
    assert!(matches!(feb.skipped.as_slice(), [(id, why)] if *id == m && why.contains("before")));
    let mar = assess(&t, w.branch_a, mo("2024-03")).await;
    assert_eq!(mar.assessed.len(), 1);
    let e = dues_err(t.dues().explain(m, mo("2024-02")).await);
    assert!(matches!(e, DuesError::MonthBeforeJoining { .. }));
    // An applicant pays nothing (a student: the category is the
    // registered occupation).
    let reg = Registration::new(
        "申请人".parse().unwrap(),
        common::nth_id_number(40_001),
        w.branch_a,
        Entry::Import(ImportedStage::Applicant {
            applied_on: d(2024, 1, 2),
        }),
    )
    .occupation(OccupationCategory::Student);
    let a = officer.members().register(reg).await.unwrap();
    let a = officer.members().approve(a.id()).await.unwrap().id();
    let decl = DeclareIncome::new(a, mo("2024-01"), Income::None);
    let e = dues_err(t.dues().declare_income(decl).await);
    assert_eq!(e, DuesError::NotAMember(a));
}

#[test]
fn service_types_round_trip() {
    let p = pay(MemberId::new(1), "WX-9", "12.30", d(2024, 6, 1));
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<PaymentRequest>(&json).unwrap(), p);
    let r = ReliefRequest::new(
        MemberId::new(1),
        ReliefKind::Reduction {
            pays: money("1.00"),
        },
        MonthRange::new(mo("2024-01"), mo("2024-12")).unwrap(),
        "低收入",
        d(2024, 1, 2),
        OrgId::new(1),
    )
    .reported_on(d(2024, 1, 3));
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<ReliefRequest>(&json).unwrap(), r);
}

#[tokio::test]
async fn a_rule_change_mid_year_leaves_past_months_as_they_were() {
    use dangjian::RuleBook;
    use dangjian::dues::{DuesRules, Rounding};
    use dangjian::rules::{RuleVersion, Versioned};
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 6, 20)).await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, w.branch_a, 1, "2989").await; // 14.945 → 14.95 at the fen
    let june = t.dues().explain(m, mo("2024-06")).await.unwrap();
    assert_eq!(june.amount, money("14.95"));
    let run = assess(&t, w.branch_a, mo("2024-06")).await;
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
    let dj = Dangjian::builder()
        .store(w.dj.store().clone())
        .clock(w.clock.clone())
        .rules(book)
        .build();
    let t = dj.act_as(&treasurer(w.branch_a));
    w.clock.set_date(d(2024, 8, 2));
    let again = t.dues().explain(m, mo("2024-06")).await.unwrap();
    assert_eq!(
        (again.amount, again.rule_version.as_str()),
        (money("14.95"), "dues-2017")
    );
    let july = t.dues().explain(m, mo("2024-07")).await.unwrap();
    assert_eq!(
        (july.amount, july.rule_version.as_str()),
        (money("14.90"), "branch-a-2024h2")
    );
    // Another subtree keeps the national rule.
    let other = earner(&w, w.branch_b, 2, "2989").await;
    let theirs = dj
        .act_as(&Actor::member(other))
        .dues()
        .explain(other, mo("2024-07"))
        .await
        .unwrap();
    assert_eq!(theirs.amount, money("14.95"));
    // June's stored assessment is unchanged.
    let s = t.dues().statement(m).await.unwrap();
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
        assess(&w.dj.act_as(&treasurer(b)), b, mo("2024-01")).await;
    }
    (w, m1, m2, other)
}

fn batch_requests(m1: MemberId, m2: MemberId, other: MemberId) -> Vec<PaymentRequest> {
    let on = d(2024, 1, 5);
    let ahead = pay(m1, "K5", "90.00", on).pay_ahead(PayAhead::Quarterly);
    vec![
        pay(m1, "K1", "90.00", on),
        pay(other, "K2", "90.00", on), // another branch: outside the scope
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
        .act_as(&t)
        .dues()
        .record_payments(batch_requests(m1, m2, other))
        .await
        .unwrap()
        .into_iter()
        .map(comparable)
        .collect();
    let single_session = ws.dj.act_as(&t);
    let mut single = Vec::new();
    for req in batch_requests(m1, m2, other) {
        single.push(comparable(single_session.dues().record_payment(req).await));
    }
    assert_eq!(batch, single);
    let kinds: Vec<Option<ErrorKind>> = batch
        .iter()
        .map(|r| r.as_ref().err().map(|e| e.0))
        .collect();
    // Another branch's member and a missing one get the same answer.
    assert_eq!(kinds[1], Some(ErrorKind::NotFound));
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
    let (ob, os) = (wb.dj.act_as(&officer), ws.dj.act_as(&officer));
    let (ab, as_) = (wb.dj.act_as(&wb.admin()), ws.dj.act_as(&ws.admin()));
    for m in [m1, m2, other] {
        let a = ob.dues().statement(m).await.unwrap();
        let b = os.dues().statement(m).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(
            ab.records()
                .list(m, PageRequest::default())
                .await
                .unwrap()
                .items,
            as_.records()
                .list(m, PageRequest::default())
                .await
                .unwrap()
                .items
        );
    }
    let other_statement = ob.dues().statement(other).await.unwrap();
    assert!(
        !other_statement
            .entries
            .iter()
            .any(|e| matches!(e.kind, LedgerEntryKind::Payment { .. }))
    );
    // A member's own actor may not record anything: every item refused
    // (the member is in their own scope, so the role is what refuses).
    let own = wb
        .dj
        .act_as(&Actor::member(m1))
        .dues()
        .record_payments(vec![pay(m1, "Z1", "90.00", d(2024, 1, 5))])
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
        let _unprofiled = w.full_member(w.branch_b, 4).await.id();
        // One already assessed before the run.
        assess(
            &w.dj.act_as(&treasurer(w.branch_b)),
            w.branch_b,
            mo("2024-01"),
        )
        .await;
        (w, [a1, a2, b1])
    };
    let (wt, members) = make().await;
    let (wb, _) = make().await;
    let officer = Actor::committee_officer(MemberId::new(905), wt.committee);
    // The committee is above the treasurer's branch: outside its scope.
    assert!(not_found(
        wt.dj
            .act_as(&treasurer(wt.branch_a))
            .dues()
            .assess_month(AssessMonth::new(wt.committee, mo("2024-01")))
            .await
    ));
    let (ot, ob) = (wt.dj.act_as(&officer), wb.dj.act_as(&officer));
    let whole = ot
        .dues()
        .assess_month(AssessMonth::new(wt.committee, mo("2024-01")))
        .await
        .unwrap();
    let mut one_by_one = Vec::new();
    for run in &whole {
        one_by_one.push(assess(&ob, run.branch, mo("2024-01")).await);
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
            ot.dues().statement(m).await.unwrap(),
            ob.dues().statement(m).await.unwrap()
        );
    }
}
