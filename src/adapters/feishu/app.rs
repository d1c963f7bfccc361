//! 应用消息 (app messages): `tenant_access_token` from
//! `POST /open-apis/auth/v3/tenant_access_token/internal`, messages by
//! `POST /open-apis/im/v1/messages` (message/create).

use super::{Answer, CHANNEL, DEFAULT_BASE_URL, exchange, permanent, retryable};
use crate::adapters::http::{self, ChannelConfigError};
use crate::clock::{Clock, SystemClock};
use crate::notify::{Accepted, Channel, Notifier, OutgoingMessage, RateKey, SendError, Window};
use async_trait::async_trait;
use chrono::{DateTime, Duration as Span, Utc};
use serde_json::json;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// 接收者 ID 类型: what the address of a message (`to`) is, sent as
/// `receive_id_type` (message/create).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FeishuReceiveIdType {
    /// The user's id within this app, `ou_…` (the default).
    #[default]
    OpenId,
    /// The tenant's own user id.
    UserId,
    /// The user's id across the developer's apps, `on_…`.
    UnionId,
    /// The user's e-mail address.
    Email,
}

impl FeishuReceiveIdType {
    /// The query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenId => "open_id",
            Self::UserId => "user_id",
            Self::UnionId => "union_id",
            Self::Email => "email",
        }
    }

    /// Whether `id` is an address of this type.
    pub(super) fn accepts(self, id: &str) -> bool {
        match self {
            Self::Email => email_address::EmailAddress::is_valid(id) && id.is_ascii(),
            _ => {
                !id.is_empty()
                    && id.len() <= 128
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            }
        }
    }
}

/// The settings of a [`FeishuApp`]: the app id and secret, and optionally
/// the base URL, the receive id type, the timeout and the clock.
#[derive(Clone)]
pub struct FeishuAppConfig {
    app_id: String,
    app_secret: String,
    base_url: String,
    receive_id_type: FeishuReceiveIdType,
    timeout: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for FeishuAppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeishuAppConfig")
            .field("app_id", &self.app_id)
            .field(
                "app_secret",
                &format_args!("<{}>", http::fingerprint(&self.app_secret)),
            )
            .field("base_url", &self.base_url)
            .field("receive_id_type", &self.receive_id_type)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl FeishuAppConfig {
    /// A self-built app (企业自建应用) with its `app_id` (`cli_…`) and
    /// `app_secret`, addressing users by open id, at
    /// `https://open.feishu.cn` with a timeout of 10 seconds, on the
    /// system clock. Checked by [`FeishuApp::new`].
    pub fn new(app_id: impl Into<String>, app_secret: impl Into<String>) -> Self {
        Self {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            receive_id_type: FeishuReceiveIdType::OpenId,
            timeout: Duration::from_secs(10),
            clock: Arc::new(SystemClock),
        }
    }

    /// With another base URL (Lark: `https://open.larksuite.com`; plain
    /// `http` only to a loopback address).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// With addresses of another type.
    pub fn receive_id_type(mut self, kind: FeishuReceiveIdType) -> Self {
        self.receive_id_type = kind;
        self
    }

    /// With another timeout for each request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// With another clock, which the token's lifetime is counted on.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// A cached tenant token.
struct Token {
    value: String,
    /// When to fetch a new one (with 30 minutes left).
    renew_at: DateTime<Utc>,
}

/// 飞书应用消息: sends a text message from a self-built app to one user on
/// [`Channel::Feishu`].
///
/// The address of a message (`to`) is the user's open id, user id, union
/// id or e-mail address, as configured ([`FeishuReceiveIdType`]). The
/// `tenant_access_token` is cached and fetched anew when less than 30
/// minutes of it are left (Feishu then issues a new one and the old stays
/// valid); on 99991663 (a token Feishu no longer takes) it is fetched
/// again once and the send tried once more. Each message carries a
/// `uuid` derived from its idempotency key, so Feishu delivers a message
/// tried again within an hour once ([`Notifier::deduplicates`] is
/// `true`).
///
/// Feishu takes 5 messages a second per receiving user (HTTP 400, 230020
/// past it) and 50 a second and 1000 a minute per app (HTTP 429, 99991400
/// from its gateway, with `x-ogw-ratelimit-reset`); [`Notifier::limits`]
/// names both (`feishu.app:<app_id>:<receive_id>`, `feishu.app:<app_id>`).
/// A request body is at most 150 KB: a longer message is
/// [`SendError::Permanent`] before any request.
///
/// | `code` | meaning | result |
/// |---|---|---|
/// | 0 | sent | `Ok`, with the `message_id` |
/// | 99991663 | token not valid | one new token, one more try; then `Retryable` |
/// | 230020 | over 5 a second to the user | `Retryable`, after the reset header or 1 s |
/// | 99991400, HTTP 429 | over the app's limit | `Retryable`, after the reset header or 1 s |
/// | 230001 / 230002 / 230006 / 230013 / 230022 / 230025 / 230028 | bad parameter / bot not in the chat / bot off / user out of the app's scope / sensitive / too long / DLP | `Permanent` |
/// | any other, HTTP 5xx | | `Retryable` |
/// | any other | | `Permanent`, with the code and `msg` |
///
/// ```no_run
/// use dangjian::adapters::{FeishuApp, FeishuAppConfig, FeishuReceiveIdType};
/// use dangjian::notify::{Channel, Notifier, OutgoingMessage};
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let app = FeishuApp::new(
///     FeishuAppConfig::new("cli_a1b2c3d4e5f60718", "Z2K4d8Lq0Vw3n6Rj9Tb5Xe1Hy7Cu4Mp0")
///         .receive_id_type(FeishuReceiveIdType::Email),
/// )?;
/// let m = OutgoingMessage::new("dues/2024-06/wangwu", Channel::Feishu,
///     "wangwu@example.com", "王五", "王五同志：请于6月30日前交纳6月党费。");
/// let accepted = app.send(&m).await?; // accepted.channel_id: the message_id
/// # Ok(()) }
/// ```
pub struct FeishuApp {
    app_id: String,
    app_secret: String,
    base: String,
    receive_id_type: FeishuReceiveIdType,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    token: tokio::sync::Mutex<Option<Token>>,
}

impl fmt::Debug for FeishuApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeishuApp")
            .field("app_id", &self.app_id)
            .field("base", &self.base)
            .field("receive_id_type", &self.receive_id_type)
            .finish_non_exhaustive()
    }
}

/// An app id (`cli_` and hex) or secret: letters, digits, `_` and `-`.
fn credential_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        Some("it is empty")
    } else if value.len() > 128
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        Some("it has characters Feishu never issues")
    } else {
        None
    }
}

/// The token was not valid (message/create error table).
const STALE_TOKEN: i64 = 99991663;
/// The gateway's frequency limit (frequency-control page).
const GATEWAY_LIMIT: i64 = 99991400;
/// 5 QPS per receiving user or group (message/create).
const RECEIVER_LIMIT: i64 = 230020;

/// What a code other than 0 and the stale token's means.
fn app_error(answer: &Answer) -> SendError {
    let said = answer.reply.said(answer.code);
    match answer.code {
        RECEIVER_LIMIT | GATEWAY_LIMIT => retryable(said, answer.delay(1)),
        _ if answer.status.as_u16() == 429 => retryable(said, answer.delay(1)),
        // Bad parameter, bot not in the chat, bot off, user out of scope,
        // sensitive content, too long, data-loss prevention.
        230001 | 230002 | 230006 | 230013 | 230022 | 230025 | 230028 => permanent(said),
        // Feishu's own trouble; the uuid makes another try safe.
        _ if answer.status.is_server_error() => retryable(said, None),
        _ => permanent(said),
    }
}

impl FeishuApp {
    /// The largest request body of a text message, in bytes
    /// (message/create: 150 KB).
    pub const MAX_BODY_BYTES: usize = 150 * 1024;
    /// Messages a user receives per second (message/create).
    pub const RECEIVER_PER_SECOND: u32 = 5;
    /// Calls an app makes per second (message/create).
    pub const APP_PER_SECOND: u32 = 50;
    /// Calls an app makes per minute (message/create).
    pub const APP_PER_MINUTE: u32 = 1000;

    /// The app `config` describes. Nothing is fetched yet.
    ///
    /// ```
    /// use dangjian::adapters::{ChannelConfigError, FeishuApp, FeishuAppConfig};
    /// let bad = FeishuAppConfig::new("cli_a1b2c3d4e5f60718", "secret with spaces");
    /// assert!(matches!(FeishuApp::new(bad), Err(ChannelConfigError::BadCredential { .. })));
    /// ```
    ///
    /// # Errors
    /// [`ChannelConfigError::BadCredential`] for an empty or malformed app
    /// id or secret (never repeated), [`ChannelConfigError::BadUrl`],
    /// [`ChannelConfigError::Client`].
    pub fn new(config: FeishuAppConfig) -> Result<Self, ChannelConfigError> {
        for (what, value) in [
            ("app id", &config.app_id),
            ("app secret", &config.app_secret),
        ] {
            if let Some(why) = credential_problem(value) {
                return Err(ChannelConfigError::BadCredential {
                    channel: CHANNEL,
                    what,
                    why,
                });
            }
        }
        Ok(Self {
            base: http::base_url(CHANNEL, &config.base_url)?,
            http: http::client(CHANNEL, config.timeout)?,
            app_id: config.app_id,
            app_secret: config.app_secret,
            receive_id_type: config.receive_id_type,
            clock: config.clock,
            token: tokio::sync::Mutex::new(None),
        })
    }

    /// The `uuid` of a message: a hash of its idempotency key, 34
    /// characters (Feishu takes at most 50 and drops a repeat within an
    /// hour).
    pub(super) fn uuid(message: &OutgoingMessage) -> String {
        let hash = http::hex(&http::sha256(message.idempotency_key.as_bytes()));
        format!("dj{}", hash.get(..32).unwrap_or(&hash))
    }

    /// Fetches a tenant token (tenant_access_token_internal).
    async fn fetch_token(&self) -> Result<Token, SendError> {
        let request = self
            .http
            .post(format!(
                "{}/open-apis/auth/v3/tenant_access_token/internal",
                self.base
            ))
            .json(&json!({ "app_id": self.app_id, "app_secret": self.app_secret }));
        // Fetching a token changes nothing: safe to repeat.
        let answer = exchange(request, true).await?;
        if answer.code != 0 {
            let said = format!("tenant_access_token: {}", answer.reply.said(answer.code));
            return Err(
                if answer.code == GATEWAY_LIMIT
                    || answer.status.as_u16() == 429
                    || answer.status.is_server_error()
                {
                    retryable(said, answer.delay(1))
                } else {
                    // A wrong app id or secret (10003, 10014, …).
                    permanent(said)
                },
            );
        }
        let value = answer.reply.tenant_access_token;
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(retryable(
                "tenant_access_token answered without a usable token",
                None,
            ));
        }
        // `expire` is the time left, at most 2 hours. Renew with 30
        // minutes left, when Feishu issues a new token; a token answered
        // with less than that is used for half of what is left.
        let left = answer.reply.expire.clamp(0, 86_400);
        let now = self.clock.now();
        let renew_in = (left - 30 * 60).max(left / 2);
        Ok(Token {
            value,
            renew_at: now + Span::seconds(renew_in),
        })
    }

    /// The cached token, fetched first when there is none or it is due
    /// for renewal. When `stale` is given (the token Feishu just refused),
    /// a new one is fetched unless another send has replaced it meanwhile.
    async fn token(&self, stale: Option<&str>) -> Result<String, SendError> {
        let mut cached = self.token.lock().await;
        if let Some(t) = cached.as_ref() {
            let usable = self.clock.now() < t.renew_at;
            if usable && stale.is_none_or(|s| s != t.value) {
                return Ok(t.value.clone());
            }
        }
        *cached = None;
        let fresh = self.fetch_token().await?;
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    async fn post(&self, token: &str, body: &[u8]) -> Result<Answer, SendError> {
        let request = self
            .http
            .post(format!("{}/open-apis/im/v1/messages", self.base))
            .query(&[("receive_id_type", self.receive_id_type.as_str())])
            .bearer_auth(token)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .body(body.to_vec());
        exchange(request, true).await
    }

    /// The request body for `message`, or why it cannot be sent.
    fn payload(&self, message: &OutgoingMessage) -> Result<Vec<u8>, SendError> {
        if !self.receive_id_type.accepts(&message.to) {
            return Err(permanent(format!(
                "the address is not a Feishu {}",
                self.receive_id_type.as_str()
            )));
        }
        // `content` is a JSON object written as a string (message/create).
        let content = json!({ "text": message.body }).to_string();
        let body = json!({
            "receive_id": message.to,
            "msg_type": "text",
            "content": content,
            "uuid": Self::uuid(message),
        });
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| permanent(format!("the message cannot be written as JSON: {e}")))?;
        if bytes.len() > Self::MAX_BODY_BYTES {
            return Err(permanent(format!(
                "the request is {} bytes, more than the {} a text message takes",
                bytes.len(),
                Self::MAX_BODY_BYTES
            )));
        }
        Ok(bytes)
    }

    /// A receiver as a rate key names it: as given when it is printable
    /// ASCII, else a fingerprint.
    pub(super) fn receiver_key(id: &str) -> String {
        crate::notify::key_part(id)
    }
}

#[async_trait]
impl Notifier for FeishuApp {
    fn channel(&self) -> Channel {
        CHANNEL
    }

    /// Yes, by the `uuid`, within an hour.
    fn deduplicates(&self) -> bool {
        true
    }

    fn limits(&self, message: &OutgoingMessage) -> Vec<RateKey> {
        vec![
            RateKey::new(
                format!(
                    "feishu.app:{}:{}",
                    self.app_id,
                    Self::receiver_key(&message.to)
                ),
                [Window::per_second(Self::RECEIVER_PER_SECOND)],
            ),
            RateKey::new(
                format!("feishu.app:{}", self.app_id),
                [
                    Window::per_second(Self::APP_PER_SECOND),
                    Window::per_minute(Self::APP_PER_MINUTE),
                ],
            ),
        ]
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<Accepted, SendError> {
        let body = self.payload(message)?;
        let token = self.token(None).await?;
        let mut answer = self.post(&token, &body).await?;
        if answer.code == STALE_TOKEN {
            // Once: a second refusal right after a new token is not fixed
            // by a third.
            let token = self.token(Some(&token)).await?;
            answer = self.post(&token, &body).await?;
            if answer.code == STALE_TOKEN {
                return Err(retryable(
                    format!(
                        "the token was refused again after a new one: {}",
                        answer.reply.said(STALE_TOKEN)
                    ),
                    None,
                ));
            }
        }
        if answer.code == 0 {
            let id = answer
                .reply
                .data
                .map(|d| d.message_id)
                .filter(|s| !s.is_empty());
            Ok(Accepted::new(id))
        } else {
            Err(app_error(&answer))
        }
    }
}
