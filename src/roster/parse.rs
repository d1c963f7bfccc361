//! 行解析 (a row of cells to a [`RosterRow`]): every column's problem,
//! not only the first.

use super::read::{Cell, DateProblem, RosterTable};
use super::{Column, RowProblem};
use crate::OrgId;
use crate::lifecycle::{ImportOverride, ImportedStage, Introducer, Stage};
use crate::member::{IdNumber, IdNumberError, OccupationCategory, RosterRow, Sex};
use chrono::NaiveDate;

/// The stages a row may be, by their labels.
pub(super) const STAGES: [Stage; 5] = [
    Stage::Applicant,
    Stage::Activist,
    Stage::DevelopmentTarget,
    Stage::Probationary,
    Stage::Full,
];

/// 职业类别 labels.
pub(super) const OCCUPATIONS: [(OccupationCategory, &str); 10] = [
    (OccupationCategory::InService, "在职"),
    (OccupationCategory::Retiree, "离退休"),
    (OccupationCategory::Farmer, "农民"),
    (OccupationCategory::Student, "学生"),
    (OccupationCategory::Unemployed, "下岗失业"),
    (OccupationCategory::MinimumAllowance, "享受最低生活保障"),
    (OccupationCategory::OtherIncome, "其他有收入"),
    (OccupationCategory::AnnualSalary, "年薪制"),
    (OccupationCategory::SelfEmployed, "无固定月收入"),
    (OccupationCategory::SurvivorRelief, "依靠抚恤或救济生活"),
];

/// The label of an occupation.
pub(super) fn occupation_label(o: OccupationCategory) -> &'static str {
    OCCUPATIONS
        .iter()
        .find(|(c, _)| *c == o)
        .map_or("在职", |(_, l)| l)
}

/// The label of a sex.
pub(super) fn sex_label(s: Sex) -> &'static str {
    match s {
        Sex::Male => "男",
        Sex::Female => "女",
    }
}

/// What a row is read with.
pub(crate) struct Ctx<'a> {
    /// Accept 15-digit identity numbers (converted).
    pub(crate) legacy: bool,
    /// The home branch by name.
    pub(crate) branch: &'a dyn Fn(&str) -> Result<OrgId, RowProblem>,
}

type Problems = Vec<(Column, RowProblem)>;

struct Row<'a> {
    table: &'a RosterTable,
    cells: &'a [Cell],
    problems: Problems,
}

impl Row<'_> {
    fn text(&self, c: Column) -> Option<String> {
        self.table.cell(self.cells, c).text()
    }

    fn fail<T>(&mut self, c: Column, p: RowProblem) -> Option<T> {
        self.problems.push((c, p));
        None
    }

    fn required(&mut self, c: Column) -> Option<String> {
        match self.text(c) {
            Some(t) => Some(t),
            None => self.fail(c, RowProblem::Missing),
        }
    }

    fn date(&mut self, c: Column) -> Option<NaiveDate> {
        match self.table.cell(self.cells, c).date() {
            Ok(d) => d,
            Err(DateProblem::Serial(n)) => self.fail(c, RowProblem::SerialNotADate(n.to_string())),
            Err(DateProblem::Text(t)) => self.fail(c, RowProblem::NotADate(t)),
        }
    }

    fn required_date(&mut self, c: Column) -> Option<NaiveDate> {
        if self.text(c).is_none() {
            return self.fail(c, RowProblem::Missing);
        }
        self.date(c)
    }

    fn parse<T, E>(
        &mut self,
        c: Column,
        f: impl Fn(&str) -> Result<T, E>,
        p: impl Fn(E) -> RowProblem,
    ) -> Option<T> {
        let text = self.text(c)?;
        match f(&text) {
            Ok(v) => Some(v),
            Err(e) => self.fail(c, p(e)),
        }
    }

    fn id_number(&mut self, c: Column, text: &str, legacy: bool) -> Option<IdNumber> {
        if text.contains('*') {
            return self.fail(c, RowProblem::MaskedIdNumber);
        }
        let parsed = if legacy {
            IdNumber::parse_lenient(text)
        } else {
            text.parse()
        };
        match parsed {
            Ok(id) => Some(id),
            Err(IdNumberError::WrongLength { found: 15 })
                if text.bytes().all(|b| b.is_ascii_digit()) =>
            {
                self.fail(c, RowProblem::LegacyIdNumber)
            }
            Err(e) => self.fail(c, RowProblem::IdNumber(e)),
        }
    }

    /// A value in a column the stage does not have.
    fn not_for(&mut self, c: Column, stage: Stage) {
        if self.text(c).is_some() {
            self.problems.push((c, RowProblem::NotForStage(stage)));
        }
    }
}

/// One row to a roster row, or every problem of its cells.
pub(crate) fn row(
    table: &RosterTable,
    cells: &[Cell],
    ctx: &Ctx<'_>,
) -> Result<RosterRow, Problems> {
    let mut r = Row {
        table,
        cells,
        problems: Vec::new(),
    };
    let name = r.required(Column::Name).and_then(|t| match t.parse() {
        Ok(n) => Some(n),
        Err(e) => r.fail(Column::Name, RowProblem::Contact(e)),
    });
    let id = r
        .required(Column::IdNumber)
        .and_then(|t| r.id_number(Column::IdNumber, &t, ctx.legacy));
    if let Some(id) = &id {
        if let Some(sex) = r.text(Column::Sex) {
            if sex != sex_label(id.sex()) {
                r.problems
                    .push((Column::Sex, RowProblem::DisagreesWithIdNumber(sex)));
            }
        }
        if let Some(birth) = r.date(Column::BirthDate) {
            if birth != id.birth_date() {
                r.problems.push((
                    Column::BirthDate,
                    RowProblem::DisagreesWithIdNumber(birth.to_string()),
                ));
            }
        }
    }
    let home = r
        .required(Column::Branch)
        .and_then(|t| match (ctx.branch)(&t) {
            Ok(org) => Some(org),
            Err(p) => r.fail(Column::Branch, p),
        });
    let home_since = r.required_date(Column::BranchSince);
    let stage = r.required(Column::Stage).and_then(|t| {
        match STAGES.into_iter().find(|s| s.label_zh() == t) {
            Some(s) => Some(s),
            None => r.fail(
                Column::Stage,
                RowProblem::NotOneOf {
                    found: t,
                    expected: "入党申请人, 入党积极分子, 发展对象, 预备党员, 正式党员",
                },
            ),
        }
    });
    let applied = r.date(Column::AppliedOn);
    let activist = r.date(Column::ActivistSince);
    let target = r.date(Column::TargetSince);
    let joined = r.date(Column::JoinedOn);
    let full = r.date(Column::FullSince);
    let end = r.date(Column::ProbationEnd);
    let extended = match r.text(Column::Extended).as_deref() {
        None | Some("否") => false,
        Some("是") => true,
        Some(other) => {
            r.problems.push((
                Column::Extended,
                RowProblem::NotOneOf {
                    found: other.to_owned(),
                    expected: "是, 否",
                },
            ));
            false
        }
    };
    let introducers = r.text(Column::Introducers).map(|t| {
        let parts: Vec<&str> = t
            .split(['、', ',', '，', ';', '；'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        (
            t.clone(),
            parts.into_iter().map(str::to_owned).collect::<Vec<_>>(),
        )
    });
    let introducers = match introducers {
        None => None,
        Some((_, parts)) if parts.len() != 2 => {
            r.fail::<()>(
                Column::Introducers,
                RowProblem::IntroducerCount(parts.len()),
            );
            None
        }
        Some((_, parts)) => {
            let mut pair = Vec::with_capacity(2);
            for p in &parts {
                if let Some(i) = introducer(&mut r, p, ctx.legacy) {
                    pair.push(i);
                }
            }
            <[Introducer; 2]>::try_from(pair).ok()
        }
    };
    let employee_no = r.parse(Column::EmployeeNo, str::parse, RowProblem::Contact);
    let mobile = r.parse(Column::Mobile, str::parse, RowProblem::Contact);
    let email = r.parse(Column::Email, str::parse, RowProblem::Contact);
    let occupation = match r.text(Column::Occupation) {
        None => OccupationCategory::InService,
        Some(t) => match OCCUPATIONS.iter().find(|(_, l)| *l == t) {
            Some((o, _)) => *o,
            None => {
                r.problems.push((
                    Column::Occupation,
                    RowProblem::NotOneOf {
                        found: t,
                        expected: "在职, 离退休, 农民, 学生, 下岗失业, 享受最低生活保障, 其他有收入",
                    },
                ));
                OccupationCategory::InService
            }
        },
    };
    let guard_override = r
        .text(Column::OverrideReason)
        .and_then(|t| ImportOverride::new(t).ok());
    let snapshot = stage.and_then(|s| {
        snapshot(
            &mut r,
            s,
            [applied, activist, target, joined, full, end],
            extended,
            introducers.clone(),
        )
    });
    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    let (Some(name), Some(id), Some(home), Some(home_since), Some((snapshot, details_intro))) =
        (name, id, home, home_since, snapshot)
    else {
        return Err(r.problems);
    };
    let mut row = RosterRow::new(name, id, home, home_since, snapshot).occupation(occupation);
    let stage = stage.unwrap_or(Stage::Applicant);
    if stage != Stage::Applicant {
        if let Some(on) = applied {
            row = row.applied_on(on);
        }
    }
    if matches!(
        stage,
        Stage::DevelopmentTarget | Stage::Probationary | Stage::Full
    ) {
        if let Some(on) = activist {
            row = row.activist_since(on);
        }
    }
    if matches!(stage, Stage::Probationary | Stage::Full) {
        if let Some(on) = target {
            row = row.target_since(on);
        }
    }
    if let Some([a, b]) = details_intro {
        row = row.introduced_by(a, b);
    }
    if stage == Stage::Full && extended {
        row = row.probation_extended();
    }
    if let Some(no) = employee_no {
        row = row.employee_no(no);
    }
    if let Some(m) = mobile {
        row = row.mobile(m);
    }
    if let Some(e) = email {
        row = row.email(e);
    }
    if let Some(o) = guard_override {
        row = row.override_guards(o);
    }
    Ok(row)
}

/// An introducer: an identity number (a row of the batch or a stored
/// member), else a name (someone outside the platform).
fn introducer(r: &mut Row<'_>, text: &str, legacy: bool) -> Option<Introducer> {
    let looks_like_id = text.len() >= 15
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 'x' | 'X' | '*'));
    if looks_like_id {
        return r
            .id_number(Column::Introducers, text, legacy)
            .map(Introducer::ByIdNumber);
    }
    match text.parse() {
        Ok(name) => Some(Introducer::External(name)),
        Err(e) => r.fail(Column::Introducers, RowProblem::Contact(e)),
    }
}

/// The imported stage from its dates, and a member's introducers (a
/// development target's are in its stage). `dates`: applied, activist,
/// target, joined, full, probation end.
fn snapshot(
    r: &mut Row<'_>,
    stage: Stage,
    dates: [Option<NaiveDate>; 6],
    extended: bool,
    introducers: Option<[Introducer; 2]>,
) -> Option<(ImportedStage, Option<[Introducer; 2]>)> {
    let [applied, activist, target, joined, full, end] = dates;
    let has_dates_of = |stage: Stage| -> &'static [Column] {
        match stage {
            Stage::Applicant => &[
                Column::ActivistSince,
                Column::TargetSince,
                Column::Introducers,
                Column::JoinedOn,
                Column::FullSince,
                Column::ProbationEnd,
            ],
            Stage::Activist => &[
                Column::TargetSince,
                Column::Introducers,
                Column::JoinedOn,
                Column::FullSince,
                Column::ProbationEnd,
            ],
            Stage::DevelopmentTarget => {
                &[Column::JoinedOn, Column::FullSince, Column::ProbationEnd]
            }
            Stage::Probationary => &[Column::FullSince],
            _ => &[Column::ProbationEnd],
        }
    };
    for c in has_dates_of(stage) {
        r.not_for(*c, stage);
    }
    if extended && !stage.is_member() {
        r.problems
            .push((Column::Extended, RowProblem::NotForStage(stage)));
    }
    let need = |r: &mut Row<'_>, c: Column, d: Option<NaiveDate>| match d {
        Some(d) => Some(d),
        None if r.text(c).is_none() => r.fail(c, RowProblem::Missing),
        None => None, // already reported as no date
    };
    let snapshot = match stage {
        Stage::Applicant => ImportedStage::Applicant {
            applied_on: need(r, Column::AppliedOn, applied)?,
        },
        Stage::Activist => ImportedStage::Activist {
            since: need(r, Column::ActivistSince, activist)?,
        },
        Stage::DevelopmentTarget => {
            let since = need(r, Column::TargetSince, target);
            let Some(introducers) = introducers else {
                if r.text(Column::Introducers).is_none() {
                    r.problems.push((Column::Introducers, RowProblem::Missing));
                }
                return None;
            };
            return Some((
                ImportedStage::DevelopmentTarget {
                    since: since?,
                    introducers,
                },
                None,
            ));
        }
        Stage::Probationary => ImportedStage::Probationary {
            resolution_on: need(r, Column::JoinedOn, joined)?,
            probation_end: end,
            extended,
        },
        _ => {
            let joined_on = need(r, Column::JoinedOn, joined);
            let full_since = need(r, Column::FullSince, full);
            ImportedStage::Full {
                joined_on: joined_on?,
                full_since: full_since?,
            }
        }
    };
    Some((snapshot, introducers))
}
