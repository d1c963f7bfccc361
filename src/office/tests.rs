//! Boundary tests of the office-holder rules (OFF-3 … OFF-5) and a
//! property test of the review.

use super::*;
use crate::election::{national_election_rules, rules_2020};
use crate::org::{BranchForm, OrgKind, OrgTree, Organisation, StructureRules};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn branch() -> OrgKind {
    OrgKind::Branch(BranchForm::Physical)
}

fn tree() -> OrgTree {
    let org = |id: u64, kind: OrgKind, parent: Option<u64>| Organisation {
        id: OrgId::new(id),
        name: format!("组织{id}").parse().unwrap(),
        kind,
        parent: parent.map(OrgId::new),
        version: 1,
    };
    OrgTree::from_orgs([
        org(1, OrgKind::GrassrootsCommittee, None),
        org(2, branch(), Some(1)),
        org(3, OrgKind::PartyGroup, Some(2)),
    ])
    .unwrap()
}

fn holding(id: u64, org: u64, post: Post, from: NaiveDate, ends: NaiveDate) -> OfficeHolder {
    OfficeHolder::from_parts(
        OfficeId::new(id),
        NewOfficeHolder::new(
            OrgId::new(org),
            MemberId::new(id),
            post,
            Source::Appointed { by: OrgId::new(1) },
            from,
            ends,
        ),
        None,
    )
}

#[test]
fn terms_follow_the_kind_and_the_month_end_rule() {
    let r = rules_2020();
    assert_eq!(term_end(&branch(), d(2021, 6, 30), &r), Ok(d(2024, 6, 30)));
    assert_eq!(
        term_end(&OrgKind::GeneralBranch, d(2021, 6, 30), &r),
        Ok(d(2024, 6, 30))
    );
    assert_eq!(
        term_end(&OrgKind::GrassrootsCommittee, d(2021, 6, 30), &r),
        Ok(d(2026, 6, 30))
    );
    // 29 February: the term ends on the last day of February.
    assert_eq!(term_end(&branch(), d(2024, 2, 29), &r), Ok(d(2027, 2, 28)));
    assert_eq!(
        term_end(&OrgKind::PartyGroup, d(2024, 1, 1), &r),
        Err(OfficeError::NoCommittee)
    );
    assert!(matches!(
        term_end(&branch(), NaiveDate::MAX, &r),
        Err(OfficeError::DateOutOfRange(_))
    ));
    // Rules as data: a version with 4-year branch terms.
    let mut four = rules_2020();
    four.branch_term_years = 4;
    assert_eq!(
        term_end(&branch(), d(2021, 6, 30), &four),
        Ok(d(2025, 6, 30))
    );
}

#[test]
fn committee_size_boundaries() {
    let rules = StructureRules::national_2018();
    let k = branch();
    // Six full members: a secretary alone; seven: a committee may form.
    assert!(check_committee_size(&k, 1, 6, &rules).is_ok());
    assert!(matches!(
        check_committee_size(&k, 2, 6, &rules),
        Err(OfficeError::SecretaryAlone {
            full: 6,
            threshold: 7,
            ..
        })
    ));
    assert!(check_committee_size(&k, 2, 7, &rules).is_ok());
    assert!(check_committee_size(&k, 7, 7, &rules).is_ok());
    assert_eq!(
        check_committee_size(&k, 8, 70, &rules),
        Err(OfficeError::CommitteeTooLarge { max: 7, size: 8 })
    );
    // Committees above a branch are not limited here.
    assert!(check_committee_size(&OrgKind::GrassrootsCommittee, 15, 0, &rules).is_ok());
}

#[test]
fn the_review_reports_overdue_terms_on_the_day_after() {
    let t = tree();
    let rules = national_election_rules();
    let s = StructureRules::national_2018();
    let ends = d(2027, 6, 1);
    let holders = vec![
        holding(1, 2, Post::Secretary, d(2024, 6, 1), ends),
        holding(2, 1, Post::Secretary, d(2024, 6, 1), d(2029, 6, 1)),
    ];
    let full = BTreeMap::from([(OrgId::new(2), 5)]);
    let at = |on| review(&t, OrgId::new(1), &holders, &full, on, &rules, &s).findings;
    assert!(at(ends).is_empty());
    let overdue = |beyond| OfficeFinding::ElectionOverdue {
        org: OrgId::new(2),
        term_ended: ends,
        late_limit: d(2028, 6, 1),
        beyond_limit: beyond,
    };
    assert_eq!(at(d(2027, 6, 2)), vec![overdue(false)]);
    assert_eq!(at(d(2028, 6, 1)), vec![overdue(false)]);
    assert_eq!(at(d(2028, 6, 2)), vec![overdue(true)]);
    // Before the first day nobody holds office; the party group is skipped.
    assert_eq!(
        at(d(2024, 5, 31)),
        vec![
            OfficeFinding::NoOfficeHolders { org: OrgId::new(1) },
            OfficeFinding::NoOfficeHolders { org: OrgId::new(2) },
        ]
    );
}

#[test]
fn the_review_checks_committee_sizes() {
    let t = tree();
    let rules = national_election_rules();
    let s = StructureRules::national_2018();
    let on = d(2024, 7, 1);
    let ends = d(2027, 6, 1);
    let mut holders = vec![holding(1, 1, Post::Secretary, d(2024, 6, 1), ends)];
    holders.push(holding(2, 2, Post::Member, d(2024, 6, 1), ends));
    holders.push(holding(3, 2, Post::Member, d(2024, 6, 1), ends));
    let run = |holders: &[OfficeHolder], full: u32| {
        review(
            &t,
            OrgId::new(2),
            holders,
            &BTreeMap::from([(OrgId::new(2), full)]),
            on,
            &rules,
            &s,
        )
        .findings
    };
    // Two committee members and no secretary, with 6 full members.
    assert_eq!(
        run(&holders, 6),
        vec![
            OfficeFinding::NoSecretary { org: OrgId::new(2) },
            OfficeFinding::SecretaryAlone {
                org: OrgId::new(2),
                full: 6,
                size: 2
            },
        ]
    );
    // With 7 full members, 2 is below the committee's 3.
    assert_eq!(
        run(&holders, 7)[1],
        OfficeFinding::CommitteeSize {
            org: OrgId::new(2),
            size: 2,
            min: 3,
            max: 7
        }
    );
    holders.push(holding(4, 2, Post::Secretary, d(2024, 6, 1), ends));
    assert!(run(&holders, 7).is_empty());
}

#[test]
fn portfolios_are_short_visible_names() {
    assert_eq!(Portfolio::new(" 组织 ").unwrap(), Portfolio::organisation());
    assert_eq!(Portfolio::propaganda().as_str(), "宣传");
    for bad in [
        "",
        "   ",
        "宣\u{200B}传",
        "纪\u{202E}检",
        "组\u{0085}织",
        &"长".repeat(21),
    ] {
        assert!(
            matches!(Portfolio::new(bad), Err(OfficeError::BadPortfolio(_))),
            "{bad:?}"
        );
    }
    assert!(Portfolio::new(&"长".repeat(20)).is_ok());
    // Deserializing checks the same rules.
    assert!(serde_json::from_str::<Portfolio>("\"\\u200b\"").is_err());
    assert_eq!(
        serde_json::from_str::<Portfolio>("\"纪检\"").unwrap(),
        Portfolio::discipline()
    );
}

proptest! {
    /// The review never panics and reports an overdue election exactly when
    /// the review date is past the latest term end of those in office.
    #[test]
    fn overdue_exactly_after_the_term_end(from_days in 0i64..20_000, offset in -2_000i64..2_000) {
        let t = tree();
        let from = d(1990, 1, 1) + chrono::Duration::days(from_days);
        let ends = term_end(&branch(), from, &rules_2020()).unwrap();
        let on = ends + chrono::Duration::days(offset);
        let holders = vec![holding(1, 2, Post::Secretary, from, ends)];
        let r = review(&t, OrgId::new(2), &holders, &BTreeMap::new(), on, &national_election_rules(), &StructureRules::national_2018());
        let overdue = r.findings.iter().any(|f| matches!(f, OfficeFinding::ElectionOverdue { .. }));
        prop_assert_eq!(overdue, on >= from && on > ends);
    }
}
