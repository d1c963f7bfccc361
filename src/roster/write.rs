//! 写出 (writing a roster): one line per member in the layout's columns,
//! identity numbers masked unless the full form is asked for, as xlsx
//! bytes.

use super::Column;
use super::parse::{occupation_label, sex_label};
use crate::lifecycle::{LifecycleEvent, Stage};
use crate::member::{IdNumber, Member};
use crate::org::OrgTree;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

/// A cell to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Empty,
    Text(String),
    Date(NaiveDate),
}

/// One member's line, in [`Column::ALL`] order.
pub(crate) type Line = [Value; Column::ALL.len()];

/// How identity numbers are written.
pub(crate) fn id_text(id: &IdNumber, full: bool) -> String {
    if full {
        id.as_str().to_owned()
    } else {
        id.masked()
    }
}

/// The line of member `m` (not exited); `introducer` gives an
/// introducer's text.
pub(crate) fn line(
    m: &Member,
    tree: &OrgTree,
    full: bool,
    introducer: &dyn Fn(&crate::lifecycle::Introducer) -> String,
) -> Line {
    let mut out: Line = std::array::from_fn(|_| Value::Empty);
    let text = |s: &str| match s {
        "" => Value::Empty,
        s => Value::Text(s.to_owned()),
    };
    let date = |d: Option<NaiveDate>| d.map_or(Value::Empty, Value::Date);
    let id = &m.identity().id_number;
    let l = m.lifecycle();
    let stage = l.stage();
    let mut set = |c: Column, v: Value| {
        if let Some(slot) = out.get_mut(c.index()) {
            *slot = v;
        }
    };
    set(Column::Name, text(m.identity().name.as_str()));
    set(Column::IdNumber, text(&id_text(id, full)));
    set(Column::Sex, text(sex_label(id.sex())));
    set(Column::BirthDate, Value::Date(id.birth_date()));
    let home = m.memberships().home();
    set(
        Column::Branch,
        text(tree.get(home).map_or("", |o| o.name.as_str())),
    );
    set(
        Column::BranchSince,
        Value::Date(m.memberships().home_since()),
    );
    set(Column::Stage, text(stage.label_zh()));
    set(Column::AppliedOn, date(l.applied_on()));
    if stage != Stage::Applicant {
        set(Column::ActivistSince, date(l.activist_since()));
    }
    if !matches!(stage, Stage::Applicant | Stage::Activist) {
        set(Column::TargetSince, date(l.development_target_since()));
    }
    if stage.is_member() {
        set(Column::JoinedOn, date(l.probation_start()));
        set(
            Column::Extended,
            text(if l.extension_used() { "是" } else { "" }),
        );
    }
    match stage {
        Stage::Full => set(Column::FullSince, date(l.full_since())),
        Stage::Probationary => set(Column::ProbationEnd, date(l.probation_end())),
        _ => {}
    }
    if let Some([a, b]) = l.introducers() {
        if !matches!(stage, Stage::Applicant | Stage::Activist) {
            set(
                Column::Introducers,
                text(&format!("{}、{}", introducer(a), introducer(b))),
            );
        }
    }
    let c = m.contact();
    if let Some(no) = &c.employee_no {
        set(Column::EmployeeNo, text(no.as_str()));
    }
    if let Some(mobile) = &c.mobile {
        set(
            Column::Mobile,
            text(&if full {
                mobile.as_str().to_owned()
            } else {
                mobile.masked()
            }),
        );
    }
    if let Some(e) = &c.email {
        set(Column::Email, text(e.as_str()));
    }
    set(Column::Occupation, text(occupation_label(m.occupation())));
    if let Some(LifecycleEvent::Imported {
        guard_override: Some(o),
        ..
    }) = l.history().first().map(|r| &r.event)
    {
        set(Column::OverrideReason, text(o.reason()));
    }
    out
}

/// The workbook: a sheet 花名册 with the header row and one row per line;
/// dates are date cells (yyyy-mm-dd), everything else text.
pub(crate) fn xlsx(lines: &[Line]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("花名册")?;
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (c, column) in Column::ALL.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, c, column.header(), &bold)?;
        sheet.set_column_width(c, if column.is_date() { 12 } else { 14 })?;
    }
    sheet.set_column_width(1, 21)?;
    for (r, line) in lines.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, value) in line.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match value {
                Value::Empty => {}
                Value::Text(s) => {
                    sheet.write_string(r, c, s)?;
                }
                Value::Date(d) => {
                    let month = u8::try_from(d.month()).unwrap_or(1);
                    let dom = u8::try_from(d.day()).unwrap_or(1);
                    let year = u16::try_from(d.year()).unwrap_or(1900);
                    match ExcelDateTime::from_ymd(year, month, dom) {
                        Ok(at) => sheet.write_datetime_with_format(r, c, &at, &day)?,
                        // Before 1900 Excel has no date: written as text.
                        Err(_) => sheet.write_string(r, c, d.format("%Y-%m-%d").to_string())?,
                    };
                }
            }
        }
    }
    book.save_to_buffer()
}
