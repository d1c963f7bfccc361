//! Dues values that must be refused (money, dates, paid-up-to, invisible
//! characters), and the
//! two dues readings, through the public API.

mod common;

use common::{World, d, world_on};
use dangjian::access::Actor;
use dangjian::dues::{
    AssessMonth, CurrentMonth, DeclareIncome, DuesError, DuesRules, ExternalPaymentId, Income,
    Money, Month, MonthRange, PayAhead, PaymentRequest, ReliefKind, ReliefRequest,
    ThresholdReading,
};
use dangjian::member::EmailAddress;
use dangjian::org::OrgName;
use dangjian::store::MemoryStore;
use dangjian::{Error, MemberId, OrgId};
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
fn dues_err<T: std::fmt::Debug>(r: Result<T, Error>) -> DuesError {
    match r {
        Err(Error::Dues(e)) => e,
        other => panic!("expected a dues error, got {other:?}"),
    }
}

async fn earner(w: &World, n: u32, pay: &str) -> MemberId {
    let m = w.full_member(w.branch_a, n).await.id();
    let decl = DeclareIncome::new(m, mo("2024-01"), Income::wage(money(pay)));
    w.dj.act_as(&treasurer(w.branch_a))
        .dues()
        .declare_income(decl)
        .await
        .unwrap();
    m
}

// Item 4: exact strings only, one bound.

#[test]
fn money_deserializes_exact_strings_only_and_agrees_with_from_str() {
    for bad in [
        "12.5",
        "1e3",
        "\"1e3\"",
        "\"1E3\"",
        "\"12.5e0\"",
        "\"0x10\"",
        "\"\"",
    ] {
        assert!(serde_json::from_str::<Money>(bad).is_err(), "{bad}");
    }
    assert!("1e3".parse::<Money>().is_err());
    // 29 digits: refused, not rounded; a 29-digit value does not lose its scale.
    let long = "12345678901234567890123456789";
    assert!(matches!(
        long.parse::<Money>(),
        Err(DuesError::OutOfRange { .. })
    ));
    assert!(serde_json::from_str::<Money>(&format!("\"{long}\"")).is_err());
    assert!(matches!(
        "0.0000000000000000000000000001".parse::<Money>(),
        Err(DuesError::TooManyDecimals { .. })
    ));
    // Trailing zeros past 28 digits are exact, not rounded.
    assert_eq!(
        "1.00000000000000000000000000000000".parse::<Money>().ok(),
        Some(Money::from_fen(100))
    );
    for s in ["0", "12.5", "-0.50", "999999999999.99", " 7 "] {
        let a: Result<Money, _> = s.parse();
        let b: Result<Money, _> = serde_json::from_str(&format!("\"{s}\""));
        assert_eq!(a.ok(), b.ok(), "{s}");
    }
}

#[test]
fn money_has_the_sql_column_bound() {
    assert_eq!(money("999999999999.99"), Money::MAX);
    assert_eq!(money("-999999999999.99"), Money::MIN);
    for past in ["1000000000000", "1000000000000.00", "-1000000000000"] {
        assert!(
            matches!(past.parse::<Money>(), Err(DuesError::OutOfRange { .. })),
            "{past}"
        );
        assert!(serde_json::from_str::<Money>(&format!("\"{past}\"")).is_err());
    }
    assert_eq!(Money::MAX.checked_add(Money::from_fen(1)), None);
    assert_eq!(Money::MIN.checked_sub(Money::from_fen(1)), None);
    assert!(matches!(
        Money::MAX.try_add(Money::from_fen(1), "a total"),
        Err(DuesError::OutOfRange { .. })
    ));
    // A request naming an amount past the bound cannot even be decoded, so
    // no store (memory, SQLite or PostgreSQL) sees it, alone or in a batch.
    let json = r#"{"member":1,"payment_id":"WX1","amount":"1000000000000.00","voluntary":"0.00","received_on":"2024-06-01","for_month":null,"pay_ahead":{"type":"monthly"}}"#;
    assert!(serde_json::from_str::<PaymentRequest>(json).is_err());
    let ok = json.replace("1000000000000.00", "999999999999.99");
    assert!(serde_json::from_str::<PaymentRequest>(&ok).is_ok());
}

#[tokio::test]
async fn totals_past_the_bound_are_refused_and_nothing_changes() {
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 6, 10)).await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, 1, "6000").await;
    let big = |id: &str| {
        PaymentRequest::new(m, id.parse().unwrap(), Money::MAX, d(2024, 6, 10))
            .voluntary(Money::MAX)
            .pay_ahead(PayAhead::Monthly)
    };
    t.dues().record_payment(big("V1")).await.unwrap();
    let e = dues_err(t.dues().record_payment(big("V2")).await);
    assert!(matches!(e, DuesError::OutOfRange { .. }), "{e:?}");
    // Unchanged, and the ledger still reads.
    let s = t.dues().statement(m).await.unwrap();
    assert_eq!(s.voluntary, Money::MAX);
    assert_eq!(s.entries.len(), 1);
}

// Item 5: plausible dates.

#[tokio::test]
async fn a_payment_is_not_dated_before_the_record_or_the_ledger() {
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 6, 10)).await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, 1, "6000").await;
    for (on, earliest) in [
        (d(1, 1, 1), d(2001, 7, 1)), // before the member's record starts (the imported stage)
        (d(2007, 12, 31), d(2008, 1, 1)), // before the ledger's first rules
    ] {
        let req = PaymentRequest::new(m, "P1".parse().unwrap(), money("90"), on);
        let e = dues_err(t.dues().record_payment(req).await);
        assert!(
            matches!(e, DuesError::DatedTooEarly { date, earliest: x, .. } if date == on && x == earliest),
            "{e:?}"
        );
    }
    assert!(t.dues().statement(m).await.unwrap().entries.is_empty());
}

#[tokio::test]
async fn a_relief_is_not_reported_before_it_was_requested() {
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 6, 10)).await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, 1, "6000").await;
    let months = MonthRange::new(mo("2024-02"), mo("2024-03")).unwrap();
    let req = ReliefRequest::new(
        m,
        ReliefKind::Exemption,
        months,
        "失业",
        d(2024, 6, 1),
        w.committee,
    )
    .reported_on(d(1900, 1, 1));
    let e = dues_err(t.dues().grant_relief(req).await);
    assert!(
        matches!(
            e,
            DuesError::DatedTooEarly {
                what: "the report date",
                ..
            }
        ),
        "{e:?}"
    );
    // Requested in 2099: approved today, before the request.
    let req = ReliefRequest::new(
        m,
        ReliefKind::Exemption,
        months,
        "失业",
        d(2099, 1, 1),
        w.committee,
    );
    let e = dues_err(t.dues().grant_relief(req).await);
    assert!(matches!(e, DuesError::DatedTooEarly { .. }), "{e:?}");
    assert!(t.dues().statement(m).await.unwrap().entries.is_empty());
}

// Item 8: 已缴至 counts assessed months only.

#[tokio::test]
async fn a_prepayment_does_not_make_an_unassessed_month_paid() {
    let w = world_on(Arc::new(MemoryStore::new()), d(2024, 6, 10)).await;
    let t = w.dj.act_as(&treasurer(w.branch_a));
    let m = earner(&w, 1, "6000").await; // 90.00 a month
    t.dues()
        .assess_month(AssessMonth::new(w.branch_a, mo("2024-06")))
        .await
        .unwrap();
    let req = PaymentRequest::new(m, "AHEAD".parse().unwrap(), money("90.01"), d(2024, 6, 10))
        .pay_ahead(PayAhead::Yearly);
    t.dues().record_payment(req).await.unwrap();
    let s = t.dues().statement(m).await.unwrap();
    // June is paid; July got 0.01 but is not assessed yet.
    assert_eq!(s.paid_up_to, Some(mo("2024-06")));
}

// Item 9: invisible characters.

#[test]
fn invisible_characters_are_refused() {
    for id in [
        "WX2024\u{200B}0601",
        "\u{FEFF}WX20240601",
        "WX\u{202E}10602",
        "WX\u{200E}1",
        "WX\u{2066}1\u{2069}",
        "WX\u{0085}1",
    ] {
        assert!(id.parse::<ExternalPaymentId>().is_err(), "{id:?}");
    }
    assert!("WX20240601".parse::<ExternalPaymentId>().is_ok());
    for name in ["第一\u{200B}支部", "第一支部\u{202E}", "\u{FEFF}第一支部"] {
        assert!(OrgName::new(name).is_err(), "{name:?}");
    }
    assert!(OrgName::new("第一支部").is_ok());
    for email in [
        "a\u{0085}b@example.com",
        "ab\u{200B}@example.com",
        "a\u{202E}b@example.com",
    ] {
        assert!(email.parse::<EmailAddress>().is_err(), "{email:?}");
    }
    assert!("ab@example.com".parse::<EmailAddress>().is_ok());
}

// Item 13: the two dues readings.

#[test]
fn the_current_month_reading() {
    let june = mo("2024-06");
    assert_eq!(
        DuesRules::dues_2017().current_month,
        CurrentMonth::NotCounted
    );
    assert_eq!(
        CurrentMonth::NotCounted.last_counted(june, june),
        mo("2024-05")
    );
    assert_eq!(CurrentMonth::Counted.last_counted(june, june), june);
    // A month already over counts under both readings.
    assert_eq!(
        CurrentMonth::NotCounted.last_counted(mo("2024-05"), june),
        mo("2024-05")
    );
}

#[test]
fn the_large_payment_reading() {
    let mut r = DuesRules::dues_2017();
    assert_eq!(r.large_voluntary_reading, ThresholdReading::Inclusive);
    assert!(r.is_large_voluntary(money("1000")));
    assert!(!r.is_large_voluntary(money("999.99")));
    r.large_voluntary_reading = ThresholdReading::Exclusive;
    assert!(!r.is_large_voluntary(money("1000")));
    assert!(r.is_large_voluntary(money("1000.01")));
    // Older stored rule sets without the fields read the defaults.
    let mut json: serde_json::Value = serde_json::to_value(DuesRules::dues_2017()).unwrap();
    let obj = json.as_object_mut().unwrap();
    obj.remove("large_voluntary_reading");
    obj.remove("current_month");
    let back: DuesRules = serde_json::from_value(json).unwrap();
    assert_eq!(back, DuesRules::dues_2017());
}

// Item 12: the three Dues 2008 categories.

#[test]
fn annual_salary_self_employed_and_survivor_relief() {
    use dangjian::dues::{DuesProfile, DuesRuleBook, IncomeDeclaration, explain};
    use dangjian::member::OccupationCategory as C;
    let book = DuesRuleBook::national();
    let month = mo("2016-06"); // dues-2008
    let v = book.rules_for(&[], month).unwrap();
    let amount = |category, income| {
        let mut p = DuesProfile::new(MemberId::new(1), mo("2008-01"));
        p.declare(IncomeDeclaration {
            from: mo("2016-06"),
            category,
            income,
        })
        .unwrap();
        explain(v, &p, month, None).unwrap().amount
    };
    // Art. 3: the pay actually received that month, on the rate table.
    assert_eq!(
        amount(
            C::AnnualSalary,
            Income::MonthPay {
                received: money("8000")
            }
        ),
        money("120.00")
    );
    // Art. 4: the previous quarter's monthly average net income.
    let q = |s| Income::PreviousQuarter {
        net_income: money(s),
    };
    assert_eq!(amount(C::SelfEmployed, q("9000")), money("15.00")); // 3000.00 × 0.5%
    assert_eq!(amount(C::SelfEmployed, q("9000.03")), money("30.00")); // 3000.01 × 1%
    // Art. 6: a flat 0.2 yuan.
    assert_eq!(amount(C::SurvivorRelief, Income::None), money("0.20"));
    // The income must fit the category.
    let bad = IncomeDeclaration {
        from: mo("2016-06"),
        category: C::SurvivorRelief,
        income: Income::wage(money("100")),
    };
    assert!(bad.validate().is_err());
    let bad = IncomeDeclaration {
        from: mo("2016-06"),
        category: C::AnnualSalary,
        income: Income::wage(money("100")),
    };
    assert!(bad.validate().is_err());
    // The categories parse and round-trip.
    for (s, c) in [
        ("annual_salary", C::AnnualSalary),
        ("self_employed", C::SelfEmployed),
        ("survivor_relief", C::SurvivorRelief),
    ] {
        assert_eq!(dangjian::dues::parse_category(s), Ok(c));
        assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{s}\""));
    }
}
