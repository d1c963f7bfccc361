//! Tests of the import planner: every boundary through `plan_import`, the
//! introducers from the batch, conflicts and idempotence.

use super::*;
use crate::lifecycle::{
    ImportOverride, ImportedStage, Introducer, TransitionError, national_rules,
};
use crate::member::identity::check_character;
use crate::member::{IdNumber, Member, MembershipError, OccupationCategory, RegistrationStatus};
use crate::org::{BranchForm, OnlineTheme, OrgKind, OrgTree, Organisation};
use crate::period::{Calendars, WorkCalendar, add_months};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;

mod batch;
mod prop;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) const HOME: OrgId = OrgId::new(2);
pub(super) const ONLINE: OrgId = OrgId::new(3);
pub(super) const GROUP: OrgId = OrgId::new(4);
pub(super) const ONLINE_2: OrgId = OrgId::new(5);

pub(super) fn tree() -> OrgTree {
    let org = |id, kind, parent: Option<u64>| Organisation {
        id: OrgId::new(id),
        name: format!("org {id}").parse().unwrap(),
        kind,
        parent: parent.map(OrgId::new),
        version: 0,
    };
    OrgTree::from_orgs([
        org(1, OrgKind::GrassrootsCommittee, None),
        org(2, OrgKind::Branch(BranchForm::Physical), Some(1)),
        org(
            3,
            OrgKind::Branch(BranchForm::Online {
                theme: OnlineTheme::YoungMembers,
            }),
            Some(1),
        ),
        org(4, OrgKind::PartyGroup, Some(2)),
        org(
            5,
            OrgKind::Branch(BranchForm::Online {
                theme: OnlineTheme::MobileMembers,
            }),
            Some(1),
        ),
    ])
    .unwrap()
}

/// A valid identity number for someone born on `birth`, sequence `seq`.
pub(super) fn id(birth: NaiveDate, seq: u32) -> IdNumber {
    let first17 = format!("110105{}{:03}", birth.format("%Y%m%d"), seq % 1000);
    let check = check_character(&first17).unwrap();
    format!("{first17}{check}").parse().unwrap()
}

pub(super) const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

pub(super) fn row(n: u32, birth: NaiveDate, stage: ImportedStage) -> RosterRow {
    RosterRow::new(
        "测试".parse().unwrap(),
        id(birth, n),
        HOME,
        d(2020, 1, 1),
        stage,
    )
}

pub(super) fn full(joined_on: NaiveDate, full_since: NaiveDate) -> ImportedStage {
    ImportedStage::Full {
        joined_on,
        full_since,
    }
}

/// A development target listed on `since` with placeholder introducers
/// (set with `introduced_by`).
pub(super) fn target(since: NaiveDate) -> ImportedStage {
    let li: Introducer = "李四".parse::<crate::member::PersonName>().unwrap().into();
    let wang: Introducer = "王五".parse::<crate::member::PersonName>().unwrap().into();
    ImportedStage::DevelopmentTarget {
        since,
        introducers: [li, wang],
    }
}

pub(super) fn plan_with(rows: &[RosterRow], stored: &[Member]) -> Result<ImportPlan, ImportError> {
    let lookup = |n: &IdNumber| stored.iter().find(|m| &m.identity.id_number == n).cloned();
    plan_import(
        rows,
        &tree(),
        &national_rules(),
        &Calendars::new(WorkCalendar::china()),
        TODAY,
        &lookup,
    )
}

pub(super) fn ctx_for<'a>(
    birth_date: NaiveDate,
    rules: &'a crate::rules::Versioned<crate::lifecycle::DevelopmentRules>,
    calendar: &'a WorkCalendar,
) -> crate::lifecycle::TransitionContext<'a> {
    crate::lifecycle::TransitionContext {
        birth_date,
        subject: MemberId::new(1),
        today: TODAY,
        rules,
        calendar,
        introducer_stage: &|_, _| None,
    }
}

pub(super) fn plan(rows: &[RosterRow]) -> Result<ImportPlan, ImportError> {
    plan_with(rows, &[])
}

/// Writes a plan as a store would, ids after those in `stored`.
pub(super) fn insert(plan: ImportPlan, stored: &mut Vec<Member>) {
    let first = stored.iter().map(|m| m.id.get()).max().unwrap_or(0) + 1;
    for (m, id) in plan.into_new_members().into_iter().zip(first..) {
        stored.push(m.into_member(MemberId::new(id)));
    }
}

pub(super) fn refused(rows: &[RosterRow]) -> (usize, ImportErrorKind) {
    let e = plan(rows).unwrap_err();
    (e.row, e.error)
}

pub(super) fn why() -> ImportOverride {
    ImportOverride::new("档案遗失，据组织部证明补录").unwrap()
}

pub(super) const OLD: NaiveDate = match NaiveDate::from_ymd_opt(1950, 3, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

#[test]
fn age_at_application_17y364d_refused_18th_birthday_accepted() {
    let birth = d(2000, 2, 29);
    let applicant = |on| row(1, birth, ImportedStage::Applicant { applied_on: on });
    // 29 February: the 18th birthday falls on 28 February 2018.
    assert!(matches!(
        refused(&[applicant(d(2018, 2, 27))]),
        (
            0,
            ImportErrorKind::Transition(TransitionError::TooYoung {
                age: 17,
                min_age: 18,
                ..
            })
        )
    ));
    let plan = plan(&[applicant(d(2018, 2, 28))]).unwrap();
    assert!(matches!(plan.rows(), [PlannedRow::New(_)]));
}

#[test]
fn probation_exactly_the_standard_and_one_day_off() {
    let member = |end| row(1, OLD, full(d(2015, 7, 1), end));
    assert!(plan(&[member(d(2016, 7, 1))]).is_ok());
    assert!(matches!(
        refused(&[member(d(2016, 7, 2))]),
        (
            0,
            ImportErrorKind::Transition(TransitionError::ProbationNotStandard { .. })
        )
    ));
    let plan = plan(&[member(d(2016, 7, 2)).override_guards(why())]).unwrap();
    let [PlannedRow::New(m)] = plan.rows() else {
        panic!("one new row expected");
    };
    assert_eq!(
        m.lifecycle.import_override().map(ImportOverride::reason),
        Some("档案遗失，据组织部证明补录")
    );
    let json = serde_json::to_string(&m.lifecycle).unwrap();
    assert_eq!(
        serde_json::from_str::<crate::lifecycle::Lifecycle>(&json).unwrap(),
        m.lifecycle
    );
}

#[test]
fn extension_6_and_12_months_accepted_5_and_13_refused() {
    for (months, ok) in [(5, false), (6, true), (12, true), (13, false)] {
        let end = add_months(d(2016, 7, 1), months).unwrap();
        let marked = row(1, OLD, full(d(2015, 7, 1), end)).probation_extended();
        assert_eq!(plan(&[marked]).is_ok(), ok, "{months} months");
        let unmarked = row(1, OLD, full(d(2015, 7, 1), end));
        assert!(plan(&[unmarked]).is_err());
    }
}

#[test]
fn a_75_year_probation_and_joining_on_the_day_of_birth_are_refused() {
    let birth = d(1925, 1, 1);
    assert!(matches!(
        refused(&[row(1, birth, full(d(1949, 5, 1), d(2024, 5, 1)))]),
        (
            0,
            ImportErrorKind::Transition(TransitionError::ProbationNotStandard { .. })
        )
    ));
    let birth = d(1990, 5, 20);
    assert!(matches!(
        refused(&[row(1, birth, full(birth, d(1991, 5, 20)))]),
        (
            0,
            ImportErrorKind::Transition(TransitionError::TooYoungOnRecord { age: 0, .. })
        )
    ));
}

#[test]
fn online_branch_before_the_home_branch_is_accepted() {
    let r = row(1, OLD, full(d(2015, 7, 1), d(2016, 7, 1)))
        .online(ONLINE, d(2012, 4, 1))
        .group(GROUP, d(2020, 3, 1));
    let plan = plan(&[r]).unwrap();
    let [PlannedRow::New(m)] = plan.rows() else {
        panic!("one new row expected");
    };
    assert_eq!(m.memberships.home_since(), d(2020, 1, 1));
    assert_eq!(m.memberships.online().get(&ONLINE), Some(&d(2012, 4, 1)));
    assert_eq!(m.memberships.group(), Some(GROUP));
    assert_eq!(
        m.registration,
        RegistrationStatus::Pending {
            submitted_on: TODAY
        }
    );
    assert_eq!(m.occupation, OccupationCategory::InService);
}

#[test]
fn a_future_date_is_refused() {
    let home_later = RosterRow::new(
        "测试".parse().unwrap(),
        id(OLD, 1),
        HOME,
        d(2024, 6, 2),
        full(d(2015, 7, 1), d(2016, 7, 1)),
    );
    assert!(matches!(
        refused(&[home_later]),
        (
            0,
            ImportErrorKind::Membership(MembershipError::InTheFuture { .. })
        )
    ));
    let online_later =
        row(1, OLD, full(d(2015, 7, 1), d(2016, 7, 1))).online(ONLINE, d(2024, 6, 2));
    assert!(matches!(
        refused(&[online_later]),
        (
            0,
            ImportErrorKind::Membership(MembershipError::InTheFuture { .. })
        )
    ));
    let applied_later = row(
        1,
        OLD,
        ImportedStage::Applicant {
            applied_on: d(2024, 6, 2),
        },
    );
    assert!(matches!(
        refused(&[applied_later]),
        (
            0,
            ImportErrorKind::Transition(TransitionError::InTheFuture { .. })
        )
    ));
    let unborn = row(
        1,
        d(2024, 6, 2),
        ImportedStage::Applicant { applied_on: TODAY },
    );
    assert!(matches!(
        refused(&[unborn]),
        (0, ImportErrorKind::BornInTheFuture { .. })
    ));
}
