//! 存储错误: what a store reports.

use std::error::Error as StdError;
use std::fmt;

/// Which unique field a duplicate hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UniqueField {
    /// 身份证号: one person, one record.
    IdNumber,
    /// 工号: the OA login key.
    EmployeeNo,
}

/// The category of a store failure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The record was changed by someone else since it was read (a stale
    /// version): read again and retry.
    Conflict,
    /// A unique field is already taken.
    Duplicate(UniqueField),
    /// The record to change does not exist.
    NotFound,
    /// The write would break a rule the store enforces (e.g. a cycle in
    /// the organisation tree); the message says which.
    Rejected,
    /// Stored data no longer parses (hand-edited, or from a newer schema).
    Corrupt,
    /// The backend could not be reached or failed; may succeed on retry.
    Unavailable,
    /// The backend refused the credentials (a wrong password, a missing
    /// role).
    AccessDenied,
    /// The database is read-only (a read-only file, a standby server).
    ReadOnly,
    /// The database schema is newer than this library (or was altered):
    /// upgrade the library rather than write to it.
    SchemaMismatch,
    /// The store is set up wrongly: a URL whose scheme's feature is off, a
    /// malformed URL, a bare path where `sqlite://…` is meant. Not
    /// retryable.
    Config,
}

impl fmt::Display for UniqueField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::IdNumber => "identity number",
            Self::EmployeeNo => "employee number",
        })
    }
}

impl fmt::Display for StoreErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Conflict => f.write_str("the record changed since it was read"),
            Self::Duplicate(field) => write!(f, "the {field} is already taken"),
            Self::NotFound => f.write_str("the record does not exist"),
            Self::Rejected => f.write_str("the store refused the write"),
            Self::Corrupt => f.write_str("stored data does not parse"),
            Self::Unavailable => f.write_str("the store is unavailable"),
            Self::AccessDenied => f.write_str("the database refused the credentials"),
            Self::ReadOnly => f.write_str("the database is read-only"),
            Self::SchemaMismatch => f.write_str("the database schema does not match this library"),
            Self::Config => f.write_str("the store is set up wrongly"),
        }
    }
}

/// A store failure: a kind, a message, and the backend's own error.
#[derive(Debug)]
pub struct StoreError {
    kind: StoreErrorKind,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl StoreError {
    /// A failure of `kind` with a message.
    pub fn new(kind: StoreErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the backend's error.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// The category.
    pub fn kind(&self) -> &StoreErrorKind {
        &self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether retrying may help (a conflict or an unavailable backend).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            StoreErrorKind::Conflict | StoreErrorKind::Unavailable
        )
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.kind, self.message)
        }
    }
}

impl StdError for StoreError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
