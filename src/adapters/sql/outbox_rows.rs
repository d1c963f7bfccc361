//! The outbox's row codec for the SQL stores (`docs/RULES.md` NOTE-6):
//! a `notify_messages` row back into a [`StoredMessage`], checked against
//! itself and its document, and the bound columns of new rows.

use crate::dues::Money;
use crate::notify::{Lease, Status, StoredMessage};
use crate::store::StoreError;
use crate::store::document::{self, ChannelDocument, OutgoingMessageDocument};
use crate::{MemberId, MessageId, OrgId};
use chrono::{DateTime, Utc};

/// Rows in one multi-row `INSERT` of messages: 8 parameters a row, so
/// 32,000 parameters, under SQLite's 32,766 (and PostgreSQL's 65,535).
pub(crate) const MESSAGE_CHUNK: usize = 4_000;

/// The columns of a message row, in the order of [`MessageRow`]; money is
/// read as decimal text on both backends.
macro_rules! message_columns {
    () => {
        "id, idempotency_key, org_id, member_id, channel, status, attempts, next_at, \
         lease_owner, lease_until, interrupted, last_error, channel_id, \
         CAST(cost AS TEXT) AS cost, created_at, delivered_at, read_at, message"
    };
}

/// A `notify_messages` row as read.
#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    id: i64,
    idempotency_key: String,
    org_id: i64,
    member_id: Option<i64>,
    channel: String,
    status: String,
    attempts: i64,
    next_at: DateTime<Utc>,
    lease_owner: Option<String>,
    lease_until: Option<DateTime<Utc>>,
    interrupted: bool,
    last_error: Option<String>,
    channel_id: Option<String>,
    cost: String,
    created_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    read_at: Option<DateTime<Utc>>,
    message: String,
}

/// An amount read as decimal text (`CAST(… AS TEXT)`), yuan.
pub(crate) fn money_from_text(text: &str, what: &str) -> Result<Money, StoreError> {
    text.parse::<rust_decimal::Decimal>()
        .ok()
        .and_then(|d| Money::try_new(d).ok())
        .ok_or_else(|| super::corrupt(format!("{what}: `{text}` is not an amount in yuan")))
}

/// A message row back into the domain; the key and channel columns must
/// agree with the document, and the lease columns with the status.
pub(crate) fn message_from_row(r: MessageRow) -> Result<StoredMessage, StoreError> {
    use super::{corrupt, from_db};
    const TABLE: &str = "notify_messages";
    let id = r.id;
    let what = format!("{TABLE} row {id}");
    let message = document::decode_domain::<OutgoingMessageDocument>(&r.message, TABLE, id)?;
    let channel = ChannelDocument::parse(&r.channel)
        .ok_or_else(|| corrupt(format!("{what}: `{}` is not a channel", r.channel)))?;
    if message.idempotency_key != r.idempotency_key || message.channel != channel.into_domain() {
        return Err(corrupt(format!(
            "{what}: the key or channel columns disagree with the message"
        )));
    }
    let status = Status::parse(&r.status)
        .ok_or_else(|| corrupt(format!("{what}: `{}` is not a status", r.status)))?;
    let attempts = u32::try_from(r.attempts)
        .map_err(|_| corrupt(format!("{what}: {} tries is out of range", r.attempts)))?;
    let lease = match (r.lease_owner, r.lease_until) {
        (Some(owner), Some(until)) => Some(Lease { owner, until }),
        (None, None) => None,
        _ => return Err(corrupt(format!("{what}: half a lease"))),
    };
    if lease.is_some() != matches!(status, Status::Leased | Status::Sending) {
        return Err(corrupt(format!(
            "{what}: a {status} message with{} a lease",
            if lease.is_some() { "" } else { "out" }
        )));
    }
    Ok(StoredMessage {
        id: MessageId::new(from_db(id)?),
        org: OrgId::new(from_db(r.org_id)?),
        member: r.member_id.map(from_db).transpose()?.map(MemberId::new),
        message,
        cost: money_from_text(&r.cost, &what)?,
        status,
        attempts,
        next_at: r.next_at,
        lease,
        last_error: r.last_error,
        channel_id: r.channel_id,
        created_at: r.created_at,
        delivered_at: r.delivered_at,
        read_at: r.read_at,
        interrupted: r.interrupted,
    })
}

/// Message rows back into the domain.
pub(crate) fn messages_from_rows(rows: Vec<MessageRow>) -> Result<Vec<StoredMessage>, StoreError> {
    rows.into_iter().map(message_from_row).collect()
}

/// The bound columns of a new message row (borrowing the message): key,
/// organisation, member, channel, due, cost, created, document.
pub(crate) type NewRow<'a, M> = (
    &'a str,
    i64,
    Option<i64>,
    &'static str,
    DateTime<Utc>,
    M,
    DateTime<Utc>,
    String,
);

/// The rows of the messages whose key is first in the batch, in order.
pub(crate) fn new_rows<M>(
    messages: &[crate::notify::NewMessage],
    money: impl Fn(Money) -> M,
) -> Result<Vec<NewRow<'_, M>>, StoreError> {
    use super::{to_db, to_json};
    let mut seen = std::collections::HashSet::with_capacity(messages.len());
    let mut rows = Vec::with_capacity(messages.len());
    for m in messages {
        if !seen.insert(m.key()) {
            continue;
        }
        rows.push((
            m.key(),
            to_db(m.org.get())?,
            m.member.map(|x| to_db(x.get())).transpose()?,
            ChannelDocument::from_domain(m.message.channel).as_str(),
            m.not_before,
            money(m.cost),
            m.created_at,
            to_json(&OutgoingMessageDocument::from_domain(&m.message))?,
        ));
    }
    Ok(rows)
}
