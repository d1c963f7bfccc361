//! 存量导入 (bulk import): the planner; see [`ImportPlan`] for how it works.

mod each;
mod plan;
mod row;
#[cfg(test)]
mod tests;

pub use each::plan_import_each;
pub use plan::plan_import;
pub use row::RosterRow;

use crate::MemberId;
use crate::lifecycle::{Stage, TransitionError};
use crate::member::{IdNumber, MembershipError, NewMember};
use chrono::NaiveDate;
use std::fmt;

/// 导入失败 (import refused): the row (its index in the roster, from 0) and
/// why. Nothing of the batch is to be written. Never shows a whole identity
/// number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}: {error}")]
pub struct ImportError {
    /// The row's index in the roster (from 0).
    pub row: usize,
    /// Why it was refused.
    pub error: ImportErrorKind,
}

/// Why a row of an import was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportErrorKind {
    /// A guard of the lifecycle refused the record.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A membership rule refused the memberships.
    #[error(transparent)]
    Membership(#[from] MembershipError),
    /// The identity number gives a birth date after today.
    #[error("the identity number gives a birth date ({birth}) after today ({today})")]
    BornInTheFuture {
        /// From the identity number.
        birth: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// 一人一档: the identity number is also on an earlier row.
    #[error("the identity number is also on row {first_row}")]
    DuplicateIdNumber {
        /// The earlier row.
        first_row: usize,
    },
    /// The employee number is also on an earlier row.
    #[error("the employee number is also on row {first_row}")]
    DuplicateEmployeeNo {
        /// The earlier row.
        first_row: usize,
    },
    /// 介绍人为本人: the row names itself as introducer.
    /// [Development 2014 Art. 14]
    #[error("the row names itself as introducer")]
    OwnIntroducer,
    /// 介绍人不明: an introducer by identity number is neither a row of the
    /// batch nor a stored member. [Development 2014 Art. 14]
    #[error("introducer {introducer} is neither in the batch nor stored")]
    UnknownIntroducer {
        /// The identity number (masked in messages).
        introducer: IdNumber,
    },
    /// 介绍人非正式党员: an introducer from the batch is not a full member
    /// on the introduction date. [Development 2014 Art. 14]
    #[error("introducer on row {introducer_row} is {} on {on}, not a full member", stage_name(*.stage))]
    IntroducerNotFull {
        /// The introducer's row.
        introducer_row: usize,
        /// Their stage on the date (`None` before their record begins).
        stage: Option<Stage>,
        /// The introduction date.
        on: NaiveDate,
    },
    /// 介绍人未通过: the introducer is a row of the batch that is itself
    /// refused ([`plan_import_each`] only). [Development 2014 Art. 14]
    #[error("introducer on row {introducer_row} is refused")]
    IntroducerRejected {
        /// The introducer's row.
        introducer_row: usize,
    },
    /// 与已存档案不符: the identity number is stored with different facts;
    /// the planner does not overwrite.
    #[error("stored as {member} with different {}", .fields.join(", "))]
    Conflict {
        /// The stored record.
        member: MemberId,
        /// The fields that differ.
        fields: Vec<&'static str>,
    },
}

fn stage_name(stage: Option<Stage>) -> &'static str {
    stage.map_or("not yet on record", Stage::label_zh)
}

/// 导入计划中的一行 (a planned row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedRow {
    /// A new record, to be inserted (boxed: a record is large).
    New(Box<NewMember>),
    /// Stored already with the same facts: nothing to write.
    Unchanged(MemberId),
}

/// 存量导入 (bulk import): a pure planner that turns a roster — rows from
/// paper records or an OA spreadsheet — into records ready for one atomic
/// [`insert_members`].
///
/// Each row passes the guards of the live path ([`Lifecycle::import_with`]:
/// the age at application, the activist period, the probation and its one
/// extension, the introducers) and the tree rules of a live membership
/// change ([`Memberships::with_history`]). Nothing is read or written here:
/// the stored records come in through `existing`.
///
/// **Introducers in the batch.** A row names an introducer on the platform
/// by identity number ([`Introducer::ByIdNumber`]), since a roster has no
/// member ids. The planner resolves each such reference:
/// - to a stored member (found by `existing`): replaced by
///   [`Introducer::Member`] with the stored id, and checked on the stored
///   lifecycle;
/// - else to another row of the batch: **kept by identity number**, and
///   checked on that row's planned lifecycle as if it were already stored:
///   the row must be a full member on the introduction date (the listing
///   date, or the admission resolution when the record has none) — the
///   live rule of Development 2014 Art. 14, both introducers full members.
///
/// Keeping batch references by identity number is what makes the write
/// atomic: ids are assigned by the store during the write, so no record can
/// name another's id before it. With the reference kept by the 一人一档
/// key, every [`NewMember`] of the plan is complete, the rows can be
/// inserted in any order, and the service inserts them all in one call; a
/// reader resolves the reference with `find_by_id_number`. The trade-off:
/// the introduced member's record holds the introducer's identity number
/// (masked in `Debug` and `Display`, in full when serialized); an
/// integrator may re-link it to the id after the write. The alternative —
/// ordering rows so that introducers come first and patching their ids in
/// during the write — would need a new store operation.
///
/// **What the service does.** Call [`plan_import`] with the tree, the rules,
/// the calendar, today from the clock and a lookup of stored records by
/// identity number; then `insert_members(plan.into_new_members())`, one
/// atomic write (rows planned [`PlannedRow::Unchanged`] are not written).
/// The store checks employee numbers against stored records in that write.
/// Records are planned [`RegistrationStatus::Pending`], submitted today:
/// the planner does not approve. The caller decides — it may set
/// `registration` on the records before the write; approval issues the
/// member card from the id, so an approved import is a bulk approval after
/// the write.
///
/// **Idempotence.** A row whose identity number is stored is
/// [`PlannedRow::Unchanged`] when its planned record (identity, contact,
/// occupation, lifecycle, memberships) equals the stored one, reading a
/// stored introducer reference by identity number as the member it names
/// now; otherwise it is an [`ImportErrorKind::Conflict`] naming the fields
/// that differ — the planner never overwrites.
///
/// [`insert_members`]: crate::store::MemberStore::insert_members
/// [`Lifecycle::import_with`]: crate::lifecycle::Lifecycle::import_with
/// [`Memberships::with_history`]: crate::member::Memberships::with_history
/// [`Introducer::ByIdNumber`]: crate::lifecycle::Introducer::ByIdNumber
/// [`Introducer::Member`]: crate::lifecycle::Introducer::Member
/// [`RegistrationStatus::Pending`]: crate::member::RegistrationStatus::Pending
///
/// 导入计划 (import plan): one [`PlannedRow`] per roster row, in roster
/// order. [`crate::service::MembersHandle::import`] writes it in one
/// atomic bulk insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    rows: Vec<PlannedRow>,
}

impl ImportPlan {
    fn new(rows: Vec<PlannedRow>) -> Self {
        Self { rows }
    }

    /// Every row, in roster order.
    pub fn rows(&self) -> &[PlannedRow] {
        &self.rows
    }

    /// The new records with their row indices.
    pub fn new_members(&self) -> impl Iterator<Item = (usize, &NewMember)> {
        self.rows.iter().enumerate().filter_map(|(i, r)| match r {
            PlannedRow::New(m) => Some((i, &**m)),
            PlannedRow::Unchanged(_) => None,
        })
    }

    /// The new records, in roster order: the argument of one
    /// `insert_members` call.
    pub fn into_new_members(self) -> Vec<NewMember> {
        self.rows
            .into_iter()
            .filter_map(|r| match r {
                PlannedRow::New(m) => Some(*m),
                PlannedRow::Unchanged(_) => None,
            })
            .collect()
    }

    /// Whether nothing is to be written.
    pub fn is_unchanged(&self) -> bool {
        self.rows
            .iter()
            .all(|r| matches!(r, PlannedRow::Unchanged(_)))
    }
}

impl fmt::Display for PlannedRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::New(m) => write!(f, "new {}", m.identity.id_number),
            Self::Unchanged(id) => write!(f, "unchanged {id}"),
        }
    }
}
