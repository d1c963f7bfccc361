//! Unit tests: every guard on both sides of its boundary, purity of
//! `apply`, imports, and serde replay.

use super::*;
use crate::rules::RuleVersion;
use TransitionRequest as R;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const SUBJECT: MemberId = MemberId::new(9);
const INTRO_A: MemberId = MemberId::new(1);
const INTRO_B: MemberId = MemberId::new(2);
const PROBATIONARY: MemberId = MemberId::new(3);
const UNKNOWN: MemberId = MemberId::new(4);

/// Members 1 and 2 are full, 3 probationary; everyone else unknown.
fn stages(id: MemberId, _on: NaiveDate) -> Option<Stage> {
    match id.get() {
        1 | 2 => Some(Stage::Full),
        3 => Some(Stage::Probationary),
        _ => None,
    }
}

struct Fx {
    rules: Versioned<DevelopmentRules>,
    calendar: WorkCalendar,
    birth: NaiveDate,
    today: NaiveDate,
}

impl Fx {
    fn new() -> Self {
        Self {
            rules: national_rules(),
            calendar: WorkCalendar::weekdays_only(),
            birth: d(1990, 5, 20),
            today: d(2024, 6, 1),
        }
    }

    fn with_notice(notice: NoticePeriod) -> Self {
        let mut rules = DevelopmentRules::national_2014();
        rules.notice = notice;
        Self {
            rules: Versioned::single("local", d(2014, 6, 10), rules),
            ..Self::new()
        }
    }

    fn ctx(&self) -> TransitionContext<'_> {
        TransitionContext {
            birth_date: self.birth,
            subject: SUBJECT,
            today: self.today,
            rules: &self.rules,
            calendar: &self.calendar,
            introducer_stage: &stages,
        }
    }

    fn applicant(&self) -> Lifecycle {
        Lifecycle::apply_for(d(2017, 1, 10), &self.ctx()).unwrap()
    }

    fn activist(&self) -> Lifecycle {
        self.applicant()
            .apply(&R::BecomeActivist { on: d(2017, 8, 9) }, &self.ctx())
            .unwrap()
    }

    /// A development target since 2018-08-09.
    fn target(&self) -> Lifecycle {
        self.activist()
            .apply(&target_on(d(2018, 8, 9), [INTRO_A, INTRO_B]), &self.ctx())
            .unwrap()
    }

    /// Probationary from 2018-10-16 to 2019-10-16.
    fn probationary(&self) -> Lifecycle {
        self.target().apply(&admit(), &self.ctx()).unwrap()
    }
}

fn target_on(on: NaiveDate, introducers: [MemberId; 2]) -> TransitionRequest {
    R::BecomeDevelopmentTarget { on, introducers }
}

/// Resolution Tuesday 2018-10-16, notice posted Tuesday 10-09 (5 working
/// days end Monday 10-15), approved 11-20.
fn admit() -> TransitionRequest {
    R::Admit {
        resolution_on: d(2018, 10, 16),
        approved_on: d(2018, 11, 20),
        special_case: false,
        political_review_on: d(2018, 9, 1),
        training: Training {
            days: 3,
            class_hours: 0,
        },
        notice_posted_on: d(2018, 10, 9),
    }
}

/// `admit()` with the fields changed by `f`.
fn admit_with(
    f: impl FnOnce(
        &mut NaiveDate,
        &mut NaiveDate,
        &mut bool,
        &mut NaiveDate,
        &mut Training,
        &mut NaiveDate,
    ),
) -> TransitionRequest {
    let mut req = admit();
    if let R::Admit {
        resolution_on,
        approved_on,
        special_case,
        political_review_on,
        training,
        notice_posted_on,
    } = &mut req
    {
        f(
            resolution_on,
            approved_on,
            special_case,
            political_review_on,
            training,
            notice_posted_on,
        );
    }
    req
}

/// Applies `req`, expects a refusal, and checks `lc` is unchanged.
fn refused(
    lc: &Lifecycle,
    req: &TransitionRequest,
    ctx: &TransitionContext<'_>,
) -> TransitionError {
    let before = lc.clone();
    let err = lc.apply(req, ctx).unwrap_err();
    assert_eq!(*lc, before, "a refused apply changed the lifecycle");
    err
}

mod guards;
mod history;
mod imports;
