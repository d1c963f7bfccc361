//! The plain store's outbox, written from the public contract alone: the
//! messages in a `Vec` by id with a set of the keys in use, the spending by
//! organisation and year, the cursors by name. Every method runs under the
//! store's one lock, so each is one atomic step.

use super::PlainStore;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use dangjian::dues::Money;
use dangjian::notify::{
    Enqueue, MAX_CLAIM, MessageFilter, Outcome, Resolution, Status, StoredMessage,
};
use dangjian::store::{Enqueued, OutboxStore, StoreError, StoreErrorKind};
use dangjian::{JournalId, MessageId, OrgId};
use std::collections::{BTreeMap, BTreeSet};

/// The outbox part of the plain store's state.
#[derive(Default)]
pub struct Outbox {
    /// By id, ascending (ids only grow).
    messages: Vec<StoredMessage>,
    keys: BTreeSet<String>,
    issued: u64,
    spent: BTreeMap<(OrgId, i32), Money>,
    cursors: BTreeMap<String, JournalId>,
    /// Every send recorded per rate key (never forgotten: a plain store
    /// may keep them all).
    rates: BTreeMap<String, Vec<DateTime<Utc>>>,
}

impl Outbox {
    fn position(&self, id: MessageId) -> Option<usize> {
        self.messages.binary_search_by_key(&id, |m| m.id).ok()
    }

    /// The message `owner` holds, for a change.
    fn held(&mut self, id: MessageId, owner: &str) -> Option<&mut StoredMessage> {
        let at = self.position(id)?;
        self.messages.get_mut(at).filter(|m| m.held_by(owner))
    }
}

#[async_trait]
impl OutboxStore for PlainStore {
    async fn enqueue(&self, batch: Enqueue) -> Result<Enqueued, StoreError> {
        let mut s = self.state();
        let o = &mut s.outbox;
        if let Some(c) = &batch.cursor {
            if o.cursors.get(&c.name) != c.from.as_ref() {
                return Err(StoreError::new(
                    StoreErrorKind::Conflict,
                    format!("cursor {} moved", c.name),
                ));
            }
        }
        let charge = match &batch.spend {
            None => None,
            Some(spend) => {
                let key = (spend.org, spend.year);
                let before = o.spent.get(&key).copied().unwrap_or(Money::ZERO);
                let after = before
                    .checked_add(spend.amount)
                    .filter(|total| *total <= spend.budget)
                    .ok_or_else(|| {
                        StoreError::new(StoreErrorKind::Rejected, "over the year's budget")
                    })?;
                Some((key, after))
            }
        };
        let total = batch.messages.len();
        let mut stored = 0;
        for new in batch.messages {
            if o.keys.insert(new.key().to_owned()) {
                o.issued += 1;
                o.messages
                    .push(StoredMessage::pending(MessageId::new(o.issued), new));
                stored += 1;
            }
        }
        if let Some((key, after)) = charge {
            o.spent.insert(key, after);
        }
        if let Some(c) = batch.cursor {
            o.cursors.insert(c.name, c.to);
        }
        Ok(Enqueued::new(stored, total - stored))
    }

    async fn claim(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let mut s = self.state();
        let o = &mut s.outbox;
        let mut due: Vec<usize> = (0..o.messages.len())
            .filter(|&i| o.messages[i].claimable(now))
            .collect();
        due.sort_by_key(|&i| (o.messages[i].next_at, o.messages[i].id));
        due.truncate(limit.min(MAX_CLAIM));
        let mut out = Vec::with_capacity(due.len());
        for i in due {
            let taken = o.messages[i].clone().claimed(owner, until);
            o.messages[i] = taken.clone();
            out.push(taken);
        }
        Ok(out)
    }

    async fn start_sending(&self, id: MessageId, owner: &str) -> Result<bool, StoreError> {
        let mut s = self.state();
        let Some(m) = s.outbox.held(id, owner) else {
            return Ok(false);
        };
        m.status = Status::Sending;
        m.attempts = m.attempts.saturating_add(1);
        Ok(true)
    }

    async fn settle(
        &self,
        id: MessageId,
        owner: &str,
        outcome: Outcome,
    ) -> Result<bool, StoreError> {
        let mut s = self.state();
        let Some(m) = s.outbox.held(id, owner) else {
            return Ok(false);
        };
        *m = m.clone().settled(&outcome);
        Ok(true)
    }

    async fn resolve(
        &self,
        id: MessageId,
        resolution: Resolution,
    ) -> Result<Option<StoredMessage>, StoreError> {
        let mut s = self.state();
        let o = &mut s.outbox;
        let Some(at) = o.position(id) else {
            return Ok(None);
        };
        let next = o.messages[at].clone().resolved(&resolution);
        if let Some(next) = &next {
            o.messages[at] = next.clone();
        }
        Ok(next)
    }

    async fn message(&self, id: MessageId) -> Result<Option<StoredMessage>, StoreError> {
        let s = self.state();
        Ok(s.outbox
            .position(id)
            .map(|at| s.outbox.messages[at].clone()))
    }

    async fn message_by_key(&self, key: &str) -> Result<Option<StoredMessage>, StoreError> {
        let s = self.state();
        Ok(s.outbox
            .messages
            .iter()
            .find(|m| m.message.idempotency_key == key)
            .cloned())
    }

    async fn messages(
        &self,
        filter: &MessageFilter,
        after: Option<MessageId>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let s = self.state();
        Ok(s.outbox
            .messages
            .iter()
            .filter(|m| Some(m.id) > after && filter.matches(m))
            .take(limit.min(MAX_CLAIM))
            .cloned()
            .collect())
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut s = self.state();
        let o = &mut s.outbox;
        let old = |m: &StoredMessage| {
            m.status == Status::Delivered && m.delivered_at.is_some_and(|at| at < before)
        };
        let (gone, kept): (Vec<_>, Vec<_>) = o.messages.drain(..).partition(|m| old(m));
        o.messages = kept;
        for m in &gone {
            o.keys.remove(&m.message.idempotency_key);
        }
        Ok(u64::try_from(gone.len()).unwrap())
    }

    async fn spent(&self, org: OrgId, year: i32) -> Result<Money, StoreError> {
        let s = self.state();
        Ok(s.outbox
            .spent
            .get(&(org, year))
            .copied()
            .unwrap_or(Money::ZERO))
    }

    async fn cursor(&self, name: &str) -> Result<Option<JournalId>, StoreError> {
        Ok(self.state().outbox.cursors.get(name).copied())
    }

    async fn take_rate(
        &self,
        keys: &[dangjian::notify::RateKey],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        dangjian::store::check_rate_keys(keys)?;
        let mut s = self.state();
        let o = &mut s.outbox;
        let empty = Vec::new();
        let mut wait: Option<DateTime<Utc>> = None;
        for k in keys {
            let sent = o.rates.get(&k.name).unwrap_or(&empty);
            if let Some(at) = dangjian::notify::wait_until(sent, &k.windows, now) {
                wait = Some(wait.map_or(at, |w| w.max(at)));
            }
        }
        if wait.is_some() {
            return Ok(wait);
        }
        for k in keys {
            o.rates.entry(k.name.clone()).or_default().push(now);
        }
        Ok(None)
    }
}
