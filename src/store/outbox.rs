//! 发件箱存储 (outbox storage): messages with their lease, status and
//! tries; the budget spent per organisation and year; the cursors of the
//! event fan-out. [`docs/RULES.md` NOTE-6 … NOTE-8]
//!
//! Every method is one atomic step. What must hold however many
//! dispatchers run at once is the store's to enforce: one message per
//! idempotency key, one holder per message (a claim takes only what is due
//! or whose lease has expired, and a settle by anyone but the holder
//! changes nothing), the budget (the spent amount and the charge are
//! checked and recorded in the enqueue's own transaction), and one fan-out
//! per journal entry (the cursor moves by compare-and-set).

use super::StoreError;
use crate::dues::Money;
use crate::notify::{Enqueue, MessageFilter, Outcome, RateKey, Resolution, StoredMessage};
use crate::{JournalId, MessageId, OrgId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// What an enqueue stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Enqueued {
    /// Messages stored.
    pub stored: usize,
    /// Messages skipped because their key was in the outbox already.
    pub skipped: usize,
}

impl Enqueued {
    /// The counts (for stores).
    pub fn new(stored: usize, skipped: usize) -> Self {
        Self { stored, skipped }
    }
}

/// 发件箱存储: the notification outbox.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use dangjian::notify::{Channel, Enqueue, NewMessage, Outcome, OutgoingMessage, Status};
/// use dangjian::store::{MemoryStore, OutboxStore};
/// use dangjian::OrgId;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let now = Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap();
/// let store = MemoryStore::new();
/// let out = OutgoingMessage::new("dues/member#7/email", Channel::Email, "zs@example.com", "张三", "请按时交纳党费。");
/// let batch = Enqueue::new(vec![NewMessage::new(OrgId::new(2), out, now)]);
/// assert_eq!(store.enqueue(batch.clone()).await?.stored, 1);
/// assert_eq!(store.enqueue(batch).await?.skipped, 1); // the same key: skipped
/// let until = now + Duration::seconds(60);
/// let claimed = store.claim("node-a", now, until, 10).await?;
/// assert_eq!(claimed.len(), 1);
/// assert!(store.claim("node-b", now, until, 10).await?.is_empty()); // held by node-a
/// let id = claimed[0].id;
/// assert!(store.start_sending(id, "node-a").await?);
/// let done = Outcome::Delivered { channel_id: None, at: now };
/// assert!(!store.settle(id, "node-b", done.clone()).await?); // not the holder
/// assert!(store.settle(id, "node-a", done).await?);
/// assert_eq!(store.message(id).await?.unwrap().status, Status::Delivered);
/// assert_eq!(store.prune(now + Duration::seconds(1)).await?, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Stores the messages whose key is new (ids assigned in the order
    /// given; a key repeated within the batch is stored once), records
    /// `spend`, and moves `cursor`, all in one step. Refused, storing
    /// nothing: [`super::StoreErrorKind::Rejected`] when the spend would
    /// take the organisation's year past its budget;
    /// [`super::StoreErrorKind::Conflict`] when the cursor is not where
    /// the batch read it.
    async fn enqueue(&self, batch: Enqueue) -> Result<Enqueued, StoreError>;

    /// Claims up to `limit` (capped at [`crate::notify::MAX_CLAIM`])
    /// messages for `owner` until `until`, oldest due first: pending ones
    /// due at `now`, and leased or sending ones whose lease has expired
    /// by `now` (those that were sending come back `interrupted`). Each
    /// claim counts as no try; [`OutboxStore::start_sending`] does.
    async fn claim(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError>;

    /// Marks a message that `owner` holds as sending and counts a try.
    /// `false` (and no change) when `owner` no longer holds it.
    async fn start_sending(&self, id: MessageId, owner: &str) -> Result<bool, StoreError>;

    /// Settles a message that `owner` holds. `false` (and no change) when
    /// `owner` no longer holds it: its lease expired and another
    /// dispatcher took it.
    async fn settle(
        &self,
        id: MessageId,
        owner: &str,
        outcome: Outcome,
    ) -> Result<bool, StoreError>;

    /// Applies a reconciliation or a person's decision. `None` (and no
    /// change) when the message does not exist or the resolution does not
    /// apply to its status (only an unknown message is found delivered,
    /// an unknown or a delivered one not delivered, only a delivered one
    /// is read, only a dead-lettered or unknown
    /// one is retried).
    async fn resolve(
        &self,
        id: MessageId,
        resolution: Resolution,
    ) -> Result<Option<StoredMessage>, StoreError>;

    /// One message.
    async fn message(&self, id: MessageId) -> Result<Option<StoredMessage>, StoreError>;

    /// The message with this idempotency key.
    async fn message_by_key(&self, key: &str) -> Result<Option<StoredMessage>, StoreError>;

    /// The messages that pass `filter`, with an id above `after`, by id,
    /// at most `limit` (capped at [`crate::notify::MAX_CLAIM`]).
    async fn messages(
        &self,
        filter: &MessageFilter,
        after: Option<MessageId>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError>;

    /// Deletes the delivered messages delivered before `before`; returns
    /// how many. Their keys go with them, so pruning keeps a key only as
    /// long as the retention the integrator chose.
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// What `org` has spent in budget year `year`.
    async fn spent(&self, org: OrgId, year: i32) -> Result<Money, StoreError>;

    /// Where the named cursor stands (`None` before its first move).
    async fn cursor(&self, name: &str) -> Result<Option<JournalId>, StoreError>;

    /// 限流: records one send at `now` under every key whose windows
    /// allow it, all or none, and answers `None`; when any key is full
    /// it records nothing and answers the earliest time all would allow
    /// one ([`crate::notify::wait_for_all`] over each key's sends).
    ///
    /// One atomic step however many dispatchers call it: two callers
    /// never both take the last place in a window. A store may forget a
    /// send once it is older than its key's longest window. A key with a
    /// malformed name ([`RateKey::name_ok`]) is
    /// [`super::StoreErrorKind::Rejected`], recording nothing.
    async fn take_rate(
        &self,
        keys: &[RateKey],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;
}

/// The keys a [`OutboxStore::take_rate`] may take (for stores): each name
/// well-formed, no name twice, at most 16 keys.
///
/// # Errors
/// [`super::StoreErrorKind::Rejected`] naming the first bad key.
///
/// ```
/// use dangjian::notify::{RateKey, Window};
/// use dangjian::store::check_rate_keys;
/// let a = RateKey::new("sms.aliyun:13800000000", [Window::per_minute(1)]);
/// assert!(check_rate_keys(&[a.clone()]).is_ok());
/// assert!(check_rate_keys(&[a.clone(), a]).is_err());
/// assert!(check_rate_keys(&[RateKey::new("has space", [])]).is_err());
/// ```
pub fn check_rate_keys(keys: &[RateKey]) -> Result<(), StoreError> {
    use super::StoreErrorKind;
    if keys.len() > MAX_RATE_KEYS {
        return Err(StoreError::new(
            StoreErrorKind::Rejected,
            format!(
                "{} rate keys in one take; at most {MAX_RATE_KEYS}",
                keys.len()
            ),
        ));
    }
    for (i, k) in keys.iter().enumerate() {
        if !k.name_ok() {
            return Err(StoreError::new(
                StoreErrorKind::Rejected,
                "a rate key name must be 1 to 200 bytes of printable ASCII",
            ));
        }
        if keys.iter().take(i).any(|o| o.name == k.name) {
            return Err(StoreError::new(
                StoreErrorKind::Rejected,
                format!("the rate key {} is named twice", k.name),
            ));
        }
    }
    Ok(())
}

/// The most keys one [`OutboxStore::take_rate`] takes.
pub const MAX_RATE_KEYS: usize = 16;
