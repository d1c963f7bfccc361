//! Outbox checks (`docs/RULES.md` NOTE-6 … NOTE-8): one message per key,
//! claims that respect due time, order, limit and lease and never hand one
//! message to two dispatchers, settles and resolutions exactly as
//! [`StoredMessage::settled`] and [`StoredMessage::resolved`] say, pruning,
//! the budget and the fan-out cursor checked in the enqueue's own step,
//! listing by filter and page, and rate limits taken all or none
//! (NOTE-10).

mod claims;
mod enqueue;
mod rates;

pub(super) use claims::{
    an_expired_lease_is_reclaimed, claims_respect_due_time_order_and_limit,
    concurrent_claimers_never_share_a_message, each_outcome_settles_as_specified,
    each_resolution_applies_only_where_it_may, only_the_holder_starts_and_settles,
};
pub(super) use enqueue::{
    budget_allows_exactly_its_amount, concurrent_enqueues_never_exceed_the_budget,
    cursor_moves_by_compare_and_set, keys_are_unique_within_and_across_batches,
    large_batches_cross_statement_chunks, messages_filter_and_page,
    messages_round_trip_every_field, prune_removes_only_what_was_delivered_before,
};
pub(super) use rates::{
    concurrent_rate_takes_never_pass_the_limit, malformed_rate_keys_are_refused_recording_nothing,
    rate_takes_are_all_or_none_and_answer_when_there_is_room,
};

use crate::dues::Money;
use crate::notify::{
    Channel, Enqueue, MAX_CLAIM, MessageFilter, NewMessage, Outcome, OutgoingMessage, StoredMessage,
};
use crate::store::{Enqueued, Store};
use crate::{MessageId, OrgId};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;

/// The checks' clock: 2024-06-03 09:00:00 UTC plus `secs` seconds.
pub(super) fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap() + Duration::seconds(secs)
}

/// `at(0)` plus `ms` milliseconds (exact on every backend).
pub(super) fn at_ms(ms: i64) -> DateTime<Utc> {
    at(0) + Duration::milliseconds(ms)
}

/// A message from `org` keyed `key`, due at `due`, costing 5 fen; e-mail
/// or SMS by the key's length.
pub(super) fn message(org: u64, key: &str, due: DateTime<Utc>) -> NewMessage {
    let (channel, to) = if key.len() % 2 == 0 {
        (Channel::Email, "zhangsan@example.com")
    } else {
        (Channel::Sms, "13800138000")
    };
    let out = OutgoingMessage::new(
        key,
        channel,
        to,
        "张三",
        "【党建】张三同志：请于本月底前交纳六月党费。",
    );
    NewMessage::new(OrgId::new(org), out, at(0))
        .not_before(due)
        .cost(Money::from_fen(5))
}

/// Messages from org 1 keyed `keys`, all due at `at(0)`.
pub(super) fn batch(keys: &[&str]) -> Vec<NewMessage> {
    keys.iter().map(|k| message(1, k, at(0))).collect()
}

pub(super) async fn enqueue(store: &Arc<dyn Store>, messages: Vec<NewMessage>) -> Enqueued {
    store.enqueue(Enqueue::new(messages)).await.unwrap()
}

/// The stored message keyed `key`.
pub(super) async fn by_key(store: &Arc<dyn Store>, key: &str) -> StoredMessage {
    store
        .message_by_key(key)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no message keyed {key}"))
}

/// The stored message `id`.
pub(super) async fn get(store: &Arc<dyn Store>, id: MessageId) -> StoredMessage {
    store
        .message(id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no {id}"))
}

/// Every message that passes `filter`, paging by `page`.
pub(super) async fn listed(
    store: &Arc<dyn Store>,
    filter: &MessageFilter,
    page: usize,
) -> Vec<StoredMessage> {
    let mut out: Vec<StoredMessage> = Vec::new();
    loop {
        let after = out.last().map(|m| m.id);
        let next = store.messages(filter, after, page).await.unwrap();
        assert!(next.len() <= page.min(MAX_CLAIM), "a page past its limit");
        if next.is_empty() {
            return out;
        }
        out.extend(next);
    }
}

/// Every message, by id.
pub(super) async fn all(store: &Arc<dyn Store>) -> Vec<StoredMessage> {
    listed(store, &MessageFilter::all(), MAX_CLAIM).await
}

/// The keys of `messages`, in their order.
pub(super) fn keys(messages: &[StoredMessage]) -> Vec<String> {
    messages
        .iter()
        .map(|m| m.message.idempotency_key.clone())
        .collect()
}

/// Delivered at `at` (no channel id).
pub(super) fn delivered(at: DateTime<Utc>) -> Outcome {
    Outcome::Delivered {
        channel_id: None,
        at,
    }
}

/// Enqueues `new` (due by `at(0)`, when no other message is due), claims
/// it for `owner`, starts it and settles it with `outcome`; returns it as
/// stored afterwards.
pub(super) async fn settled(
    store: &Arc<dyn Store>,
    new: NewMessage,
    owner: &str,
    outcome: Outcome,
) -> StoredMessage {
    assert_eq!(enqueue(store, vec![new]).await.stored, 1);
    let claimed = store.claim(owner, at(0), at(60), MAX_CLAIM).await.unwrap();
    assert_eq!(claimed.len(), 1, "another message was due");
    let id = claimed[0].id;
    assert!(store.start_sending(id, owner).await.unwrap());
    assert!(store.settle(id, owner, outcome).await.unwrap());
    get(store, id).await
}
