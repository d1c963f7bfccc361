//! Imports under the live guards: the age at application, the probation
//! and its extension, the activist period, the introducers, the override,
//! and the stored form.

use super::*;
use crate::period::add_months;

mod records;

pub(super) fn with(
    fx: &Fx,
    stage: ImportedStage,
    details: ImportDetails,
    o: Option<ImportOverride>,
) -> Result<Lifecycle, TransitionError> {
    Lifecycle::import_with(stage, details, o, &fx.ctx())
}

pub(super) fn plain(stage: ImportedStage) -> Result<Lifecycle, TransitionError> {
    with(&Fx::new(), stage, ImportDetails::default(), None)
}

pub(super) fn why() -> ImportOverride {
    ImportOverride::new("1985年档案，经县委组织部核准").unwrap()
}

pub(super) fn full(joined_on: NaiveDate, full_since: NaiveDate) -> ImportedStage {
    ImportedStage::Full {
        joined_on,
        full_since,
    }
}

pub(super) fn extended() -> ImportDetails {
    ImportDetails {
        probation_extended: true,
        ..ImportDetails::default()
    }
}

// Fx::new(): born 1990-05-20, so 18 on 2008-05-20.

#[test]
fn age_at_application_17y364d_refused_18th_birthday_accepted() {
    let err = plain(ImportedStage::Applicant {
        applied_on: d(2008, 5, 19),
    });
    assert_eq!(
        err,
        Err(TransitionError::TooYoung {
            birth_date: d(1990, 5, 20),
            applied_on: d(2008, 5, 19),
            age: 17,
            min_age: 18,
        })
    );
    let ok = plain(ImportedStage::Applicant {
        applied_on: d(2008, 5, 20),
    })
    .unwrap();
    assert_eq!(ok.applied_on(), Some(d(2008, 5, 20)));
    // Before every rule version: held to the earliest one (the record
    // names a version only when it fixed one of its dates).
    assert_eq!(ok.history()[0].rules_version, None);
    let mut stricter = DevelopmentRules::national_2014();
    stricter.min_application_age = 20;
    let fx = Fx {
        rules: Versioned::single("strict", d(2014, 6, 10), stricter),
        ..Fx::new()
    };
    let applicant = ImportedStage::Applicant {
        applied_on: d(2010, 5, 19),
    };
    assert!(matches!(
        Lifecycle::import(applicant, &fx.ctx()),
        Err(TransitionError::TooYoung {
            age: 19,
            min_age: 20,
            ..
        })
    ));
}

#[test]
fn later_stages_check_the_age_on_the_application_or_the_earliest_date() {
    let fx = Fx::new();
    assert!(matches!(
        plain(ImportedStage::Activist {
            since: d(2008, 5, 19)
        }),
        Err(TransitionError::TooYoungOnRecord {
            field: "since",
            age: 17,
            min_age: 18,
            ..
        })
    ));
    assert!(
        plain(ImportedStage::Activist {
            since: d(2008, 5, 20)
        })
        .is_ok()
    );
    let member = full(d(2015, 7, 1), d(2016, 7, 1));
    let applied = |on| ImportDetails {
        applied_on: Some(on),
        ..ImportDetails::default()
    };
    assert!(matches!(
        with(&fx, member.clone(), applied(d(2008, 5, 19)), None),
        Err(TransitionError::TooYoung { age: 17, .. })
    ));
    let lc = with(&fx, member.clone(), applied(d(2008, 5, 20)), None).unwrap();
    assert_eq!(lc.applied_on(), Some(d(2008, 5, 20)));
    // With a recorded override the young application is imported.
    let lc = with(&fx, member, applied(d(2008, 5, 19)), Some(why())).unwrap();
    assert_eq!(
        lc.import_override().map(ImportOverride::reason),
        Some("1985年档案，经县委组织部核准")
    );
}

#[test]
fn joined_on_the_day_of_birth_is_refused() {
    assert!(matches!(
        plain(full(d(1990, 5, 20), d(1991, 5, 20))),
        Err(TransitionError::TooYoungOnRecord {
            field: "joined_on",
            age: 0,
            ..
        })
    ));
}

#[test]
fn probation_exactly_the_standard_accepted_one_day_off_refused() {
    assert!(plain(full(d(2015, 7, 1), d(2016, 7, 1))).is_ok());
    for off in [d(2016, 6, 30), d(2016, 7, 2)] {
        assert_eq!(
            plain(full(d(2015, 7, 1), off)),
            Err(TransitionError::ProbationNotStandard {
                resolution_on: d(2015, 7, 1),
                probation_end: off,
                standard_end: d(2016, 7, 1),
                months: 12,
            })
        );
    }
    let probationary = |end| ImportedStage::Probationary {
        resolution_on: d(2023, 7, 1),
        probation_end: Some(end),
        extended: false,
    };
    assert!(plain(probationary(d(2024, 7, 1))).is_ok());
    assert!(matches!(
        plain(probationary(d(2024, 6, 30))),
        Err(TransitionError::ProbationNotStandard { .. })
    ));
}

#[test]
fn probation_off_the_standard_with_an_override_keeps_the_reason() {
    let fx = Fx::new();
    let lc = with(
        &fx,
        full(d(2015, 7, 1), d(2016, 6, 30)),
        ImportDetails::default(),
        Some(why()),
    )
    .unwrap();
    assert_eq!(lc.full_since(), Some(d(2016, 6, 30)));
    assert_eq!(
        lc.import_override().map(ImportOverride::reason),
        Some("1985年档案，经县委组织部核准")
    );
    let json = serde_json::to_string(&lc).unwrap();
    assert!(json.contains("1985年档案"));
    let back: Lifecycle = serde_json::from_str(&json).unwrap();
    assert_eq!(back, lc);
    assert_eq!(Lifecycle::replay(lc.history(), &fx.ctx()), Ok(lc.clone()));
    // Without its override the record no longer replays under the guards.
    let mut history = lc.history().to_vec();
    if let LifecycleEvent::Imported { guard_override, .. } = &mut history[0].event {
        *guard_override = None;
    }
    assert!(Lifecycle::from_history(history.clone()).is_ok());
    assert!(matches!(
        Lifecycle::replay(&history, &fx.ctx()),
        Err(TransitionError::InvalidHistory { index: 0, .. })
    ));
}

#[test]
fn extension_of_6_and_12_months_accepted_when_marked_5_and_13_refused() {
    let fx = Fx::new();
    let standard = d(2016, 7, 1);
    for (months, ok) in [(5, false), (6, true), (12, true), (13, false)] {
        let end = add_months(standard, months).unwrap();
        let got = with(&fx, full(d(2015, 7, 1), end), extended(), None);
        if ok {
            let lc = got.unwrap();
            assert!(lc.extension_used());
            assert_eq!(lc.full_since(), Some(end));
        } else {
            assert_eq!(
                got,
                Err(TransitionError::ImportedExtensionOutOfRange {
                    standard_end: standard,
                    probation_end: end,
                    min: 6,
                    max: 12,
                }),
                "{months} months"
            );
        }
        // Not marked extended: off the standard.
        assert!(matches!(
            plain(full(d(2015, 7, 1), end)),
            Err(TransitionError::ProbationNotStandard { .. })
        ));
    }
    // Whole months only; marked extended but not extended; an override.
    let odd = [d(2017, 1, 2), standard];
    for end in odd {
        assert!(matches!(
            with(&fx, full(d(2015, 7, 1), end), extended(), None),
            Err(TransitionError::ImportedExtensionOutOfRange { .. })
        ));
    }
    let long = add_months(standard, 13).unwrap();
    assert!(with(&fx, full(d(2015, 7, 1), long), extended(), Some(why())).is_ok());
    // A probationary member marked extended, ending in the future.
    let probationary = |months| ImportedStage::Probationary {
        resolution_on: d(2023, 1, 10),
        probation_end: add_months(d(2024, 1, 10), months),
        extended: true,
    };
    assert!(plain(probationary(6)).is_ok());
    assert!(plain(probationary(12)).is_ok());
    assert!(plain(probationary(5)).is_err());
    assert!(plain(probationary(13)).is_err());
}

#[test]
fn extension_bounds_come_from_the_rules() {
    let mut rules = DevelopmentRules::national_2014();
    rules.extension_max_months = 18;
    rules.probation_months = 6;
    let fx = Fx {
        rules: Versioned::single("local", d(2014, 6, 10), rules),
        ..Fx::new()
    };
    let ctx = fx.ctx();
    assert!(Lifecycle::import(full(d(2015, 7, 1), d(2016, 1, 1)), &ctx).is_ok());
    let end = d(2017, 7, 1); // 6 + 18 months
    let lc = Lifecycle::import_with(full(d(2015, 7, 1), end), extended(), None, &ctx);
    assert!(lc.is_ok());
}

#[test]
fn a_75_year_probation_is_refused() {
    let fx = Fx {
        birth: d(1925, 1, 1),
        ..Fx::new()
    };
    let err = with(
        &fx,
        full(d(1949, 5, 1), d(2024, 5, 1)),
        ImportDetails::default(),
        None,
    );
    assert!(matches!(
        err,
        Err(TransitionError::ProbationNotStandard {
            standard_end,
            months: 12,
            ..
        }) if standard_end == d(1950, 5, 1)
    ));
    // Marked extended it is still out of range.
    assert!(matches!(
        with(&fx, full(d(1949, 5, 1), d(2024, 5, 1)), extended(), None),
        Err(TransitionError::ImportedExtensionOutOfRange { .. })
    ));
}
