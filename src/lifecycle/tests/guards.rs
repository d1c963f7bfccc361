//! Each guard on both sides of its boundary.

use super::*;
use crate::period::CalendarError;

// ---- application -------------------------------------------------------

#[test]
fn application_needs_18_full_years() {
    let fx = Fx {
        birth: d(2000, 5, 20),
        ..Fx::new()
    };
    let err = Lifecycle::apply_for(d(2018, 5, 19), &fx.ctx()).unwrap_err();
    assert_eq!(
        err,
        TransitionError::TooYoung {
            birth_date: d(2000, 5, 20),
            applied_on: d(2018, 5, 19),
            age: 17,
            min_age: 18
        }
    );
    let lc = Lifecycle::apply_for(d(2018, 5, 20), &fx.ctx()).unwrap();
    assert_eq!(lc.stage(), Stage::Applicant);
    assert_eq!(lc.applied_on(), Some(d(2018, 5, 20)));
}

#[test]
fn application_leap_day_birthday_counts_on_28_february() {
    let fx = Fx {
        birth: d(2004, 2, 29),
        ..Fx::new()
    };
    assert!(matches!(
        Lifecycle::apply_for(d(2022, 2, 27), &fx.ctx()),
        Err(TransitionError::TooYoung { age: 17, .. })
    ));
    assert!(Lifecycle::apply_for(d(2022, 2, 28), &fx.ctx()).is_ok());
}

#[test]
fn application_dates_are_checked() {
    let fx = Fx::new();
    assert_eq!(
        Lifecycle::apply_for(d(2024, 6, 2), &fx.ctx()),
        Err(TransitionError::InTheFuture {
            date: d(2024, 6, 2),
            today: d(2024, 6, 1)
        })
    );
    assert!(Lifecycle::apply_for(d(2024, 6, 1), &fx.ctx()).is_ok());
    assert_eq!(
        Lifecycle::apply_for(d(2014, 6, 9), &fx.ctx()),
        Err(TransitionError::NoRulesInForce {
            date: d(2014, 6, 9)
        })
    );
    let unborn = Fx {
        birth: d(2020, 1, 1),
        ..Fx::new()
    };
    assert!(matches!(
        Lifecycle::apply_for(d(2019, 1, 1), &unborn.ctx()),
        Err(TransitionError::BeforeBirth { .. })
    ));
}

#[test]
fn talk_is_due_a_month_after_the_application_while_an_applicant() {
    let fx = Fx::new();
    let lc = Lifecycle::apply_for(d(2017, 1, 31), &fx.ctx()).unwrap();
    assert_eq!(lc.talk_due(), Some(d(2017, 2, 28)));
    let lc = lc
        .apply(&R::BecomeActivist { on: d(2017, 3, 1) }, &fx.ctx())
        .unwrap();
    assert_eq!(lc.talk_due(), None);
}

// ---- order and dates ----------------------------------------------------

#[test]
fn steps_are_dated_in_order_and_not_in_the_future() {
    let fx = Fx::new();
    let lc = fx.applicant();
    assert_eq!(
        refused(&lc, &R::BecomeActivist { on: d(2017, 1, 9) }, &fx.ctx()),
        TransitionError::DatedBeforePrevious {
            date: d(2017, 1, 9),
            previous: d(2017, 1, 10)
        }
    );
    assert_eq!(
        refused(&lc, &R::BecomeActivist { on: d(2024, 6, 2) }, &fx.ctx()),
        TransitionError::InTheFuture {
            date: d(2024, 6, 2),
            today: d(2024, 6, 1)
        }
    );
    // The same day as the previous step, and today, are fine.
    assert!(
        lc.apply(&R::BecomeActivist { on: d(2017, 1, 10) }, &fx.ctx())
            .is_ok()
    );
    assert!(
        lc.apply(&R::BecomeActivist { on: d(2024, 6, 1) }, &fx.ctx())
            .is_ok()
    );
}

#[test]
fn stages_follow_the_order() {
    let fx = Fx::new();
    let ctx = fx.ctx();
    let applicant = fx.applicant();
    assert_eq!(
        refused(&applicant, &admit(), &ctx),
        TransitionError::IllegalTransition {
            from: Stage::Applicant,
            requested: TransitionKind::Admit
        }
    );
    assert!(matches!(
        refused(&fx.activist(), &R::Convert { on: d(2020, 1, 1) }, &ctx),
        TransitionError::IllegalTransition {
            from: Stage::Activist,
            ..
        }
    ));
    let full = fx
        .probationary()
        .apply(
            &R::Convert {
                on: d(2019, 10, 16),
            },
            &ctx,
        )
        .unwrap();
    assert!(matches!(
        refused(&full, &R::BecomeActivist { on: d(2020, 1, 1) }, &ctx),
        TransitionError::IllegalTransition {
            from: Stage::Full,
            ..
        }
    ));
    assert!(matches!(
        refused(
            &full,
            &R::ExtendProbation {
                on: d(2020, 1, 1),
                months: 6
            },
            &ctx
        ),
        TransitionError::IllegalTransition { .. }
    ));
}

#[test]
fn exits_match_the_stage() {
    use ExitReason::*;
    let fx = Fx::new();
    let ctx = fx.ctx();
    let exit = |reason| R::Exit {
        on: d(2020, 1, 1),
        reason,
    };
    let activist = fx.activist();
    let probationary = fx.probationary();
    let full = probationary
        .apply(
            &R::Convert {
                on: d(2019, 10, 16),
            },
            &ctx,
        )
        .unwrap();
    for reason in [
        SelfDeparted,
        Expelled,
        Removed,
        ProbationCancelled,
        TransferredOut,
    ] {
        assert!(matches!(
            refused(&activist, &exit(reason), &ctx),
            TransitionError::IllegalTransition { .. }
        ));
    }
    assert!(activist.apply(&exit(Withdrawn), &ctx).is_ok());
    assert!(activist.apply(&exit(Deceased), &ctx).is_ok());
    for reason in [
        SelfDeparted,
        Expelled,
        Removed,
        ProbationCancelled,
        TransferredOut,
        Deceased,
    ] {
        let out = probationary.apply(&exit(reason), &ctx).unwrap();
        assert_eq!(out.stage(), Stage::Exited(reason));
    }
    assert!(probationary.apply(&exit(Withdrawn), &ctx).is_err());
    assert!(full.apply(&exit(ProbationCancelled), &ctx).is_err());
    assert!(full.apply(&exit(Withdrawn), &ctx).is_err());
    let gone = full.apply(&exit(Expelled), &ctx).unwrap();
    for req in [exit(Deceased), R::Convert { on: d(2021, 1, 1) }] {
        assert!(matches!(
            refused(&gone, &req, &ctx),
            TransitionError::IllegalTransition {
                from: Stage::Exited(Expelled),
                ..
            }
        ));
    }
}

// ---- activist year and introducers --------------------------------------

#[test]
fn an_activist_qualifies_on_the_anniversary() {
    let fx = Fx::new();
    let lc = fx.activist();
    assert_eq!(lc.activist_qualifies_on(), Some(d(2018, 8, 9)));
    assert_eq!(
        refused(
            &lc,
            &target_on(d(2018, 8, 8), [INTRO_A, INTRO_B]),
            &fx.ctx()
        ),
        TransitionError::ActivistPeriodNotMet {
            activist_since: d(2017, 8, 9),
            on: d(2018, 8, 8),
            qualifies_on: d(2018, 8, 9),
            months: 12
        }
    );
    let target = lc
        .apply(&target_on(d(2018, 8, 9), [INTRO_A, INTRO_B]), &fx.ctx())
        .unwrap();
    assert_eq!(
        target.introducers(),
        Some(&[Introducer::Member(INTRO_A), Introducer::Member(INTRO_B)])
    );
    assert_eq!(target.activist_qualifies_on(), None);
}

#[test]
fn an_activist_from_29_february_qualifies_on_28_february() {
    let fx = Fx::new();
    let lc = Lifecycle::apply_for(d(2016, 1, 10), &fx.ctx())
        .unwrap()
        .apply(&R::BecomeActivist { on: d(2016, 2, 29) }, &fx.ctx())
        .unwrap();
    assert!(matches!(
        refused(&lc, &target_on(d(2017, 2, 27), [INTRO_A, INTRO_B]), &fx.ctx()),
        TransitionError::ActivistPeriodNotMet { qualifies_on, .. } if qualifies_on == d(2017, 2, 28)
    ));
    assert!(
        lc.apply(&target_on(d(2017, 2, 28), [INTRO_A, INTRO_B]), &fx.ctx())
            .is_ok()
    );
}

#[test]
fn introducers_are_two_distinct_full_members_other_than_the_subject() {
    let fx = Fx::new();
    let lc = fx.activist();
    let on = d(2018, 8, 9);
    assert_eq!(
        refused(&lc, &target_on(on, [INTRO_A, PROBATIONARY]), &fx.ctx()),
        TransitionError::IntroducerNotFull {
            introducer: PROBATIONARY,
            stage: Stage::Probationary,
            on
        }
    );
    assert_eq!(
        refused(&lc, &target_on(on, [UNKNOWN, INTRO_B]), &fx.ctx()),
        TransitionError::UnknownIntroducer {
            introducer: UNKNOWN,
            on
        }
    );
    assert_eq!(
        refused(&lc, &target_on(on, [INTRO_A, INTRO_A]), &fx.ctx()),
        TransitionError::DuplicateIntroducer {
            introducer: INTRO_A
        }
    );
    assert_eq!(
        refused(&lc, &target_on(on, [SUBJECT, INTRO_A]), &fx.ctx()),
        TransitionError::IntroducerIsSubject {
            introducer: SUBJECT
        }
    );
}

// ---- admission ----------------------------------------------------------

#[test]
fn notice_of_7_days_must_end_before_the_resolution() {
    let fx = Fx::with_notice(NoticePeriod::Days(7));
    let lc = fx.target();
    // Posted 10-08: 7 days end 10-14, the day before the resolution on 10-15.
    let ok = admit_with(|res, _, _, _, _, posted| {
        *res = d(2018, 10, 15);
        *posted = d(2018, 10, 8);
    });
    assert!(lc.apply(&ok, &fx.ctx()).is_ok());
    // Posted 10-09: the notice ends on the resolution day itself.
    let late = admit_with(|res, _, _, _, _, posted| {
        *res = d(2018, 10, 15);
        *posted = d(2018, 10, 9);
    });
    assert_eq!(
        refused(&lc, &late, &fx.ctx()),
        TransitionError::NoticeNotEnded {
            posted_on: d(2018, 10, 9),
            last_day: d(2018, 10, 15),
            resolution_on: d(2018, 10, 15)
        }
    );
}

#[test]
fn notice_of_5_working_days_must_end_before_the_resolution() {
    let mut fx = Fx::with_notice(NoticePeriod::WorkingDays(5));
    let lc = fx.target();
    // Posted Tuesday 10-09: five working days end Monday 10-15.
    assert!(lc.apply(&admit(), &fx.ctx()).is_ok());
    let on_last_day = admit_with(|res, _, _, _, _, _| *res = d(2018, 10, 15));
    assert_eq!(
        refused(&lc, &on_last_day, &fx.ctx()),
        TransitionError::NoticeNotEnded {
            posted_on: d(2018, 10, 9),
            last_day: d(2018, 10, 15),
            resolution_on: d(2018, 10, 15)
        }
    );
    // A holiday on Wednesday (an illustrative 2018 table) pushes the end
    // to Tuesday 10-16.
    let table = "year = 2018\n[[holiday]]\nname = \"示例\"\nfrom = 2018-10-10\nto = 2018-10-10\n";
    let table = crate::period::CalendarYear::from_toml(table).unwrap();
    fx.calendar.add_year(table).unwrap();
    assert!(matches!(
        refused(&lc, &admit(), &fx.ctx()),
        TransitionError::NoticeNotEnded { last_day, .. } if last_day == d(2018, 10, 16)
    ));
    let zero = Fx::with_notice(NoticePeriod::Days(0));
    assert!(matches!(
        refused(&zero.target(), &admit(), &zero.ctx()),
        TransitionError::NoticeUncountable {
            cause: CalendarError::ZeroLength { .. },
            ..
        }
    ));
    // The shipped calendar has no table for 2018: the notice in working
    // days cannot be counted, and the error says so.
    let mut strict = Fx::with_notice(NoticePeriod::WorkingDays(5));
    strict.calendar = WorkCalendar::china();
    assert_eq!(
        refused(&strict.target(), &admit(), &strict.ctx()),
        TransitionError::NoticeUncountable {
            posted_on: d(2018, 10, 9),
            period: NoticePeriod::WorkingDays(5),
            cause: CalendarError::NotCovered {
                date: d(2018, 10, 9),
                year: 2018
            },
        }
    );
    // A notice in days needs no calendar.
    let mut days = Fx::with_notice(NoticePeriod::Days(7));
    days.calendar = WorkCalendar::china();
    assert!(days.target().apply(&admit(), &days.ctx()).is_ok());
}

#[test]
fn notice_and_review_fall_after_the_listing() {
    let fx = Fx::new();
    let lc = fx.target();
    let early_notice = admit_with(|_, _, _, _, _, posted| *posted = d(2018, 8, 8));
    assert_eq!(
        refused(&lc, &early_notice, &fx.ctx()),
        TransitionError::NoticeBeforeTarget {
            posted_on: d(2018, 8, 8),
            target_since: d(2018, 8, 9)
        }
    );
    let early_review = admit_with(|_, _, _, review, _, _| *review = d(2018, 8, 8));
    assert!(matches!(
        refused(&lc, &early_review, &fx.ctx()),
        TransitionError::PoliticalReviewOutOfOrder { .. }
    ));
    let late_review = admit_with(|_, _, _, review, _, _| *review = d(2018, 10, 17));
    assert_eq!(
        refused(&lc, &late_review, &fx.ctx()),
        TransitionError::PoliticalReviewOutOfOrder {
            review_on: d(2018, 10, 17),
            target_since: d(2018, 8, 9),
            resolution_on: d(2018, 10, 16)
        }
    );
    for review in [d(2018, 8, 9), d(2018, 10, 16)] {
        let ok = admit_with(|_, _, _, r, _, _| *r = review);
        assert!(lc.apply(&ok, &fx.ctx()).is_ok());
    }
}

#[test]
fn training_needs_3_days_or_24_class_hours() {
    let fx = Fx::new();
    let lc = fx.target();
    let with =
        |days, class_hours| admit_with(|_, _, _, _, t, _| *t = Training { days, class_hours });
    assert_eq!(
        refused(&lc, &with(2, 23), &fx.ctx()),
        TransitionError::TrainingInsufficient {
            days: 2,
            class_hours: 23,
            min_days: 3,
            min_hours: 24
        }
    );
    assert!(lc.apply(&with(3, 0), &fx.ctx()).is_ok());
    assert!(lc.apply(&with(0, 24), &fx.ctx()).is_ok());
}

#[test]
fn approval_within_3_months_or_6_in_special_cases() {
    let fx = Fx::new();
    let lc = fx.target();
    let approve = |on, special| {
        admit_with(|_, a, s, _, _, _| {
            *a = on;
            *s = special;
        })
    };
    let admitted = lc
        .apply(&approve(d(2019, 1, 16), false), &fx.ctx())
        .unwrap();
    assert_eq!(admitted.last_date(), d(2019, 1, 16));
    assert_eq!(admitted.probation_start(), Some(d(2018, 10, 16)));
    assert_eq!(
        refused(&lc, &approve(d(2019, 1, 17), false), &fx.ctx()),
        TransitionError::ApprovalTooLate {
            approved_on: d(2019, 1, 17),
            resolution_on: d(2018, 10, 16),
            deadline: d(2019, 1, 16),
            months: 3
        }
    );
    assert!(lc.apply(&approve(d(2019, 4, 16), true), &fx.ctx()).is_ok());
    assert!(matches!(
        refused(&lc, &approve(d(2019, 4, 17), true), &fx.ctx()),
        TransitionError::ApprovalTooLate { months: 6, .. }
    ));
    assert_eq!(
        refused(&lc, &approve(d(2018, 10, 15), false), &fx.ctx()),
        TransitionError::ApprovalBeforeResolution {
            approved_on: d(2018, 10, 15),
            resolution_on: d(2018, 10, 16)
        }
    );
    // The same day as the resolution is fine.
    assert!(
        lc.apply(&approve(d(2018, 10, 16), false), &fx.ctx())
            .is_ok()
    );
}

#[test]
fn approval_deadline_falls_to_the_month_end() {
    let fx = Fx::new();
    let lc = fx.target();
    let req = |approved| {
        admit_with(|res, a, _, _, _, posted| {
            *res = d(2018, 11, 30);
            *posted = d(2018, 11, 20);
            *a = approved;
        })
    };
    assert!(lc.apply(&req(d(2019, 2, 28)), &fx.ctx()).is_ok());
    assert!(matches!(
        refused(&lc, &req(d(2019, 3, 1)), &fx.ctx()),
        TransitionError::ApprovalTooLate { deadline, .. } if deadline == d(2019, 2, 28)
    ));
}

// ---- probation ----------------------------------------------------------

#[test]
fn probation_is_a_year_from_the_resolution() {
    let lc = Fx::new().probationary();
    assert_eq!(lc.stage(), Stage::Probationary);
    assert_eq!(lc.probation_end(), Some(d(2019, 10, 16)));
    // The admission counts from its approval date in the history.
    assert_eq!(lc.stage_on(d(2018, 11, 19)), Some(Stage::DevelopmentTarget));
    assert_eq!(lc.stage_on(d(2018, 11, 20)), Some(Stage::Probationary));
}

#[test]
fn extension_is_6_to_12_months_once() {
    let fx = Fx::new();
    let lc = fx.probationary();
    let extend = |on, months| R::ExtendProbation { on, months };
    let end = d(2019, 10, 16);
    assert_eq!(
        refused(&lc, &extend(end, 5), &fx.ctx()),
        TransitionError::ExtensionOutOfRange {
            months: 5,
            min: 6,
            max: 12
        }
    );
    assert!(matches!(
        refused(&lc, &extend(end, 13), &fx.ctx()),
        TransitionError::ExtensionOutOfRange { months: 13, .. }
    ));
    assert_eq!(
        refused(&lc, &extend(d(2019, 10, 15), 6), &fx.ctx()),
        TransitionError::BeforeProbationEnd {
            on: d(2019, 10, 15),
            probation_end: end
        }
    );
    let twelve = lc.apply(&extend(end, 12), &fx.ctx()).unwrap();
    assert_eq!(twelve.probation_end(), Some(d(2020, 10, 16)));
    let six = lc.apply(&extend(end, 6), &fx.ctx()).unwrap();
    assert_eq!(six.probation_end(), Some(d(2020, 4, 16)));
    assert!(six.extension_used());
    assert_eq!(six.stage(), Stage::Probationary);
    assert_eq!(
        refused(&six, &extend(d(2020, 4, 16), 6), &fx.ctx()),
        TransitionError::ExtensionAlreadyUsed {
            probation_end: d(2020, 4, 16)
        }
    );
    // Conversion waits for the extended end; 党龄 counts from it.
    assert!(matches!(
        refused(&six, &R::Convert { on: d(2020, 4, 15) }, &fx.ctx()),
        TransitionError::BeforeProbationEnd { .. }
    ));
    let full = six
        .apply(&R::Convert { on: d(2020, 4, 16) }, &fx.ctx())
        .unwrap();
    assert_eq!(full.full_since(), Some(d(2020, 4, 16)));
}

#[test]
fn conversion_on_or_after_the_probation_end() {
    let fx = Fx::new();
    let lc = fx.probationary();
    assert_eq!(
        refused(
            &lc,
            &R::Convert {
                on: d(2019, 10, 15)
            },
            &fx.ctx()
        ),
        TransitionError::BeforeProbationEnd {
            on: d(2019, 10, 15),
            probation_end: d(2019, 10, 16)
        }
    );
    let on_time = lc
        .apply(
            &R::Convert {
                on: d(2019, 10, 16),
            },
            &fx.ctx(),
        )
        .unwrap();
    assert_eq!(on_time.stage(), Stage::Full);
    assert_eq!(on_time.full_since(), Some(d(2019, 10, 16)));
    // Converted at a later meeting: 党龄 still counts from the probation end.
    let late = lc
        .apply(&R::Convert { on: d(2019, 12, 3) }, &fx.ctx())
        .unwrap();
    assert_eq!(late.full_since(), Some(d(2019, 10, 16)));
    assert_eq!(late.last_date(), d(2019, 12, 3));
}

// ---- "one full year": the anniversary or the day after ------------------

fn day_after() -> Fx {
    let mut fx = Fx::new();
    let rules = DevelopmentRules {
        full_year: FullYear::DayAfter,
        ..DevelopmentRules::national_2014()
    };
    fx.rules = Versioned::single("day-after", d(2014, 6, 10), rules);
    fx
}

#[test]
fn the_activist_year_under_either_reading() {
    // Default: met on the anniversary (2017-08-09 → 2018-08-09).
    let fx = Fx::new();
    assert!(
        fx.activist()
            .apply(&target_on(d(2018, 8, 9), [INTRO_A, INTRO_B]), &fx.ctx())
            .is_ok()
    );
    // Day after: the anniversary is too early, the next day is not.
    let fx = day_after();
    let lc = fx.activist();
    assert_eq!(lc.activist_qualifies_on(), Some(d(2018, 8, 10)));
    assert!(matches!(
        refused(&lc, &target_on(d(2018, 8, 9), [INTRO_A, INTRO_B]), &fx.ctx()),
        TransitionError::ActivistPeriodNotMet { qualifies_on, .. } if qualifies_on == d(2018, 8, 10)
    ));
    assert!(
        lc.apply(&target_on(d(2018, 8, 10), [INTRO_A, INTRO_B]), &fx.ctx())
            .is_ok()
    );
}

#[test]
fn the_probation_year_under_either_reading() {
    // Default: a conversion on the probation end (the anniversary) is on time.
    let fx = Fx::new();
    let end = fx.probationary().probation_end();
    assert_eq!(end, Some(d(2019, 10, 16)));
    assert!(
        fx.probationary()
            .apply(
                &R::Convert {
                    on: d(2019, 10, 16)
                },
                &fx.ctx()
            )
            .is_ok()
    );
    // Day after: the anniversary itself is too early. (Built under the
    // default: the fixture lists the target on the activist anniversary.)
    let lc = Fx::new().probationary();
    let fx = day_after();
    assert_eq!(
        refused(
            &lc,
            &R::Convert {
                on: d(2019, 10, 16)
            },
            &fx.ctx()
        ),
        TransitionError::BeforeProbationEnd {
            on: d(2019, 10, 16),
            probation_end: d(2019, 10, 16)
        }
    );
    let converted = lc
        .apply(
            &R::Convert {
                on: d(2019, 10, 17),
            },
            &fx.ctx(),
        )
        .unwrap();
    // 党龄 still counts from the probation end.
    assert_eq!(converted.full_since(), Some(d(2019, 10, 16)));
}
