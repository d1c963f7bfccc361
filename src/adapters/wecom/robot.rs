//! 群机器人 (the group robot): `POST /cgi-bin/webhook/send?key=KEY`
//! (document/path/91770).

use super::{
    CHANNEL, DEFAULT_BASE_URL, WeComFormat, exchange, frequency_limited, permanent, retryable,
    user_id_ok,
};
use crate::adapters::http::{self, ChannelConfigError};
use crate::notify::{Accepted, Channel, Notifier, OutgoingMessage, RateKey, SendError, Window};
use async_trait::async_trait;
use serde_json::json;
use std::fmt;
use std::time::Duration;

/// The settings of a [`WeComRobot`]: its webhook key, and optionally the
/// base URL, the timeout and the message format.
#[derive(Clone)]
pub struct WeComRobotConfig {
    key: String,
    base_url: String,
    timeout: Duration,
    format: WeComFormat,
}

impl fmt::Debug for WeComRobotConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeComRobotConfig")
            .field("key", &format_args!("<{}>", http::fingerprint(&self.key)))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("format", &self.format)
            .finish()
    }
}

impl WeComRobotConfig {
    /// A robot with the webhook `key` (the value of `key=` in the webhook
    /// URL the group's robot settings show), sending plain text to
    /// `https://qyapi.weixin.qq.com` with a timeout of 10 seconds. The key
    /// is checked by [`WeComRobot::new`].
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(10),
            format: WeComFormat::Text,
        }
    }

    /// With another base URL (a private deployment, or a test's fake:
    /// plain `http` only to a loopback address).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// With another timeout for the whole request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// With another message format.
    pub fn format(mut self, format: WeComFormat) -> Self {
        self.format = format;
        self
    }
}

/// Whether `key` looks like a webhook key WeCom issues: a UUID-like run
/// of letters, digits and hyphens (document/path/91770 shows
/// `693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa`).
fn key_problem(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        Some("it is empty")
    } else if key.len() > 64 {
        Some("it is longer than a webhook key")
    } else if !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Some(
            "it has characters a webhook key never has (give the value of `key=`, not the whole URL)",
        )
    } else {
        None
    }
}

/// 企业微信群机器人: posts each message into the group chat of one robot,
/// mentioning the recipient (`mentioned_list` for text, `<@userid>` for
/// Markdown), on [`Channel::WeCom`].
///
/// The address of a message (`to`) is the member's WeCom user id, or empty
/// to mention no one. A robot takes 20 messages a minute
/// ([`Notifier::limits`] names the key `wecom.robot:<fingerprint>`);
/// the 21st is answered 45009, [`SendError::Retryable`] after a minute.
/// Text is at most 2048 bytes, Markdown 4096 (the mention included);
/// a longer message is [`SendError::Permanent`] before any request.
/// A robot cannot deduplicate: a timeout after sending is
/// [`SendError::Unknown`].
///
/// | `errcode` | meaning | result |
/// |---|---|---|
/// | 0 | sent | `Ok` |
/// | 93000 / 93004 / 93008 | bad key / robot disabled / not in the group | `Permanent` |
/// | 45009 | over 20 a minute | `Retryable`, after 60 s |
/// | -1 | system busy | `Retryable` |
/// | any other | | `Permanent`, with the code and `errmsg` |
///
/// ```no_run
/// use dangjian::adapters::{WeComFormat, WeComRobot, WeComRobotConfig};
/// use dangjian::notify::{Channel, Notifier, OutgoingMessage};
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let robot = WeComRobot::new(
///     WeComRobotConfig::new("693a91f6-7e1c-4bc4-97a0-0ec2e1fa5aaa").format(WeComFormat::Markdown),
/// )?;
/// let m = OutgoingMessage::new("meeting/2024-06-03/zhangsan", Channel::WeCom,
///     "ZhangSan", "张三", "本周五下午三点召开支部党员大会。");
/// robot.send(&m).await?;
/// # Ok(()) }
/// ```
pub struct WeComRobot {
    key: String,
    url: String,
    http: reqwest::Client,
    format: WeComFormat,
    rate_name: String,
}

impl fmt::Debug for WeComRobot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeComRobot")
            .field("url", &self.url)
            .field("format", &self.format)
            .field("rate_key", &self.rate_name)
            .finish_non_exhaustive()
    }
}

impl WeComRobot {
    /// The longest text content, in bytes (document/path/91770).
    pub const TEXT_MAX_BYTES: usize = 2048;
    /// The longest Markdown content, in bytes (document/path/91770).
    pub const MARKDOWN_MAX_BYTES: usize = 4096;
    /// Messages a robot takes per minute (document/path/91770).
    pub const PER_MINUTE: u32 = 20;

    /// The robot `config` describes.
    ///
    /// ```
    /// use dangjian::adapters::{ChannelConfigError, WeComRobot, WeComRobotConfig};
    /// let url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6";
    /// let Err(e) = WeComRobot::new(WeComRobotConfig::new(url)) else { panic!() };
    /// assert!(matches!(e, ChannelConfigError::BadCredential { .. }));
    /// assert!(!e.to_string().contains("693a91f6")); // never repeated
    /// assert!(WeComRobot::new(WeComRobotConfig::new("693a91f6-7e1c-4bc4-97a0-0ec2e1fa5aaa")).is_ok());
    /// ```
    ///
    /// # Errors
    /// [`ChannelConfigError::BadCredential`] for a key that is empty or is
    /// not the letters, digits and hyphens of a webhook key (a whole
    /// webhook URL, say); [`ChannelConfigError::BadUrl`];
    /// [`ChannelConfigError::Client`].
    pub fn new(config: WeComRobotConfig) -> Result<Self, ChannelConfigError> {
        if let Some(why) = key_problem(&config.key) {
            return Err(ChannelConfigError::BadCredential {
                channel: CHANNEL,
                what: "webhook key",
                why,
            });
        }
        let base = http::base_url(CHANNEL, &config.base_url)?;
        Ok(Self {
            rate_name: format!("wecom.robot:{}", http::fingerprint(&config.key)),
            url: format!("{base}/cgi-bin/webhook/send"),
            http: http::client(CHANNEL, config.timeout)?,
            key: config.key,
            format: config.format,
        })
    }

    /// The request body for `message`, or why it cannot be sent.
    fn payload(&self, message: &OutgoingMessage) -> Result<serde_json::Value, SendError> {
        let to = message.to.as_str();
        if !to.is_empty() && !user_id_ok(to) {
            return Err(permanent(
                "the address is not a WeCom user id (1 to 64 letters, digits or _-@.)",
            ));
        }
        match self.format {
            WeComFormat::Text => {
                if message.body.len() > Self::TEXT_MAX_BYTES {
                    return Err(too_long(message.body.len(), Self::TEXT_MAX_BYTES));
                }
                let mentioned: Vec<&str> = if to.is_empty() { vec![] } else { vec![to] };
                Ok(json!({
                    "msgtype": "text",
                    "text": { "content": message.body, "mentioned_list": mentioned },
                }))
            }
            WeComFormat::Markdown => {
                let content = if to.is_empty() {
                    message.body.clone()
                } else {
                    format!("<@{to}>\n{}", message.body)
                };
                if content.len() > Self::MARKDOWN_MAX_BYTES {
                    return Err(too_long(content.len(), Self::MARKDOWN_MAX_BYTES));
                }
                Ok(json!({ "msgtype": "markdown", "markdown": { "content": content } }))
            }
        }
    }
}

fn too_long(len: usize, max: usize) -> SendError {
    permanent(format!(
        "the message is {len} bytes, more than the {max} a robot takes"
    ))
}

#[async_trait]
impl Notifier for WeComRobot {
    fn channel(&self) -> Channel {
        CHANNEL
    }

    /// A robot has no duplicate check: no.
    fn deduplicates(&self) -> bool {
        false
    }

    fn limits(&self, _message: &OutgoingMessage) -> Vec<RateKey> {
        vec![RateKey::new(
            self.rate_name.clone(),
            [Window::per_minute(Self::PER_MINUTE)],
        )]
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<Accepted, SendError> {
        let body = self.payload(message)?;
        let request = self
            .http
            .post(&self.url)
            .query(&[("key", self.key.as_str())])
            .json(&body);
        let (code, reply) = exchange(request, false).await?;
        match code {
            0 => Ok(Accepted::new(None)),
            // Bad key, robot disabled, robot not in the group (90313).
            93000 | 93004 | 93008 => Err(permanent(reply.said(code))),
            45009 => Err(frequency_limited(reply.said(code))),
            // System busy: WeCom retries these itself (90313).
            -1 => Err(retryable(reply.said(code))),
            _ => Err(permanent(reply.said(code))),
        }
    }
}
