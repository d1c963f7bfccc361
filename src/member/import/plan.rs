//! The planner: rows checked one by one, then the introducers from the
//! batch, then the comparison with what is stored.

use super::{ImportError, ImportErrorKind, ImportPlan, PlannedRow, RosterRow};
use crate::MemberId;
use crate::lifecycle::{
    DevelopmentRules, ImportedStage, Introducer, Lifecycle, LifecycleEvent, Stage,
    TransitionContext,
};
use crate::member::{IdNumber, Identity, Member, Memberships, NewMember, RegistrationStatus};
use crate::org::OrgTree;
use crate::period::Calendars;
use crate::rules::Versioned;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

fn at(row: usize) -> impl Fn(ImportErrorKind) -> ImportError {
    move |error| ImportError { row, error }
}

/// A row checked on its own.
pub(super) struct Planned {
    pub(super) member: NewMember,
    /// Rows of the batch named as introducers (by identity number).
    pub(super) batch_introducers: Vec<usize>,
    /// The date they must be full members on.
    pub(super) introduced_on: NaiveDate,
}

/// What every row is checked with.
pub(super) struct Env<'a> {
    pub(super) tree: &'a OrgTree,
    pub(super) rules: &'a Versioned<DevelopmentRules>,
    /// The calendars; each row uses its home organisation's.
    pub(super) calendars: &'a Calendars,
    pub(super) today: NaiveDate,
    pub(super) existing: &'a dyn Fn(&IdNumber) -> Option<Member>,
    pub(super) index: HashMap<&'a str, usize>,
}

/// 导入计划 (plan an import): checks every row and says, for each, whether
/// it is a new record or already stored unchanged. `existing` finds a
/// stored record by identity number. Each row is checked with the working
/// calendar of its home organisation ([`Calendars::for_org`]). Pure: the
/// service writes the plan (see [`crate::service::MembersHandle::import`]).
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::{national_rules, ImportedStage, Introducer};
/// use dangjian::member::{plan_import, IdNumber, ImportErrorKind, Member, RosterRow};
/// use dangjian::org::{BranchForm, OrgKind, OrgTree, Organisation};
/// use dangjian::period::{Calendars, WorkCalendar};
/// use dangjian::{MemberId, OrgId};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let org = |id, kind, parent| Organisation {
///     id: OrgId::new(id), name: format!("org {id}").parse().unwrap(), kind, parent, version: 0,
/// };
/// let tree = OrgTree::from_orgs([
///     org(1, OrgKind::GrassrootsCommittee, None),
///     org(2, OrgKind::Branch(BranchForm::Physical), Some(OrgId::new(1))),
/// ])?;
/// let (rules, calendar, today) = (national_rules(), Calendars::new(WorkCalendar::china()), d(2024, 6, 1));
/// let full: IdNumber = "11010519491231002X".parse()?;
/// let rows = vec![
///     RosterRow::new("张三".parse()?, full.clone(), OrgId::new(2), d(2001, 3, 1),
///         ImportedStage::Full { joined_on: d(1980, 1, 1), full_since: d(1981, 1, 1) }),
///     // Introduced by row 0 (a full member on the listing date) and by
///     // someone outside the platform.
///     RosterRow::new("王五".parse()?, "110101199003074477".parse()?, OrgId::new(2), d(2023, 1, 1),
///         ImportedStage::DevelopmentTarget {
///             since: d(2023, 9, 1),
///             introducers: [full.clone().into(), Introducer::External("李四".parse()?)],
///         }),
/// ];
/// let nothing = |_: &IdNumber| None;
/// let plan = plan_import(&rows, &tree, &rules, &calendar, today, &nothing)?;
/// // One atomic write (`insert_members`); the store assigns the ids.
/// let stored: Vec<Member> = plan.into_new_members().into_iter().zip(1..)
///     .map(|(m, id)| m.into_member(MemberId::new(id))).collect();
/// // Planning the same rows again changes nothing.
/// let lookup = |id: &IdNumber| stored.iter().find(|m| &m.identity().id_number == id).cloned();
/// assert!(plan_import(&rows, &tree, &rules, &calendar, today, &lookup)?.is_unchanged());
/// // The same person twice in a batch is refused, naming both rows.
/// let twice = [rows[0].clone(), rows[1].clone(), rows[0].clone()];
/// let err = plan_import(&twice, &tree, &rules, &calendar, today, &nothing).unwrap_err();
/// assert_eq!((err.row, err.error), (2, ImportErrorKind::DuplicateIdNumber { first_row: 0 }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The first refusal, the checks running in this order and each over the
/// rows in roster order: the identity and employee numbers
/// ([`ImportErrorKind::DuplicateIdNumber`],
/// [`ImportErrorKind::DuplicateEmployeeNo`], naming the earlier row); each
/// row on its own ([`ImportErrorKind::BornInTheFuture`],
/// [`ImportErrorKind::OwnIntroducer`],
/// [`ImportErrorKind::UnknownIntroducer`], [`ImportErrorKind::Transition`],
/// [`ImportErrorKind::Membership`]); the introducers from the batch
/// ([`ImportErrorKind::IntroducerNotFull`]); the stored records
/// ([`ImportErrorKind::Conflict`]).
pub fn plan_import(
    rows: &[RosterRow],
    tree: &OrgTree,
    rules: &Versioned<DevelopmentRules>,
    calendars: &Calendars,
    today: NaiveDate,
    existing: &dyn Fn(&IdNumber) -> Option<Member>,
) -> Result<ImportPlan, ImportError> {
    let env = Env {
        tree,
        rules,
        calendars,
        today,
        existing,
        index: index_rows(rows)?,
    };
    let stored: Vec<Option<Member>> = rows.iter().map(|r| existing(&r.id_number)).collect();
    let mut planned = Vec::with_capacity(rows.len());
    for (i, (row, stored)) in rows.iter().zip(&stored).enumerate() {
        let subject = stored.as_ref().map(|m| m.id);
        planned.push(env.plan_row(row, subject).map_err(at(i))?);
    }
    for (i, plan) in planned.iter().enumerate() {
        for &introducer_row in &plan.batch_introducers {
            let on = plan.introduced_on;
            let stage = planned
                .get(introducer_row)
                .and_then(|p| p.member.lifecycle.stage_on(on));
            if stage != Some(Stage::Full) {
                return Err(at(i)(ImportErrorKind::IntroducerNotFull {
                    introducer_row,
                    stage,
                    on,
                }));
            }
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for (i, (plan, stored)) in planned.into_iter().zip(stored).enumerate() {
        out.push(match stored {
            None => PlannedRow::New(Box::new(plan.member)),
            Some(m) => {
                let fields = differences(&plan.member, &m, existing);
                if !fields.is_empty() {
                    return Err(at(i)(ImportErrorKind::Conflict {
                        member: m.id,
                        fields,
                    }));
                }
                PlannedRow::Unchanged(m.id)
            }
        });
    }
    Ok(ImportPlan::new(out))
}

/// The rows by identity number; a number (or an employee number) on two
/// rows is refused at the later one.
fn index_rows(rows: &[RosterRow]) -> Result<HashMap<&str, usize>, ImportError> {
    let mut ids: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    let mut nos: HashMap<&str, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if let Some(&first_row) = ids.get(row.id_number.as_str()) {
            return Err(at(i)(ImportErrorKind::DuplicateIdNumber { first_row }));
        }
        ids.insert(row.id_number.as_str(), i);
        if let Some(no) = &row.contact.employee_no {
            if let Some(&first_row) = nos.get(no.as_str()) {
                return Err(at(i)(ImportErrorKind::DuplicateEmployeeNo { first_row }));
            }
            nos.insert(no.as_str(), i);
        }
    }
    Ok(ids)
}

impl Env<'_> {
    /// One row on its own: its introducers resolved, its lifecycle and
    /// memberships built under the guards.
    pub(super) fn plan_row(
        &self,
        row: &RosterRow,
        subject: Option<MemberId>,
    ) -> Result<Planned, ImportErrorKind> {
        let birth = row.id_number.birth_date();
        if birth > self.today {
            return Err(ImportErrorKind::BornInTheFuture {
                birth,
                today: self.today,
            });
        }
        let mut stage = row.stage.clone();
        let mut details = row.details.clone();
        let mut known = BTreeMap::new();
        let mut batch_introducers = Vec::new();
        let slots = match &mut stage {
            ImportedStage::DevelopmentTarget { introducers, .. } => Some(introducers),
            _ => details.introducers.as_mut(),
        };
        for introducer in slots.into_iter().flatten() {
            self.resolve(row, introducer, &mut known, &mut batch_introducers)?;
        }
        let introduced_on = details.introduced_on(&stage);
        let stage_of =
            |id: MemberId, on: NaiveDate| known.get(&id).and_then(|l: &Lifecycle| l.stage_on(on));
        let ctx = TransitionContext {
            birth_date: birth,
            subject: subject.unwrap_or(MemberId::new(0)),
            today: self.today,
            rules: self.rules,
            calendar: self.calendars.for_org(row.home(), self.tree),
            introducer_stage: &stage_of,
        };
        let lifecycle = Lifecycle::import_with(stage, details, row.guard_override.clone(), &ctx)?;
        let memberships =
            Memberships::with_history(&row.memberships, birth, self.tree, self.today)?;
        Ok(Planned {
            member: NewMember {
                identity: Identity {
                    name: row.name.clone(),
                    id_number: row.id_number.clone(),
                },
                contact: row.contact.clone(),
                occupation: row.occupation,
                registration: RegistrationStatus::Pending {
                    submitted_on: self.today,
                },
                lifecycle,
                memberships,
            },
            batch_introducers,
            introduced_on,
        })
    }

    /// An introducer by identity number: a stored member becomes
    /// [`Introducer::Member`] (its lifecycle kept for the guard); another
    /// row stays by identity number (checked once every row is built).
    fn resolve(
        &self,
        row: &RosterRow,
        introducer: &mut Introducer,
        known: &mut BTreeMap<MemberId, Lifecycle>,
        batch: &mut Vec<usize>,
    ) -> Result<(), ImportErrorKind> {
        let Introducer::ByIdNumber(id) = introducer else {
            return Ok(());
        };
        if *id == row.id_number {
            return Err(ImportErrorKind::OwnIntroducer);
        }
        if let Some(m) = (self.existing)(id) {
            known.insert(m.id, m.lifecycle);
            *introducer = Introducer::Member(m.id);
        } else if let Some(&j) = self.index.get(id.as_str()) {
            batch.push(j);
        } else {
            return Err(ImportErrorKind::UnknownIntroducer {
                introducer: id.clone(),
            });
        }
        Ok(())
    }
}

/// The fields in which a planned record differs from the stored one. The
/// stored lifecycle's introducers by identity number are read as the
/// members they name now (as the planner would resolve them).
pub(super) fn differences(
    new: &NewMember,
    stored: &Member,
    existing: &dyn Fn(&IdNumber) -> Option<Member>,
) -> Vec<&'static str> {
    let lifecycle = linked(&stored.lifecycle, existing);
    [
        ("name", new.identity.name == stored.identity.name),
        ("contact", new.contact == stored.contact),
        ("occupation", new.occupation == stored.occupation),
        ("lifecycle", new.lifecycle == lifecycle),
        ("memberships", new.memberships == stored.memberships),
    ]
    .into_iter()
    .filter_map(|(field, same)| (!same).then_some(field))
    .collect()
}

/// `lifecycle` with its imported introducers by identity number replaced
/// by the stored members they name; unchanged when none resolves.
fn linked(lifecycle: &Lifecycle, existing: &dyn Fn(&IdNumber) -> Option<Member>) -> Lifecycle {
    let mut history = lifecycle.history().to_vec();
    let mut changed = false;
    if let Some(LifecycleEvent::Imported {
        snapshot, details, ..
    }) = history.first_mut().map(|r| &mut r.event)
    {
        let slots = match snapshot {
            ImportedStage::DevelopmentTarget { introducers, .. } => Some(introducers),
            _ => details.introducers.as_mut(),
        };
        for introducer in slots.into_iter().flatten() {
            if let Some(m) = introducer.id_number().and_then(existing) {
                *introducer = Introducer::Member(m.id);
                changed = true;
            }
        }
    }
    if !changed {
        return lifecycle.clone();
    }
    Lifecycle::from_history(history).unwrap_or_else(|_| lifecycle.clone())
}
