//! 错误 (errors): one crate error for integrators, area errors inside.
//!
//! Rule functions return their own area's error ([`IdNumberError`],
//! [`TransitionError`], [`MembershipError`] …) so messages stay exact.
//! Services return [`Error`], which wraps them and adds lookup, permission,
//! conflict, configuration and store failures; [`Error::kind`] gives a
//! stable category to match on and [`Error::is_retryable`] says whether the
//! same call may succeed later.
//!
//! The chain is kept: [`std::error::Error::source`] on a store failure
//! reaches the database driver's own error. Display is one sentence for a
//! person, without the wrapped error's Debug form and without repeating
//! what the source will say.

use crate::access::Denied;
use crate::dues::DuesError;
use crate::election::ElectionError;
use crate::lifecycle::TransitionError;
use crate::member::{ContactError, IdNumberError, MembershipError, RegistrationError};
use crate::org::OrgError;
use crate::record::RecordError;
use crate::rules::RuleVersionError;
use crate::store::{StoreError, StoreErrorKind, UniqueField};
use std::fmt;

/// The stable category of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input was malformed (an identity number, a name, an amount).
    InvalidInput,
    /// The input was well-formed but a rule forbids it (a guard of the
    /// lifecycle, a cycle in the tree, a second home branch).
    RuleViolation,
    /// The target is inside the actor's scope, but the actor's role may
    /// not do this (a member approving an admission, a treasurer changing
    /// a record).
    PermissionDenied,
    /// The target does not exist, or lies outside the actor's scope: the
    /// two are one answer, so nobody can probe which ids exist.
    NotFound,
    /// A duplicate (一人一档; not retryable: the record exists) or a
    /// concurrent change (retryable: read again and retry).
    Conflict,
    /// The library is set up wrongly (a store URL whose feature is off, a
    /// malformed URL). Retrying does not help.
    Config,
    /// A broken invariant inside the library or its store: a bug to report.
    Internal,
    /// The store failed.
    Store,
}

/// 记录类别: what kind of thing a [`Error::NotFound`] was looking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Entity {
    /// An organisation.
    Org,
    /// A member's record.
    Member,
    /// A vote or election.
    Vote,
    /// A self-departure case (自行脱党案件).
    DepartureCase,
    /// A member's dues profile.
    DuesProfile,
    /// A ledger entry.
    LedgerEntry,
    /// A version of a rule set in force on a date.
    RuleVersion,
    /// A message in the notification outbox.
    Message,
    /// 公开事项: an item of the disclosure catalogue.
    Item,
    /// 依申请公开: a member's application for disclosure.
    Application,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Org => "organisation",
            Self::Member => "member",
            Self::Vote => "vote",
            Self::DepartureCase => "self-departure case",
            Self::DuesProfile => "dues profile",
            Self::LedgerEntry => "ledger entry",
            Self::RuleVersion => "rule version",
            Self::Message => "message",
            Self::Item => "disclosure item",
            Self::Application => "application for disclosure",
        })
    }
}

/// What went wrong in a service call. Nothing was stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A malformed identity number.
    #[error("invalid identity number: {0}")]
    IdNumber(#[from] IdNumberError),
    /// A malformed mobile, e-mail, employee number or name.
    #[error("invalid contact detail: {0}")]
    Contact(#[from] ContactError),
    /// An organisation rule.
    #[error("{0}")]
    Org(#[from] OrgError),
    /// A membership rule.
    #[error("{0}")]
    Membership(#[from] MembershipError),
    /// A lifecycle guard.
    #[error("{0}")]
    Transition(#[from] TransitionError),
    /// An activity-record entry.
    #[error("{0}")]
    Record(#[from] RecordError),
    /// A registration.
    #[error("{0}")]
    Registration(#[from] RegistrationError),
    /// A row of a roster import (the row and why; nothing was written).
    #[error("{0}")]
    Import(#[from] crate::member::ImportError),
    /// 花名册文件错误: a roster file that cannot be read (not xlsx nor
    /// CSV, empty, merged header cells, a wrong header).
    #[cfg(feature = "roster")]
    #[cfg_attr(docsrs, doc(cfg(feature = "roster")))]
    #[error("{0}")]
    RosterFile(#[from] crate::roster::RosterFileError),
    /// A rule set.
    #[error("{0}")]
    Rules(#[from] RuleVersionError),
    /// 选举与表决: an election, ballot, motion or appraisal rule.
    #[error("{0}")]
    Election(#[from] ElectionError),
    /// 奖惩: a bad reward, sanction or detention record.
    #[error("{0}")]
    Discipline(#[from] crate::discipline::DisciplineError),
    /// A dues rule or bad dues input (党费).
    #[error("{0}")]
    Dues(#[from] DuesError),
    /// 班子成员: an office-holder rule.
    #[error("{0}")]
    Office(#[from] crate::office::OfficeError),
    /// A notification was refused (a template, a size, a budget).
    #[error("{0}")]
    Notify(#[from] crate::notify::NotifyError),
    /// 党务公开: a disclosure rule (a scope, a review, a publicity period).
    #[error("{0}")]
    Disclosure(#[from] crate::disclosure::DisclosureError),
    /// 无权: the target is in the actor's scope but the role may not act.
    #[error("{0}")]
    PermissionDenied(Denied),
    /// The target does not exist or is outside the actor's scope.
    #[error("{}", not_found_text(*what, id))]
    NotFound {
        /// What kind of thing was looked for.
        what: Entity,
        /// Its id: the number of a typed id (`5` for `member#5`), or for a
        /// rule version the date it was wanted for.
        id: String,
    },
    /// 一人一档: a unique field is taken.
    #[error("a record with this {0} already exists")]
    Duplicate(UniqueField),
    /// A concurrent change; reread and retry.
    #[error("{0}; read again and retry")]
    Conflict(String),
    /// The library is set up wrongly; not retryable.
    #[error("configuration: {0}")]
    Config(String),
    /// A broken invariant (a bug); not retryable.
    #[error("internal error: {0}")]
    Internal(String),
    /// The store failed; [`std::error::Error::source`] gives the store's
    /// error and, below it, the driver's.
    #[error("the store failed")]
    Store(#[source] StoreError),
}

impl Error {
    /// The stable category.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::IdNumber(_) | Self::Contact(_) | Self::Record(_) | Self::Rules(_) => {
                ErrorKind::InvalidInput
            }
            #[cfg(feature = "roster")]
            Self::RosterFile(_) => ErrorKind::InvalidInput,
            Self::Org(_) | Self::Membership(_) | Self::Transition(_) | Self::Registration(_) => {
                ErrorKind::RuleViolation
            }
            Self::Election(e) if e.is_invalid_input() => ErrorKind::InvalidInput,
            Self::Election(_) => ErrorKind::RuleViolation,
            Self::Dues(e) => dues_kind(e),
            Self::Discipline(crate::discipline::DisciplineError::NotAMember { .. }) => {
                ErrorKind::RuleViolation
            }
            Self::Discipline(_) => ErrorKind::InvalidInput,
            Self::Office(e) if e.is_invalid_input() => ErrorKind::InvalidInput,
            Self::Office(_) => ErrorKind::RuleViolation,
            Self::Notify(e) if e.is_invalid_input() => ErrorKind::InvalidInput,
            Self::Notify(_) => ErrorKind::RuleViolation,
            Self::Disclosure(e) if e.is_invalid_input() => ErrorKind::InvalidInput,
            Self::Disclosure(_) => ErrorKind::RuleViolation,
            Self::Import(e) => match &e.error {
                crate::member::ImportErrorKind::Conflict { .. } => ErrorKind::Conflict,
                crate::member::ImportErrorKind::DuplicateIdNumber { .. }
                | crate::member::ImportErrorKind::DuplicateEmployeeNo { .. } => {
                    ErrorKind::InvalidInput
                }
                _ => ErrorKind::RuleViolation,
            },
            Self::PermissionDenied(_) => ErrorKind::PermissionDenied,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Duplicate(_) | Self::Conflict(_) => ErrorKind::Conflict,
            Self::Config(_) => ErrorKind::Config,
            Self::Internal(_) => ErrorKind::Internal,
            Self::Store(_) => ErrorKind::Store,
        }
    }

    /// A [`Error::NotFound`] for `what` with `id` (a typed id such as
    /// `member#5` is kept as its number).
    pub fn not_found(what: Entity, id: impl fmt::Display) -> Self {
        let id = id.to_string();
        let id = match id.split_once('#') {
            Some((_, n)) => n.to_owned(),
            None => id,
        };
        Self::NotFound { what, id }
    }

    /// Whether the role was refused on a target inside the scope.
    pub fn is_permission_denied(&self) -> bool {
        self.kind() == ErrorKind::PermissionDenied
    }

    /// Whether the target was not found (or is outside the scope).
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    /// Whether the same call may succeed if tried again: a concurrent
    /// change, or a store that could not be reached. Configuration errors,
    /// refusals, rule violations and bad input never are.
    ///
    /// ```
    /// use dangjian::Error;
    /// assert!(Error::Conflict("the ledger changed".into()).is_retryable());
    /// assert!(!Error::Config("the sqlite feature is off".into()).is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Conflict(_) => true,
            Self::Store(e) => e.is_retryable(),
            _ => false,
        }
    }
}

fn not_found_text(what: Entity, id: &str) -> String {
    match what {
        Entity::RuleVersion => format!("no rule version is in force on {id}"),
        _ => format!("no {what} with id {id}"),
    }
}

fn dues_kind(e: &DuesError) -> ErrorKind {
    use DuesError as D;
    match e {
        D::NotANumber { .. }
        | D::TooManyDecimals { .. }
        | D::Negative { .. }
        | D::NonPositivePayment(_)
        | D::DeductionsExceedIncome { .. }
        | D::UnknownCategory(_)
        | D::IncomeDoesNotFitCategory { .. }
        | D::InvalidMonth(_)
        | D::InvalidRules(_)
        | D::InvalidPaymentId
        | D::ReasonRequired
        | D::Overflow
        | D::VoluntaryExceedsPayment { .. }
        | D::InTheFuture(_) => ErrorKind::InvalidInput,
        D::UnknownEntry(_) => ErrorKind::NotFound,
        D::PaymentIdConflict(_) => ErrorKind::Conflict,
        _ => ErrorKind::RuleViolation,
    }
}

impl From<Denied> for Error {
    fn from(d: Denied) -> Self {
        Self::PermissionDenied(d)
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e.kind() {
            StoreErrorKind::Duplicate(field) => Self::Duplicate(*field),
            StoreErrorKind::Conflict => Self::Conflict(e.message().to_owned()),
            StoreErrorKind::Config => Self::Config(e.message().to_owned()),
            _ => Self::Store(e),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn store_errors_keep_their_cause_and_read_as_sentences() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let e: Error = StoreError::new(StoreErrorKind::Unavailable, "cannot reach the database")
            .with_source(io)
            .into();
        assert_eq!(e.to_string(), "the store failed");
        let store = e.source().map(ToString::to_string);
        assert_eq!(
            store.as_deref(),
            Some("the store is unavailable: cannot reach the database")
        );
        let driver = e.source().and_then(|s| s.source()).map(ToString::to_string);
        assert_eq!(driver.as_deref(), Some("connection refused"));
        assert!(e.is_retryable());
    }

    #[test]
    fn config_is_not_retryable_and_duplicates_read_plainly() {
        let e: Error = StoreError::new(StoreErrorKind::Config, "no store for `mysql:`").into();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(!e.is_retryable());
        let d = Error::Duplicate(UniqueField::IdNumber);
        assert_eq!(
            d.to_string(),
            "a record with this identity number already exists"
        );
        let n = Error::not_found(Entity::Member, crate::MemberId::new(5));
        assert_eq!(n.to_string(), "no member with id 5");
    }
}
