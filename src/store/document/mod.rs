//! 存储文档 (storage documents): the versioned, public form in which a store
//! keeps each record that is not a plain column.
//!
//! The SQL stores write exactly these documents into their JSON columns, and
//! a third party's store that keeps documents uses the same types, so both
//! read each other's data. A document is separate from the domain type it
//! stores: its field names are fixed here (snake_case English, each with an
//! explicit `#[serde(rename)]`), so renaming a field of, say,
//! [`NewMember`](crate::member::NewMember) breaks the conversion at compile
//! time instead of silently changing stored data. The layout of every
//! document, with an example, is in `docs/ADAPTERS.md` ("Storage
//! documents"); `tests/golden.rs` fixes each serialized shape.
//!
//! Every top-level document starts with `"format": 1` ([`FORMAT`]). A store
//! reads a document with [`decode`] (or [`decode_domain`]), which refuses a
//! document of an unknown format, a missing field or a malformed value as
//! [`StoreErrorKind::Corrupt`], naming the table and the row.
//!
//! | table | column | document |
//! |---|---|---|
//! | `members` | `record` | [`MemberDocument`] |
//! | `activity_records` | `activity` | [`ActivityDocument`] |
//! | `activity_records` | `acted_by` | [`ActedByDocument`] |
//! | `votes` | `record` | [`VoteDocument`] |
//! | `vote_ballots` | `ballot` | [`BallotDocument`] |
//! | `dues_ledger` | `entry` | [`LedgerEntryDocument`] |
//! | `dues_profiles` | `record` | [`DuesProfileDocument`] |
//! | `dues_cases` | `record` | [`DepartureCaseDocument`] |
//! | `orgs` | `kind` | [`OrgKindDocument`] |
//! | `notify_messages` | `message` | [`OutgoingMessageDocument`] |
//! | `disclosure_items` | `record` | [`ItemDocument`] |
//! | `disclosure_applications` | `record` | [`ApplicationDocument`] |
//!
//! Leaf values keep the serde form of their domain type, because that form
//! is a single scalar fixed by the type's own contract: ids are integers,
//! dates ISO `YYYY-MM-DD` strings, months `YYYY-MM`, money and other
//! decimals decimal strings (never floats), validated names and numbers
//! their text. Format 1 also nests the serde form of a few composite domain
//! values as they were stored before documents existed (a lifecycle's
//! history, memberships, a vote's kind, roll and attendance, income
//! declarations, an organisation kind); each field's documentation says so,
//! and the golden tests pin those shapes too, so a change to them fails a
//! test and needs format 2.
//!
//! Unknown fields are ignored rather than refused: serde cannot combine
//! `deny_unknown_fields` with the flattened, tagged bodies used here, and a
//! changed layout always comes with a new format number, which is refused.
//!
//! ```
//! use dangjian::store::document::{self, BallotDocument};
//! use dangjian::store::StoreErrorKind;
//! let doc: BallotDocument = document::decode(r#"{"format":1,"yes":5,"no":2}"#, "vote_ballots", "ab12")?;
//! assert_eq!(doc.yes, 5);
//! let err = document::decode::<BallotDocument>(r#"{"format":99,"yes":5,"no":2}"#, "vote_ballots", "ab12")
//!     .unwrap_err();
//! assert_eq!(err.kind(), &StoreErrorKind::Corrupt);
//! assert!(err.message().contains("vote_ballots row ab12"));
//! # Ok::<(), dangjian::store::StoreError>(())
//! ```

mod discipline;
mod disclosure;
mod dues;
mod ledger;
mod member;
mod notify;
mod office;
mod org;
mod record;
mod vote;

pub use discipline::{DecisionDocument, MeasureDocument};
pub use disclosure::{ApplicationDocument, ItemDocument};
pub use dues::{
    CaseStatusDocument, DepartureCaseDocument, DuesProfileDocument, MonthRangeDocument,
};
pub use ledger::{LedgerEntryBody, LedgerEntryDocument, ReliefDocument, ReliefKindDocument};
pub use member::{
    ContactDocument, IdentityDocument, ImIdsDocument, MemberDocument, OccupationDocument,
    RegistrationDocument,
};
pub use notify::{ChannelDocument, OutgoingMessageDocument, ProviderTemplateDocument};
pub use office::OfficeHolderDocument;
pub use org::OrgKindDocument;
pub use record::{
    ActedByBody, ActedByDocument, ActivityBody, ActivityDocument, RewardOrSanctionDocument,
};
pub use vote::{BallotDocument, VoteDocument, VoteStatusDocument};

use crate::store::{StoreError, StoreErrorKind};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The current format of every storage document. Format 0 was the serde
/// form of the domain types without a `format` field (before migration
/// 0006); format 1 is that layout, frozen, with `"format": 1` first.
pub const FORMAT: u32 = 1;

/// A storage document: one stored record in its versioned, public form.
///
/// Implemented by each document's owned form (`MemberDocument<'static>`,
/// which [`decode`] produces); the borrowed form, built by `from_domain`
/// (or `from_new` / `from_member`), is what a store encodes.
pub trait Document: Serialize + DeserializeOwned {
    /// The domain value the document stores.
    type Domain;

    /// The format the document says it is in.
    fn format(&self) -> u32;

    /// The domain value, checked by the domain's own rules (a lifecycle is
    /// replayed, a month range must be ordered, declarations validated).
    ///
    /// # Errors
    /// [`DocumentError`] when the document is well formed but its content
    /// breaks a rule of the domain.
    fn into_domain(self) -> Result<Self::Domain, DocumentError>;
}

/// A document that parses but does not make a valid domain value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DocumentError(pub String);

impl DocumentError {
    /// An error with this message.
    pub fn new(message: impl fmt::Display) -> Self {
        Self(message.to_string())
    }
}

/// Only the format of a document, to explain why a document did not parse.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    format: Option<u32>,
}

fn corrupt(message: String) -> StoreError {
    StoreError::new(StoreErrorKind::Corrupt, message)
}

/// Reads a document from its JSON text, stored in `table` at `row` (the
/// row's key, for the message).
///
/// # Errors
/// [`StoreErrorKind::Corrupt`], naming the table and row, for a document of
/// another format than [`FORMAT`] (saying which), one without a format, a
/// missing field, or a value that does not parse.
pub fn decode<D: Document>(
    json: &str,
    table: &str,
    row: impl fmt::Display,
) -> Result<D, StoreError> {
    match serde_json::from_str::<D>(json) {
        Ok(doc) if doc.format() == FORMAT => Ok(doc),
        Ok(doc) => Err(unknown_format(table, &row, doc.format())),
        Err(e) => Err(match serde_json::from_str::<Probe>(json) {
            Ok(Probe {
                format: Some(found),
            }) if found != FORMAT => unknown_format(table, &row, found),
            Ok(Probe { format: None }) => corrupt(format!(
                "{table} row {row}: the stored document has no format (written before \
                 migration 0006?): {e}"
            )),
            _ => corrupt(format!("{table} row {row} no longer parses: {e}")),
        }
        .with_source(e)),
    }
}

fn unknown_format(table: &str, row: &dyn fmt::Display, found: u32) -> StoreError {
    corrupt(format!(
        "{table} row {row}: the stored document is in format {found}, which this library \
         does not know (it reads format {FORMAT})"
    ))
}

/// [`decode`], then [`Document::into_domain`].
///
/// # Errors
/// As [`decode`]; a document that breaks a domain rule is also
/// [`StoreErrorKind::Corrupt`], naming the table and row.
pub fn decode_domain<D: Document>(
    json: &str,
    table: &str,
    row: impl fmt::Display,
) -> Result<D::Domain, StoreError> {
    let doc: D = decode(json, table, &row)?;
    doc.into_domain()
        .map_err(|e| corrupt(format!("{table} row {row}: {e}")).with_source(e))
}

/// The JSON text of a document, as a store writes it.
///
/// # Errors
/// [`StoreErrorKind::Rejected`] if the value cannot be encoded (a map with
/// keys that are not strings; no document here has one).
pub fn encode<D: Serialize>(doc: &D) -> Result<String, StoreError> {
    serde_json::to_string(doc).map_err(|e| {
        StoreError::new(StoreErrorKind::Rejected, "could not encode a document").with_source(e)
    })
}

/// Deserializes an `Option` that must be present (as `null` when empty):
/// serde would otherwise take a missing optional field for `None`.
fn required<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}
