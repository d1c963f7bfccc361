//! 投递 (the dispatcher and the fan-out): events into messages, messages
//! to their channels. [`docs/RULES.md` NOTE-6, NOTE-7]
//!
//! The fan-out reads the events that writes committed to the journal
//! stream `notify.events` after its cursor, turns each into one message
//! per recipient, and enqueues them while moving the cursor in the same
//! transaction, so a second dispatcher doing the same finds the cursor
//! moved and enqueues nothing. The delivery claims due messages under a
//! lease, marks each as sending just before the send, and settles it; no
//! transaction is open while a channel is called.

use super::Session;
use crate::member::Member;
use crate::notify::{
    Audience, CursorMove, DeliverOptions, DeliveryReport, EVENT_STREAM, Enqueue, Event, NewMessage,
    Next, Notifiers, NotifyError, Outcome, OutgoingMessage, Resolution, SendError, Status,
    StoredMessage, choose_channel, sms_cost, sms_parts,
};
use crate::notify::{Channel, ChannelStatus, MessageFilter};
use crate::org::OrgTree;
use crate::store::{StoreErrorKind, Stream};
use crate::{Error, MemberId, OrgId};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// Messages for one event, and the members it could not reach.
pub(super) struct Planned {
    pub(super) messages: Vec<NewMessage>,
    pub(super) unreachable: Vec<MemberId>,
}

impl Session {
    /// The current office holders of `orgs` today.
    pub(super) async fn officers_of(&self, orgs: &[OrgId]) -> Result<Vec<MemberId>, Error> {
        let today = self.clock().today();
        let mut ids: Vec<MemberId> = self
            .store()
            .offices_of(orgs)
            .await?
            .into_iter()
            .filter(|h| h.holds_on(today))
            .map(|h| h.member())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// The members an audience names.
    async fn audience_members(&self, audiences: &[Audience]) -> Result<Vec<Member>, Error> {
        let mut ids = BTreeSet::new();
        let mut homes = Vec::new();
        for a in audiences {
            match a {
                Audience::Member(m) => {
                    ids.insert(*m);
                }
                Audience::Officers(org) => ids.extend(self.officers_of(&[*org]).await?),
                Audience::Members(org) => homes.push(*org),
            }
        }
        let mut members = self
            .store()
            .get_members(&ids.iter().copied().collect::<Vec<_>>())
            .await?;
        if !homes.is_empty() {
            let by_home = self.store().members_by_home(&homes).await?;
            members.extend(
                by_home
                    .into_iter()
                    .filter(|m| m.lifecycle().stage().is_member() && !ids.contains(&m.id())),
            );
        }
        members.sort_by_key(Member::id);
        members.dedup_by_key(|m| m.id());
        Ok(members)
    }

    /// One message per reachable recipient of `event`, keyed by the
    /// event's key, the member and the channel.
    pub(super) async fn plan_event(
        &self,
        event: &Event,
        tree: &OrgTree,
        now: DateTime<Utc>,
    ) -> Result<Planned, Error> {
        let home = match event.subject() {
            crate::notify::Subject::Member(m) => self.store().placement(m).await?.map(|p| p.home),
            _ => None,
        };
        let Some(sender) = event.sender(home).filter(|o| tree.get(*o).is_some()) else {
            return Ok(Planned {
                messages: Vec::new(),
                unreachable: Vec::new(),
            });
        };
        let parent = tree.parent(sender);
        let members = self
            .audience_members(&event.audiences(home, parent))
            .await?;
        let n = self.notifications();
        let settings = n.for_org(sender, tree);
        let not_before = settings.quiet.map_or(now, |q| q.release_at(now, n.offset));
        let mut names = std::collections::BTreeMap::new();
        for (var, org) in event.org_variables() {
            if let Some(o) = tree.get(org) {
                names.insert(var.to_owned(), o.name.as_str().to_owned());
            }
        }
        if let Some(subject) = event.member_variable() {
            if let Some(m) = self.store().get_member(subject).await? {
                names.insert("member".to_owned(), m.identity().name.as_str().to_owned());
            }
        }
        let mut planned = Planned {
            messages: Vec::with_capacity(members.len()),
            unreachable: Vec::new(),
        };
        for m in &members {
            let contact = m.contact();
            let Some((channel, to)) = choose_channel(
                contact,
                &contact.channels,
                &settings.channels,
                n.default_channels(),
            ) else {
                planned.unreachable.push(m.id());
                continue;
            };
            let name = m.identity().name.as_str();
            let text = n
                .templates
                .render_named(event, channel, name, &names)
                .map_err(NotifyError::from)?;
            let key = format!("{}/{}/{channel}", event.key(), m.id());
            let mut out = OutgoingMessage::new(key, channel, to, name, text.body);
            if let Some(subject) = text.subject {
                out = out.subject(subject);
            }
            if let Some(provider) = text.provider {
                out = out.provider_template(provider);
            }
            let cost = message_cost(&out, m.id(), n)?;
            planned.messages.push(
                NewMessage::new(sender, out, now)
                    .to_member(m.id())
                    .not_before(not_before)
                    .cost(cost),
            );
        }
        Ok(planned)
    }

    /// Fans out up to `limit` events after the cursor.
    async fn fan_out(&self, limit: usize, report: &mut DeliveryReport) -> Result<(), Error> {
        let store = self.store();
        let stream = Stream::trusted(EVENT_STREAM);
        let from = store.cursor(EVENT_STREAM).await?;
        let entries = store.journal(&stream, from, limit).await?;
        let Some(last) = entries.last().map(|e| e.id) else {
            return Ok(());
        };
        let tree = store.org_tree().await?;
        let now = self.clock().now();
        let mut messages = Vec::new();
        for entry in &entries {
            match Event::from_journal(&entry.body) {
                Some(event) => match self.plan_event(&event, &tree, now).await {
                    Ok(planned) => {
                        report.events += 1;
                        messages.extend(planned.messages);
                    }
                    // A template missing for a channel, a text too long:
                    // the event is skipped (counted), never a block on
                    // the events after it.
                    Err(Error::Notify(_)) => report.unreadable_events += 1,
                    Err(e) => return Err(e),
                },
                None => report.unreadable_events += 1,
            }
        }
        let batch = Enqueue::new(messages).cursor(CursorMove {
            name: EVENT_STREAM.to_owned(),
            from,
            to: last,
        });
        match store.enqueue(batch).await {
            Ok(done) => report.enqueued += done.stored,
            // Another dispatcher fanned these events out first.
            Err(e) if *e.kind() == StoreErrorKind::Conflict => {}
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// One dispatcher run (see [`super::NotifyHandle::deliver_due`]).
    ///
    /// Each claimed message is checked (an adapter for its channel, a
    /// send interrupted on a channel that cannot deduplicate), then its
    /// rate limits are taken in the store: a message over a full limit is
    /// held back to the time the limit has room, without a try. The rest
    /// are sent in batches of their adapter's size, each marked sending
    /// just before its batch goes.
    pub(super) async fn run_dispatcher(
        &self,
        notifiers: &Notifiers,
        opts: &DeliverOptions,
    ) -> Result<DeliveryReport, Error> {
        let mut report = DeliveryReport::default();
        self.fan_out(opts.fan_out.max(1), &mut report).await?;
        let store = self.store();
        let now = self.clock().now();
        let until = now + opts.lease;
        let claimed = store.claim(&opts.owner, now, until, opts.batch).await?;
        report.claimed = claimed.len();
        let margin = opts.lease / 5;
        let mut batches: std::collections::BTreeMap<Channel, Vec<StoredMessage>> =
            std::collections::BTreeMap::new();
        for m in claimed {
            if self.clock().now() + margin >= until {
                report.left += 1;
                continue;
            }
            let Some(m) = self.ready(m, notifiers, opts, &mut report).await? else {
                continue;
            };
            let channel = m.channel();
            let size = notifiers.get(channel).map_or(1, |n| n.batch_size().max(1));
            let batch = batches.entry(channel).or_default();
            batch.push(m);
            if batch.len() >= size {
                let full = std::mem::take(batch);
                self.send_batch(full, notifiers, opts, until, &mut report)
                    .await?;
            }
        }
        for (_, batch) in batches {
            if !batch.is_empty() {
                self.send_batch(batch, notifiers, opts, until, &mut report)
                    .await?;
            }
        }
        self.reconcile(notifiers, opts.reconcile, &mut report)
            .await?;
        self.receipts(notifiers, opts, &mut report).await?;
        Ok(report)
    }

    /// A claimed message that may be sent now, or `None` when it was
    /// settled instead (no adapter, an interrupted send that cannot be
    /// repeated, a full rate limit).
    async fn ready(
        &self,
        m: StoredMessage,
        notifiers: &Notifiers,
        opts: &DeliverOptions,
        report: &mut DeliveryReport,
    ) -> Result<Option<StoredMessage>, Error> {
        let owner = opts.owner.as_str();
        let policy = self.notifications().retry;
        let Some(notifier) = notifiers.get(m.channel()) else {
            let error = SendError::Retryable {
                channel: m.channel(),
                reason: "no adapter for this channel is registered".into(),
                retry_after: None,
            };
            let outcome = outcome_of(&policy, m.attempts.max(1), &error, self.clock().now());
            self.settle_counted(&m, owner, outcome, report).await?;
            return Ok(None);
        };
        if m.interrupted && !notifier.deduplicates() {
            // The last holder stopped while sending: it may have gone, and
            // the channel would not drop a second copy.
            let outcome = Outcome::Unknown {
                error: "a dispatcher stopped while sending it".into(),
            };
            self.settle_counted(&m, owner, outcome, report).await?;
            return Ok(None);
        }
        let keys = notifier.limits(&m.message);
        if keys.is_empty() {
            return Ok(Some(m));
        }
        let now = self.clock().timestamp();
        match self.store().take_rate(&keys, now).await {
            Ok(None) => Ok(Some(m)),
            Ok(Some(at)) => {
                let outcome = Outcome::RetryAt {
                    at,
                    error: format!("held back by a rate limit until {at}"),
                };
                if self.store().settle(m.id, owner, outcome).await? {
                    report.throttled += 1;
                } else {
                    report.left += 1;
                }
                Ok(None)
            }
            // The adapter named a malformed key: this message can never go.
            Err(e) if *e.kind() == StoreErrorKind::Rejected => {
                let outcome = Outcome::DeadLetter {
                    error: format!("the adapter's rate limit is malformed: {e}"),
                };
                self.settle_counted(&m, owner, outcome, report).await?;
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Sends one batch on one channel and settles each message by its own
    /// result.
    async fn send_batch(
        &self,
        batch: Vec<StoredMessage>,
        notifiers: &Notifiers,
        opts: &DeliverOptions,
        until: DateTime<Utc>,
        report: &mut DeliveryReport,
    ) -> Result<(), Error> {
        let store = self.store();
        let owner = opts.owner.as_str();
        let policy = self.notifications().retry;
        let Some(notifier) = batch.first().and_then(|m| notifiers.get(m.channel())) else {
            return Ok(());
        };
        if self.clock().now() + opts.lease / 5 >= until {
            // Too little of the lease is left to start: the next run (or
            // another dispatcher once the lease expires) takes them.
            report.left += batch.len();
            return Ok(());
        }
        let mut started = Vec::with_capacity(batch.len());
        for m in batch {
            if store.start_sending(m.id, owner).await? {
                started.push(m);
            } else {
                report.left += 1;
            }
        }
        if started.is_empty() {
            return Ok(());
        }
        let messages: Vec<OutgoingMessage> = started.iter().map(|m| m.message.clone()).collect();
        let mut results = notifier.send_batch(&messages).await.into_iter();
        for m in &started {
            let attempt = m.attempts.saturating_add(1);
            let outcome = match results.next() {
                Some(Ok(accepted)) => Outcome::Delivered {
                    channel_id: accepted.channel_id,
                    at: self.clock().now(),
                },
                Some(Err(error)) => outcome_of(&policy, attempt, &error, self.clock().now()),
                // An adapter that answered fewer results than messages:
                // whether the rest went is not known.
                None => Outcome::Unknown {
                    error: "the adapter gave no result for this message".into(),
                },
            };
            self.settle_counted(m, owner, outcome, report).await?;
        }
        Ok(())
    }

    /// Asks the channels that report receipts about delivered, unread
    /// messages of the last `receipt_window`, a page per run, going round.
    async fn receipts(
        &self,
        notifiers: &Notifiers,
        opts: &DeliverOptions,
        report: &mut DeliveryReport,
    ) -> Result<(), Error> {
        let channels: Vec<Channel> = Channel::ALL
            .into_iter()
            .filter(|c| notifiers.get(*c).is_some_and(|n| n.reports_receipts()))
            .collect();
        if channels.is_empty() || opts.receipts == 0 {
            return Ok(());
        }
        let since = self.clock().now() - opts.receipt_window;
        let after = self.receipts_cursor().lock().map_or(None, |c| *c);
        let filter = MessageFilter::status(Status::Delivered)
            .on_channels(channels)
            .unread_since(since);
        let page = self.store().messages(&filter, after, opts.receipts).await?;
        let next = if page.len() < opts.receipts {
            None
        } else {
            page.last().map(|m| m.id)
        };
        if let Ok(mut c) = self.receipts_cursor().lock() {
            *c = next;
        }
        for m in page {
            let Some(notifier) = notifiers.get(m.channel()) else {
                continue;
            };
            let resolution = match notifier.status(&m.message, m.channel_id.as_deref()).await {
                Ok(Some(ChannelStatus::Read { at, .. })) => Resolution::Read { at },
                Ok(Some(ChannelStatus::NotDelivered { reason })) => Resolution::NotDelivered {
                    error: format!("dropped after the channel accepted it: {reason}"),
                },
                _ => continue,
            };
            let read = matches!(resolution, Resolution::Read { .. });
            if self.store().resolve(m.id, resolution).await?.is_some() {
                if read {
                    report.read += 1;
                } else {
                    report.dropped += 1;
                }
            }
        }
        Ok(())
    }

    async fn settle_counted(
        &self,
        m: &StoredMessage,
        owner: &str,
        outcome: Outcome,
        report: &mut DeliveryReport,
    ) -> Result<(), Error> {
        let counter = match &outcome {
            Outcome::Delivered { .. } => &mut report.delivered,
            Outcome::RetryAt { .. } => &mut report.retried,
            Outcome::Unknown { .. } => &mut report.unknown,
            _ => &mut report.dead_lettered,
        };
        if self.store().settle(m.id, owner, outcome).await? {
            *counter += 1;
        } else {
            report.left += 1;
        }
        Ok(())
    }

    /// Asks the channels about unknown messages.
    async fn reconcile(
        &self,
        notifiers: &Notifiers,
        limit: usize,
        report: &mut DeliveryReport,
    ) -> Result<(), Error> {
        if limit == 0 {
            return Ok(());
        }
        let store = self.store();
        let unknown = store
            .messages(&MessageFilter::status(Status::Unknown), None, limit)
            .await?;
        for m in unknown {
            let Some(notifier) = notifiers.get(m.channel()) else {
                continue;
            };
            let Ok(Some(status)) = notifier.status(&m.message, m.channel_id.as_deref()).await
            else {
                continue;
            };
            let done = match status {
                ChannelStatus::Delivered { at } => {
                    store.resolve(m.id, Resolution::Delivered { at }).await?
                }
                ChannelStatus::Read { delivered_at, at } => {
                    let d = store
                        .resolve(m.id, Resolution::Delivered { at: delivered_at })
                        .await?;
                    if d.is_some() {
                        store.resolve(m.id, Resolution::Read { at }).await?;
                    }
                    d
                }
                ChannelStatus::NotDelivered { reason } => {
                    store
                        .resolve(m.id, Resolution::NotDelivered { error: reason })
                        .await?
                }
            };
            if done.is_some() {
                report.reconciled += 1;
            }
        }
        Ok(())
    }
}

/// What the retry schedule makes of a failed try.
fn outcome_of(
    policy: &crate::notify::RetryPolicy,
    attempt: u32,
    error: &SendError,
    now: DateTime<Utc>,
) -> Outcome {
    let text = error.to_string();
    match policy.next(attempt, error, now) {
        Next::RetryAt(at) => Outcome::RetryAt { at, error: text },
        Next::Reconcile => Outcome::Unknown { error: text },
        Next::DeadLetter => Outcome::DeadLetter { error: text },
    }
}

/// A message's cost (SMS parts × price, rounded to the fen), after
/// checking its size for its channel.
pub(super) fn message_cost(
    out: &OutgoingMessage,
    member: MemberId,
    n: &crate::notify::Notifications,
) -> Result<crate::dues::Money, Error> {
    if out.body.len() > out.channel.max_body_bytes() {
        return Err(NotifyError::TooLarge {
            member,
            channel: out.channel,
            bytes: out.body.len(),
            max: out.channel.max_body_bytes(),
        }
        .into());
    }
    if out.channel != Channel::Sms {
        return Ok(crate::dues::Money::ZERO);
    }
    let parts = sms_parts(&n.sms.signature, &out.body).map_err(NotifyError::from)?;
    Ok(sms_cost(parts, 1, n.sms.price_per_part).map_err(NotifyError::from)?)
}
