//! 花名册 (roster files): a roster read from CSV or xlsx into the import
//! API, and a subtree's roster written out as xlsx (feature `roster`, on
//! by default).
//!
//! The column layout, with Chinese headers, is in `docs/IMPORT.md`, with a
//! sample file. This module is pure: it reads bytes and returns bytes,
//! never a file; the service entry points are
//! [`MembersHandle::import_file`](crate::service::MembersHandle::import_file)
//! and [`MembersHandle::export_roster`](crate::service::MembersHandle::export_roster).
//!
//! - **File problems** (not xlsx nor CSV, empty, merged header cells, a
//!   header not in the layout, a required column missing) are a
//!   [`RosterFileError`]: nothing is read.
//! - **Row problems** (a date that is no date, an identity number refused
//!   by the strict reading, the same person on two rows or stored with
//!   other facts, an introducer not found, a guard of the lifecycle) are
//!   listed in the [`RosterReport`], each with its row, its column and
//!   what is wrong. A file with any rejected row writes nothing unless the
//!   import asks for [`ImportFile::commit_good_rows`].

mod date;
mod layout;
mod parse;
mod read;
mod report;
mod write;

pub use layout::Column;
pub use read::{RosterFileError, RosterTable, read};
pub use report::{RejectedRow, RosterReport, RowProblem};

pub(crate) use parse::{Ctx, row};
pub(crate) use write::{id_text, line, xlsx};

use crate::OrgId;

/// 导入花名册 (import a roster file), for
/// [`MembersHandle::import_file`](crate::service::MembersHandle::import_file):
/// the bytes of an xlsx workbook or a UTF-8 CSV file in the layout of
/// `docs/IMPORT.md`.
///
/// ```
/// use dangjian::roster::ImportFile;
/// let req = ImportFile::new(std::fs::read("examples/data/roster.xlsx")?).approved();
/// assert!(req.approve && !req.commit_good_rows);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportFile {
    /// The file's bytes (the format is told by them, not by a name).
    pub bytes: Vec<u8>,
    /// Write the good rows even when some are rejected.
    pub commit_good_rows: bool,
    /// Approve every new record at once (a roster already vetted).
    pub approve: bool,
    /// Accept 15-digit identity numbers, converted to 18 characters.
    pub legacy_id_numbers: bool,
}

impl ImportFile {
    /// Imports `bytes`, all or nothing; the new records wait for approval.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: bytes.into(),
            commit_good_rows: false,
            approve: false,
            legacy_id_numbers: false,
        }
    }

    /// 只导入合格行: writes the good rows and reports the rejected ones
    /// (without it, one rejected row writes nothing).
    pub fn commit_good_rows(mut self) -> Self {
        self.commit_good_rows = true;
        self
    }

    /// Approves every new record at once, issuing member cards (only an
    /// actor who may approve: a committee officer or the platform
    /// administrator).
    pub fn approved(mut self) -> Self {
        self.approve = true;
        self
    }

    /// 一代证: reads 15-digit identity numbers with
    /// [`IdNumber::parse_lenient`](crate::member::IdNumber::parse_lenient)
    /// (without it a 15-digit number is a rejected row).
    pub fn legacy_id_numbers(mut self) -> Self {
        self.legacy_id_numbers = true;
        self
    }
}

/// 导出花名册 (export a roster), for
/// [`MembersHandle::export_roster`](crate::service::MembersHandle::export_roster):
/// the members whose home branch is in `root`'s subtree, as xlsx.
///
/// ```
/// use dangjian::roster::ExportRoster;
/// use dangjian::OrgId;
/// let req = ExportRoster::new(OrgId::new(1)).full_id_numbers();
/// assert!(req.full_id_numbers);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportRoster {
    /// The subtree's root.
    pub root: OrgId,
    /// Write identity and mobile numbers in full (`docs/RULES.md` MEM-15:
    /// committee officers and the platform administrator only); masked
    /// otherwise.
    pub full_id_numbers: bool,
}

impl ExportRoster {
    /// Exports `root`'s subtree, identity and mobile numbers masked.
    pub fn new(root: OrgId) -> Self {
        Self {
            root,
            full_id_numbers: false,
        }
    }

    /// Writes identity and mobile numbers in full (MEM-15).
    pub fn full_id_numbers(mut self) -> Self {
        self.full_id_numbers = true;
        self
    }
}
