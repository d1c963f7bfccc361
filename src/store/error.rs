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
        write!(f, "store {:?}: {}", self.kind, self.message)
    }
}

impl StdError for StoreError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
