//! 应用消息 (app messages): the access token from `GET /cgi-bin/gettoken`
//! (document/path/91039), messages by `POST /cgi-bin/message/send`
//! (document/path/90236).

use super::{
    CHANNEL, DEFAULT_BASE_URL, Reply, WeComFormat, exchange, frequency_limited, permanent,
    retryable, user_id_ok, user_key,
};
use crate::adapters::http::{self, ChannelConfigError};
use crate::clock::{Clock, SystemClock};
use crate::notify::{Accepted, Channel, Notifier, OutgoingMessage, RateKey, SendError, Window};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The settings of a [`WeComApp`]: the corporation's id, the app's secret
/// and agent id, and optionally the base URL, timeout, clock and format.
#[derive(Clone)]
pub struct WeComAppConfig {
    corp_id: String,
    corp_secret: String,
    agent_id: u32,
    base_url: String,
    timeout: Duration,
    clock: Arc<dyn Clock>,
    format: WeComFormat,
}

impl fmt::Debug for WeComAppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeComAppConfig")
            .field("corp_id", &self.corp_id)
            .field(
                "corp_secret",
                &format_args!("<{}>", http::fingerprint(&self.corp_secret)),
            )
            .field("agent_id", &self.agent_id)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl WeComAppConfig {
    /// An app of the corporation `corp_id` (企业ID, `ww…`) with its
    /// `corp_secret` (the app's Secret) and `agent_id` (AgentId), sending
    /// plain text to `https://qyapi.weixin.qq.com` with a timeout of 10
    /// seconds, on the system clock. Checked by [`WeComApp::new`].
    pub fn new(corp_id: impl Into<String>, corp_secret: impl Into<String>, agent_id: u32) -> Self {
        Self {
            corp_id: corp_id.into(),
            corp_secret: corp_secret.into(),
            agent_id,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(10),
            clock: Arc::new(SystemClock),
            format: WeComFormat::Text,
        }
    }

    /// With another base URL (plain `http` only to a loopback address).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// With another timeout for each request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// With another clock, which the token's expiry is counted on.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// With another message format.
    pub fn format(mut self, format: WeComFormat) -> Self {
        self.format = format;
        self
    }
}

/// A cached access token.
#[derive(Clone)]
struct Token {
    value: String,
    expires_at: DateTime<Utc>,
}

/// 企业微信应用消息: sends app messages to members on [`Channel::WeCom`].
///
/// The address of a message (`to`) is the member's WeCom user id. The
/// access token is fetched once and cached until it expires on the
/// configured clock (one fetch at a time: concurrent sends wait for it);
/// when WeCom answers 40014 (a revoked token) or 42001 (an expired one)
/// it is fetched again once and the send tried once more.
///
/// [`Notifier::send_batch`] sends the messages with the same text in
/// calls of up to 1000 members (`touser: "a|b|c"`): the members WeCom
/// lists as `invaliduser` or `unlicenseduser` fail alone
/// ([`SendError::Permanent`]), the others are delivered with the call's
/// `msgid`; after a call WeCom refuses for now (45009, -1, …) the rest of
/// the batch is not tried and gets the same [`SendError::Retryable`].
/// Every call asks for WeCom's duplicate check
/// (`enable_duplicate_check`, 30 minutes), so a retry within that time is
/// not delivered twice ([`Notifier::deduplicates`] is `true`). WeCom
/// checks the whole message, recipients included, and for 30 minutes
/// only: the same text sent twice to a member within 30 minutes arrives
/// once.
///
/// WeCom silently drops what a member is sent past 30 a minute or 1000
/// an hour (document/path/90236): it still answers `errcode 0`. The
/// adapter cannot see that; [`Notifier::limits`] names the member's limit
/// (`wecom.app:<agentid>:<userid>`) for the dispatcher to keep within.
///
/// | `errcode` | meaning | result |
/// |---|---|---|
/// | 0 | sent (but see `invaliduser`) | `Ok` per member |
/// | 40014 / 42001 | token revoked / expired | one new token, one more try; then `Retryable` |
/// | 40001 / 40013 / 40056 / 60020 | bad secret / corp id / agent id, IP not trusted | `Permanent` |
/// | 81013 | no valid recipient | `Permanent`, for every message of the call |
/// | 45009 | frequency | `Retryable`, after 60 s |
/// | 45033 / -1 | concurrency / system busy | `Retryable` |
/// | any other | | `Permanent`, with the code and `errmsg` |
///
/// ```no_run
/// use dangjian::adapters::{WeComApp, WeComAppConfig};
/// use dangjian::notify::{Channel, Notifier, OutgoingMessage};
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let app = WeComApp::new(WeComAppConfig::new(
///     "ww1234567890abcdef", "p0mV6D5a9Yx1K4mT0h2r8sQe3w7ZuJ6b9N1c5X8vL2k", 1000002,
/// ))?;
/// let m = OutgoingMessage::new("dues/2024-06/lisi", Channel::WeCom, "LiSi", "李四",
///     "李四同志：请于6月30日前交纳6月党费。");
/// app.send(&m).await?;
/// # Ok(()) }
/// ```
pub struct WeComApp {
    corp_id: String,
    corp_secret: String,
    agent_id: u32,
    base: String,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    format: WeComFormat,
    token: tokio::sync::Mutex<Option<Token>>,
}

impl fmt::Debug for WeComApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeComApp")
            .field("corp_id", &self.corp_id)
            .field("agent_id", &self.agent_id)
            .field("base", &self.base)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// What is wrong with a corp id, if anything: WeCom issues `ww` and 16
/// hex digits (older corporations `wx…`), letters and digits only.
fn corp_id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("it is empty")
    } else if id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Some("it is not the letters and digits of a corp id")
    } else {
        None
    }
}

/// What is wrong with an app secret, if anything: WeCom issues 43
/// characters of the URL-safe Base64 alphabet.
fn secret_problem(secret: &str) -> Option<&'static str> {
    if secret.is_empty() {
        Some("it is empty")
    } else if secret.len() > 128
        || !secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Some("it has characters a WeCom secret never has")
    } else {
        None
    }
}

/// 40014 invalid access_token, 42001 access_token expired (90313).
fn token_refused(code: i64) -> bool {
    matches!(code, 40014 | 42001)
}

/// What an `errcode` other than 0 and the token's own means (90313).
fn app_error(code: i64, reply: &Reply) -> SendError {
    let said = reply.said(code);
    match code {
        // Bad secret, bad corp id, bad agent id, IP not trusted.
        40001 | 40013 | 40056 | 60020 => permanent(said),
        81013 => permanent(format!("no valid recipient: {said}")),
        45009 => frequency_limited(said),
        // Concurrency limit, system busy.
        45033 | -1 => retryable(said),
        _ => permanent(said),
    }
}

/// One call of `message/send`: the messages (by index) and their members.
struct Call {
    users: HashSet<String>,
    touser: Vec<String>,
    indices: Vec<usize>,
}

impl WeComApp {
    /// The longest content of a message, in bytes (document/path/90236).
    pub const MAX_BYTES: usize = 2048;
    /// The most members one call names (document/path/90236).
    pub const MAX_USERS_PER_CALL: usize = 1000;
    /// The duplicate check's window, in seconds (the default of
    /// document/path/90236).
    pub const DUPLICATE_CHECK_SECONDS: u32 = 1800;
    /// Messages a member receives per minute; WeCom drops the rest
    /// silently (document/path/90236).
    pub const MEMBER_PER_MINUTE: u32 = 30;
    /// Messages a member receives per hour; WeCom drops the rest
    /// silently (document/path/90236).
    pub const MEMBER_PER_HOUR: u32 = 1000;

    /// The app `config` describes. Nothing is fetched yet.
    ///
    /// ```
    /// use dangjian::adapters::{ChannelConfigError, WeComApp, WeComAppConfig};
    /// let bad = WeComAppConfig::new("ww1234567890abcdef", "has spaces in it", 1000002);
    /// assert!(matches!(WeComApp::new(bad), Err(ChannelConfigError::BadCredential { .. })));
    /// let zero = WeComAppConfig::new("ww1234567890abcdef", "p0mV6D5a9Yx1K4mT0h2r8sQe3w7ZuJ6b9N1c5X8vL2k", 0);
    /// assert!(matches!(WeComApp::new(zero), Err(ChannelConfigError::Invalid(..))));
    /// ```
    ///
    /// # Errors
    /// [`ChannelConfigError::BadCredential`] for an empty or malformed corp
    /// id or secret (never repeated), [`ChannelConfigError::Invalid`] for
    /// the agent id 0, [`ChannelConfigError::BadUrl`],
    /// [`ChannelConfigError::Client`].
    pub fn new(config: WeComAppConfig) -> Result<Self, ChannelConfigError> {
        if let Some(why) = corp_id_problem(&config.corp_id) {
            return Err(ChannelConfigError::BadCredential {
                channel: CHANNEL,
                what: "corp id",
                why,
            });
        }
        if let Some(why) = secret_problem(&config.corp_secret) {
            return Err(ChannelConfigError::BadCredential {
                channel: CHANNEL,
                what: "corp secret",
                why,
            });
        }
        if config.agent_id == 0 {
            return Err(ChannelConfigError::Invalid(
                "the agent id must be the app's AgentId, not 0".to_owned(),
                CHANNEL,
            ));
        }
        Ok(Self {
            base: http::base_url(CHANNEL, &config.base_url)?,
            http: http::client(CHANNEL, config.timeout)?,
            corp_id: config.corp_id,
            corp_secret: config.corp_secret,
            agent_id: config.agent_id,
            clock: config.clock,
            format: config.format,
            token: tokio::sync::Mutex::new(None),
        })
    }

    /// Fetches a token (document/path/91039).
    async fn fetch_token(&self) -> Result<Token, SendError> {
        let request = self
            .http
            .get(format!("{}/cgi-bin/gettoken", self.base))
            .query(&[
                ("corpid", self.corp_id.as_str()),
                ("corpsecret", self.corp_secret.as_str()),
            ]);
        // Fetching a token changes nothing: safe to repeat.
        let (code, reply) = exchange(request, true).await?;
        if code != 0 {
            return Err(app_error(code, &reply));
        }
        if reply.access_token.is_empty() || reply.access_token.len() > 512 {
            return Err(retryable("gettoken answered without a usable access_token"));
        }
        let lasts = chrono::Duration::seconds(reply.expires_in.clamp(0, 86_400));
        Ok(Token {
            value: reply.access_token,
            expires_at: self.clock.now() + lasts,
        })
    }

    /// The cached token, fetched first when there is none or it expired.
    /// When `stale` is given (the token WeCom just refused), a new one is
    /// fetched unless another send has replaced it meanwhile.
    async fn token(&self, stale: Option<&str>) -> Result<String, SendError> {
        let mut cached = self.token.lock().await;
        if let Some(t) = cached.as_ref() {
            let usable = self.clock.now() < t.expires_at;
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

    /// One `message/send` with `body` under `token`.
    async fn post(&self, token: &str, body: &serde_json::Value) -> Result<(i64, Reply), SendError> {
        let request = self
            .http
            .post(format!("{}/cgi-bin/message/send", self.base))
            .query(&[("access_token", token)])
            .json(body);
        exchange(request, true).await
    }

    /// Sends `content` to `touser` in one call: the reply when WeCom took
    /// it (it may still list invalid members).
    async fn call(&self, touser: &[String], content: &str) -> Result<Reply, SendError> {
        let msgtype = self.format.msgtype();
        let body = json!({
            "touser": touser.join("|"),
            "msgtype": msgtype,
            "agentid": self.agent_id,
            (msgtype): { "content": content },
            "enable_duplicate_check": 1,
            "duplicate_check_interval": Self::DUPLICATE_CHECK_SECONDS,
        });
        let token = self.token(None).await?;
        let (mut code, mut reply) = self.post(&token, &body).await?;
        if token_refused(code) {
            // Once: a second refusal right after a new token is not
            // fixed by a third.
            let token = self.token(Some(&token)).await?;
            (code, reply) = self.post(&token, &body).await?;
            if token_refused(code) {
                return Err(retryable(format!(
                    "the token was refused again after a new one: {}",
                    reply.said(code)
                )));
            }
        }
        if code == 0 {
            Ok(reply)
        } else {
            Err(app_error(code, &reply))
        }
    }

    /// Why `message` cannot be sent, checked before any request.
    fn check(message: &OutgoingMessage) -> Result<(), SendError> {
        if !user_id_ok(&message.to) {
            return Err(permanent(
                "the address is not a WeCom user id (1 to 64 letters, digits or _-@.)",
            ));
        }
        if message.body.len() > Self::MAX_BYTES {
            return Err(permanent(format!(
                "the message is {} bytes, more than the {} an app message takes",
                message.body.len(),
                Self::MAX_BYTES
            )));
        }
        Ok(())
    }
}

/// The members of a `|`-separated list, in lower case.
fn listed(list: &str) -> HashSet<String> {
    list.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

#[async_trait]
impl Notifier for WeComApp {
    fn channel(&self) -> Channel {
        CHANNEL
    }

    /// Yes, within the duplicate check's 30 minutes.
    fn deduplicates(&self) -> bool {
        true
    }

    fn limits(&self, message: &OutgoingMessage) -> Vec<RateKey> {
        vec![RateKey::new(
            format!("wecom.app:{}:{}", self.agent_id, user_key(&message.to)),
            [
                Window::per_minute(Self::MEMBER_PER_MINUTE),
                Window::per_hour(Self::MEMBER_PER_HOUR),
            ],
        )]
    }

    fn batch_size(&self) -> usize {
        Self::MAX_USERS_PER_CALL
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<Accepted, SendError> {
        let mut results = self.send_batch(std::slice::from_ref(message)).await;
        results
            .pop()
            .unwrap_or_else(|| Err(permanent("no result for the message")))
    }

    async fn send_batch(&self, messages: &[OutgoingMessage]) -> Vec<Result<Accepted, SendError>> {
        // A message that fails its check keeps that error; every other
        // one is given its call's outcome below (never left as sent).
        let mut results: Vec<Result<Accepted, SendError>> = messages
            .iter()
            .map(|m| Self::check(m).and(Err(permanent("not sent"))))
            .collect();
        // The messages with the same text, in calls of at most 1000
        // distinct members (a member named twice goes to a later call).
        let mut groups: HashMap<&str, Vec<Call>> = HashMap::new();
        let mut order: Vec<&str> = Vec::new();
        for (i, m) in messages.iter().enumerate() {
            if Self::check(m).is_err() {
                continue;
            }
            let calls = groups.entry(m.body.as_str()).or_insert_with(|| {
                order.push(m.body.as_str());
                Vec::new()
            });
            let user = m.to.to_ascii_lowercase();
            let room = calls
                .iter_mut()
                .find(|c| c.users.len() < Self::MAX_USERS_PER_CALL && !c.users.contains(&user));
            let call = match room {
                Some(c) => c,
                None => {
                    calls.push(Call {
                        users: HashSet::new(),
                        touser: Vec::new(),
                        indices: Vec::new(),
                    });
                    match calls.last_mut() {
                        Some(c) => c,
                        None => continue, // just pushed
                    }
                }
            };
            call.users.insert(user);
            call.touser.push(m.to.clone());
            call.indices.push(i);
        }
        // After a call WeCom refused for now (busy, throttled), the rest
        // are not tried: they get the same answer, having not been sent.
        let mut halted: Option<SendError> = None;
        for body in order {
            let Some(calls) = groups.remove(body) else {
                continue;
            };
            for call in calls {
                let outcome = match &halted {
                    Some(e) => Err(e.clone()),
                    None => self.call(&call.touser, body).await,
                };
                if let Err(e @ SendError::Retryable { .. }) = &outcome {
                    halted = Some(e.clone());
                }
                let outcome =
                    outcome.map(|r| (listed(&r.invaliduser), listed(&r.unlicenseduser), r));
                for &i in &call.indices {
                    let result = match &outcome {
                        Err(e) => Err(e.clone()),
                        Ok((invalid, unlicensed, reply)) => {
                            let user = messages
                                .get(i)
                                .map(|m| m.to.to_ascii_lowercase())
                                .unwrap_or_default();
                            if invalid.contains(&user) {
                                Err(permanent("invalid user: WeCom lists it in invaliduser"))
                            } else if unlicensed.contains(&user) {
                                Err(permanent(
                                    "invalid user: WeCom lists it in unlicenseduser (no licence)",
                                ))
                            } else {
                                Ok(Accepted::new(
                                    Some(reply.msgid.clone()).filter(|s| !s.is_empty()),
                                ))
                            }
                        }
                    };
                    if let Some(slot) = results.get_mut(i) {
                        *slot = result;
                    }
                }
            }
        }
        results
    }
}
