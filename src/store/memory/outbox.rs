//! 发件箱 in memory: messages by id with an index by key, the spending per
//! organisation and year, and the fan-out cursors.

use super::MemoryStore;
use crate::dues::Money;
use crate::notify::{
    Enqueue, MAX_CLAIM, MessageFilter, Outcome, Resolution, Status, StoredMessage,
};
use crate::store::{Enqueued, OutboxStore, StoreError, StoreErrorKind};
use crate::{JournalId, MessageId, OrgId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};

/// The outbox in memory.
#[derive(Default)]
pub(super) struct OutboxState {
    last: u64,
    messages: BTreeMap<MessageId, StoredMessage>,
    by_key: HashMap<String, MessageId>,
    spent: HashMap<(OrgId, i32), Money>,
    cursors: HashMap<String, JournalId>,
    /// Sends per rate key, oldest first.
    rates: HashMap<String, std::collections::VecDeque<DateTime<Utc>>>,
}

impl OutboxState {
    fn held_mut(&mut self, id: MessageId, owner: &str) -> Option<&mut StoredMessage> {
        self.messages.get_mut(&id).filter(|m| m.held_by(owner))
    }
}

#[async_trait]
impl OutboxStore for MemoryStore {
    async fn enqueue(&self, batch: Enqueue) -> Result<Enqueued, StoreError> {
        let mut inner = self.write()?;
        let state = &mut inner.outbox;
        if let Some(c) = &batch.cursor {
            if state.cursors.get(&c.name).copied() != c.from {
                return Err(StoreError::new(
                    StoreErrorKind::Conflict,
                    format!("the cursor {} has moved since it was read", c.name),
                ));
            }
        }
        let mut charge = None;
        if let Some(spend) = &batch.spend {
            let spent = state
                .spent
                .get(&(spend.org, spend.year))
                .copied()
                .unwrap_or(Money::ZERO);
            let total = spend.total_after(spent)?;
            charge = Some(((spend.org, spend.year), total));
        }
        let (mut stored, mut skipped) = (0, 0);
        for new in batch.messages {
            if state.by_key.contains_key(new.key()) {
                skipped += 1;
                continue;
            }
            state.last += 1;
            let id = MessageId::new(state.last);
            state.by_key.insert(new.key().to_owned(), id);
            state.messages.insert(id, StoredMessage::pending(id, new));
            stored += 1;
        }
        if let Some((key, total)) = charge {
            state.spent.insert(key, total);
        }
        if let Some(c) = batch.cursor {
            state.cursors.insert(c.name, c.to);
        }
        Ok(Enqueued::new(stored, skipped))
    }

    async fn claim(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let mut inner = self.write()?;
        let state = &mut inner.outbox;
        let mut due: Vec<(DateTime<Utc>, MessageId)> = state
            .messages
            .values()
            .filter(|m| m.claimable(now))
            .map(|m| (m.next_at, m.id))
            .collect();
        due.sort_unstable();
        let mut out = Vec::new();
        for (_, id) in due.into_iter().take(limit.min(MAX_CLAIM)) {
            if let Some(m) = state.messages.remove(&id) {
                let m = m.claimed(owner, until);
                state.messages.insert(id, m.clone());
                out.push(m);
            }
        }
        Ok(out)
    }

    async fn start_sending(&self, id: MessageId, owner: &str) -> Result<bool, StoreError> {
        let mut inner = self.write()?;
        Ok(match inner.outbox.held_mut(id, owner) {
            Some(m) => {
                m.status = Status::Sending;
                m.attempts = m.attempts.saturating_add(1);
                true
            }
            None => false,
        })
    }

    async fn settle(
        &self,
        id: MessageId,
        owner: &str,
        outcome: Outcome,
    ) -> Result<bool, StoreError> {
        let mut inner = self.write()?;
        Ok(match inner.outbox.held_mut(id, owner) {
            Some(m) => {
                *m = m.clone().settled(&outcome);
                true
            }
            None => false,
        })
    }

    async fn resolve(
        &self,
        id: MessageId,
        resolution: Resolution,
    ) -> Result<Option<StoredMessage>, StoreError> {
        let mut inner = self.write()?;
        let Some(m) = inner.outbox.messages.get_mut(&id) else {
            return Ok(None);
        };
        let Some(next) = m.clone().resolved(&resolution) else {
            return Ok(None);
        };
        *m = next.clone();
        Ok(Some(next))
    }

    async fn message(&self, id: MessageId) -> Result<Option<StoredMessage>, StoreError> {
        Ok(self.read()?.outbox.messages.get(&id).cloned())
    }

    async fn message_by_key(&self, key: &str) -> Result<Option<StoredMessage>, StoreError> {
        let inner = self.read()?;
        let state = &inner.outbox;
        Ok(state
            .by_key
            .get(key)
            .and_then(|id| state.messages.get(id))
            .cloned())
    }

    async fn messages(
        &self,
        filter: &MessageFilter,
        after: Option<MessageId>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let inner = self.read()?;
        let from = after.map_or(MessageId::new(0), |a| {
            MessageId::new(a.get().saturating_add(1))
        });
        Ok(inner
            .outbox
            .messages
            .range(from..)
            .map(|(_, m)| m)
            .filter(|m| filter.matches(m))
            .take(limit.min(MAX_CLAIM))
            .cloned()
            .collect())
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut inner = self.write()?;
        let state = &mut inner.outbox;
        let old: Vec<MessageId> = state
            .messages
            .values()
            .filter(|m| m.status == Status::Delivered && m.delivered_at.is_some_and(|d| d < before))
            .map(|m| m.id)
            .collect();
        for id in &old {
            if let Some(m) = state.messages.remove(id) {
                state.by_key.remove(&m.message.idempotency_key);
            }
        }
        Ok(u64::try_from(old.len()).unwrap_or(u64::MAX))
    }

    async fn spent(&self, org: OrgId, year: i32) -> Result<Money, StoreError> {
        Ok(self
            .read()?
            .outbox
            .spent
            .get(&(org, year))
            .copied()
            .unwrap_or(Money::ZERO))
    }

    async fn cursor(&self, name: &str) -> Result<Option<JournalId>, StoreError> {
        Ok(self.read()?.outbox.cursors.get(name).copied())
    }

    async fn take_rate(
        &self,
        keys: &[crate::notify::RateKey],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        crate::store::check_rate_keys(keys)?;
        let mut inner = self.write()?;
        let rates = &mut inner.outbox.rates;
        for k in keys {
            if let Some(log) = rates.get_mut(&k.name) {
                let horizon = now - k.longest();
                while log.front().is_some_and(|t| *t <= horizon) {
                    log.pop_front();
                }
            }
        }
        let logs: Vec<Vec<DateTime<Utc>>> = keys
            .iter()
            .map(|k| {
                rates
                    .get(&k.name)
                    .map(|l| l.iter().copied().collect())
                    .unwrap_or_default()
            })
            .collect();
        if let Some(at) =
            crate::notify::wait_for_all(keys.iter().zip(logs.iter().map(Vec::as_slice)), now)
        {
            return Ok(Some(at));
        }
        for k in keys.iter().filter(|k| !k.windows.is_empty()) {
            let log = rates.entry(k.name.clone()).or_default();
            // Kept in time order even when callers' clocks disagree.
            let at = log.partition_point(|t| *t <= now);
            log.insert(at, now);
        }
        Ok(None)
    }
}
