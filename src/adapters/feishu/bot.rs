//! 自定义机器人 (the custom bot): `POST /open-apis/bot/v2/hook/TOKEN`,
//! signed (add-custom-bot).

use super::{CHANNEL, DEFAULT_BASE_URL, bot_sign, exchange, mention, permanent, retryable};
use crate::adapters::http::{self, ChannelConfigError};
use crate::clock::{Clock, SystemClock};
use crate::notify::{Accepted, Channel, Notifier, OutgoingMessage, RateKey, SendError, Window};
use async_trait::async_trait;
use serde_json::json;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The settings of a [`FeishuBot`]: the webhook token and the signing
/// secret, and optionally the base URL, the timeout and the clock.
#[derive(Clone)]
pub struct FeishuBotConfig {
    token: String,
    secret: String,
    base_url: String,
    timeout: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for FeishuBotConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeishuBotConfig")
            .field(
                "token",
                &format_args!("<{}>", http::fingerprint(&self.token)),
            )
            .field(
                "secret",
                &format_args!("<{}>", http::fingerprint(&self.secret)),
            )
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl FeishuBotConfig {
    /// A bot with the webhook `token` (the last part of its webhook URL,
    /// `…/open-apis/bot/v2/hook/TOKEN`) and the `secret` of its signature
    /// verification (签名校验), posting to `https://open.feishu.cn` with a
    /// timeout of 10 seconds, signing on the system clock. Checked by
    /// [`FeishuBot::new`].
    pub fn new(token: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            secret: secret.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(10),
            clock: Arc::new(SystemClock),
        }
    }

    /// With another base URL (Lark: `https://open.larksuite.com`; a test's
    /// fake: plain `http` only to a loopback address).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// With another timeout for the whole request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// With another clock, which the signature's timestamp is taken from
    /// (Feishu refuses one more than an hour off its own).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// A webhook token is UUID-like: letters, digits and hyphens.
fn token_problem(token: &str) -> Option<&'static str> {
    if token.is_empty() {
        Some("it is empty")
    } else if token.len() > 64 {
        Some("it is longer than a webhook token")
    } else if !token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        Some(
            "it has characters a webhook token never has (give the part after `/hook/`, not the whole URL)",
        )
    } else {
        None
    }
}

/// A signing secret is printable ASCII without spaces.
fn secret_problem(secret: &str) -> Option<&'static str> {
    if secret.is_empty() {
        Some("it is empty")
    } else if secret.len() > 128 || !secret.bytes().all(|b| b.is_ascii_graphic()) {
        Some("it is not the printable characters of a signing secret")
    } else {
        None
    }
}

/// Whether `id` can be mentioned: `all`, or an open id / user id of
/// letters, digits, `_` and `-`.
fn mentionable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// 飞书自定义机器人: posts each message into the group chat of one custom
/// bot with signature verification, mentioning the recipient
/// (`<at user_id="ou_…">name</at>`), on [`Channel::Feishu`].
///
/// The address of a message (`to`) is the member's open id (`ou_…`) or
/// user id, `all` for everyone, or empty to mention no one. Each request
/// carries `timestamp` (seconds, from the configured clock) and `sign`
/// in its JSON body; Feishu refuses a timestamp more than an hour off
/// (19021). A bot takes 5 messages a second and 100 a minute
/// ([`Notifier::limits`] names the key `feishu.bot:<fingerprint>`), and
/// a request body of at most 20 KB: a longer message is
/// [`SendError::Permanent`] before any request. A bot cannot deduplicate:
/// a timeout after sending is [`SendError::Unknown`].
///
/// | `code` | meaning | result |
/// |---|---|---|
/// | 0 | sent | `Ok` |
/// | 19021 | bad signature, or timestamp more than an hour off | `Permanent` |
/// | 19022 / 19024 | IP not allowed / keyword missing | `Permanent` |
/// | 9499 | bad request (malformed, too large) | `Permanent` |
/// | 11232 | over 5 a second or 100 a minute | `Retryable` |
/// | any other | | `Permanent`, with the code and `msg` |
///
/// ```no_run
/// use dangjian::adapters::{FeishuBot, FeishuBotConfig};
/// use dangjian::notify::{Channel, Notifier, OutgoingMessage};
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let bot = FeishuBot::new(FeishuBotConfig::new(
///     "2a7c8f4e-1b3d-4e5f-9a8b-7c6d5e4f3a2b", "mJJ9cVJ1hQnSf8Xl5zeKsc",
/// ))?;
/// let m = OutgoingMessage::new("meeting/2024-06-03/ou_7d8a", Channel::Feishu,
///     "ou_7d8a6e6df7621556ce0d21922b676706", "王五", "请于本周五前提交思想汇报。");
/// bot.send(&m).await?;
/// # Ok(()) }
/// ```
pub struct FeishuBot {
    url: String,
    secret: String,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    rate_name: String,
}

impl fmt::Debug for FeishuBot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeishuBot")
            .field("rate_key", &self.rate_name)
            .finish_non_exhaustive()
    }
}

impl FeishuBot {
    /// The largest request body, in bytes (add-custom-bot: 20 KB).
    pub const MAX_BODY_BYTES: usize = 20 * 1024;
    /// Messages a bot takes per second (add-custom-bot).
    pub const PER_SECOND: u32 = 5;
    /// Messages a bot takes per minute (add-custom-bot).
    pub const PER_MINUTE: u32 = 100;

    /// The bot `config` describes.
    ///
    /// ```
    /// use dangjian::adapters::{ChannelConfigError, FeishuBot, FeishuBotConfig};
    /// let no_secret = FeishuBotConfig::new("2a7c8f4e-1b3d-4e5f-9a8b-7c6d5e4f3a2b", "");
    /// assert!(matches!(FeishuBot::new(no_secret), Err(ChannelConfigError::BadCredential { .. })));
    /// ```
    ///
    /// # Errors
    /// [`ChannelConfigError::BadCredential`] for an empty or malformed
    /// token or secret (never repeated), [`ChannelConfigError::BadUrl`],
    /// [`ChannelConfigError::Client`].
    pub fn new(config: FeishuBotConfig) -> Result<Self, ChannelConfigError> {
        if let Some(why) = token_problem(&config.token) {
            return Err(ChannelConfigError::BadCredential {
                channel: CHANNEL,
                what: "webhook token",
                why,
            });
        }
        if let Some(why) = secret_problem(&config.secret) {
            return Err(ChannelConfigError::BadCredential {
                channel: CHANNEL,
                what: "signing secret",
                why,
            });
        }
        let base = http::base_url(CHANNEL, &config.base_url)?;
        Ok(Self {
            url: format!("{base}/open-apis/bot/v2/hook/{}", config.token),
            rate_name: format!("feishu.bot:{}", http::fingerprint(&config.token)),
            http: http::client(CHANNEL, config.timeout)?,
            secret: config.secret,
            clock: config.clock,
        })
    }

    /// The request body for `message`, signed now, or why it cannot be
    /// sent.
    fn payload(&self, message: &OutgoingMessage) -> Result<Vec<u8>, SendError> {
        let to = message.to.as_str();
        let text = if to.is_empty() {
            message.body.clone()
        } else if mentionable(to) {
            format!("{} {}", mention(to, &message.to_name), message.body)
        } else {
            return Err(permanent(
                "the address is not a Feishu open id or user id (letters, digits, _ and -)",
            ));
        };
        let timestamp = self.clock.now().timestamp();
        let body = json!({
            "timestamp": timestamp.to_string(),
            "sign": bot_sign(timestamp, &self.secret),
            "msg_type": "text",
            "content": { "text": text },
        });
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| permanent(format!("the message cannot be written as JSON: {e}")))?;
        if bytes.len() > Self::MAX_BODY_BYTES {
            return Err(permanent(format!(
                "the request is {} bytes, more than the {} a custom bot takes",
                bytes.len(),
                Self::MAX_BODY_BYTES
            )));
        }
        Ok(bytes)
    }
}

#[async_trait]
impl Notifier for FeishuBot {
    fn channel(&self) -> Channel {
        CHANNEL
    }

    /// A custom bot has no request id: no.
    fn deduplicates(&self) -> bool {
        false
    }

    fn limits(&self, _message: &OutgoingMessage) -> Vec<RateKey> {
        vec![RateKey::new(
            self.rate_name.clone(),
            [
                Window::per_second(Self::PER_SECOND),
                Window::per_minute(Self::PER_MINUTE),
            ],
        )]
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<Accepted, SendError> {
        let body = self.payload(message)?;
        let request = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        let answer = exchange(request, false).await?;
        let said = answer.reply.said(answer.code);
        match answer.code {
            0 => Ok(Accepted::new(None)),
            // Signature or timestamp, IP, keyword, malformed request.
            19021 | 19022 | 19024 | 9499 => Err(permanent(said)),
            11232 => Err(retryable(said, answer.delay(1))),
            _ => Err(permanent(said)),
        }
    }
}
