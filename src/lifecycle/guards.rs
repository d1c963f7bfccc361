//! 审查 (guards): the checks that need the context — today, the subject's
//! birth date, the rules in force, the work calendar and the introducers'
//! stages. Each builds the record a step would add; the structural checks
//! of [`Facts::absorb`](super::facts::Facts) then run on it.

use super::TransitionContext;
use super::error::TransitionError;
use super::facts::{Facts, months_after};
use super::request::{LifecycleEvent, Training, TransitionRecord, TransitionRequest};
use super::rules::{DevelopmentRules, FullYear};
use super::stage::Stage;
use crate::MemberId;
use crate::period::full_years;
use crate::rules::RuleVersion;
use chrono::NaiveDate;

mod imported;

pub(super) use imported::import;

/// No step may be dated after today (the injected clock).
fn not_future(date: NaiveDate, ctx: &TransitionContext<'_>) -> Result<(), TransitionError> {
    if date > ctx.today {
        return Err(TransitionError::InTheFuture {
            date,
            today: ctx.today,
        });
    }
    Ok(())
}

/// The rule version in force on `date`. [`docs/RULES.md`, "How to read the tables"]
fn rules_at<'c>(
    ctx: &TransitionContext<'c>,
    date: NaiveDate,
) -> Result<&'c RuleVersion<DevelopmentRules>, TransitionError> {
    ctx.rules
        .at(date)
        .ok_or(TransitionError::NoRulesInForce { date })
}

/// 入党申请: not after today, and at least the minimum age in full years on
/// the application date (a 29 February birthday falls on 28 February).
/// [Charter Art. 1]
pub(super) fn application(
    on: NaiveDate,
    ctx: &TransitionContext<'_>,
) -> Result<TransitionRecord, TransitionError> {
    not_future(on, ctx)?;
    let version = rules_at(ctx, on)?;
    let birth_date = ctx.birth_date;
    let age = full_years(birth_date, on).ok_or(TransitionError::BeforeBirth {
        date: on,
        birth_date,
    })?;
    let min_age = version.rules.min_application_age;
    if age < min_age {
        return Err(TransitionError::TooYoung {
            birth_date,
            applied_on: on,
            age,
            min_age,
        });
    }
    Ok(TransitionRecord {
        on,
        from: None,
        to: Stage::Applicant,
        event: LifecycleEvent::Applied,
        rules_version: Some(version.name.clone()),
        probation_end: None,
        activist_qualifies_on: None,
    })
}

/// A further step: allowed from the current stage, dated on or after the
/// previous step and not after today, and meeting the rules in force on its
/// date. [Development 2014; `docs/RULES.md` DEV-1 … DEV-11]
pub(super) fn transition(
    facts: &Facts,
    request: &TransitionRequest,
    ctx: &TransitionContext<'_>,
) -> Result<TransitionRecord, TransitionError> {
    let requested = request.kind();
    let to = facts
        .stage
        .next(requested)
        .ok_or(TransitionError::IllegalTransition {
            from: facts.stage,
            requested,
        })?;
    let on = request.date();
    not_future(on, ctx)?;
    if on < facts.last_date {
        return Err(TransitionError::DatedBeforePrevious {
            date: on,
            previous: facts.last_date,
        });
    }
    let mut record = TransitionRecord {
        on,
        from: Some(facts.stage),
        to,
        event: LifecycleEvent::Requested {
            request: request.clone(),
        },
        rules_version: None,
        probation_end: None,
        activist_qualifies_on: None,
    };
    let version = match request {
        TransitionRequest::Convert { on } => {
            conversion_year(facts, *on, ctx)?;
            return Ok(record);
        }
        TransitionRequest::Exit { .. } => return Ok(record),
        _ => rules_at(ctx, on)?,
    };
    record.rules_version = Some(version.name.clone());
    let rules = &version.rules;
    match request {
        TransitionRequest::BecomeActivist { on } => {
            record.activist_qualifies_on =
                Some(year_met(*on, rules.min_activist_months, rules.full_year)?);
        }
        TransitionRequest::BecomeDevelopmentTarget { on, introducers } => {
            activist_period(facts, *on, rules)?;
            check_introducers(*introducers, *on, ctx)?;
        }
        TransitionRequest::Admit {
            resolution_on,
            approved_on,
            special_case,
            training,
            notice_posted_on,
            ..
        } => {
            check_training(*training, rules)?;
            check_notice(*notice_posted_on, *resolution_on, rules, ctx)?;
            check_approval(*resolution_on, *approved_on, *special_case, rules)?;
            record.probation_end = Some(months_after(*resolution_on, rules.probation_months)?);
        }
        TransitionRequest::ExtendProbation { months, .. } => {
            let end = facts.check_probation_over(on)?;
            if facts.extended {
                return Err(TransitionError::ExtensionAlreadyUsed { probation_end: end });
            }
            let (min, max) = (rules.extension_min_months, rules.extension_max_months);
            if !(min..=max).contains(months) {
                return Err(TransitionError::ExtensionOutOfRange {
                    months: *months,
                    min,
                    max,
                });
            }
            record.probation_end = Some(months_after(end, *months)?);
        }
        TransitionRequest::Convert { .. } | TransitionRequest::Exit { .. } => {}
    }
    Ok(record)
}

/// 培养期: listed no earlier than `min_activist_months` after becoming an
/// activist, met on the anniversary (29 February falls to 28 February).
/// [Development 2014 Art. 13]
fn activist_period(
    facts: &Facts,
    on: NaiveDate,
    rules: &DevelopmentRules,
) -> Result<(), TransitionError> {
    match facts.activist_since {
        Some(since) => activist_period_met(since, on, rules.min_activist_months, rules.full_year),
        None => Ok(()),
    }
}

/// The activist period itself: `months` after `activist_since`, met on
/// the anniversary; shared by the live listing and the import guards.
pub(super) fn activist_period_met(
    activist_since: NaiveDate,
    on: NaiveDate,
    months: u32,
    reading: FullYear,
) -> Result<(), TransitionError> {
    let qualifies_on = year_met(activist_since, months, reading)?;
    if on < qualifies_on {
        return Err(TransitionError::ActivistPeriodNotMet {
            activist_since,
            on,
            qualifies_on,
            months,
        });
    }
    Ok(())
}

/// `months` after `start`, met as `reading` says (the anniversary, or the
/// day after). [`docs/RULES.md` "Open readings"]
pub(super) fn year_met(
    start: NaiveDate,
    months: u32,
    reading: FullYear,
) -> Result<NaiveDate, TransitionError> {
    reading
        .met_on(start, months)
        .ok_or(TransitionError::DateOverflow {
            date: start,
            months,
        })
}

/// 转正: under the day-after reading of "one full year", a conversion on
/// the probation's last day (its anniversary) is too early. The rules in
/// force on the conversion day decide; without any, the anniversary
/// reading (the default) applies. [Charter Art. 7; DEV-10]
fn conversion_year(
    facts: &Facts,
    on: NaiveDate,
    ctx: &TransitionContext<'_>,
) -> Result<(), TransitionError> {
    let day_after = ctx
        .rules
        .at(on)
        .is_some_and(|v| v.rules.full_year == FullYear::DayAfter);
    match facts.probation_end {
        Some(end) if day_after && on == end => Err(TransitionError::BeforeProbationEnd {
            on,
            probation_end: end,
        }),
        _ => Ok(()),
    }
}

/// 入党介绍人: two distinct people, neither the subject, both full members
/// on the listing date. [Development 2014 Art. 14]
fn check_introducers(
    introducers: [MemberId; 2],
    on: NaiveDate,
    ctx: &TransitionContext<'_>,
) -> Result<(), TransitionError> {
    let [a, b] = introducers;
    if a == b {
        return Err(TransitionError::DuplicateIntroducer { introducer: a });
    }
    for introducer in introducers {
        check_member_introducer(introducer, on, ctx)?;
    }
    Ok(())
}

/// 入党介绍人 on the platform: not the subject, and a full member on `on`.
/// [Development 2014 Art. 14]
fn check_member_introducer(
    introducer: MemberId,
    on: NaiveDate,
    ctx: &TransitionContext<'_>,
) -> Result<(), TransitionError> {
    if introducer == ctx.subject {
        return Err(TransitionError::IntroducerIsSubject { introducer });
    }
    match (ctx.introducer_stage)(introducer, on) {
        None => Err(TransitionError::UnknownIntroducer { introducer, on }),
        Some(Stage::Full) => Ok(()),
        Some(stage) => Err(TransitionError::IntroducerNotFull {
            introducer,
            stage,
            on,
        }),
    }
}

/// 集中培训: at least the minimum days or the minimum class hours.
/// [Development 2014 Art. 17]
fn check_training(training: Training, rules: &DevelopmentRules) -> Result<(), TransitionError> {
    let (min_days, min_hours) = (rules.min_training_days, rules.min_training_hours);
    if training.days >= min_days || training.class_hours >= min_hours {
        return Ok(());
    }
    Err(TransitionError::TrainingInsufficient {
        days: training.days,
        class_hours: training.class_hours,
        min_days,
        min_hours,
    })
}

/// 公示: the notice, counted from its posting day inclusive, has ended
/// before the day of the resolution. [`docs/RULES.md` P-5, DEV-8]
fn check_notice(
    posted_on: NaiveDate,
    resolution_on: NaiveDate,
    rules: &DevelopmentRules,
    ctx: &TransitionContext<'_>,
) -> Result<(), TransitionError> {
    let period = rules.notice;
    let last_day = period.last_day(posted_on, ctx.calendar).map_err(|cause| {
        TransitionError::NoticeUncountable {
            posted_on,
            period,
            cause,
        }
    })?;
    if last_day >= resolution_on {
        return Err(TransitionError::NoticeNotEnded {
            posted_on,
            last_day,
            resolution_on,
        });
    }
    Ok(())
}

/// 审批: the higher committee approves within `approval_months` of the
/// resolution (`approval_months_special` in special cases); the last day is
/// the same-numbered day. [Development 2014 Art. 20–21]
fn check_approval(
    resolution_on: NaiveDate,
    approved_on: NaiveDate,
    special_case: bool,
    rules: &DevelopmentRules,
) -> Result<(), TransitionError> {
    let months = if special_case {
        rules.approval_months_special
    } else {
        rules.approval_months
    };
    let deadline = months_after(resolution_on, months)?;
    if approved_on > deadline {
        return Err(TransitionError::ApprovalTooLate {
            approved_on,
            resolution_on,
            deadline,
            months,
        });
    }
    Ok(())
}
