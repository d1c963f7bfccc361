//! 错误 (errors): one crate error for integrators, area errors inside.
//!
//! Rule functions return their own area's error ([`IdNumberError`],
//! [`TransitionError`], [`MembershipError`] …) so messages stay exact.
//! Services return [`Error`], which wraps them and adds permission, lookup,
//! conflict and store failures; [`Error::kind`] gives a stable category to
//! match on.

use crate::access::Denied;
use crate::dues::DuesError;
use crate::election::ElectionError;
use crate::lifecycle::TransitionError;
use crate::member::{ContactError, IdNumberError, MembershipError, RegistrationError};
use crate::org::OrgError;
use crate::record::RecordError;
use crate::rules::RuleVersionError;
use crate::store::{StoreError, StoreErrorKind, UniqueField};

/// The stable category of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input was malformed (an identity number, a name, an amount).
    InvalidInput,
    /// The input was well-formed but a rule forbids it (a guard of the
    /// lifecycle, a cycle in the tree, a second home branch).
    RuleViolation,
    /// The actor's scope does not cover the target (越权).
    PermissionDenied,
    /// The target does not exist.
    NotFound,
    /// A duplicate (一人一档) or a concurrent change; reread and retry.
    Conflict,
    /// The store failed.
    Store,
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
    #[error("organisation: {0}")]
    Org(#[from] OrgError),
    /// A membership rule.
    #[error("membership: {0}")]
    Membership(#[from] MembershipError),
    /// A lifecycle guard.
    #[error("lifecycle: {0}")]
    Transition(#[from] TransitionError),
    /// An activity-record entry.
    #[error("activity record: {0}")]
    Record(#[from] RecordError),
    /// A registration.
    #[error("registration: {0}")]
    Registration(#[from] RegistrationError),
    /// A rule set.
    #[error("rules: {0}")]
    Rules(#[from] RuleVersionError),
    /// 选举与表决: an election, ballot, motion or appraisal rule.
    #[error("vote: {0}")]
    Election(#[from] ElectionError),
    /// A dues rule or bad dues input (党费).
    #[error("dues: {0}")]
    Dues(#[from] DuesError),
    /// 越权: the actor may not do this.
    #[error("permission denied: {0}")]
    PermissionDenied(Denied),
    /// The target does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// 一人一档: a unique field is taken.
    #[error("duplicate {0:?}: a record with it already exists")]
    Duplicate(UniqueField),
    /// A concurrent change; reread and retry.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The store failed.
    #[error("store: {0}")]
    Store(StoreError),
}

impl Error {
    /// The stable category.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::IdNumber(_) | Self::Contact(_) | Self::Record(_) | Self::Rules(_) => {
                ErrorKind::InvalidInput
            }
            Self::Org(_) | Self::Membership(_) | Self::Transition(_) | Self::Registration(_) => {
                ErrorKind::RuleViolation
            }
            Self::Election(e) if e.is_invalid_input() => ErrorKind::InvalidInput,
            Self::Election(_) => ErrorKind::RuleViolation,
            Self::Dues(e) => dues_kind(e),
            Self::PermissionDenied(_) => ErrorKind::PermissionDenied,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Duplicate(_) | Self::Conflict(_) => ErrorKind::Conflict,
            Self::Store(_) => ErrorKind::Store,
        }
    }

    /// Whether this is a refusal for lack of scope.
    pub fn is_permission_denied(&self) -> bool {
        self.kind() == ErrorKind::PermissionDenied
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
            StoreErrorKind::NotFound => Self::NotFound(e.message().to_owned()),
            _ => Self::Store(e),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
