//! 投递调度 (the dispatcher's inputs and report): the channel adapters it
//! may use, how much it claims and for how long, and what a run did
//! (`docs/RULES.md` NOTE-6).

use super::delivery::Notifier;
use super::outbox::{MAX_CLAIM, MAX_OWNER_LEN};
use super::template::Channel;
use chrono::Duration;
use std::collections::BTreeMap;
use std::sync::Arc;

/// 渠道适配器表: the adapters a dispatcher sends through, one per channel.
///
/// ```
/// use dangjian::notify::Notifiers;
/// let n = Notifiers::new();
/// assert!(n.get(dangjian::notify::Channel::Email).is_none());
/// ```
#[derive(Clone, Default)]
pub struct Notifiers {
    by_channel: BTreeMap<Channel, Arc<dyn Notifier>>,
}

impl std::fmt::Debug for Notifiers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.by_channel.keys()).finish()
    }
}

impl Notifiers {
    /// No adapters.
    pub fn new() -> Self {
        Self::default()
    }

    /// With `notifier` for its channel (replacing an earlier one).
    #[must_use]
    pub fn with(mut self, notifier: Arc<dyn Notifier>) -> Self {
        self.by_channel.insert(notifier.channel(), notifier);
        self
    }

    /// The adapter for `channel`.
    pub fn get(&self, channel: Channel) -> Option<&Arc<dyn Notifier>> {
        self.by_channel.get(&channel)
    }
}

/// 调度参数: one dispatcher run. The owner names this dispatcher (a node
/// of the OA cluster); two dispatchers must use different names.
///
/// ```
/// use dangjian::notify::DeliverOptions;
/// let o = DeliverOptions::new("oa-node-1").batch(20);
/// assert_eq!(o.batch, 20);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliverOptions {
    /// This dispatcher's name (1 to 100 bytes).
    pub owner: String,
    /// Messages claimed per run (at most 1,000; default 50).
    pub batch: usize,
    /// How long a claim holds (default 5 minutes). A run stops starting
    /// sends when less than a fifth of it is left, so a slow channel never
    /// outlives the lease.
    pub lease: Duration,
    /// Events fanned out into messages per run (default 1,000).
    pub fan_out: usize,
    /// Unknown messages reconciled per run (default 100).
    pub reconcile: usize,
    /// Delivered, unread messages asked about per run, on the channels
    /// whose adapter reports receipts (default 100).
    pub receipts: usize,
    /// How long after delivery a message is still asked about (default 3
    /// days).
    pub receipt_window: Duration,
}

impl DeliverOptions {
    /// Defaults for the dispatcher named `owner`.
    pub fn new(owner: impl Into<String>) -> Self {
        Self {
            owner: owner.into(),
            batch: 50,
            lease: Duration::minutes(5),
            fan_out: 1_000,
            reconcile: 100,
            receipts: 100,
            receipt_window: Duration::days(3),
        }
    }

    /// Delivered, unread messages asked about per run (0: none).
    #[must_use]
    pub fn receipts(mut self, receipts: usize) -> Self {
        self.receipts = receipts.min(MAX_CLAIM);
        self
    }

    /// Messages claimed per run.
    #[must_use]
    pub fn batch(mut self, batch: usize) -> Self {
        self.batch = batch.clamp(1, MAX_CLAIM);
        self
    }

    /// The lease.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Whether the owner name is well-formed.
    pub fn owner_ok(&self) -> bool {
        !self.owner.is_empty() && self.owner.len() <= MAX_OWNER_LEN
    }
}

/// 调度报告: what one dispatcher run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DeliveryReport {
    /// Events fanned out into messages.
    pub events: usize,
    /// Journal entries skipped: not an event this library can read, or
    /// one no template or channel could carry (a template missing for a
    /// channel, a text too long for it).
    pub unreadable_events: usize,
    /// Messages enqueued by the fan-out.
    pub enqueued: usize,
    /// Messages claimed.
    pub claimed: usize,
    /// Accepted by their channel.
    pub delivered: usize,
    /// Held back without a try because a rate limit was full
    /// (`docs/RULES.md` NOTE-10); due again when it has room.
    pub throttled: usize,
    /// Delivered messages the channel reported read.
    pub read: usize,
    /// Delivered messages the channel reported dropped after accepting
    /// them (now dead letters).
    pub dropped: usize,
    /// To be tried again later.
    pub retried: usize,
    /// Given up (dead letters).
    pub dead_lettered: usize,
    /// Outcome unknown, waiting for reconciliation.
    pub unknown: usize,
    /// Unknown messages settled from their channel's status.
    pub reconciled: usize,
    /// Claimed messages left for the next run (the lease ran short, or
    /// another dispatcher took them over).
    pub left: usize,
}
