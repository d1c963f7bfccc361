//! 发件箱 (the transactional outbox): messages as they wait, are sent and
//! are settled (`docs/RULES.md` NOTE-6 … NOTE-8).
//!
//! A message is one recipient on one channel. It is enqueued in the same
//! transaction as the change or the scan that caused it, keyed by an
//! idempotency key so the same notification is never enqueued twice. A
//! dispatcher claims due messages under a lease (an owner and an expiry),
//! marks each one as it starts sending it, and settles it with an
//! [`Outcome`]. A lease that expires hands the message to the next
//! dispatcher: one whose send never started is simply sent; one whose send
//! had started is sent again only on a channel that deduplicates, and is
//! otherwise [`Status::Unknown`], to be reconciled, never blindly re-sent.

use super::delivery::OutgoingMessage;
use super::template::Channel;
use crate::dues::Money;
use crate::{JournalId, MemberId, MessageId, OrgId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest idempotency key, in bytes.
pub const MAX_KEY_LEN: usize = 200;

/// The longest dispatcher name, in bytes.
pub const MAX_OWNER_LEN: usize = 100;

/// The most messages one claim returns.
pub const MAX_CLAIM: usize = 1_000;

/// 待发消息: a message to enqueue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewMessage {
    /// The organisation that sends it: its quiet hours and budget apply.
    pub org: OrgId,
    /// The member it goes to, when it goes to a member.
    pub member: Option<MemberId>,
    /// What the channel adapter is given; its idempotency key is the
    /// outbox's unique key (at most [`MAX_KEY_LEN`] bytes).
    pub message: OutgoingMessage,
    /// Not sent before this time (quiet hours, a scheduled broadcast).
    pub not_before: DateTime<Utc>,
    /// What sending it costs (SMS parts × price; zero elsewhere).
    pub cost: Money,
    /// When it was enqueued, by the injected clock.
    pub created_at: DateTime<Utc>,
}

impl NewMessage {
    /// A message from `org`, due at `now`, free of charge.
    pub fn new(org: OrgId, message: OutgoingMessage, now: DateTime<Utc>) -> Self {
        Self {
            org,
            member: None,
            message,
            not_before: now,
            cost: Money::ZERO,
            created_at: now,
        }
    }

    /// To this member.
    #[must_use]
    pub fn to_member(mut self, member: MemberId) -> Self {
        self.member = Some(member);
        self
    }

    /// Not before `at`.
    #[must_use]
    pub fn not_before(mut self, at: DateTime<Utc>) -> Self {
        self.not_before = at;
        self
    }

    /// At this cost.
    #[must_use]
    pub fn cost(mut self, cost: Money) -> Self {
        self.cost = cost;
        self
    }

    /// The idempotency key.
    pub fn key(&self) -> &str {
        &self.message.idempotency_key
    }
}

/// 投递状态: where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting to be claimed (due at [`StoredMessage::next_at`]).
    Pending,
    /// Claimed by a dispatcher, not yet started.
    Leased,
    /// A dispatcher has started sending it.
    Sending,
    /// The channel accepted it.
    Delivered,
    /// It may or may not have gone: waiting for the channel's delivery
    /// status or a person's decision. Never re-sent on its own.
    Unknown,
    /// 死信: given up, with its last error; a person may retry it.
    DeadLetter,
}

impl Status {
    /// The name stored in a database column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Leased => "leased",
            Self::Sending => "sending",
            Self::Delivered => "delivered",
            Self::Unknown => "unknown",
            Self::DeadLetter => "dead_letter",
        }
    }

    /// The status stored under `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Leased,
            Self::Sending,
            Self::Delivered,
            Self::Unknown,
            Self::DeadLetter,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dispatcher's hold on a claimed message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The dispatcher's name (at most [`MAX_OWNER_LEN`] bytes).
    pub owner: String,
    /// When the hold ends, and another dispatcher may claim the message.
    pub until: DateTime<Utc>,
}

/// 已入箱消息: a message as the outbox holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoredMessage {
    /// Assigned by the store.
    pub id: MessageId,
    /// The sending organisation.
    pub org: OrgId,
    /// The member it goes to, if a member.
    pub member: Option<MemberId>,
    /// What the adapter is given.
    pub message: OutgoingMessage,
    /// Its cost.
    pub cost: Money,
    /// Where it stands.
    pub status: Status,
    /// Tries started so far.
    pub attempts: u32,
    /// When it is next due (pending messages).
    pub next_at: DateTime<Utc>,
    /// The current hold, while leased or sending.
    pub lease: Option<Lease>,
    /// The last error, for retried, unknown and dead-lettered messages.
    pub last_error: Option<String>,
    /// The channel's own id for it, once accepted.
    pub channel_id: Option<String>,
    /// When it was enqueued.
    pub created_at: DateTime<Utc>,
    /// When the channel accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the recipient read it, where the channel reports that.
    pub read_at: Option<DateTime<Utc>>,
    /// Whether this claim took it over from a dispatcher whose lease
    /// expired after it had started sending (set by a claim only).
    pub interrupted: bool,
}

impl StoredMessage {
    /// A stored message from its enqueued form, pending (for stores).
    pub fn pending(id: MessageId, new: NewMessage) -> Self {
        Self {
            id,
            org: new.org,
            member: new.member,
            next_at: new.not_before,
            message: new.message,
            cost: new.cost,
            status: Status::Pending,
            attempts: 0,
            lease: None,
            last_error: None,
            channel_id: None,
            created_at: new.created_at,
            delivered_at: None,
            read_at: None,
            interrupted: false,
        }
    }

    /// The channel.
    pub fn channel(&self) -> Channel {
        self.message.channel
    }

    /// Whether a claim at `now` may take it: pending and due, or held
    /// under a lease that has expired.
    pub fn claimable(&self, now: DateTime<Utc>) -> bool {
        match self.status {
            Status::Pending => self.next_at <= now,
            Status::Leased | Status::Sending => self.lease.as_ref().is_none_or(|l| l.until <= now),
            _ => false,
        }
    }

    /// Whether `owner` holds it now.
    pub fn held_by(&self, owner: &str) -> bool {
        matches!(self.status, Status::Leased | Status::Sending)
            && self.lease.as_ref().is_some_and(|l| l.owner == owner)
    }

    /// The message after a claim by `owner` until `until` (for stores):
    /// leased, `interrupted` when a previous holder had started sending.
    pub fn claimed(mut self, owner: &str, until: DateTime<Utc>) -> Self {
        self.interrupted = self.status == Status::Sending;
        self.status = Status::Leased;
        self.lease = Some(Lease {
            owner: owner.to_owned(),
            until,
        });
        self
    }

    /// The message as `outcome` leaves it (for stores).
    pub fn settled(mut self, outcome: &Outcome) -> Self {
        self.lease = None;
        self.interrupted = false;
        match outcome {
            Outcome::Delivered { channel_id, at } => {
                self.status = Status::Delivered;
                self.channel_id.clone_from(channel_id);
                self.delivered_at = Some(*at);
                self.last_error = None;
            }
            Outcome::RetryAt { at, error } => {
                self.status = Status::Pending;
                self.next_at = *at;
                self.last_error = Some(error.clone());
            }
            Outcome::Unknown { error } => {
                self.status = Status::Unknown;
                self.last_error = Some(error.clone());
            }
            Outcome::DeadLetter { error } => {
                self.status = Status::DeadLetter;
                self.last_error = Some(error.clone());
            }
        }
        self
    }

    /// The message as `resolution` leaves it, if the resolution applies
    /// to its status (for stores); `None` when it does not.
    pub fn resolved(mut self, resolution: &Resolution) -> Option<Self> {
        match (resolution, self.status) {
            (Resolution::Delivered { at }, Status::Unknown) => {
                self.status = Status::Delivered;
                self.delivered_at = Some(*at);
            }
            (Resolution::NotDelivered { error }, Status::Unknown | Status::Delivered) => {
                self.status = Status::DeadLetter;
                self.last_error = Some(error.clone());
            }
            (Resolution::Read { at }, Status::Delivered) => {
                if self.read_at.is_none() {
                    self.read_at = Some(*at);
                }
            }
            (Resolution::Retry { at }, Status::DeadLetter | Status::Unknown) => {
                self.status = Status::Pending;
                self.next_at = *at;
                self.attempts = 0;
            }
            _ => return None,
        }
        Some(self)
    }
}

/// 投递结果: how a dispatcher settles a message it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The channel accepted it.
    Delivered {
        /// The channel's id for it.
        channel_id: Option<String>,
        /// When.
        at: DateTime<Utc>,
    },
    /// Try again at `at`.
    RetryAt {
        /// When it is next due.
        at: DateTime<Utc>,
        /// Why this try failed.
        error: String,
    },
    /// The outcome is unknown; reconcile it.
    Unknown {
        /// What happened.
        error: String,
    },
    /// Give up.
    DeadLetter {
        /// The last error.
        error: String,
    },
}

/// 人工或对账处理: what a reconciliation or a person decides about a
/// settled message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "resolution", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Resolution {
    /// An unknown message was delivered after all (the channel's delivery
    /// status says so).
    Delivered {
        /// When.
        at: DateTime<Utc>,
    },
    /// An unknown message was not delivered, or a delivered one was
    /// dropped after the channel accepted it (DingTalk's send result
    /// lists it as flow-controlled): it becomes a dead letter.
    NotDelivered {
        /// Why.
        error: String,
    },
    /// A delivered message was read.
    Read {
        /// When.
        at: DateTime<Utc>,
    },
    /// 重发: a dead-lettered or unknown message is sent again from `at`,
    /// with its tries counted afresh. For an unknown message this is a
    /// person's decision that it did not go.
    Retry {
        /// When it is due.
        at: DateTime<Utc>,
    },
}

/// 年度预算: a charge against an organisation's budget for a year, checked
/// and recorded with the messages it pays for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Spend {
    /// The organisation charged.
    pub org: OrgId,
    /// The budget year.
    pub year: i32,
    /// The charge.
    pub amount: Money,
    /// The year's budget: the store refuses the enqueue when what was
    /// spent already plus `amount` would exceed it.
    pub budget: Money,
}

impl Spend {
    /// A charge of `amount` to `org`'s budget `budget` for `year`.
    ///
    /// ```
    /// use dangjian::notify::Spend;
    /// use dangjian::OrgId;
    /// let s = Spend::new(OrgId::new(1), 2024, "45.00".parse()?, "3000.00".parse()?);
    /// assert_eq!(s.amount.to_string(), "45.00");
    /// # Ok::<(), dangjian::dues::DuesError>(())
    /// ```
    pub fn new(org: OrgId, year: i32, amount: Money, budget: Money) -> Self {
        Self {
            org,
            year,
            amount,
            budget,
        }
    }
}

impl Spend {
    /// What the organisation's year has spent once this charge is added
    /// to `spent`, checked against the budget: what every store records
    /// in the enqueue's transaction.
    ///
    /// # Errors
    /// [`crate::store::StoreErrorKind::Rejected`] past the budget or the
    /// range of an amount.
    pub fn total_after(&self, spent: Money) -> Result<Money, crate::store::StoreError> {
        use crate::store::{StoreError, StoreErrorKind};
        let total = spent
            .checked_add(self.amount)
            .ok_or_else(|| StoreError::new(StoreErrorKind::Rejected, "the spending overflows"))?;
        if total > self.budget {
            return Err(StoreError::new(
                StoreErrorKind::Rejected,
                format!(
                    "{} would spend {total} of its {} budget for {}",
                    self.org, self.budget, self.year
                ),
            ));
        }
        Ok(total)
    }
}

/// 事件游标: moves a named journal cursor from `from` to `to` in the same
/// transaction as the messages an event fan-out enqueues, so two
/// dispatchers fanning out the same events cannot both succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorMove {
    /// The cursor's name.
    pub name: String,
    /// Where the writer read it.
    pub from: Option<JournalId>,
    /// Where it moves.
    pub to: JournalId,
}

/// One enqueue: messages, and optionally a budget charge and a cursor
/// move, stored together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Enqueue {
    /// The messages; one whose key is in the outbox already is skipped.
    pub messages: Vec<NewMessage>,
    /// The charge for them.
    pub spend: Option<Spend>,
    /// The cursor to move.
    pub cursor: Option<CursorMove>,
}

impl Enqueue {
    /// These messages.
    pub fn new(messages: Vec<NewMessage>) -> Self {
        Self {
            messages,
            spend: None,
            cursor: None,
        }
    }

    /// Charged to a budget.
    #[must_use]
    pub fn spend(mut self, spend: Spend) -> Self {
        self.spend = Some(spend);
        self
    }

    /// Moving a cursor.
    #[must_use]
    pub fn cursor(mut self, cursor: CursorMove) -> Self {
        self.cursor = Some(cursor);
        self
    }
}

/// Which messages to list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MessageFilter {
    /// Only these statuses (all when empty).
    pub statuses: Vec<Status>,
    /// Only from these organisations (all when `None`).
    pub orgs: Option<Vec<OrgId>>,
    /// Only on these channels (all when empty).
    pub channels: Vec<Channel>,
    /// Only those delivered after this time and not (yet) read: what a
    /// channel with receipts is asked about.
    pub unread_since: Option<DateTime<Utc>>,
}

impl MessageFilter {
    /// Every message.
    pub fn all() -> Self {
        Self::default()
    }

    /// Messages with this status.
    pub fn status(status: Status) -> Self {
        Self {
            statuses: vec![status],
            ..Self::default()
        }
    }

    /// Messages with any of these statuses.
    #[must_use]
    pub fn statuses(mut self, statuses: Vec<Status>) -> Self {
        self.statuses = statuses;
        self
    }

    /// Only from these organisations.
    #[must_use]
    pub fn from_orgs(mut self, orgs: Vec<OrgId>) -> Self {
        self.orgs = Some(orgs);
        self
    }

    /// Only on these channels.
    #[must_use]
    pub fn on_channels(mut self, channels: Vec<Channel>) -> Self {
        self.channels = channels;
        self
    }

    /// Only delivered after `since` and not read.
    ///
    /// ```
    /// use dangjian::notify::{Channel, MessageFilter, Status};
    /// use chrono::{TimeZone, Utc};
    /// let since = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
    /// let f = MessageFilter::status(Status::Delivered)
    ///     .on_channels(vec![Channel::DingTalk])
    ///     .unread_since(since);
    /// assert_eq!(f.unread_since, Some(since));
    /// ```
    #[must_use]
    pub fn unread_since(mut self, since: DateTime<Utc>) -> Self {
        self.unread_since = Some(since);
        self
    }

    /// Whether `m` passes.
    pub fn matches(&self, m: &StoredMessage) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&m.status))
            && self.orgs.as_ref().is_none_or(|o| o.contains(&m.org))
            && (self.channels.is_empty() || self.channels.contains(&m.channel()))
            && self.unread_since.is_none_or(|since| {
                m.read_at.is_none() && m.delivered_at.is_some_and(|d| d > since)
            })
    }
}

#[cfg(test)]
mod tests;
