//! Rule versions, overflow, imports, serde and replay.

use super::*;

// ---- rule versions and overflow -----------------------------------------

#[test]
fn each_step_uses_the_rules_in_force_on_its_date() {
    let mut stricter = DevelopmentRules::national_2014();
    stricter.min_activist_months = 24;
    let fx = Fx {
        rules: Versioned::new(vec![
            RuleVersion {
                name: "development-2014".into(),
                effective_from: d(2014, 6, 10),
                rules: DevelopmentRules::national_2014(),
            },
            RuleVersion {
                name: "stricter-2018".into(),
                effective_from: d(2018, 8, 1),
                rules: stricter,
            },
        ])
        .unwrap(),
        ..Fx::new()
    };
    let lc = fx.activist();
    // Qualifying date fixed under the 2014 rules …
    assert_eq!(lc.activist_qualifies_on(), Some(d(2018, 8, 9)));
    // … but the listing in August 2018 is checked under the stricter rules.
    assert!(matches!(
        refused(
            &lc,
            &target_on(d(2018, 8, 9), [INTRO_A, INTRO_B]),
            &fx.ctx()
        ),
        TransitionError::ActivistPeriodNotMet { months: 24, .. }
    ));
    let ok = lc
        .apply(&target_on(d(2019, 8, 9), [INTRO_A, INTRO_B]), &fx.ctx())
        .unwrap();
    assert_eq!(
        ok.history().last().and_then(|r| r.rules_version.as_deref()),
        Some("stricter-2018")
    );
}

#[test]
fn date_overflow_is_an_error() {
    let fx = Fx {
        today: NaiveDate::MAX,
        ..Fx::new()
    };
    let lc = Lifecycle::apply_for(NaiveDate::MAX, &fx.ctx()).unwrap();
    assert!(matches!(
        refused(&lc, &R::BecomeActivist { on: NaiveDate::MAX }, &fx.ctx()),
        TransitionError::DateOverflow { months: 12, .. }
    ));
}

// ---- import -------------------------------------------------------------

#[test]
fn import_checks_internal_consistency() {
    let fx = Fx::new();
    let ctx = fx.ctx();
    let full = Lifecycle::import(
        ImportedStage::Full {
            joined_on: d(2010, 7, 1),
            full_since: d(2011, 7, 1),
        },
        &ctx,
    )
    .unwrap();
    assert_eq!(full.stage(), Stage::Full);
    assert_eq!(full.full_since(), Some(d(2011, 7, 1)));
    assert_eq!(full.probation_start(), Some(d(2010, 7, 1)));
    assert_eq!(full.stage_on(d(2011, 6, 30)), None);
    // Exits consult no rules, so an exit before 2014 is fine.
    let gone = full
        .apply(
            &R::Exit {
                on: d(2012, 1, 1),
                reason: ExitReason::Deceased,
            },
            &ctx,
        )
        .unwrap();
    assert!(gone.stage().is_exited());

    assert_eq!(
        Lifecycle::import(
            ImportedStage::Full {
                joined_on: d(2011, 7, 1),
                full_since: d(2010, 7, 1)
            },
            &ctx
        ),
        Err(TransitionError::ImportOutOfOrder {
            earlier_field: "joined_on",
            earlier: d(2011, 7, 1),
            later_field: "full_since",
            later: d(2010, 7, 1)
        })
    );
    assert!(matches!(
        Lifecycle::import(
            ImportedStage::Activist {
                since: d(2024, 6, 2)
            },
            &ctx
        ),
        Err(TransitionError::InTheFuture { .. })
    ));
    assert!(matches!(
        Lifecycle::import(
            ImportedStage::Applicant {
                applied_on: d(1990, 5, 19)
            },
            &ctx
        ),
        Err(TransitionError::BeforeBirth { .. })
    ));
    assert_eq!(
        Lifecycle::import(
            ImportedStage::DevelopmentTarget {
                since: d(2020, 1, 1),
                introducers: [INTRO_A.into(), SUBJECT.into()]
            },
            &ctx
        ),
        Err(TransitionError::IntroducerIsSubject {
            introducer: SUBJECT
        })
    );
    assert!(matches!(
        Lifecycle::import(
            ImportedStage::Probationary {
                resolution_on: d(2020, 1, 1),
                probation_end: None,
                extended: true
            },
            &ctx
        ),
        Err(TransitionError::ExtensionWithoutEnd { .. })
    ));
}

#[test]
fn imported_probation_gets_the_standard_end_or_keeps_its_own() {
    let fx = Fx::new();
    let ctx = fx.ctx();
    let standard = Lifecycle::import(
        ImportedStage::Probationary {
            resolution_on: d(2020, 2, 29),
            probation_end: None,
            extended: false,
        },
        &ctx,
    )
    .unwrap();
    assert_eq!(standard.probation_end(), Some(d(2021, 2, 28)));
    let extended = Lifecycle::import(
        ImportedStage::Probationary {
            resolution_on: d(2020, 3, 1),
            probation_end: Some(d(2021, 9, 1)),
            extended: true,
        },
        &ctx,
    )
    .unwrap();
    assert!(matches!(
        refused(
            &extended,
            &R::ExtendProbation {
                on: d(2021, 9, 1),
                months: 6
            },
            &ctx
        ),
        TransitionError::ExtensionAlreadyUsed { .. }
    ));
    let full = extended
        .apply(&R::Convert { on: d(2021, 9, 1) }, &ctx)
        .unwrap();
    assert_eq!(full.full_since(), Some(d(2021, 9, 1)));
    // An imported activist gets a qualifying date and can go on.
    let activist = Lifecycle::import(
        ImportedStage::Activist {
            since: d(2019, 3, 5),
        },
        &ctx,
    )
    .unwrap();
    assert_eq!(activist.activist_qualifies_on(), Some(d(2020, 3, 5)));
    assert!(
        activist
            .apply(&target_on(d(2020, 3, 5), [INTRO_A, INTRO_B]), &ctx)
            .is_ok()
    );
}

// ---- serde and replay ---------------------------------------------------

fn long_history(fx: &Fx) -> Lifecycle {
    let ctx = fx.ctx();
    fx.probationary()
        .apply(
            &R::ExtendProbation {
                on: d(2019, 10, 20),
                months: 6,
            },
            &ctx,
        )
        .and_then(|lc| lc.apply(&R::Convert { on: d(2020, 5, 1) }, &ctx))
        .and_then(|lc| {
            lc.apply(
                &R::Exit {
                    on: d(2023, 1, 1),
                    reason: ExitReason::TransferredOut,
                },
                &ctx,
            )
        })
        .unwrap()
}

#[test]
fn serde_round_trip_replays_the_history() {
    let fx = Fx::new();
    let lc = long_history(&fx);
    let json = serde_json::to_string(&lc).unwrap();
    assert!(json.contains(r#""type":"admit""#));
    let back: Lifecycle = serde_json::from_str(&json).unwrap();
    assert_eq!(back, lc);
    assert_eq!(back.full_since(), Some(d(2020, 4, 16)));
    assert_eq!(Lifecycle::replay(lc.history(), &fx.ctx()), Ok(lc));
}

fn tampered(
    lc: &Lifecycle,
    f: impl FnOnce(&mut Vec<TransitionRecord>),
) -> Result<Lifecycle, String> {
    let mut history = lc.history().to_vec();
    f(&mut history);
    let json = serde_json::json!({ "history": history }).to_string();
    serde_json::from_str::<Lifecycle>(&json).map_err(|e| e.to_string())
}

#[test]
fn deserializing_a_tampered_history_fails() {
    let lc = long_history(&Fx::new());
    // Out of order: the activist step dated before the application.
    let err = tampered(&lc, |h| {
        h[1].on = d(2016, 1, 1);
        h[1].event = LifecycleEvent::Requested {
            request: R::BecomeActivist { on: d(2016, 1, 1) },
        };
    });
    assert!(err.unwrap_err().contains("before the previous step"));
    // A skipped stage.
    assert!(
        tampered(&lc, |h| {
            h.remove(2);
        })
        .is_err()
    );
    // An extended probation end that does not follow from the extension.
    assert!(tampered(&lc, |h| h[4].probation_end = Some(d(2019, 10, 17))).is_err());
    // A forged `from`.
    assert!(tampered(&lc, |h| h[2].from = Some(Stage::Applicant)).is_err());
    // A conversion moved before the probation end.
    assert!(
        tampered(&lc, |h| {
            h[5].on = d(2020, 4, 1);
            h[5].event = LifecycleEvent::Requested {
                request: R::Convert { on: d(2020, 4, 1) },
            };
        })
        .is_err()
    );
    // A request record first, and no record at all.
    assert!(
        tampered(&lc, |h| {
            h.remove(0);
        })
        .is_err()
    );
    assert!(tampered(&lc, |h| h.clear()).is_err());
    assert_eq!(
        Lifecycle::from_history(vec![]),
        Err(TransitionError::EmptyHistory)
    );
}

#[test]
fn full_replay_rechecks_the_rules() {
    let fx = Fx::new();
    let lc = fx.probationary();
    let mut shorter = DevelopmentRules::national_2014();
    shorter.probation_months = 6;
    let other = Fx {
        rules: Versioned::single("development-2014", d(2014, 6, 10), shorter),
        ..Fx::new()
    };
    assert!(matches!(
        Lifecycle::replay(lc.history(), &other.ctx()),
        Err(TransitionError::InvalidHistory { index: 3, .. })
    ));
    assert_eq!(
        Lifecycle::replay(&[], &fx.ctx()),
        Err(TransitionError::EmptyHistory)
    );
}

#[test]
fn stage_on_follows_the_history() {
    let lc = long_history(&Fx::new());
    assert_eq!(lc.stage_on(d(2017, 1, 9)), None);
    assert_eq!(lc.stage_on(d(2017, 1, 10)), Some(Stage::Applicant));
    assert_eq!(lc.stage_on(d(2018, 8, 9)), Some(Stage::DevelopmentTarget));
    assert_eq!(lc.stage_on(d(2020, 5, 1)), Some(Stage::Full));
    assert_eq!(
        lc.stage_on(d(2030, 1, 1)),
        Some(Stage::Exited(ExitReason::TransferredOut))
    );
    assert_eq!(lc.stage(), Stage::Exited(ExitReason::TransferredOut));
    assert_eq!(lc.history().len(), 7);
}
