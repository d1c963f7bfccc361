//! 投递 (delivery): what a channel adapter is asked to send, how it
//! answers, and when a message that failed is tried again.
//!
//! An adapter (SMTP, an OA webhook, an SMS gateway) implements [`Notifier`].
//! It answers each send with a [`SendError`] that says what the dispatcher
//! may do next: try again (and when), give up, or, for a channel that
//! cannot deduplicate, neither — the outcome is unknown and is reconciled
//! from the channel's delivery status, never blindly re-sent
//! (`docs/RULES.md` NOTE-5). [`RetryPolicy::next`] is the pure schedule.

use super::rate::RateKey;
use super::template::Channel;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// One message as an adapter sends it.
///
/// Its serde form is the domain's; the SQL stores keep it as a storage
/// document of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OutgoingMessage {
    /// 幂等键: the same for every try of this message, so a channel that
    /// deduplicates (WeCom's `enable_duplicate_check`, an OA's request id)
    /// delivers it once.
    pub idempotency_key: String,
    /// The channel.
    pub channel: Channel,
    /// The address on that channel: an e-mail address, a user id, a
    /// mobile number.
    pub to: String,
    /// The recipient's display name.
    pub to_name: String,
    /// The subject (e-mail only).
    pub subject: Option<String>,
    /// The text.
    pub body: String,
    /// On SMS: the provider-approved template and its parameters, which
    /// is what a domestic SMS gateway is given.
    #[serde(default)]
    pub provider_template: Option<super::template::ProviderTemplate>,
    /// 密送 (blind copies, e-mail only): addresses that receive the
    /// message without appearing in it; empty by default.
    #[serde(default)]
    pub bcc: Vec<String>,
}

impl OutgoingMessage {
    /// A message with its key, channel, address, name and text.
    pub fn new(
        idempotency_key: impl Into<String>,
        channel: Channel,
        to: impl Into<String>,
        to_name: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        Self {
            idempotency_key: idempotency_key.into(),
            channel,
            to: to.into(),
            to_name: to_name.into(),
            subject: None,
            body: body.into(),
            provider_template: None,
            bcc: Vec::new(),
        }
    }

    /// With the provider template an SMS is sent as.
    pub fn provider_template(mut self, template: super::template::ProviderTemplate) -> Self {
        self.provider_template = Some(template);
        self
    }

    /// With an e-mail subject.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// With one more blind copy (e-mail only).
    ///
    /// ```
    /// use dangjian::notify::{Channel, OutgoingMessage};
    /// let m = OutgoingMessage::new("k1", Channel::Email, "lm@example.com", "李明", "正文")
    ///     .bcc("archive@example.com");
    /// assert_eq!(m.bcc, ["archive@example.com"]);
    /// // Older serialized messages have no `bcc`: it defaults to none.
    /// let json = r#"{"idempotency_key":"k1","channel":"email","to":"lm@example.com",
    ///     "to_name":"李明","subject":null,"body":"正文"}"#;
    /// let old: OutgoingMessage = serde_json::from_str(json).unwrap();
    /// assert!(old.bcc.is_empty());
    /// ```
    pub fn bcc(mut self, address: impl Into<String>) -> Self {
        self.bcc.push(address.into());
        self
    }
}

/// What a channel accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Accepted {
    /// The channel's own id for the message (a message id, a task id),
    /// used to ask for its delivery and read status later.
    pub channel_id: Option<String>,
}

impl Accepted {
    /// Accepted, with the channel's id for the message if it gave one.
    pub fn new(channel_id: Option<String>) -> Self {
        Self { channel_id }
    }
}

/// Why a send did not succeed, and what may follow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// Try again later: a rate limit, a server error, a refused
    /// connection. `retry_after` is the delay the server asked for.
    #[error("{channel} refused for now ({reason})")]
    Retryable {
        /// The channel.
        channel: Channel,
        /// What the channel said.
        reason: String,
        /// The server's requested delay (Retry-After), if any.
        retry_after: Option<Duration>,
    },
    /// Never try again: a bad address, a rejected template, a wrong
    /// password. The message goes to the dead letters.
    #[error("{channel} refused the message ({reason})")]
    Permanent {
        /// The channel.
        channel: Channel,
        /// What the channel said.
        reason: String,
    },
    /// The message may or may not have gone (a timeout after the request
    /// was written, on a channel that cannot deduplicate). Not re-sent;
    /// reconciled from the channel's delivery status.
    #[error("{channel}: the outcome is unknown ({reason})")]
    Unknown {
        /// The channel.
        channel: Channel,
        /// What happened.
        reason: String,
    },
}

/// 渠道适配器: sends messages on one channel. Integrators implement it for
/// their own OA; the crate ships adapters behind features.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// The channel this adapter serves.
    fn channel(&self) -> Channel;

    /// Whether the channel drops a second message with the same
    /// idempotency key. When it does not, a timeout is
    /// [`SendError::Unknown`], never retried blindly.
    fn deduplicates(&self) -> bool;

    /// Sends one message.
    ///
    /// # Errors
    /// A [`SendError`] saying whether the dispatcher may try again.
    async fn send(&self, message: &OutgoingMessage) -> Result<Accepted, SendError>;

    /// 投递回执: what the channel reports about a message sent earlier
    /// (by its idempotency key and, when it gave one, its `channel_id`).
    /// `Ok(None)` when the channel has no delivery status (SMTP): the
    /// message stays unknown for a person to decide. The default has none.
    ///
    /// # Errors
    /// A [`SendError`] when the channel could not be asked.
    async fn status(
        &self,
        message: &OutgoingMessage,
        channel_id: Option<&str>,
    ) -> Result<Option<ChannelStatus>, SendError> {
        let _ = (message, channel_id);
        Ok(None)
    }

    /// 限流键: the limits `message` counts against (a robot's 20 a
    /// minute, a member's 30 a minute on a WeCom app, a number's flow
    /// control at an SMS provider). The dispatcher records one send under
    /// each in the store before sending, and holds the message back while
    /// any is full (`docs/RULES.md` NOTE-10). The default has none.
    fn limits(&self, message: &OutgoingMessage) -> Vec<RateKey> {
        let _ = message;
        Vec::new()
    }

    /// 回执: whether [`Notifier::status`] can also report on a message the
    /// channel accepted (read receipts, or a drop after acceptance, as
    /// DingTalk's send results give). The dispatcher then asks about
    /// recently delivered messages too. The default: no.
    fn reports_receipts(&self) -> bool {
        false
    }

    /// The most messages one [`Notifier::send_batch`] call should be
    /// given (default 1). An adapter whose API takes many recipients in
    /// one call answers more, and splits what it is given into calls the
    /// API's own limit allows.
    fn batch_size(&self) -> usize {
        1
    }

    /// Sends several messages, answering one result per message in the
    /// order given: a number that failed fails for that message only.
    /// The default sends them one by one.
    async fn send_batch(&self, messages: &[OutgoingMessage]) -> Vec<Result<Accepted, SendError>> {
        let mut out = Vec::with_capacity(messages.len());
        for m in messages {
            out.push(self.send(m).await);
        }
        out
    }
}

/// What a channel reports about a message it was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ChannelStatus {
    /// Delivered, at this time.
    Delivered {
        /// When.
        at: DateTime<Utc>,
    },
    /// Delivered and read.
    Read {
        /// When it was delivered (the read time when the channel gives
        /// only that).
        delivered_at: DateTime<Utc>,
        /// When it was read.
        at: DateTime<Utc>,
    },
    /// Not delivered (the channel never got it, or refused it).
    NotDelivered {
        /// What the channel said.
        reason: String,
    },
}

/// What to do with a message after a failed try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Try again at this time.
    RetryAt(DateTime<Utc>),
    /// Give up: move it to the dead letters with its last error.
    DeadLetter,
    /// Neither: wait for the channel's delivery status.
    Reconcile,
}

/// 重试策略: exponential backoff from `base`, doubling, capped at `cap`,
/// for at most `max_attempts` tries in all; a server's requested delay is
/// honoured when it is longer (up to `max_server_delay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub max_attempts: u32,
    /// The delay after the first failed try.
    pub base_seconds: u32,
    /// The longest delay the policy itself picks.
    pub cap_seconds: u32,
    /// The longest server-requested delay honoured; longer requests
    /// dead-letter the message rather than hold it for days.
    pub max_server_delay_seconds: u32,
}

impl Default for RetryPolicy {
    /// 6 tries: after 30 s, 1, 2, 4 and 8 minutes; server delays up to a day.
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_seconds: 30,
            cap_seconds: 3_600,
            max_server_delay_seconds: 86_400,
        }
    }
}

impl RetryPolicy {
    /// What follows try number `attempt` (1 for the first) that ended
    /// with `error` at `now`.
    ///
    /// ```
    /// use dangjian::notify::{Channel, Next, RetryPolicy, SendError};
    /// use chrono::{Duration, TimeZone, Utc};
    /// let p = RetryPolicy::default();
    /// let now = Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap();
    /// let busy = SendError::Retryable { channel: Channel::WeCom, reason: "45009".into(), retry_after: None };
    /// assert_eq!(p.next(1, &busy, now), Next::RetryAt(now + Duration::seconds(30)));
    /// assert_eq!(p.next(3, &busy, now), Next::RetryAt(now + Duration::seconds(120)));
    /// assert_eq!(p.next(6, &busy, now), Next::DeadLetter);
    /// let timeout = SendError::Unknown { channel: Channel::Email, reason: "timeout".into() };
    /// assert_eq!(p.next(1, &timeout, now), Next::Reconcile);
    /// ```
    pub fn next(&self, attempt: u32, error: &SendError, now: DateTime<Utc>) -> Next {
        match error {
            SendError::Permanent { .. } => Next::DeadLetter,
            SendError::Unknown { .. } => Next::Reconcile,
            SendError::Retryable { retry_after, .. } => {
                if attempt >= self.max_attempts {
                    return Next::DeadLetter;
                }
                let exp = attempt.saturating_sub(1).min(31);
                let own = u64::from(self.base_seconds)
                    .saturating_mul(1u64 << exp)
                    .min(u64::from(self.cap_seconds));
                let server = retry_after.map_or(0, |d| d.num_seconds().max(0).unsigned_abs());
                if server > u64::from(self.max_server_delay_seconds) {
                    return Next::DeadLetter;
                }
                let wait = own.max(server);
                // At most a day or the cap: always within i64 seconds.
                let wait = i64::try_from(wait).unwrap_or(i64::MAX / 1_000);
                match now.checked_add_signed(Duration::seconds(wait)) {
                    Some(at) => Next::RetryAt(at),
                    None => Next::DeadLetter,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn busy(after: Option<i64>) -> SendError {
        SendError::Retryable {
            channel: Channel::Sms,
            reason: "rate".into(),
            retry_after: after.map(Duration::seconds),
        }
    }

    #[test]
    fn boundaries() {
        let p = RetryPolicy::default();
        let now = Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap();
        let at = |s| Next::RetryAt(now + Duration::seconds(s));
        assert_eq!(p.next(1, &busy(None), now), at(30));
        assert_eq!(p.next(5, &busy(None), now), at(480));
        assert_eq!(p.next(6, &busy(None), now), Next::DeadLetter);
        assert_eq!(p.next(1, &busy(Some(600)), now), at(600));
        assert_eq!(p.next(1, &busy(Some(86_400)), now), at(86_400));
        assert_eq!(p.next(1, &busy(Some(86_401)), now), Next::DeadLetter);
        assert_eq!(p.next(1, &busy(Some(-5)), now), at(30));
        let perm = SendError::Permanent {
            channel: Channel::Email,
            reason: "535 auth".into(),
        };
        assert_eq!(p.next(1, &perm, now), Next::DeadLetter);
        let long = RetryPolicy {
            max_attempts: 100,
            ..p
        };
        assert_eq!(long.next(60, &busy(None), now), at(3_600));
    }

    proptest! {
        #[test]
        fn delays_grow_are_capped_and_honour_the_server(
            attempt in 1u32..200,
            after in proptest::option::of(-10i64..200_000),
            max in 1u32..50,
        ) {
            let p = RetryPolicy { max_attempts: max, ..RetryPolicy::default() };
            let now = Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap();
            match p.next(attempt, &busy(after), now) {
                Next::RetryAt(t) => {
                    prop_assert!(attempt < max);
                    let wait = (t - now).num_seconds();
                    prop_assert!(wait >= i64::from(p.base_seconds));
                    prop_assert!(wait >= after.unwrap_or(0));
                    prop_assert!(wait <= i64::from(p.max_server_delay_seconds));
                    if let Next::RetryAt(t2) = p.next(attempt + 1, &busy(after), now) {
                        prop_assert!(t2 >= t);
                    }
                }
                Next::DeadLetter => prop_assert!(
                    attempt >= max || after.unwrap_or(0) > i64::from(p.max_server_delay_seconds)
                ),
                Next::Reconcile => prop_assert!(false, "a retryable error is never reconciled"),
            }
        }
    }
}
