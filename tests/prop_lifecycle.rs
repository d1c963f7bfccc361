//! Property test of the member lifecycle through its public API: any random
//! sequence of requests, applied in turn (keeping the old value on error),
//! leaves a reachable state with a consistent, replayable history.

use chrono::{NaiveDate, TimeDelta};
use dangjian::MemberId;
use dangjian::lifecycle::*;
use dangjian::period::WorkCalendar;
use dangjian::rules::Versioned;
use proptest::prelude::*;

const SUBJECT: u64 = 5;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(TimeDelta::days(days)).unwrap()
}

/// A request, with dates as day offsets from the lifecycle's last date.
#[derive(Debug, Clone)]
enum Op {
    Activist(i64),
    Target(i64, u64, u64),
    Admit {
        posted: i64,
        resolution_after_posted: i64,
        review: i64,
        approved_after_resolution: i64,
        special: bool,
        days: u32,
        hours: u32,
    },
    Extend(i64, u32),
    Convert(i64),
    Exit(i64, ExitReason),
}

/// How the lifecycle starts.
#[derive(Debug, Clone)]
enum Start {
    Apply(i64),
    Import(u8, i64, i64, bool),
}

fn exit_reason() -> impl Strategy<Value = ExitReason> {
    prop_oneof![
        Just(ExitReason::TransferredOut),
        Just(ExitReason::SelfDeparted),
        Just(ExitReason::Expelled),
        Just(ExitReason::Removed),
        Just(ExitReason::Deceased),
        Just(ExitReason::ProbationCancelled),
        Just(ExitReason::Withdrawn),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (-20i64..200).prop_map(Op::Activist),
        4 => (
            prop_oneof![-20i64..500, 330i64..420],
            0u64..7,
            0u64..7
        )
            .prop_map(|(o, a, b)| Op::Target(o, a, b)),
        4 => (
            (-3i64..30, -2i64..25, -3i64..40),
            (-3i64..120, any::<bool>(), 2u32..6, 0u32..40),
        )
            .prop_map(|((posted, res, review), (approved, special, days, hours))| Op::Admit {
                posted,
                resolution_after_posted: res,
                review,
                approved_after_resolution: approved,
                special,
                days,
                hours,
            }),
        2 => (prop_oneof![-20i64..500, 250i64..420], 4u32..15).prop_map(|(o, m)| Op::Extend(o, m)),
        3 => prop_oneof![-20i64..500, 250i64..420].prop_map(Op::Convert),
        1 => (-20i64..500, exit_reason()).prop_map(|(o, r)| Op::Exit(o, r)),
    ]
}

fn start() -> impl Strategy<Value = Start> {
    prop_oneof![
        3 => (0i64..1500).prop_map(Start::Apply),
        2 => (0u8..5, -4000i64..4000, -100i64..800, any::<bool>())
            .prop_map(|(k, a, b, e)| Start::Import(k, a, b, e)),
    ]
}

fn introducer_stage() -> impl Strategy<Value = Option<Stage>> {
    prop_oneof![
        8 => Just(Some(Stage::Full)),
        1 => Just(Some(Stage::Probationary)),
        1 => Just(Some(Stage::Applicant)),
        1 => Just(None),
    ]
}

fn request(op: &Op, last: NaiveDate) -> TransitionRequest {
    match *op {
        Op::Activist(o) => TransitionRequest::BecomeActivist { on: shift(last, o) },
        Op::Target(o, a, b) => TransitionRequest::BecomeDevelopmentTarget {
            on: shift(last, o),
            introducers: [MemberId::new(a), MemberId::new(b)],
        },
        Op::Admit {
            posted,
            resolution_after_posted,
            review,
            approved_after_resolution,
            special,
            days,
            hours,
        } => {
            let posted = shift(last, posted);
            let resolution_on = shift(posted, resolution_after_posted);
            TransitionRequest::Admit {
                resolution_on,
                approved_on: shift(resolution_on, approved_after_resolution),
                special_case: special,
                political_review_on: shift(last, review),
                training: Training {
                    days,
                    class_hours: hours,
                },
                notice_posted_on: posted,
            }
        }
        Op::Extend(o, months) => TransitionRequest::ExtendProbation {
            on: shift(last, o),
            months,
        },
        Op::Convert(o) => TransitionRequest::Convert { on: shift(last, o) },
        Op::Exit(o, reason) => TransitionRequest::Exit {
            on: shift(last, o),
            reason,
        },
    }
}

fn begin(start: &Start, ctx: &TransitionContext<'_>) -> Result<Lifecycle, TransitionError> {
    let base = d(2016, 1, 1);
    match *start {
        Start::Apply(o) => Lifecycle::apply_for(shift(base, o), ctx),
        Start::Import(kind, a, b, extended) => {
            let first = shift(base, a);
            let second = shift(first, b);
            let snapshot = match kind {
                0 => ImportedStage::Applicant { applied_on: first },
                1 => ImportedStage::Activist { since: first },
                2 => ImportedStage::DevelopmentTarget {
                    since: first,
                    introducers: [MemberId::new(0).into(), MemberId::new(1).into()],
                },
                3 => ImportedStage::Probationary {
                    resolution_on: first,
                    probation_end: extended.then_some(second),
                    extended,
                },
                _ => ImportedStage::Full {
                    joined_on: first,
                    full_since: second,
                },
            };
            Lifecycle::import(snapshot, ctx)
        }
    }
}

/// The invariants every lifecycle satisfies.
fn check(lc: &Lifecycle, ctx: &TransitionContext<'_>) -> Result<(), TestCaseError> {
    let history = lc.history();
    let (first, last) = match (history.first(), history.last()) {
        (Some(f), Some(l)) => (f, l),
        _ => return Err(TestCaseError::fail("empty history")),
    };
    prop_assert_eq!(first.from, None);
    let starts_right = matches!(
        first.event,
        LifecycleEvent::Applied | LifecycleEvent::Imported { .. }
    );
    prop_assert!(starts_right, "first record {:?}", first);
    for pair in history.windows(2) {
        let (prev, next) = (&pair[0], &pair[1]);
        prop_assert!(prev.on <= next.on, "dates out of order: {:?}", history);
        prop_assert_eq!(next.from, Some(prev.to));
        // Reachable: each step is an allowed move.
        match &next.event {
            LifecycleEvent::Requested { request } => {
                prop_assert_eq!(prev.to.next(request.kind()), Some(next.to));
                prop_assert_eq!(request.date(), next.on);
            }
            other => {
                return Err(TestCaseError::fail(format!(
                    "{other:?} after the first record"
                )));
            }
        }
    }
    prop_assert_eq!(lc.stage(), last.to);
    prop_assert_eq!(lc.last_date(), last.on);
    prop_assert!(last.on <= ctx.today);
    // stage_on agrees with the history.
    prop_assert_eq!(lc.stage_on(shift(first.on, -1)), None);
    for record in history {
        let expected = history
            .iter()
            .rev()
            .find(|r| r.on <= record.on)
            .map(|r| r.to);
        prop_assert_eq!(lc.stage_on(record.on), expected);
    }
    prop_assert_eq!(lc.stage_on(shift(last.on, 1)), Some(last.to));
    // Membership facts.
    if lc.stage().is_member() {
        prop_assert!(lc.probation_end().is_some());
        prop_assert!(lc.probation_start().is_some());
    }
    if lc.stage().is_full() {
        prop_assert!(lc.full_since().is_some());
    }
    if let (Some(full), Some(start)) = (lc.full_since(), lc.probation_start()) {
        prop_assert!(
            full >= start,
            "full since {} before joining {}",
            full,
            start
        );
    }
    if let (Some(end), Some(start)) = (lc.probation_end(), lc.probation_start()) {
        prop_assert!(end >= start);
    }
    let extensions = history
        .iter()
        .filter(|r| {
            matches!(
                r.event,
                LifecycleEvent::Requested {
                    request: TransitionRequest::ExtendProbation { .. }
                }
            )
        })
        .count();
    prop_assert!(extensions <= 1);
    if extensions == 1 {
        prop_assert!(lc.extension_used());
    }
    // Replaying the history, via serde and with all the guards, gives the
    // same value.
    let json = serde_json::to_string(lc).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: Lifecycle =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, lc);
    prop_assert_eq!(Lifecycle::replay(history, ctx), Ok(lc.clone()));
    Ok(())
}

/// Applies `ops` in turn from `start`, keeping the old value on error, and
/// checks the invariants after every step.
fn run(
    start: &Start,
    ops: &[Op],
    stages: &[Option<Stage>],
    working_days: bool,
) -> Result<(), TestCaseError> {
    let mut rules = DevelopmentRules::national_2014();
    if !working_days {
        rules.notice = NoticePeriod::Days(7);
    }
    let rules = Versioned::single("development-2014", d(2014, 6, 10), rules);
    let calendar = WorkCalendar::weekdays_only();
    let lookup = |id: MemberId, _on: NaiveDate| {
        usize::try_from(id.get())
            .ok()
            .and_then(|i| stages.get(i).copied().flatten())
    };
    let ctx = TransitionContext {
        birth_date: d(1990, 5, 20),
        subject: MemberId::new(SUBJECT),
        today: d(2026, 6, 1),
        rules: &rules,
        calendar: &calendar,
        introducer_stage: &lookup,
    };
    let Ok(mut lc) = begin(start, &ctx) else {
        return Ok(());
    };
    check(&lc, &ctx)?;
    for op in ops {
        let req = request(op, lc.last_date());
        let before = lc.clone();
        match lc.apply(&req, &ctx) {
            Ok(next) => {
                prop_assert_eq!(next.history().len(), before.history().len() + 1);
                prop_assert_eq!(&next.history()[..before.history().len()], before.history());
                lc = next;
                check(&lc, &ctx)?;
            }
            Err(err) => {
                prop_assert_eq!(&lc, &before);
                prop_assert!(!err.to_string().is_empty());
            }
        }
    }
    Ok(())
}

/// The steps of a regular path, with dates near what the rules need, so
/// that the later stages are reached often.
fn guided_path() -> impl Strategy<Value = Vec<Op>> {
    (
        (0i64..100).prop_map(Op::Activist),
        (360i64..380).prop_map(|o| Op::Target(o, 0, 1)),
        (
            (-1i64..10, 5i64..20, -1i64..10),
            (-2i64..100, any::<bool>()),
        )
            .prop_map(|((posted, res, review), (approved, special))| Op::Admit {
                posted,
                resolution_after_posted: res,
                review,
                approved_after_resolution: approved,
                special,
                days: 3,
                hours: 0,
            }),
        (260i64..380, 5u32..14).prop_map(|(o, m)| Op::Extend(o, m)),
        (0i64..380).prop_map(Op::Convert),
        (0i64..400, exit_reason()).prop_map(|(o, r)| Op::Exit(o, r)),
    )
        .prop_map(|(a, t, ad, e, c, x)| vec![a, t, ad, e, c, x])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_requests_keep_the_lifecycle_consistent(
        start in start(),
        ops in prop::collection::vec(op(), 0..16),
        stages in prop::collection::vec(introducer_stage(), 7),
        working_days in any::<bool>(),
    ) {
        run(&start, &ops, &stages, working_days)?;
    }

    #[test]
    fn mostly_regular_paths_keep_the_lifecycle_consistent(
        applied in 0i64..1500,
        path in guided_path(),
        noise in prop::collection::vec((0u8..4, op()), 6),
        stages in prop::collection::vec(introducer_stage(), 7),
        working_days in any::<bool>(),
    ) {
        // Each regular step may be preceded by a random one (1 in 4).
        let mut ops = Vec::new();
        for (step, (dice, random)) in path.into_iter().zip(noise) {
            if dice == 0 {
                ops.push(random);
            }
            ops.push(step);
        }
        let mut stages = stages;
        stages[0] = Some(Stage::Full);
        stages[1] = Some(Stage::Full);
        run(&Start::Apply(applied), &ops, &stages, working_days)?;
    }
}
