//! 通知错误 (notification errors): what a notification call refused, said
//! before anything is enqueued.

use super::sms::SmsError;
use super::template::{Channel, TemplateError};
use crate::dues::Money;
use crate::{MemberId, MessageId, OrgId};

/// Why a notification call was refused. Nothing was enqueued or charged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// A template could not render the message.
    #[error("{0}")]
    Template(#[from] TemplateError),
    /// An SMS too long for its channel, or a cost out of range.
    #[error("{0}")]
    Sms(#[from] SmsError),
    /// A message larger than its channel takes.
    #[error("the message to {member} is {bytes} bytes; {channel} takes at most {max}")]
    TooLarge {
        /// The recipient.
        member: MemberId,
        /// The channel.
        channel: Channel,
        /// Its size.
        bytes: usize,
        /// The channel's limit.
        max: usize,
    },
    /// The broadcast costs more than what is left of the year's budget.
    #[error("{org} has {left} left of its {year} budget of {budget}; the broadcast costs {cost}")]
    OverBudget {
        /// The organisation charged.
        org: OrgId,
        /// The budget year.
        year: i32,
        /// The year's budget (zero when none is set).
        budget: Money,
        /// What is left of it.
        left: Money,
        /// What the broadcast costs.
        cost: Money,
    },
    /// A broadcast key that is empty, too long, or not ASCII letters,
    /// digits, `-`, `_` and `.`.
    #[error("a broadcast key must be 1 to {max} ASCII letters, digits, '-', '_' or '.'")]
    BadKey {
        /// The limit.
        max: usize,
    },
    /// A broadcast with no text.
    #[error("the broadcast has no text")]
    EmptyText,
    /// A broadcast with nobody selected.
    #[error("the broadcast selects nobody")]
    NoRecipients,
    /// A message that cannot be resolved that way (only an unknown
    /// message is found delivered or not, only a dead-lettered or unknown
    /// one is retried, only a delivered one is read).
    #[error("{0} cannot be resolved that way in its present state")]
    NotResolvable(MessageId),
    /// The retention is shorter than the look-ahead of the deadline scan,
    /// which would announce a deadline twice.
    #[error(
        "a retention of {retention_days} days is shorter than the {lookahead_days}-day look-ahead plus a day"
    )]
    RetentionTooShort {
        /// The retention set.
        retention_days: i64,
        /// The look-ahead set.
        lookahead_days: i64,
    },
    /// A dispatcher name that is empty or too long.
    #[error("a dispatcher name must be 1 to {max} bytes")]
    BadOwner {
        /// The limit.
        max: usize,
    },
}

impl NotifyError {
    /// Whether the caller's input was malformed (a template, a size, a
    /// name), as opposed to a rule refusing it (a budget, a state).
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Self::Template(_)
                | Self::Sms(_)
                | Self::TooLarge { .. }
                | Self::BadOwner { .. }
                | Self::BadKey { .. }
                | Self::EmptyText
        )
    }
}
