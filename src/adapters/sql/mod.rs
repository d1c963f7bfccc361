//! What the SQL adapters share: the row codec, the error mapping, the tree
//! cache, and the one implementation of the store traits (a macro expanded
//! for each backend, because the SQL is the same and only the driver types
//! differ).

use crate::member::Member;
use crate::org::{OrgTree, Organisation};
use crate::store::document::{
    self, ActedByDocument, ActivityDocument, MemberDocument, OrgKindDocument,
};
use crate::store::{StoreError, StoreErrorKind, UniqueField};
use crate::{MemberId, OrgId};
use serde::Serialize;
use std::sync::{Arc, Mutex};

#[macro_use]
mod store_impl;
#[macro_use]
mod votes_impl;
#[macro_use]
mod dues_impl;
#[macro_use]
pub(crate) mod dues_batch;
#[macro_use]
mod discipline_impl;
#[macro_use]
pub(crate) mod disclosure_impl;
#[macro_use]
pub(crate) mod offices_impl;
#[macro_use]
pub(crate) mod outbox_rows;
#[macro_use]
mod outbox_enqueue;
#[macro_use]
pub(crate) mod outbox_impl;

pub(crate) use offices_impl::{OfficeRow, office_from_row};
pub(crate) use outbox_rows::{
    MESSAGE_CHUNK, MessageRow, NewRow, message_from_row, messages_from_rows, money_from_text,
    new_rows,
};

/// An organisation row: id, name, kind (JSON), parent, version.
pub(crate) type OrgRow = (i64, String, String, Option<i64>, i64);

/// A member row: id, version, home branch, record (JSON).
pub(crate) type MemberRow = (i64, i64, i64, String);

/// An activity-record row.
pub(crate) type RecordRow = (
    i64,
    i64,
    chrono::NaiveDate,
    String,
    Option<i64>,
    chrono::DateTime<chrono::Utc>,
    Option<String>,
);

/// A decision row: id, member, date, deciding and approving
/// organisations, body (JSON), recorded at.
pub(crate) type DecisionRow = (
    i64,
    i64,
    chrono::NaiveDate,
    i64,
    i64,
    String,
    chrono::DateTime<chrono::Utc>,
);

/// A decision row back into the domain.
pub(crate) fn decision_from_row(
    (id, member, decided_on, decided_by, approved_by, body, recorded_at): DecisionRow,
) -> Result<crate::discipline::Decision, StoreError> {
    let (measure, title, acted_by) =
        document::decode_domain::<document::DecisionDocument<'static>>(&body, "discipline", id)?;
    Ok(crate::discipline::Decision {
        id: crate::DecisionId::new(from_db(id)?),
        member: MemberId::new(from_db(member)?),
        measure,
        decided_on,
        decided_by: OrgId::new(from_db(decided_by)?),
        approved_by: OrgId::new(from_db(approved_by)?),
        title,
        acted_by,
        recorded_at,
    })
}

/// A journal row: id, stream, org, member, at, body.
pub(crate) type JournalRow = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    chrono::DateTime<chrono::Utc>,
    String,
);

/// A journal row back into the domain.
pub(crate) fn journal_from_row(
    (id, stream, org, member, at, body): JournalRow,
) -> Result<crate::store::JournalEntry, StoreError> {
    let what = format!("journal row {id}");
    let stream = crate::store::Stream::new(stream)
        .map_err(|e| corrupt(format!("{what}: {e}")).with_source(e))?;
    Ok(crate::store::JournalEntry::from_parts(
        crate::JournalId::new(from_db(id)?),
        stream,
        org.map(from_db).transpose()?.map(OrgId::new),
        member.map(from_db).transpose()?.map(MemberId::new),
        at,
        body,
    ))
}

/// Ids bound in one `IN (…)` list: well under SQLite's 32,766 and
/// PostgreSQL's 65,535 parameters per statement.
pub(crate) const IN_CHUNK: usize = 5_000;

/// Rows in one multi-row `INSERT` (at most 8 parameters a row).
pub(crate) const ROW_CHUNK: usize = 1_000;

/// A domain id as the database keeps it (`BIGINT`).
pub(crate) fn to_db(raw: u64) -> Result<i64, StoreError> {
    i64::try_from(raw).map_err(|_| {
        StoreError::new(
            StoreErrorKind::Rejected,
            format!("id {raw} is out of range"),
        )
    })
}

/// A database id as the domain keeps it.
pub(crate) fn from_db(raw: i64) -> Result<u64, StoreError> {
    u64::try_from(raw).map_err(|_| corrupt(format!("negative id {raw}")))
}

pub(crate) fn corrupt(message: impl Into<String>) -> StoreError {
    StoreError::new(StoreErrorKind::Corrupt, message)
}

/// Encodes a storage document ([`crate::store::document`]) for a JSON column.
pub(crate) fn to_json<T: Serialize>(doc: &T) -> Result<String, StoreError> {
    document::encode(doc)
}

/// A member row back into the domain, checked against its own columns.
pub(crate) fn member_from_row(
    (id, version, home, record): MemberRow,
) -> Result<Member, StoreError> {
    let doc = document::decode_domain::<MemberDocument>(&record, "members", id)?;
    let mut m = doc.into_member(MemberId::new(from_db(id)?));
    m.version = from_db(version)?;
    if m.home() != OrgId::new(from_db(home)?) {
        return Err(corrupt(format!(
            "members row {id}: home_org_id disagrees with the record"
        )));
    }
    Ok(m)
}

/// A placement row (home branch, the document's format, its
/// `memberships` as JSON text) back into the access checks' placement.
pub(crate) fn placement_from_row(
    id: MemberId,
    (home, format, memberships): (i64, Option<i64>, Option<String>),
) -> Result<crate::access::Placement, StoreError> {
    let row = id.get();
    if format != Some(i64::from(document::FORMAT)) {
        return Err(corrupt(format!(
            "members row {row}: the stored document is not in format {} (found {format:?})",
            document::FORMAT
        )));
    }
    let memberships = memberships
        .ok_or_else(|| corrupt(format!("members row {row}: the record has no memberships")))?;
    let m: crate::member::Memberships = serde_json::from_str(&memberships).map_err(|e| {
        corrupt(format!(
            "members row {row}: the memberships no longer parse: {e}"
        ))
        .with_source(e)
    })?;
    let p = m.placement();
    if p.home != OrgId::new(from_db(home)?) {
        return Err(corrupt(format!(
            "members row {row}: home_org_id disagrees with the record"
        )));
    }
    Ok(p)
}

/// An activity-record row back into the domain.
pub(crate) fn record_from_row(
    (id, member, occurred_on, activity, recorded_by, recorded_at, acted_by): RecordRow,
) -> Result<crate::record::RecordEntry, StoreError> {
    const TABLE: &str = "activity_records";
    Ok(crate::record::RecordEntry {
        id: crate::RecordId::new(from_db(id)?),
        member: MemberId::new(from_db(member)?),
        occurred_on,
        activity: document::decode_domain::<ActivityDocument>(&activity, TABLE, id)?,
        recorded_by: recorded_by.map(from_db).transpose()?.map(OrgId::new),
        acted_by: acted_by
            .map(|a| document::decode_domain::<ActedByDocument>(&a, TABLE, id))
            .transpose()?,
        recorded_at,
    })
}

/// An organisation row back into the domain.
pub(crate) fn org_from_row(
    (id, name, kind, parent, version): OrgRow,
) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: OrgId::new(from_db(id)?),
        name: name
            .parse()
            .map_err(|e| corrupt(format!("orgs row {id}: bad name: {e}")))?,
        kind: document::decode_domain::<OrgKindDocument>(&kind, "orgs", id)?,
        parent: parent.map(from_db).transpose()?.map(OrgId::new),
        version: from_db(version)?,
    })
}

pub(crate) fn tree_from_rows(rows: Vec<OrgRow>) -> Result<OrgTree, StoreError> {
    let orgs = rows
        .into_iter()
        .map(org_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    OrgTree::from_orgs(orgs).map_err(|e| corrupt(format!("the stored tree is invalid: {e}")))
}

pub(crate) fn rejected(e: crate::org::OrgError) -> StoreError {
    StoreError::new(StoreErrorKind::Rejected, e.to_string()).with_source(e)
}

pub(crate) fn conflict(what: impl std::fmt::Display) -> StoreError {
    StoreError::new(
        StoreErrorKind::Conflict,
        format!("{what} changed since it was read"),
    )
}

pub(crate) fn not_found(what: impl std::fmt::Display) -> StoreError {
    StoreError::new(StoreErrorKind::NotFound, format!("{what} not found"))
}

/// Maps a driver error to a [`StoreError`] with the right kind.
pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    let kind = match &e {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let text = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
            if db.is_unique_violation() && text.contains("id_number") {
                StoreErrorKind::Duplicate(UniqueField::IdNumber)
            } else if db.is_unique_violation() && text.contains("employee_no") {
                StoreErrorKind::Duplicate(UniqueField::EmployeeNo)
            } else if code == "28P01" || code == "28000" {
                StoreErrorKind::AccessDenied
            } else if code == "8" || code == "25006" || db.message().contains("readonly") {
                StoreErrorKind::ReadOnly
            } else if code == "14" {
                // SQLITE_CANTOPEN: a folder that does not exist, no permission.
                StoreErrorKind::Unavailable
            } else if matches!(code.as_ref(), "40001" | "40P01" | "5" | "6" | "517") {
                // serialization failure, deadlock, SQLITE_BUSY, SQLITE_LOCKED
                StoreErrorKind::Conflict
            } else {
                StoreErrorKind::Rejected
            }
        }
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::TypeNotFound { .. }
        | sqlx::Error::ColumnIndexOutOfBounds { .. } => StoreErrorKind::Corrupt,
        sqlx::Error::RowNotFound => StoreErrorKind::NotFound,
        sqlx::Error::Configuration(_) => StoreErrorKind::Config,
        _ => StoreErrorKind::Unavailable,
    };
    // The driver's own words are the source; the message says what it
    // means for the caller, without repeating them.
    let message = match &kind {
        StoreErrorKind::AccessDenied => "check the user name and password".to_owned(),
        StoreErrorKind::ReadOnly => "the file or server accepts no writes".to_owned(),
        StoreErrorKind::Unavailable => "could not open or reach the database".to_owned(),
        StoreErrorKind::Config => "the database URL is malformed".to_owned(),
        StoreErrorKind::Corrupt => "a stored value does not decode".to_owned(),
        _ => match &e {
            sqlx::Error::Database(db) => db.message().to_owned(),
            _ => String::new(),
        },
    };
    StoreError::new(kind, message).with_source(e)
}

/// Maps a migration error: an unknown applied migration means the schema
/// is newer than the library.
pub(crate) fn map_migrate_err(e: sqlx::migrate::MigrateError) -> StoreError {
    use sqlx::migrate::MigrateError;
    let mismatch = |m: String| StoreError::new(StoreErrorKind::SchemaMismatch, m);
    match e {
        MigrateError::VersionMissing(v) => mismatch(format!(
            "the database has migration {v}, which this library does not know: \
             its schema is newer than the library; upgrade the library"
        )),
        MigrateError::VersionMismatch(v) => mismatch(format!(
            "migration {v} in the database differs from this library's"
        )),
        MigrateError::Dirty(v) => mismatch(format!("migration {v} was left half-applied")),
        MigrateError::Execute(inner) => map_err(inner),
        other => StoreError::new(StoreErrorKind::Unavailable, other.to_string()).with_source(other),
    }
}

/// The organisation tree, cached against `tree_meta.version`.
#[derive(Default)]
pub(crate) struct TreeCache(Mutex<Option<(i64, Arc<OrgTree>)>>);

impl TreeCache {
    pub(crate) fn get(&self, version: i64) -> Option<Arc<OrgTree>> {
        let guard = self.0.lock().ok()?;
        guard
            .as_ref()
            .filter(|(v, _)| *v == version)
            .map(|(_, t)| Arc::clone(t))
    }

    pub(crate) fn put(&self, version: i64, tree: &Arc<OrgTree>) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some((version, Arc::clone(tree)));
        }
    }
}
