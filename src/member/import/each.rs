//! The planner that refuses row by row: every row's problem, not the first.

use super::plan::{Env, Planned, differences};
use super::{ImportError, ImportErrorKind, PlannedRow, RosterRow};
use crate::lifecycle::{DevelopmentRules, Stage};
use crate::member::{IdNumber, Member};
use crate::org::OrgTree;
use crate::period::Calendars;
use crate::rules::Versioned;
use chrono::NaiveDate;
use std::collections::HashMap;

/// 逐行导入计划 (plan an import row by row): the checks of [`plan_import`],
/// but every row gets its own answer, in roster order: a [`PlannedRow`], or
/// the first refusal of that row. Used to report every rejected row of a
/// roster file at once, and to commit only the good rows when asked.
///
/// A row is refused as in [`plan_import`], with one addition: a row whose
/// introducer is another row of the batch that is itself refused gets
/// [`ImportErrorKind::IntroducerRejected`] (its reference by identity
/// number would name nobody once the good rows are written). The first of
/// two rows with one identity (or employee) number is kept; the later one
/// is refused naming it. When no row is refused the new records are those
/// [`plan_import`] plans.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::{national_rules, ImportedStage};
/// use dangjian::member::{plan_import_each, IdNumber, ImportErrorKind, RosterRow};
/// use dangjian::org::{BranchForm, OrgKind, OrgTree, Organisation};
/// use dangjian::period::{Calendars, WorkCalendar};
/// use dangjian::OrgId;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let org = |id, kind, parent| Organisation {
///     id: OrgId::new(id), name: format!("org {id}").parse().unwrap(), kind, parent, version: 0,
/// };
/// let tree = OrgTree::from_orgs([
///     org(1, OrgKind::GrassrootsCommittee, None),
///     org(2, OrgKind::Branch(BranchForm::Physical), Some(OrgId::new(1))),
/// ])?;
/// let full = ImportedStage::Full { joined_on: d(1980, 1, 1), full_since: d(1981, 1, 1) };
/// let row = RosterRow::new("张三".parse()?, "11010519491231002X".parse()?, OrgId::new(2), d(2001, 3, 1), full);
/// let rows = [row.clone(), row];
/// let nothing = |_: &IdNumber| None;
/// let each = plan_import_each(&rows, &tree, &national_rules(), &Calendars::new(WorkCalendar::china()), d(2024, 6, 1), &nothing);
/// assert!(each[0].is_ok());
/// assert_eq!(each[1].as_ref().unwrap_err().error, ImportErrorKind::DuplicateIdNumber { first_row: 0 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`plan_import`]: super::plan_import
pub fn plan_import_each(
    rows: &[RosterRow],
    tree: &OrgTree,
    rules: &Versioned<DevelopmentRules>,
    calendars: &Calendars,
    today: NaiveDate,
    existing: &dyn Fn(&IdNumber) -> Option<Member>,
) -> Vec<Result<PlannedRow, ImportError>> {
    let mut out: Vec<Result<(), ImportErrorKind>> = vec![Ok(()); rows.len()];
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    let mut nos: HashMap<&str, usize> = HashMap::new();
    for (i, (row, verdict)) in rows.iter().zip(out.iter_mut()).enumerate() {
        if let Some(&first_row) = index.get(row.id_number.as_str()) {
            *verdict = Err(ImportErrorKind::DuplicateIdNumber { first_row });
            continue;
        }
        index.insert(row.id_number.as_str(), i);
        if let Some(no) = &row.contact.employee_no {
            if let Some(&first_row) = nos.get(no.as_str()) {
                *verdict = Err(ImportErrorKind::DuplicateEmployeeNo { first_row });
                continue;
            }
            nos.insert(no.as_str(), i);
        }
    }
    let env = Env {
        tree,
        rules,
        calendars,
        today,
        existing,
        index,
    };
    let stored: Vec<Option<Member>> = rows.iter().map(|r| existing(&r.id_number)).collect();
    let mut planned: Vec<Option<Planned>> = Vec::with_capacity(rows.len());
    for ((row, stored), verdict) in rows.iter().zip(&stored).zip(out.iter_mut()) {
        if verdict.is_err() {
            planned.push(None);
            continue;
        }
        match env.plan_row(row, stored.as_ref().map(|m| m.id)) {
            Ok(p) => planned.push(Some(p)),
            Err(e) => {
                *verdict = Err(e);
                planned.push(None);
            }
        }
    }
    for (plan, verdict) in planned.iter().zip(out.iter_mut()) {
        let Some(plan) = plan else { continue };
        for &introducer_row in &plan.batch_introducers {
            let on = plan.introduced_on;
            let Some(introducer) = planned.get(introducer_row).and_then(Option::as_ref) else {
                continue; // refused itself: handled below
            };
            let stage = introducer.member.lifecycle.stage_on(on);
            if stage != Some(Stage::Full) {
                *verdict = Err(ImportErrorKind::IntroducerNotFull {
                    introducer_row,
                    stage,
                    on,
                });
                break;
            }
        }
    }
    for ((plan, stored), verdict) in planned.iter().zip(&stored).zip(out.iter_mut()) {
        if let (Some(plan), Some(m), Ok(())) = (plan, stored, &verdict) {
            let fields = differences(&plan.member, m, existing);
            if !fields.is_empty() {
                *verdict = Err(ImportErrorKind::Conflict {
                    member: m.id,
                    fields,
                });
            }
        }
    }
    // A row introduced by a refused row is refused in turn, until none is.
    loop {
        let failed: Vec<bool> = out.iter().map(Result::is_err).collect();
        let mut changed = false;
        for (plan, verdict) in planned.iter().zip(out.iter_mut()) {
            let Some(plan) = plan else { continue };
            if verdict.is_err() {
                continue;
            }
            if let Some(&introducer_row) = plan
                .batch_introducers
                .iter()
                .find(|&&j| failed.get(j).copied().unwrap_or(true))
            {
                *verdict = Err(ImportErrorKind::IntroducerRejected { introducer_row });
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    planned
        .into_iter()
        .zip(stored)
        .zip(out)
        .enumerate()
        .map(|(row, ((plan, stored), verdict))| match (verdict, plan) {
            (Err(error), _) => Err(ImportError { row, error }),
            (Ok(()), Some(plan)) => Ok(match stored {
                Some(m) => PlannedRow::Unchanged(m.id),
                None => PlannedRow::New(Box::new(plan.member)),
            }),
            (Ok(()), None) => Err(ImportError {
                row,
                error: ImportErrorKind::IntroducerRejected {
                    introducer_row: row,
                },
            }),
        })
        .collect()
}
