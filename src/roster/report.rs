//! 导入报告 (the import report): every rejected row with its column and
//! what is wrong, and what was written.

use super::Column;
use crate::MemberId;
use crate::lifecycle::Stage;
use crate::member::{ContactError, IdNumberError, ImportErrorKind, Member};
use std::fmt;

/// 问题 (what is wrong with a cell or a row), in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowProblem {
    /// A required value is blank.
    #[error("the value is missing")]
    Missing,
    /// The identity number is not valid (a 15-digit number is refused
    /// unless the import allows legacy numbers).
    #[error("{0}")]
    IdNumber(IdNumberError),
    /// A 15-digit first-generation number under the strict reading (an
    /// import that allows legacy numbers converts it).
    #[error(
        "a 15-digit first-generation identity number; convert it, or import with legacy numbers allowed"
    )]
    LegacyIdNumber,
    /// A masked identity number (`110*************2X`), as a masked export
    /// writes it: only a full number can be imported.
    #[error("the identity number is masked; import a file with full numbers")]
    MaskedIdNumber,
    /// A name, mobile number, e-mail address or employee number that is
    /// not valid.
    #[error("{0}")]
    Contact(ContactError),
    /// Text that is no date in any accepted form.
    #[error("{0:?} is not a date (write 2024-03-01, 2024/3/1 or 2024年3月1日)")]
    NotADate(String),
    /// An Excel serial number that is no date (below 1, past 9999-12-31,
    /// or Excel's 1900-02-29).
    #[error("the Excel date serial {0} is not a date")]
    SerialNotADate(String),
    /// The text is not one of the accepted values.
    #[error("{found:?} is not one of: {expected}")]
    NotOneOf {
        /// What the cell holds.
        found: String,
        /// The accepted values.
        expected: &'static str,
    },
    /// No organisation of that name within the actor's scope (an
    /// organisation outside it reads as missing).
    #[error("no organisation named {0:?} within your scope")]
    UnknownBranch(String),
    /// More than one organisation of that name within the actor's scope.
    #[error("{count} organisations are named {name:?}; rename one to import")]
    AmbiguousBranch {
        /// The name.
        name: String,
        /// How many carry it.
        count: usize,
    },
    /// The column has a value the stage does not have.
    #[error("a {} has no value in this column", .0.label_zh())]
    NotForStage(Stage),
    /// The value disagrees with the identity number.
    #[error("does not match the identity number ({0})")]
    DisagreesWithIdNumber(String),
    /// Not exactly two introducers.
    #[error("name exactly two introducers, found {0}")]
    IntroducerCount(usize),
    /// The employee number belongs to another stored record.
    #[error("the employee number is already taken by another record")]
    EmployeeNoTaken,
    /// 与已存档案不符: the identity number is stored with other facts; an
    /// import never overwrites.
    #[error("the identity number is already on record with different {}", .0.join(", "))]
    StoredDifferently(Vec<&'static str>),
    /// An introducer named on another row that is itself rejected.
    #[error("the introducer on row {0} is rejected")]
    IntroducerRejected(u32),
    /// The introducer on another row is not a full member on the date.
    #[error("the introducer on row {row} is not a full member on {on}")]
    IntroducerNotFull {
        /// The introducer's row.
        row: u32,
        /// The introduction date.
        on: chrono::NaiveDate,
    },
    /// The identity number is also on an earlier row.
    #[error("the identity number is also on row {0}")]
    DuplicateIdNumber(u32),
    /// The employee number is also on an earlier row.
    #[error("the employee number is also on row {0}")]
    DuplicateEmployeeNo(u32),
    /// A guard or rule of the import refused the row (the lifecycle, the
    /// memberships, the introducers).
    #[error("{0}")]
    Refused(ImportErrorKind),
}

/// 被拒行 (a rejected row): the row number as the spreadsheet shows it,
/// the column (by header; `None` for the row as a whole) and what is
/// wrong. A row with several problems is listed once per problem.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RejectedRow {
    /// The row number the user sees (the header is the first row).
    pub row: u32,
    /// The column, when one is to blame.
    pub column: Option<Column>,
    /// What is wrong.
    pub problem: RowProblem,
}

impl fmt::Display for RejectedRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "row {}, {}: {}", self.row, c, self.problem),
            None => write!(f, "row {}: {}", self.row, self.problem),
        }
    }
}

/// 导入报告 (what importing a roster file did).
///
/// When any row is rejected and the import did not ask for
/// [`ImportFile::commit_good_rows`](super::ImportFile::commit_good_rows),
/// nothing is written: `created` and `unchanged` are empty and
/// [`RosterReport::is_committed`] is false.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RosterReport {
    /// Every problem of every rejected row, in row order.
    pub rejected: Vec<RejectedRow>,
    /// The records created, in row order.
    pub created: Vec<Member>,
    /// The rows already stored as given (nothing written for them): the
    /// row number and the stored record's id.
    pub unchanged: Vec<(u32, MemberId)>,
    /// How many rows the file has under the header.
    pub rows: usize,
    pub(crate) committed: bool,
}

impl RosterReport {
    /// Whether the good rows were written (always, when no row is
    /// rejected).
    pub fn is_committed(&self) -> bool {
        self.committed
    }

    /// The row numbers rejected, each once, in order.
    pub fn rejected_rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.rejected.iter().map(|r| r.row).collect();
        rows.dedup();
        rows
    }
}

impl fmt::Display for RosterReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rows: {} created, {} unchanged, {} rejected{}",
            self.rows,
            self.created.len(),
            self.unchanged.len(),
            self.rejected_rows().len(),
            if self.committed {
                ""
            } else {
                " (nothing written)"
            }
        )?;
        for r in &self.rejected {
            write!(f, "\n  {r}")?;
        }
        Ok(())
    }
}
