use super::*;
use crate::org::{BranchForm, Organisation};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn probation(term: ProbationTerm, rights_restored: bool) -> Measure {
    Measure::Probation {
        term,
        rights_restored,
    }
}

#[test]
fn probation_is_one_or_two_years_never_more() {
    assert_eq!(ProbationTerm::try_from(1), Ok(ProbationTerm::OneYear));
    assert_eq!(ProbationTerm::try_from(2), Ok(ProbationTerm::TwoYears));
    for years in [0, 3, 255] {
        assert_eq!(
            ProbationTerm::try_from(years),
            Err(DisciplineError::ProbationTerm { years })
        );
    }
    let json = r#"{"type":"probation","term":3,"rights_restored":true}"#;
    assert!(serde_json::from_str::<Measure>(json).is_err());
    let json = r#"{"type":"probation","term":2,"rights_restored":true}"#;
    assert_eq!(
        serde_json::from_str::<Measure>(json).ok(),
        Some(probation(ProbationTerm::TwoYears, true))
    );
}

#[test]
fn probation_removes_the_rights_to_its_last_day() {
    let on = d(2024, 2, 29);
    let p = probation(ProbationTerm::OneYear, true);
    // 2024-02-29 + 1 year is 2025-02-28 (P-1, month end).
    assert_eq!(p.ends(on), Some(d(2025, 2, 28)));
    assert_eq!(p.restriction_on(on, d(2024, 2, 28)), None);
    assert_eq!(
        p.restriction_on(on, on),
        Some(NotEntitledReason::SanctionRemovesRights)
    );
    assert_eq!(
        p.restriction_on(on, d(2025, 2, 27)),
        Some(NotEntitledReason::SanctionRemovesRights)
    );
    assert_eq!(p.restriction_on(on, d(2025, 2, 28)), None);
    // Not restored: still without rights after the end (to be expelled).
    let q = probation(ProbationTerm::TwoYears, false);
    assert_eq!(q.ends(on), Some(d(2026, 2, 28)));
    assert_eq!(
        q.restriction_on(on, d(2030, 1, 1)),
        Some(NotEntitledReason::SanctionRemovesRights)
    );
}

#[test]
fn warnings_keep_the_rights_and_detention_suspends_them_until_release() {
    let on = d(2024, 3, 1);
    for m in [
        Measure::Warning,
        Measure::SeriousWarning,
        Measure::RemovalFromPost,
        Measure::Reward,
    ] {
        assert_eq!(m.restriction_on(on, d(2024, 3, 2)), None, "{m:?}");
        assert!(may_introduce([(m, on)], d(2024, 3, 2)));
    }
    let held = Measure::Detention {
        released_on: Some(d(2024, 4, 1)),
    };
    assert_eq!(
        held.restriction_on(on, d(2024, 3, 31)),
        Some(NotEntitledReason::Detained)
    );
    assert_eq!(held.restriction_on(on, d(2024, 4, 1)), None);
    let still = Measure::Detention { released_on: None };
    assert_eq!(
        still.restriction_on(on, d(2030, 1, 1)),
        Some(NotEntitledReason::Detained)
    );
    // The most severe wins.
    let both = [(still, on), (probation(ProbationTerm::OneYear, false), on)];
    assert_eq!(
        restriction_on(both, d(2024, 5, 1)),
        Some(NotEntitledReason::SanctionRemovesRights)
    );
    assert_eq!(
        restriction_on([(Measure::Expulsion, on)], on),
        Some(NotEntitledReason::NotAMember)
    );
}

#[test]
fn under_probation_no_introducing() {
    let on = d(2024, 3, 1);
    let p = probation(ProbationTerm::OneYear, true);
    assert!(may_introduce([(p, on)], d(2024, 2, 29)));
    assert!(!may_introduce([(p, on)], on));
    assert!(!may_introduce([(p, on)], d(2025, 2, 28)));
    assert!(may_introduce([(p, on)], d(2025, 3, 1)));
    let q = probation(ProbationTerm::OneYear, false);
    assert!(!may_introduce([(q, on)], d(2027, 1, 1)));
}

fn tree() -> OrgTree {
    let org = |id, kind, parent: Option<u64>| Organisation {
        id: OrgId::new(id),
        name: "组织".parse().unwrap_or_else(|_| unreachable!()),
        kind,
        parent: parent.map(OrgId::new),
        version: 1,
    };
    OrgTree::from_orgs([
        org(1, OrgKind::GrassrootsCommittee, None),
        org(2, OrgKind::Branch(BranchForm::Physical), Some(1)),
        org(3, OrgKind::Branch(BranchForm::Physical), None),
    ])
    .unwrap_or_default()
}

fn new(decided_by: u64, approved_by: u64, measure: Measure) -> NewDecision {
    NewDecision {
        member: MemberId::new(5),
        measure,
        decided_on: d(2024, 3, 1),
        decided_by: OrgId::new(decided_by),
        approved_by: OrgId::new(approved_by),
        title: "处分决定".into(),
        acted_by: None,
        recorded_at: DateTime::<Utc>::default(),
    }
}

#[test]
fn the_approver_is_a_grassroots_committee_over_the_decider() {
    let t = tree();
    let today = d(2024, 6, 1);
    assert!(new(2, 1, Measure::Warning).validate(&t, today).is_ok());
    assert!(new(1, 1, Measure::Warning).validate(&t, today).is_ok());
    for (by, approver) in [(2, 2), (3, 1), (2, 3), (2, 9)] {
        assert!(
            matches!(
                new(by, approver, Measure::Warning).validate(&t, today),
                Err(DisciplineError::Approver { .. })
            ),
            "{by} {approver}"
        );
    }
    assert!(matches!(
        new(2, 1, Measure::Warning).validate(&t, d(2024, 2, 29)),
        Err(DisciplineError::InTheFuture { .. })
    ));
    let early = Measure::Detention {
        released_on: Some(d(2024, 2, 29)),
    };
    assert!(matches!(
        new(2, 1, early).validate(&t, today),
        Err(DisciplineError::ReleasedBeforeDetention { .. })
    ));
    let mut bad = new(2, 1, Measure::Warning);
    bad.title = "处分\u{202E}决定".into();
    assert!(matches!(
        bad.validate(&t, today),
        Err(DisciplineError::BadTitle { .. })
    ));
}

proptest! {
    /// 留党察看 never removes the rights before its decision, and always
    /// within its term.
    #[test]
    fn probation_holds_exactly_within_its_term(offset in 0i64..1200, before in 1i64..400, two in any::<bool>(), restored in any::<bool>()) {
        let on = d(2023, 1, 31);
        let term = if two { ProbationTerm::TwoYears } else { ProbationTerm::OneYear };
        let p = probation(term, restored);
        let end = p.ends(on).unwrap_or(on);
        let day = on + chrono::Duration::days(offset);
        let within = day < end;
        prop_assert_eq!(p.restriction_on(on, day).is_some(), within || !restored);
        prop_assert!(p.restriction_on(on, on - chrono::Duration::days(before)).is_none());
    }
}
