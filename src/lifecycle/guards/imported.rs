//! 导入审查 (import guards): an imported paper record passes the guards of
//! the live path wherever it carries the dates — the age at application,
//! the activist period before the listing, the introducers, and the
//! probation with its one extension. The rule figures may be waived by a
//! recorded [`ImportOverride`]; the facts may not.
//!
//! Records older than every configured rule version are held to the
//! earliest version: the Charter's age and probation figures long predate
//! Development 2014, and an integrator who needs other figures for older
//! records configures an older version. [Charter Art. 1, 7; Development
//! 2014 Art. 13–14, 32; `docs/RULES.md` DEV-2 … DEV-10]

use super::{check_member_introducer, not_future};
use crate::lifecycle::TransitionContext;
use crate::lifecycle::error::TransitionError;
use crate::lifecycle::facts::months_after;
use crate::lifecycle::import::{ImportDetails, ImportOverride, check_consistency};
use crate::lifecycle::request::{ImportedStage, LifecycleEvent, TransitionRecord};
use crate::lifecycle::rules::DevelopmentRules;
use crate::period::full_years;
use crate::rules::RuleVersion;
use chrono::{Datelike, NaiveDate};

/// The rule version for a record dated `date`: the one in force, or the
/// earliest for a record older than every version.
fn record_rules<'c>(
    ctx: &TransitionContext<'c>,
    date: NaiveDate,
) -> Result<&'c RuleVersion<DevelopmentRules>, TransitionError> {
    ctx.rules
        .at(date)
        .or_else(|| ctx.rules.versions().first())
        .ok_or(TransitionError::NoRulesInForce { date })
}

/// 存量导入: consistency (steps in order, not after today, not before
/// birth, distinct introducers), the introducers on the platform full
/// members on the listing date, and — unless overridden — the rule
/// figures. A standard probation end comes from the rules for the
/// resolution date, an activist's qualifying date from those in force when
/// the person became one (none before the first version). [`docs/RULES.md` DEV-1]
pub(in crate::lifecycle) fn import(
    snapshot: ImportedStage,
    details: ImportDetails,
    guard_override: Option<ImportOverride>,
    ctx: &TransitionContext<'_>,
) -> Result<TransitionRecord, TransitionError> {
    check_consistency(&snapshot, &details)?;
    let on = snapshot.entered_on();
    not_future(on, ctx)?;
    let steps = details.dated_steps(&snapshot);
    let (first_field, earliest) = steps.first().copied().unwrap_or(("since", on));
    let birth_date = ctx.birth_date;
    if earliest < birth_date {
        return Err(TransitionError::BeforeBirth {
            date: earliest,
            birth_date,
        });
    }
    check_introducers(&snapshot, &details, ctx)?;
    if guard_override.is_none() {
        check_age(first_field, earliest, ctx)?;
        check_activist_period(&snapshot, &details, ctx)?;
        check_probation(&snapshot, &details, ctx)?;
    }
    // As before details were kept, the record names a rule version only
    // when its figures fixed a date of the record.
    let mut rules_version = None;
    let mut probation_end = None;
    let mut activist_qualifies_on = None;
    match &snapshot {
        ImportedStage::Applicant { .. } | ImportedStage::DevelopmentTarget { .. } => {}
        ImportedStage::Activist { since } => {
            if let Some(version) = ctx.rules.at(*since) {
                rules_version = Some(version.name.clone());
                activist_qualifies_on = Some(super::year_met(
                    *since,
                    version.rules.min_activist_months,
                    version.rules.full_year,
                )?);
            }
        }
        ImportedStage::Probationary {
            resolution_on,
            probation_end: given,
            ..
        } => {
            probation_end = Some(match given {
                Some(end) => *end,
                None => {
                    let version = record_rules(ctx, *resolution_on)?;
                    rules_version = Some(version.name.clone());
                    months_after(*resolution_on, version.rules.probation_months)?
                }
            });
        }
        ImportedStage::Full { full_since, .. } => probation_end = Some(*full_since),
    }
    Ok(TransitionRecord {
        on,
        from: None,
        to: snapshot.stage(),
        event: LifecycleEvent::Imported {
            snapshot,
            details,
            guard_override,
        },
        rules_version,
        probation_end,
        activist_qualifies_on,
    })
}

/// 入党介绍人: those on the platform are not the subject and are full
/// members on the listing date — for a member whose listing date is not
/// recorded, at least on the admission resolution date. Introducers by
/// identity number are checked by the import planner; external ones are
/// taken on the record's word. [Development 2014 Art. 14]
fn check_introducers(
    snapshot: &ImportedStage,
    details: &ImportDetails,
    ctx: &TransitionContext<'_>,
) -> Result<(), TransitionError> {
    let Some(introducers) = details.introducers(snapshot) else {
        return Ok(());
    };
    let on = details.introduced_on(snapshot);
    for id in introducers.iter().filter_map(|i| i.member()) {
        check_member_introducer(id, on, ctx)?;
    }
    Ok(())
}

/// 申请年龄: the subject was at least the minimum age on the record's
/// earliest date (the application, or a later step, which the application
/// preceded). [Charter Art. 1]
fn check_age(
    field: &'static str,
    on: NaiveDate,
    ctx: &TransitionContext<'_>,
) -> Result<(), TransitionError> {
    let birth_date = ctx.birth_date;
    let min_age = record_rules(ctx, on)?.rules.min_application_age;
    let age = full_years(birth_date, on).ok_or(TransitionError::BeforeBirth {
        date: on,
        birth_date,
    })?;
    if age >= min_age {
        return Ok(());
    }
    Err(if field == "applied_on" {
        TransitionError::TooYoung {
            birth_date,
            applied_on: on,
            age,
            min_age,
        }
    } else {
        TransitionError::TooYoungOnRecord {
            field,
            on,
            birth_date,
            age,
            min_age,
        }
    })
}

/// 培养期: where the record has both the activist and the listing dates,
/// the listing meets the minimum activist months under the rules of the
/// listing date. [Development 2014 Art. 13]
fn check_activist_period(
    snapshot: &ImportedStage,
    details: &ImportDetails,
    ctx: &TransitionContext<'_>,
) -> Result<(), TransitionError> {
    let listed = match snapshot {
        ImportedStage::DevelopmentTarget { since, .. } => Some(*since),
        _ => details.target_since,
    };
    let (Some(activist_since), Some(on)) = (details.activist_since, listed) else {
        return Ok(());
    };
    let rules = &record_rules(ctx, on)?.rules;
    super::activist_period_met(
        activist_since,
        on,
        rules.min_activist_months,
        rules.full_year,
    )
}

/// 预备期: a given probation end is the standard one under the rules of the
/// resolution date, or — marked extended — the standard end plus one
/// extension of the allowed whole months. [Charter Art. 7; Development 2014
/// Art. 32]
fn check_probation(
    snapshot: &ImportedStage,
    details: &ImportDetails,
    ctx: &TransitionContext<'_>,
) -> Result<(), TransitionError> {
    let (resolution_on, probation_end, extended) = match snapshot {
        ImportedStage::Probationary {
            resolution_on,
            probation_end: Some(end),
            extended,
        } => (*resolution_on, *end, *extended),
        ImportedStage::Full {
            joined_on,
            full_since,
        } => (*joined_on, *full_since, details.probation_extended),
        _ => return Ok(()),
    };
    let rules = &record_rules(ctx, resolution_on)?.rules;
    let months = rules.probation_months;
    let standard_end = months_after(resolution_on, months)?;
    if !extended {
        if probation_end != standard_end {
            return Err(TransitionError::ProbationNotStandard {
                resolution_on,
                probation_end,
                standard_end,
                months,
            });
        }
        return Ok(());
    }
    let (min, max) = (rules.extension_min_months, rules.extension_max_months);
    let within = months_between(standard_end, probation_end)
        .filter(|m| (min..=max).contains(m))
        .and_then(|m| months_after(standard_end, m).ok())
        == Some(probation_end);
    if within {
        return Ok(());
    }
    Err(TransitionError::ImportedExtensionOutOfRange {
        standard_end,
        probation_end,
        min,
        max,
    })
}

/// The calendar months from `from` to `to` (ignoring the days), or `None`
/// when `to` is earlier.
fn months_between(from: NaiveDate, to: NaiveDate) -> Option<u32> {
    let months = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month());
    u32::try_from(months).ok()
}
