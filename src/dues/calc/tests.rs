//! Boundary tests for every band edge, category and built-in rounding.

use super::*;
use crate::OrgId;
use crate::dues::rules::{DuesRuleBook, DuesRules};
use crate::dues::{Income, IncomeDeclaration, MonthRange};
use crate::member::OccupationCategory as C;
use crate::rules::Versioned;

fn m(s: &str) -> Money {
    s.parse().unwrap_or(Money::from_fen(-1))
}

/// The calculator, its range error turned into a test failure.
fn compute(r: &DuesRules, c: OccupationCategory, base: Money) -> Computation {
    super::compute(r, c, base).unwrap_or_else(|e| panic!("{e}"))
}

fn amount_for(r: &DuesRules, c: OccupationCategory, base: Money) -> Money {
    compute(r, c, base).amount
}

fn month(s: &str) -> Month {
    s.parse().unwrap_or_else(|_| Month::of(NaiveDate::MIN))
}

fn versions() -> [(&'static str, DuesRules); 2] {
    [
        ("dues-2008", DuesRules::dues_2008()),
        ("dues-2017", DuesRules::dues_2017()),
    ]
}

#[test]
fn wage_band_edges_for_each_version_rounding_and_wage_category() {
    // (base, expected amount): the rate applies to the whole base.
    let edges = [
        ("3000.00", "15.00"),
        ("3000.01", "30.00"),
        ("5000.00", "50.00"),
        ("5000.01", "75.00"),
        ("10000.00", "150.00"),
        ("10000.01", "200.00"),
    ];
    for (name, rules) in versions() {
        for rounding in Rounding::BUILT_IN {
            let rules = DuesRules {
                rounding,
                ..rules.clone()
            };
            for cat in [C::InService, C::OtherIncome] {
                for (base, want) in edges {
                    let got = amount_for(&rules, cat, m(base));
                    assert_eq!(got, m(want), "{name} {rounding} {cat:?} {base}");
                    assert_eq!(got.amount().scale(), 2);
                }
            }
        }
    }
}

#[test]
fn retiree_edge_at_5000_for_each_version_and_rounding() {
    for (name, rules) in versions() {
        for rounding in Rounding::BUILT_IN {
            let rules = DuesRules {
                rounding,
                ..rules.clone()
            };
            assert_eq!(
                amount_for(&rules, C::Retiree, m("5000.00")),
                m("25.00"),
                "{name}"
            );
            assert_eq!(
                amount_for(&rules, C::Retiree, m("5000.01")),
                m("50.00"),
                "{name}"
            );
            assert_eq!(
                amount_for(&rules, C::Retiree, m("3000.01")),
                m("15.00"),
                "{name}"
            );
        }
    }
}

#[test]
fn flat_categories_ignore_the_base() {
    for (_, rules) in versions() {
        for rounding in Rounding::BUILT_IN {
            let rules = DuesRules {
                rounding,
                ..rules.clone()
            };
            for cat in [C::Farmer, C::Student, C::Unemployed, C::MinimumAllowance] {
                for base in ["0", "3000.01", "10000.01"] {
                    assert_eq!(amount_for(&rules, cat, m(base)), m("0.20"), "{cat:?}");
                }
            }
        }
    }
    let mut local = DuesRules::dues_2017();
    local.farmer_flat = m("1.00");
    assert_eq!(amount_for(&local, C::Farmer, m("0")), m("1.00"));
    assert_eq!(amount_for(&local, C::Student, m("0")), m("0.20"));
}

#[test]
fn roundings_differ_where_they_should() {
    let fen = DuesRules::dues_2017();
    let jiao = DuesRules {
        rounding: Rounding::JIAO_HALF_UP,
        ..DuesRules::dues_2017()
    };
    // 2989 × 0.5% = 14.945; 2990 × 0.5% = 14.95; 2999 × 0.5% = 14.995.
    for (base, f, j) in [
        ("2989.00", "14.95", "14.90"),
        ("2990.00", "14.95", "15.00"),
        ("2999.00", "15.00", "15.00"),
    ] {
        assert_eq!(amount_for(&fen, C::InService, m(base)), m(f), "{base}");
        assert_eq!(amount_for(&jiao, C::InService, m(base)), m(j), "{base}");
    }
}

#[test]
fn the_2017_cap_applies_from_2017_only() {
    let book = DuesRuleBook::national();
    let at = |mo: &str| {
        book.rules_for(&[], month(mo))
            .map(|v| amount_for(&v.rules, C::InService, m("60000")))
            .ok()
    };
    assert_eq!(at("2024-03"), Some(m("1000.00")));
    assert_eq!(at("2016-12"), Some(m("1200.00")));
    // The cap edge: 50000 × 2% = 1000.00 exactly is not cut; 50000.50 is.
    let c = compute(&DuesRules::dues_2017(), C::InService, m("50000.00"));
    assert!(!c.capped);
    let c = compute(&DuesRules::dues_2017(), C::InService, m("50000.50"));
    assert!(c.capped);
    assert_eq!(c.rounded, m("1000.01"));
    assert_eq!(c.amount, m("1000.00"));
}

fn wage(w: &str, tax: &str, social: &str) -> Income {
    Income::Wage {
        monthly_wage: m(w),
        income_tax: m(tax),
        social_insurance: m(social),
        housing_fund: m("0"),
        annuity: m("0"),
        irregular: m("0"),
    }
}

#[test]
fn a_mid_year_rule_change_splits_the_year_and_past_months_are_stable() {
    // A local variant from 2024-07-01 rounds to the jiao and caps at 500.
    let mut book = DuesRuleBook::national();
    let mut v2 = DuesRules::dues_2017();
    v2.rounding = Rounding::JIAO_HALF_UP;
    v2.monthly_cap = Some(m("500"));
    let versions = Versioned::new(vec![crate::rules::RuleVersion {
        name: "local-2024h2".into(),
        effective_from: NaiveDate::from_ymd_opt(2024, 7, 1).unwrap_or_default(),
        rules: v2,
    }]);
    let adopted = versions
        .map_err(|e| e.to_string())
        .and_then(|v| book.adopt(OrgId::new(1), v).map_err(|e| e.to_string()));
    assert_eq!(adopted, Ok(()));
    let mut p = DuesProfile::new(MemberId::new(1), month("2020-01"));
    let declared = p.declare(IncomeDeclaration {
        from: month("2024-01"),
        category: C::InService,
        income: wage("40000", "0", "0"),
    });
    assert_eq!(declared, Ok(()));
    let chain = [OrgId::new(2), OrgId::new(1)];
    let amount = |mo: &str| {
        let v = book.rules_for(&chain, month(mo)).ok()?;
        explain(v, &p, month(mo), None)
            .ok()
            .map(|e| (v.name.clone(), e.amount))
    };
    assert_eq!(amount("2024-06"), Some(("dues-2017".into(), m("800.00"))));
    assert_eq!(
        amount("2024-07"),
        Some(("local-2024h2".into(), m("500.00")))
    );
    // Recomputed later (the book unchanged), June gives the same amount.
    assert_eq!(amount("2024-06"), Some(("dues-2017".into(), m("800.00"))));
}

#[test]
fn explanation_shows_base_band_rate_rounding_and_relief() {
    let book = DuesRuleBook::national();
    let mut p = DuesProfile::new(MemberId::new(7), month("2024-01"));
    let declared = p.declare(IncomeDeclaration {
        from: month("2024-01"),
        category: C::InService,
        income: Income::Wage {
            monthly_wage: m("9000"),
            income_tax: m("300"),
            social_insurance: m("900"),
            housing_fund: m("700"),
            annuity: m("100"),
            irregular: m("1000"),
        },
    });
    assert_eq!(declared, Ok(()));
    let Ok(v) = book.rules_for(&[], month("2024-05")) else {
        unreachable!("national rules cover 2024")
    };
    let e = explain(v, &p, month("2024-05"), None);
    let Ok(e) = e else { unreachable!("{e:?}") };
    // 9000 − 1000 − 300 − 900 − 700 − 100 = 6000 → 1.5% = 90.00.
    assert_eq!(e.base, Some(m("6000.00")));
    assert_eq!(e.amount, m("90.00"));
    assert_eq!(e.rule_version, "dues-2017");
    let text = e.to_string();
    assert!(text.contains("1.5%"), "{text}");
    assert!(text.contains("half-up"), "{text}");
    let json = serde_json::to_string(&e).unwrap_or_default();
    assert_eq!(serde_json::from_str::<Explanation>(&json).ok(), Some(e));
    // Under 2008 the contributions are not deducted: 7700 → 1.5% = 115.50.
    let Ok(v08) = book.rules_for(&[], month("2016-05")) else {
        unreachable!()
    };
    let mut p08 = p.clone();
    p08.pays_from = month("2016-01");
    let _ = p08.declare(IncomeDeclaration {
        from: month("2016-01"),
        category: C::InService,
        income: Income::Wage {
            monthly_wage: m("9000"),
            income_tax: m("300"),
            social_insurance: m("900"),
            housing_fund: m("700"),
            annuity: m("100"),
            irregular: m("1000"),
        },
    });
    let e08 = explain(v08, &p08, month("2016-05"), None).map(|e| e.amount);
    assert_eq!(e08, Ok(m("115.50")));
    let relief = Relief {
        member: MemberId::new(7),
        kind: ReliefKind::Reduction { pays: m("10") },
        months: MonthRange {
            first: month("2024-05"),
            last: month("2024-06"),
        },
        reason: "大病".into(),
        requested_on: month("2024-04").first_day(),
        approved_on: month("2024-04").first_day(),
        approved_by: OrgId::new(2),
        reported_to: OrgId::new(1),
        reported_on: month("2024-04").first_day(),
    };
    let e = explain(v, &p, month("2024-05"), Some(&relief)).map(|e| e.amount);
    assert_eq!(e, Ok(m("10.00")));
}

#[test]
fn the_2008_version_changes_from_the_month_of_a_new_wage_and_2017_keeps_the_year() {
    let mut p = DuesProfile::new(MemberId::new(1), month("2010-01"));
    for (from, w) in [
        ("2015-01", "4000"),
        ("2015-07", "6000"),
        ("2024-01", "4000"),
        ("2024-07", "6000"),
    ] {
        let _ = p.declare(IncomeDeclaration {
            from: month(from),
            category: C::InService,
            income: wage(w, "0", "0"),
        });
    }
    let at = |rules: &DuesRules, mo: &str| monthly_amount(rules, &p, month(mo)).map(|x| x.1);
    let r08 = DuesRules::dues_2008();
    let r17 = DuesRules::dues_2017();
    assert_eq!(at(&r08, "2015-06"), Ok(m("40.00")));
    assert_eq!(at(&r08, "2015-07"), Ok(m("90.00")));
    assert_eq!(at(&r17, "2024-06"), Ok(m("40.00")));
    assert_eq!(at(&r17, "2024-07"), Ok(m("40.00")));
    assert_eq!(at(&r17, "2025-01"), Ok(m("90.00")));
}

#[test]
fn the_assessor_matches_the_calculator() {
    let rules = [
        DuesRules::dues_2017(),
        DuesRules {
            rounding: Rounding::JIAO_HALF_UP,
            ..DuesRules::dues_2008()
        },
    ];
    let a = Assessor::new(&rules).unwrap();
    for (i, r) in rules.iter().enumerate() {
        for cat in [
            C::InService,
            C::Retiree,
            C::Farmer,
            C::Student,
            C::OtherIncome,
        ] {
            for base in [
                "0", "2989.00", "3000.01", "5000.00", "10000.01", "60000", "50000.50",
            ] {
                let cm = CompactMember {
                    base: m(base).amount(),
                    rules: u16::try_from(i).unwrap_or(0),
                    category: cat.into(),
                };
                let got = a.assess(&cm);
                assert_eq!(got, amount_for(r, cat, m(base)), "{i} {cat:?} {base}");
                assert_eq!(got.to_string(), amount_for(r, cat, m(base)).to_string());
            }
        }
    }
}

#[test]
fn the_assessor_refuses_rules_validate_refuses() {
    // A rate far above 1 overflowed `base × rate` in `assess` (a panic).
    let mut bad = DuesRules::dues_2017();
    if let Some(top) = bad.in_service.last_mut() {
        top.rate = Decimal::MAX;
    }
    assert!(matches!(
        Assessor::new(&[DuesRules::dues_2017(), bad]),
        Err(DuesError::InvalidRules(_))
    ));
    // A hand-built member with a huge base does not panic either.
    let a = Assessor::new(&[DuesRules::dues_2017()]).unwrap();
    let m = CompactMember {
        base: Decimal::MAX,
        rules: 0,
        category: CategoryCode::WageRate,
    };
    let _ = a.assess(&m);
}
