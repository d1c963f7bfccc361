//! Imports: the activist period, the details a stage may carry, the
//! introducers, the override and the stored form.

use super::*;

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

#[test]
fn an_import_stored_before_the_guards_replays_under_them() {
    let old = r#"{"history":[{"on":"2011-07-01","from":null,"to":"full",
        "event":{"event":"imported","snapshot":{"stage":"full","joined_on":"2010-07-01","full_since":"2011-07-01"}},
        "rules_version":null,"probation_end":"2011-07-01","activist_qualifies_on":null}]}"#;
    let lc: Lifecycle = serde_json::from_str(old).unwrap();
    let fx = Fx::new();
    assert_eq!(Lifecycle::replay(lc.history(), &fx.ctx()), Ok(lc.clone()));
    assert_eq!(plain(full(d(2010, 7, 1), d(2011, 7, 1))), Ok(lc));
}
