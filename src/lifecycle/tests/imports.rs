//! Imports under the live guards: the age at application, the probation
//! and its extension, the activist period, the introducers, the override,
//! and the stored form.

use super::*;
use crate::period::add_months;

fn with(
    fx: &Fx,
    stage: ImportedStage,
    details: ImportDetails,
    o: Option<ImportOverride>,
) -> Result<Lifecycle, TransitionError> {
    Lifecycle::import_with(stage, details, o, &fx.ctx())
}

fn plain(stage: ImportedStage) -> Result<Lifecycle, TransitionError> {
    with(&Fx::new(), stage, ImportDetails::default(), None)
}

fn why() -> ImportOverride {
    ImportOverride::new("1985年档案，经县委组织部核准").unwrap()
}

fn full(joined_on: NaiveDate, full_since: NaiveDate) -> ImportedStage {
    ImportedStage::Full {
        joined_on,
        full_since,
    }
}

fn extended() -> ImportDetails {
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
    // Before every rule version: held to the earliest one.
    assert_eq!(
        ok.history()[0].rules_version.as_deref(),
        Some("development-2014")
    );
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

#[test]
fn activist_period_checked_where_the_record_has_both_dates() {
    let fx = Fx::new();
    let target = |since| ImportedStage::DevelopmentTarget {
        since,
        introducers: [INTRO_A.into(), INTRO_B.into()],
    };
    let activist = ImportDetails {
        activist_since: Some(d(2017, 8, 9)),
        ..ImportDetails::default()
    };
    assert_eq!(
        with(&fx, target(d(2018, 8, 8)), activist.clone(), None),
        Err(TransitionError::ActivistPeriodNotMet {
            activist_since: d(2017, 8, 9),
            on: d(2018, 8, 8),
            qualifies_on: d(2018, 8, 9),
            months: 12,
        })
    );
    let lc = with(&fx, target(d(2018, 8, 9)), activist.clone(), None).unwrap();
    assert_eq!(lc.activist_since(), Some(d(2017, 8, 9)));
    assert!(with(&fx, target(d(2018, 8, 8)), activist, Some(why())).is_ok());
    // A member with both dates.
    let member = ImportDetails {
        activist_since: Some(d(2017, 8, 9)),
        target_since: Some(d(2018, 3, 1)),
        ..ImportDetails::default()
    };
    assert!(matches!(
        with(&fx, full(d(2018, 10, 16), d(2019, 10, 16)), member, None),
        Err(TransitionError::ActivistPeriodNotMet { .. })
    ));
}

#[test]
fn details_follow_the_stage_and_the_order_of_the_steps() {
    let fx = Fx::new();
    let cases = [
        (
            ImportedStage::Applicant {
                applied_on: d(2020, 1, 1),
            },
            ImportDetails {
                applied_on: Some(d(2020, 1, 1)),
                ..ImportDetails::default()
            },
            "applied_on",
        ),
        (
            ImportedStage::Activist {
                since: d(2020, 1, 1),
            },
            ImportDetails {
                target_since: Some(d(2019, 1, 1)),
                ..ImportDetails::default()
            },
            "target_since",
        ),
        (
            ImportedStage::Probationary {
                resolution_on: d(2023, 7, 1),
                probation_end: None,
                extended: false,
            },
            extended(),
            "probation_extended",
        ),
        (
            ImportedStage::DevelopmentTarget {
                since: d(2020, 1, 1),
                introducers: [INTRO_A.into(), INTRO_B.into()],
            },
            ImportDetails {
                introducers: Some([INTRO_A.into(), INTRO_B.into()]),
                ..ImportDetails::default()
            },
            "introducers",
        ),
    ];
    for (stage, details, field) in cases {
        let at = stage.stage();
        assert_eq!(
            with(&fx, stage, details, Some(why())),
            Err(TransitionError::ImportDetailNotApplicable { field, stage: at })
        );
    }
    let out_of_order = ImportDetails {
        applied_on: Some(d(2016, 1, 1)),
        activist_since: Some(d(2015, 1, 1)),
        ..ImportDetails::default()
    };
    assert!(matches!(
        with(
            &fx,
            full(d(2018, 10, 16), d(2019, 10, 16)),
            out_of_order,
            None
        ),
        Err(TransitionError::ImportOutOfOrder {
            earlier_field: "applied_on",
            later_field: "activist_since",
            ..
        })
    ));
    let listed_late = ImportDetails {
        target_since: Some(d(2018, 10, 17)),
        ..ImportDetails::default()
    };
    assert!(matches!(
        with(
            &fx,
            full(d(2018, 10, 16), d(2019, 10, 16)),
            listed_late,
            None
        ),
        Err(TransitionError::ImportOutOfOrder {
            earlier_field: "target_since",
            later_field: "joined_on",
            ..
        })
    ));
    let all = ImportDetails {
        applied_on: Some(d(2017, 1, 10)),
        activist_since: Some(d(2017, 8, 9)),
        target_since: Some(d(2018, 8, 9)),
        introducers: Some([
            INTRO_A.into(),
            Introducer::External("李四".parse().unwrap()),
        ]),
        probation_extended: false,
    };
    let lc = with(&fx, full(d(2018, 10, 16), d(2019, 10, 16)), all, None).unwrap();
    assert_eq!(lc.applied_on(), Some(d(2017, 1, 10)));
    assert_eq!(lc.development_target_since(), Some(d(2018, 8, 9)));
    assert_eq!(
        lc.introducers().map(|[a, _]| a.clone()),
        Some(Introducer::Member(INTRO_A))
    );
}

#[test]
fn imported_introducers_follow_the_live_rule() {
    let fx = Fx::new();
    let target = |a: Introducer, b: Introducer| ImportedStage::DevelopmentTarget {
        since: d(2020, 1, 1),
        introducers: [a, b],
    };
    let li: Introducer = "李四".parse::<crate::member::PersonName>().unwrap().into();
    assert!(matches!(
        with(
            &fx,
            target(PROBATIONARY.into(), INTRO_A.into()),
            ImportDetails::default(),
            Some(why())
        ),
        Err(TransitionError::IntroducerNotFull {
            introducer: PROBATIONARY,
            stage: Stage::Probationary,
            ..
        })
    ));
    assert!(matches!(
        plain(target(INTRO_A.into(), UNKNOWN.into())),
        Err(TransitionError::UnknownIntroducer {
            introducer: UNKNOWN,
            ..
        })
    ));
    assert_eq!(
        plain(target(li.clone(), li.clone())),
        Err(TransitionError::DuplicateImportedIntroducer {
            introducer: li.clone()
        })
    );
    assert!(plain(target(li.clone(), INTRO_A.into())).is_ok());
    // A member's introducers, checked on the admission date when the
    // listing date is not recorded.
    let member = |a: Introducer| ImportDetails {
        introducers: Some([a, li.clone()]),
        ..ImportDetails::default()
    };
    assert!(
        with(
            &fx,
            full(d(2018, 10, 16), d(2019, 10, 16)),
            member(INTRO_B.into()),
            None
        )
        .is_ok()
    );
    assert!(matches!(
        with(&fx, full(d(2018, 10, 16), d(2019, 10, 16)), member(PROBATIONARY.into()), None),
        Err(TransitionError::IntroducerNotFull { on, .. }) if on == d(2018, 10, 16)
    ));
}

#[test]
fn an_override_needs_a_reason() {
    assert_eq!(
        ImportOverride::new(""),
        Err(TransitionError::OverrideWithoutReason)
    );
    assert_eq!(
        ImportOverride::new(" \n"),
        Err(TransitionError::OverrideWithoutReason)
    );
    assert!(serde_json::from_str::<ImportOverride>(r#"{"reason":" "}"#).is_err());
    let o: ImportOverride = serde_json::from_str(r#"{"reason":"核准"}"#).unwrap();
    assert_eq!(o.reason(), "核准");
}

#[test]
fn histories_stored_before_import_details_still_load() {
    let old = r#"{"history":[{"on":"2020-01-01","from":null,"to":"development_target",
        "event":{"event":"imported","snapshot":{"stage":"development_target","since":"2020-01-01","introducers":[1,2]}},
        "rules_version":null,"probation_end":null,"activist_qualifies_on":null}]}"#;
    let lc: Lifecycle = serde_json::from_str(old).unwrap();
    assert_eq!(
        lc.introducers(),
        Some(&[Introducer::Member(INTRO_A), Introducer::Member(INTRO_B)])
    );
    assert_eq!(lc.import_override(), None);
    // What is written now omits empty details and no override.
    let now = plain(full(d(2015, 7, 1), d(2016, 7, 1))).unwrap();
    let json = serde_json::to_string(&now).unwrap();
    assert!(
        !json.contains("details") && !json.contains("guard_override"),
        "{json}"
    );
}
