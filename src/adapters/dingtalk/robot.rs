//! 自定义机器人 (a group's custom robot), signed (加签).

use super::{
    CHANNEL, DEFAULT_BASE, DEFAULT_TIMEOUT, MAX_BODY, errcode, exchange, reason, too_long,
};
use crate::adapters::http::{self, ChannelConfigError};
use crate::clock::{Clock, SystemClock};
use crate::notify::{Accepted, Channel, Notifier, OutgoingMessage, RateKey, SendError, Window};
use async_trait::async_trait;
use serde_json::{Value, json};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// 钉钉自定义机器人: posts each [`OutgoingMessage`] on
/// [`Channel::DingTalk`] into a group through its custom robot, mentioning
/// the recipient (`at.atUserIds: [to]`; an empty `to` mentions no one).
///
/// The robot's security setting must be 加签 (signing); its access token
/// is the `access_token` of the webhook URL, its secret the `SEC…` string
/// shown beside it. When the group also requires keywords, give them
/// ([`DingTalkRobotBuilder::keywords`]): a text containing none of them
/// is refused before sending, as DingTalk would refuse it (310000).
///
/// - Signing (the custom-robot page; DingtalkChatbot `chatbot.py`): a
///   timestamp in milliseconds, HMAC-SHA256 keyed with the secret over
///   `timestamp + "\n" + secret`, Base64, URL-encoded; both go in the
///   query. DingTalk accepts a timestamp within an hour of its own clock.
/// - Limits ([`Notifier::limits`]): 20 messages a minute per robot, named
///   `dingtalk.robot:<fingerprint of the token>`.
/// - Answers: `0` accepted; `310000` (sign not match, keywords not in
///   content, IP not in the whitelist), `300001`, `300005`, `400101`
///   (token gone) and `400102` (robot stopped) are
///   [`SendError::Permanent`]; `130101` and `410100` (sending too fast)
///   are [`SendError::Retryable`] after 60 seconds
///   ([`DingTalkRobotBuilder::throttle`] for the older 10-minute lock);
///   `-1` (system busy) is retryable; any other code is permanent.
///
/// ```
/// use dangjian::adapters::DingTalkRobot;
/// use dangjian::notify::{Channel, Notifier, OutgoingMessage};
/// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let robot = DingTalkRobot::builder("0123456789abcdef", "SECtest0123456789")
///     .keywords(["党费"])
///     .build()?;
/// assert_eq!(robot.channel(), Channel::DingTalk);
/// let m = OutgoingMessage::new("k1", Channel::DingTalk, "liming", "李明", "李明同志：请及时交纳党费。");
/// assert_eq!(robot.limits(&m)[0].windows[0].max, 20);
/// // A secret DingTalk never issues is refused at once, without repeating it.
/// let e = DingTalkRobot::builder("0123456789abcdef", "hunter2").build().unwrap_err();
/// assert!(!e.to_string().contains("hunter2"));
/// # Ok(()) }
/// # demo().unwrap();
/// ```
pub struct DingTalkRobot {
    client: reqwest::Client,
    url: String,
    token: String,
    secret: String,
    keywords: Vec<String>,
    markdown: Option<String>,
    throttle: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for DingTalkRobot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DingTalkRobot")
            .field("url", &self.url)
            .field("token", &http::fingerprint(&self.token))
            .field("keywords", &self.keywords)
            .field("markdown", &self.markdown)
            .field("throttle", &self.throttle)
            .finish_non_exhaustive()
    }
}

/// How a [`DingTalkRobot`] is set up; [`DingTalkRobotBuilder::build`]
/// checks everything.
pub struct DingTalkRobotBuilder {
    token: String,
    secret: String,
    keywords: Vec<String>,
    markdown: Option<String>,
    base_url: String,
    timeout: Duration,
    throttle: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for DingTalkRobotBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DingTalkRobotBuilder")
            .field("base_url", &self.base_url)
            .field("keywords", &self.keywords)
            .field("markdown", &self.markdown)
            .field("timeout", &self.timeout)
            .field("throttle", &self.throttle)
            .finish_non_exhaustive()
    }
}

impl DingTalkRobot {
    /// How long DingTalk holds a robot back after it sent too fast, as
    /// its answer 130101 is read today: until the minute is over.
    pub const THROTTLE: Duration = Duration::from_secs(60);

    /// The older official text's throttle: ten minutes.
    pub const OLD_THROTTLE: Duration = Duration::from_secs(600);

    /// Sends allowed per robot and minute.
    pub const PER_MINUTE: u32 = 20;

    /// A robot with its webhook's `access_token` and its signing secret.
    pub fn builder(access_token: &str, secret: &str) -> DingTalkRobotBuilder {
        DingTalkRobotBuilder {
            token: access_token.to_owned(),
            secret: secret.to_owned(),
            keywords: Vec::new(),
            markdown: None,
            base_url: DEFAULT_BASE.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            throttle: Self::THROTTLE,
            clock: Arc::new(SystemClock),
        }
    }

    /// 加签: the signature of `timestamp_ms` (milliseconds since the
    /// epoch) under `secret`, Base64, before URL-encoding: HMAC-SHA256
    /// keyed with the secret over `timestamp + "\n" + secret`.
    ///
    /// ```
    /// use dangjian::adapters::DingTalkRobot;
    /// assert_eq!(
    ///     DingTalkRobot::sign(1_700_000_000_000, "SECtest0123456789"),
    ///     "yBKp5IlG6qCzcQWmgyRK/ziJBdVNJmHfFE2ST/CzT/g=",
    /// );
    /// ```
    pub fn sign(timestamp_ms: i64, secret: &str) -> String {
        let text = format!("{timestamp_ms}\n{secret}");
        http::base64(&http::hmac_sha256(secret.as_bytes(), text.as_bytes()))
    }

    /// The JSON body for `message`.
    fn body(&self, message: &OutgoingMessage) -> Value {
        let at = if message.to.is_empty() {
            json!({ "atUserIds": [], "isAtAll": false })
        } else {
            json!({ "atUserIds": [message.to], "isAtAll": false })
        };
        match &self.markdown {
            Some(title) => json!({
                "msgtype": "markdown",
                "markdown": { "title": self.title(message, title), "text": message.body },
                "at": at,
            }),
            None => json!({
                "msgtype": "text",
                "text": { "content": message.body },
                "at": at,
            }),
        }
    }

    /// A markdown message's title: the message's subject, else the
    /// configured one.
    fn title<'a>(&self, message: &'a OutgoingMessage, default: &'a str) -> &'a str {
        message.subject.as_deref().unwrap_or(default)
    }

    /// Refuses what DingTalk would refuse, before sending.
    fn check(&self, message: &OutgoingMessage) -> Result<(), SendError> {
        if message.body.len() > MAX_BODY {
            return Err(too_long(message.body.len()));
        }
        if !self.keywords.is_empty() {
            let title = self
                .markdown
                .as_deref()
                .map(|t| self.title(message, t))
                .unwrap_or("");
            let has = |k: &String| message.body.contains(k.as_str()) || title.contains(k.as_str());
            if !self.keywords.iter().any(has) {
                return Err(SendError::Permanent {
                    channel: CHANNEL,
                    reason: "the text contains none of the keywords the group requires \
                             (DingTalk would answer 310000)"
                        .into(),
                });
            }
        }
        Ok(())
    }
}

impl DingTalkRobotBuilder {
    /// The keywords the group's security setting requires; a text must
    /// contain at least one.
    pub fn keywords<I, S>(mut self, keywords: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.keywords = keywords.into_iter().map(Into::into).collect();
        self
    }

    /// Send markdown (`msgtype: markdown`) titled `title` (a message's
    /// own subject, when it has one, wins) instead of plain text.
    pub fn markdown(mut self, title: impl Into<String>) -> Self {
        self.markdown = Some(title.into());
        self
    }

    /// Another API host (a proxy of the company's, a test's fake).
    /// Default `https://oapi.dingtalk.com`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The whole-request timeout. Default 10 seconds.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The delay asked for after DingTalk says the robot sends too fast
    /// (130101, 410100). Default [`DingTalkRobot::THROTTLE`];
    /// [`DingTalkRobot::OLD_THROTTLE`] for the older 10-minute lock.
    pub fn throttle(mut self, delay: Duration) -> Self {
        self.throttle = delay;
        self
    }

    /// The clock the signature's timestamp comes from. Default the
    /// system's.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The robot, every setting checked.
    ///
    /// # Errors
    /// [`ChannelConfigError::BadCredential`] for an empty or unprintable
    /// token, or a secret that is empty, unprintable or lacks DingTalk's
    /// `SEC` prefix (never repeating either); [`ChannelConfigError::Invalid`]
    /// for an empty keyword, an empty markdown title or a zero timeout;
    /// [`ChannelConfigError::BadUrl`]; [`ChannelConfigError::Client`].
    pub fn build(self) -> Result<DingTalkRobot, ChannelConfigError> {
        let bad = |what, why| ChannelConfigError::BadCredential {
            channel: CHANNEL,
            what,
            why,
        };
        if self.token.is_empty() {
            return Err(bad("robot access token", "it is empty"));
        }
        if !self.token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(bad(
                "robot access token",
                "it has characters DingTalk never issues",
            ));
        }
        check_secret(&self.secret)?;
        if self.keywords.iter().any(|k| k.trim().is_empty()) {
            return Err(ChannelConfigError::Invalid(
                "a robot keyword is empty".into(),
                CHANNEL,
            ));
        }
        if self
            .markdown
            .as_deref()
            .is_some_and(|t| t.trim().is_empty())
        {
            return Err(ChannelConfigError::Invalid(
                "the markdown title is empty".into(),
                CHANNEL,
            ));
        }
        if self.timeout.is_zero() {
            return Err(ChannelConfigError::Invalid(
                "the timeout is zero".into(),
                CHANNEL,
            ));
        }
        let base = http::base_url(CHANNEL, &self.base_url)?;
        Ok(DingTalkRobot {
            client: http::client(CHANNEL, self.timeout)?,
            url: format!("{base}/robot/send"),
            token: self.token,
            secret: self.secret,
            keywords: self.keywords,
            markdown: self.markdown,
            throttle: self.throttle,
            clock: self.clock,
        })
    }
}

/// A signing secret as DingTalk issues them: printable ASCII starting
/// with `SEC`.
pub(crate) fn check_secret(secret: &str) -> Result<(), ChannelConfigError> {
    let bad = |why| ChannelConfigError::BadCredential {
        channel: CHANNEL,
        what: "robot signing secret",
        why,
    };
    if secret.is_empty() {
        return Err(bad("it is empty"));
    }
    if !secret.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad("it has characters DingTalk never issues"));
    }
    if !secret.starts_with("SEC") || secret.len() == 3 {
        return Err(bad(
            "it does not look like a DingTalk signing secret (`SEC` and more)",
        ));
    }
    Ok(())
}

/// What an answer of `/robot/send` means.
pub(crate) fn answer(code: i64, answer: &Value, throttle: Duration) -> Result<Accepted, SendError> {
    let why = || reason("robot/send", code, answer);
    match code {
        0 => Ok(Accepted::new(None)),
        // Sending too fast: 20 a minute per robot.
        130101 | 410100 => Err(SendError::Retryable {
            channel: CHANNEL,
            reason: why(),
            retry_after: chrono::Duration::from_std(throttle).ok(),
        }),
        // System busy.
        -1 => Err(SendError::Retryable {
            channel: CHANNEL,
            reason: why(),
            retry_after: None,
        }),
        // 310000: a signature, a keyword or the IP whitelist; 300001,
        // 300005, 400101: the token is gone; 400102: the robot is
        // stopped; anything else: nothing says a retry could help.
        _ => Err(SendError::Permanent {
            channel: CHANNEL,
            reason: why(),
        }),
    }
}

#[async_trait]
impl Notifier for DingTalkRobot {
    fn channel(&self) -> Channel {
        CHANNEL
    }

    /// No: the robot API takes no idempotency key.
    fn deduplicates(&self) -> bool {
        false
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<Accepted, SendError> {
        self.check(message)?;
        let ts = self.clock.now().timestamp_millis();
        let sign = DingTalkRobot::sign(ts, &self.secret);
        // reqwest URL-encodes the query (`+`, `/`, `=` of the Base64).
        let request = self
            .client
            .post(&self.url)
            .query(&[
                ("access_token", self.token.as_str()),
                ("timestamp", ts.to_string().as_str()),
                ("sign", sign.as_str()),
            ])
            .json(&self.body(message));
        let value = exchange(request, "robot/send", false).await?;
        match errcode(&value) {
            Some(code) => answer(code, &value, self.throttle),
            None => Err(SendError::Unknown {
                channel: CHANNEL,
                reason: "robot/send: an answer without an errcode".into(),
            }),
        }
    }

    fn limits(&self, _message: &OutgoingMessage) -> Vec<RateKey> {
        vec![RateKey::new(
            format!("dingtalk.robot:{}", http::fingerprint(&self.token)),
            [Window::per_minute(Self::PER_MINUTE)],
        )]
    }
}
