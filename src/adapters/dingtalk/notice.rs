//! 工作通知 (an internal app's work notifications) and their send
//! results.

use super::{
    CHANNEL, DEFAULT_BASE, DEFAULT_TIMEOUT, MAX_BODY, errcode, exchange, reason, too_long,
};
use crate::adapters::http::{self, ChannelConfigError};
use crate::clock::{Clock, SystemClock};
use crate::notify::{
    Accepted, Channel, ChannelStatus, Notifier, OutgoingMessage, RateKey, SendError, Window,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// 钉钉工作通知: sends each [`OutgoingMessage`] on [`Channel::DingTalk`]
/// as a work notification of an internal app
/// (`topapi/message/corpconversation/asyncsend_v2`) to the member whose
/// DingTalk user id is `to`, and reads back what became of it
/// (`getsendresult`).
///
/// - Token: `GET /gettoken?appkey=…&appsecret=…`, kept until shortly
///   before it expires (`expires_in`, 7200 s), fetched by one caller at a
///   time; refreshed once when DingTalk answers 40014 (invalid token) or
///   42001 (expired), and the request sent again once.
/// - Batches ([`Notifier::send_batch`], [`Notifier::batch_size`] 100):
///   messages with the same text go in one call, `userid_list: "a,b,…"` of
///   at most 100 members; every message of a call is accepted with the
///   call's `task_id` as its channel id.
/// - Send results ([`Notifier::status`] with that task id): a member in
///   `read_user_id_list` is [`ChannelStatus::Read`], in
///   `unread_user_id_list` [`ChannelStatus::Delivered`], in
///   `invalid_user_id_list`, `forbidden_user_id_list` (flow control: over
///   the daily limits), `failed_user_id_list` or `forbidden_list`
///   [`ChannelStatus::NotDelivered`]: the drop DingTalk answered with
///   success, made visible. The API gives no times: a status carries the
///   time it was asked. One task's result is kept for a short while
///   ([`DingTalkWorkNoticeBuilder::result_cache`]), so asking about the
///   100 members of one call costs one request.
/// - Limits ([`Notifier::limits`]): per member
///   `dingtalk.notice:<agent>:<userid>`, 500 a day, and per member and
///   text `dingtalk.notice:<agent>:<userid>:<hash of the text>`, 1 a day
///   (DingTalk delivers the same content to a member once a day and drops
///   repeats silently).
/// - Answers: `0` accepted; `143103`, `143104` (a per-minute limit)
///   [`SendError::Retryable`] after 60 s; `-1` (system busy) retryable;
///   `143105` (the member's daily limit), `143106` (the same content
///   again), a refused app key or secret and any other code
///   [`SendError::Permanent`]. The API takes no idempotency key: a send
///   without an answer is [`SendError::Unknown`].
///
/// ```
/// use dangjian::adapters::DingTalkWorkNotice;
/// use dangjian::notify::{Channel, Notifier, OutgoingMessage};
/// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let notice = DingTalkWorkNotice::builder("dingappkey", "appsecret", 3_000_001)
///     .build()?;
/// assert_eq!(notice.batch_size(), 100);
/// let m = OutgoingMessage::new("k1", Channel::DingTalk, "liming", "李明", "李明同志：请及时交纳党费。");
/// let limits = notice.limits(&m);
/// assert_eq!(limits[0].name, "dingtalk.notice:3000001:liming");
/// assert_eq!(limits[1].windows[0].max, 1); // the same text once a day
/// # Ok::<_, Box<dyn std::error::Error>>(()) })?;
/// # Ok(()) }
/// # demo().unwrap();
/// ```
pub struct DingTalkWorkNotice {
    client: reqwest::Client,
    base: String,
    app_key: String,
    app_secret: String,
    agent_id: i64,
    markdown: Option<String>,
    clock: Arc<dyn Clock>,
    token: tokio::sync::Mutex<Option<Token>>,
    results: Mutex<HashMap<String, Cached>>,
    result_ttl: chrono::Duration,
}

impl fmt::Debug for DingTalkWorkNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DingTalkWorkNotice")
            .field("base", &self.base)
            .field("app_key", &self.app_key)
            .field("agent_id", &self.agent_id)
            .field("markdown", &self.markdown)
            .finish_non_exhaustive()
    }
}

/// How a [`DingTalkWorkNotice`] is set up;
/// [`DingTalkWorkNoticeBuilder::build`] checks everything.
pub struct DingTalkWorkNoticeBuilder {
    app_key: String,
    app_secret: String,
    agent_id: i64,
    markdown: Option<String>,
    base_url: String,
    timeout: Duration,
    result_cache: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for DingTalkWorkNoticeBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DingTalkWorkNoticeBuilder")
            .field("app_key", &self.app_key)
            .field("agent_id", &self.agent_id)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// An access token and when to stop using it.
struct Token {
    value: String,
    refresh_at: DateTime<Utc>,
}

/// One task's send result, and when it was read.
struct Cached {
    at: DateTime<Utc>,
    result: Arc<SendResult>,
}

/// What `getsendresult` said of a task, by member.
#[derive(Debug, Default)]
pub(super) struct SendResult {
    pub(super) read: HashSet<String>,
    pub(super) unread: HashSet<String>,
    /// Members not delivered to, with DingTalk's reason.
    pub(super) not_delivered: HashMap<String, String>,
}

/// The codes that mean the token must be fetched again.
const TOKEN_CODES: [i64; 2] = [40014, 42001];

/// The most task results kept at once.
const MAX_CACHED: usize = 1_024;

impl DingTalkWorkNotice {
    /// Members per call (`userid_list`, the `asyncsend_v2` page).
    pub const BATCH: usize = 100;

    /// Work notices a member may be sent per app and day.
    pub const PER_MEMBER_DAY: u32 = 500;

    /// The delay after a per-minute limit (143103, 143104).
    pub const THROTTLE: Duration = Duration::from_secs(60);

    /// An internal app's work notices: its `AppKey`, `AppSecret` and
    /// `AgentId`, from the developer console.
    pub fn builder(app_key: &str, app_secret: &str, agent_id: i64) -> DingTalkWorkNoticeBuilder {
        DingTalkWorkNoticeBuilder {
            app_key: app_key.to_owned(),
            app_secret: app_secret.to_owned(),
            agent_id,
            markdown: None,
            base_url: DEFAULT_BASE.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            result_cache: Duration::from_secs(30),
            clock: Arc::new(SystemClock),
        }
    }

    /// A valid token: the cached one unless it is `stale` (refused by
    /// DingTalk) or near its expiry. One caller fetches at a time; the
    /// others wait and take what it fetched.
    async fn token(&self, stale: Option<&str>) -> Result<String, SendError> {
        let mut slot = self.token.lock().await;
        let now = self.clock.now();
        if let Some(t) = slot.as_ref() {
            if now < t.refresh_at && stale != Some(t.value.as_str()) {
                return Ok(t.value.clone());
            }
        }
        let fresh = self.fetch_token(now).await?;
        let value = fresh.value.clone();
        *slot = Some(fresh);
        Ok(value)
    }

    async fn fetch_token(&self, now: DateTime<Utc>) -> Result<Token, SendError> {
        let request = self.client.get(format!("{}/gettoken", self.base)).query(&[
            ("appkey", self.app_key.as_str()),
            ("appsecret", self.app_secret.as_str()),
        ]);
        // Asking for a token twice is harmless.
        let answer = exchange(request, "gettoken", true).await?;
        let code = errcode(&answer).unwrap_or(-1);
        match code {
            0 => {}
            -1 => {
                return Err(SendError::Retryable {
                    channel: CHANNEL,
                    reason: reason("gettoken", code, &answer),
                    retry_after: None,
                });
            }
            // A refused app key or secret: no retry can help.
            _ => {
                return Err(SendError::Permanent {
                    channel: CHANNEL,
                    reason: format!(
                        "{}; check the app key and secret",
                        reason("gettoken", code, &answer)
                    ),
                });
            }
        }
        let value = answer
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| SendError::Retryable {
                channel: CHANNEL,
                reason: "gettoken: an answer without a usable access_token".into(),
                retry_after: None,
            })?;
        let expires_in = answer
            .get("expires_in")
            .and_then(Value::as_i64)
            .unwrap_or(7_200)
            .clamp(1, 86_400);
        // Stop using it five minutes early (half its life if shorter).
        let margin = if expires_in > 600 {
            300
        } else {
            expires_in / 2
        };
        Ok(Token {
            value: value.to_owned(),
            refresh_at: now + chrono::Duration::seconds(expires_in - margin),
        })
    }

    /// Sends `body` (a JSON request) to `path` with a token, fetching a
    /// new one and sending again once when the token is refused. The
    /// errcode and the answer.
    async fn call(
        &self,
        path: &str,
        body: &Value,
        dedupes: bool,
    ) -> Result<(i64, Value), SendError> {
        let url = format!("{}{path}", self.base);
        let what = path.rsplit('/').next().unwrap_or(path);
        let mut token = self.token(None).await?;
        let mut refreshed = false;
        loop {
            let request = self
                .client
                .post(&url)
                .query(&[("access_token", token.as_str())])
                .json(body);
            let answer = exchange(request, what, dedupes).await?;
            let Some(code) = errcode(&answer) else {
                return Err(if dedupes {
                    SendError::Retryable {
                        channel: CHANNEL,
                        reason: format!("{what}: an answer without an errcode"),
                        retry_after: None,
                    }
                } else {
                    SendError::Unknown {
                        channel: CHANNEL,
                        reason: format!("{what}: an answer without an errcode"),
                    }
                });
            };
            if TOKEN_CODES.contains(&code) && !refreshed {
                // Refused before anything was sent: safe to send again.
                token = self.token(Some(&token)).await?;
                refreshed = true;
                continue;
            }
            return Ok((code, answer));
        }
    }

    /// The `msg` of a request.
    fn msg(&self, body: &str) -> Value {
        match &self.markdown {
            Some(title) => json!({
                "msgtype": "markdown",
                "markdown": { "title": title, "text": body },
            }),
            None => json!({ "msgtype": "text", "text": { "content": body } }),
        }
    }

    /// One `asyncsend_v2` call to `users` (1 to 100, checked) with `body`.
    async fn send_call(&self, users: &[&str], body: &str) -> Result<Accepted, SendError> {
        let request = json!({
            "agent_id": self.agent_id,
            "userid_list": users.join(","),
            "msg": self.msg(body),
        });
        let (code, answer) = self
            .call(
                "/topapi/message/corpconversation/asyncsend_v2",
                &request,
                false,
            )
            .await?;
        send_answer(code, &answer)
    }

    /// The send result of `task`, from the cache when recent enough.
    async fn send_result(&self, task: &str) -> Result<Arc<SendResult>, SendError> {
        let now = self.clock.now();
        if let Some(c) = self.cache().get(task) {
            if now >= c.at && now - c.at < self.result_ttl {
                return Ok(Arc::clone(&c.result));
            }
        }
        let task_id = match task.parse::<i64>() {
            Ok(n) => json!(n),
            Err(_) => json!(task),
        };
        let request = json!({ "agent_id": self.agent_id, "task_id": task_id });
        let (code, answer) = self
            .call(
                "/topapi/message/corpconversation/getsendresult",
                &request,
                true,
            )
            .await?;
        if code != 0 {
            let why = reason("getsendresult", code, &answer);
            return Err(if code == -1 || TOKEN_CODES.contains(&code) {
                SendError::Retryable {
                    channel: CHANNEL,
                    reason: why,
                    retry_after: None,
                }
            } else {
                SendError::Permanent {
                    channel: CHANNEL,
                    reason: why,
                }
            });
        }
        let result = Arc::new(parse_result(answer.get("send_result")));
        if !self.result_ttl.is_zero() {
            let mut cache = self.cache();
            if cache.len() >= MAX_CACHED {
                let ttl = self.result_ttl;
                cache.retain(|_, c| now >= c.at && now - c.at < ttl);
                if cache.len() >= MAX_CACHED {
                    cache.clear();
                }
            }
            cache.insert(
                task.to_owned(),
                Cached {
                    at: now,
                    result: Arc::clone(&result),
                },
            );
        }
        Ok(result)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        self.results.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Refuses, before sending, what DingTalk would refuse or misread.
fn check(message: &OutgoingMessage) -> Result<(), SendError> {
    let to = message.to.as_str();
    if to.is_empty() {
        return Err(SendError::Permanent {
            channel: CHANNEL,
            reason: "no DingTalk user id to send the work notice to".into(),
        });
    }
    // A comma would make one address several members.
    if to.contains(',') || to.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(SendError::Permanent {
            channel: CHANNEL,
            reason: "the DingTalk user id has a comma, a space or a control character".into(),
        });
    }
    if message.body.len() > MAX_BODY {
        return Err(too_long(message.body.len()));
    }
    Ok(())
}

/// What an answer of `asyncsend_v2` means.
pub(super) fn send_answer(code: i64, answer: &Value) -> Result<Accepted, SendError> {
    let why = || reason("asyncsend_v2", code, answer);
    match code {
        0 => {
            let task = match answer.get("task_id") {
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                _ => None,
            };
            Ok(Accepted::new(task))
        }
        // A per-minute limit.
        143103 | 143104 => Err(SendError::Retryable {
            channel: CHANNEL,
            reason: why(),
            retry_after: chrono::Duration::from_std(DingTalkWorkNotice::THROTTLE).ok(),
        }),
        // System busy, or a token refused again right after a refresh.
        -1 | 40014 | 42001 => Err(SendError::Retryable {
            channel: CHANNEL,
            reason: why(),
            retry_after: None,
        }),
        // 143105: the member's daily limit; 143106: the same content
        // again today; anything else: nothing says a retry could help.
        _ => Err(SendError::Permanent {
            channel: CHANNEL,
            reason: why(),
        }),
    }
}

/// The user ids of a list field: an array of strings (or a comma-joined
/// string, as some answers give).
fn ids(result: &Value, field: &str) -> Vec<String> {
    match result.get(field) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn parse_result(result: Option<&Value>) -> SendResult {
    let mut out = SendResult::default();
    let Some(result) = result else {
        return out;
    };
    out.read = ids(result, "read_user_id_list").into_iter().collect();
    out.unread = ids(result, "unread_user_id_list").into_iter().collect();
    let lists = [
        ("failed_user_id_list", "failed"),
        (
            "invalid_user_id_list",
            "not a user of the organisation (invalid_user_id_list)",
        ),
        (
            "forbidden_user_id_list",
            "dropped by flow control: over the member's daily limit or the same content \
             again today (forbidden_user_id_list)",
        ),
    ];
    for (field, why) in lists {
        for id in ids(result, field) {
            out.not_delivered.insert(id, why.to_owned());
        }
    }
    if let Some(Value::Array(items)) = result.get("forbidden_list") {
        for item in items {
            let Some(user) = item.get("userid").and_then(Value::as_str) else {
                continue;
            };
            let code = item.get("code").map(Value::to_string).unwrap_or_default();
            let count = item.get("count").map(Value::to_string).unwrap_or_default();
            out.not_delivered.insert(
                user.to_owned(),
                format!("dropped by flow control (forbidden_list: code {code}, count {count})"),
            );
        }
    }
    out
}

/// A member's part of a rate-key name: the user id when it is short
/// printable ASCII, else a hash of it.
pub(super) fn member_key(userid: &str) -> String {
    crate::notify::key_part(userid)
}

impl DingTalkWorkNoticeBuilder {
    /// Send markdown (`msgtype: markdown`) titled `title` instead of
    /// plain text.
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

    /// How long a task's send result is reused (default 30 seconds; zero
    /// asks DingTalk every time).
    pub fn result_cache(mut self, ttl: Duration) -> Self {
        self.result_cache = ttl;
        self
    }

    /// The clock token expiry and the result cache go by. Default the
    /// system's.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The adapter, every setting checked. Fetches no token yet.
    ///
    /// # Errors
    /// [`ChannelConfigError::BadCredential`] for an app key or secret that
    /// is empty or unprintable (never repeating it);
    /// [`ChannelConfigError::Invalid`] for an agent id that is not
    /// positive, an empty markdown title, a zero timeout or a result cache
    /// over an hour; [`ChannelConfigError::BadUrl`];
    /// [`ChannelConfigError::Client`].
    pub fn build(self) -> Result<DingTalkWorkNotice, ChannelConfigError> {
        for (what, value) in [("app key", &self.app_key), ("app secret", &self.app_secret)] {
            let why = if value.is_empty() {
                Some("it is empty")
            } else if value.len() > 256 || !value.bytes().all(|b| b.is_ascii_graphic()) {
                Some("it has characters or a length DingTalk never issues")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(ChannelConfigError::BadCredential {
                    channel: CHANNEL,
                    what,
                    why,
                });
            }
        }
        let invalid = |s: &str| ChannelConfigError::Invalid(s.to_owned(), CHANNEL);
        if self.agent_id <= 0 {
            return Err(invalid("the agent id must be positive"));
        }
        if self
            .markdown
            .as_deref()
            .is_some_and(|t| t.trim().is_empty())
        {
            return Err(invalid("the markdown title is empty"));
        }
        if self.timeout.is_zero() {
            return Err(invalid("the timeout is zero"));
        }
        if self.result_cache > Duration::from_secs(3_600) {
            return Err(invalid("the send-result cache is over an hour"));
        }
        let base = http::base_url(CHANNEL, &self.base_url)?;
        Ok(DingTalkWorkNotice {
            client: http::client(CHANNEL, self.timeout)?,
            base,
            app_key: self.app_key,
            app_secret: self.app_secret,
            agent_id: self.agent_id,
            markdown: self.markdown,
            clock: self.clock,
            token: tokio::sync::Mutex::new(None),
            results: Mutex::new(HashMap::new()),
            result_ttl: chrono::Duration::from_std(self.result_cache)
                .unwrap_or_else(|_| chrono::Duration::zero()),
        })
    }
}

#[async_trait]
impl Notifier for DingTalkWorkNotice {
    fn channel(&self) -> Channel {
        CHANNEL
    }

    /// No: `asyncsend_v2` takes no idempotency key.
    fn deduplicates(&self) -> bool {
        false
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<Accepted, SendError> {
        check(message)?;
        self.send_call(&[message.to.as_str()], &message.body).await
    }

    /// The task's send result for the member `message.to`; `Ok(None)`
    /// without a task id, or while DingTalk lists the member nowhere yet
    /// (the send is asynchronous).
    async fn status(
        &self,
        message: &OutgoingMessage,
        channel_id: Option<&str>,
    ) -> Result<Option<ChannelStatus>, SendError> {
        let Some(task) = channel_id.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        let result = self.send_result(task).await?;
        let user = message.to.as_str();
        let now = self.clock.now();
        if let Some(reason) = result.not_delivered.get(user) {
            return Ok(Some(ChannelStatus::NotDelivered {
                reason: reason.clone(),
            }));
        }
        if result.read.contains(user) {
            return Ok(Some(ChannelStatus::Read {
                delivered_at: now,
                at: now,
            }));
        }
        if result.unread.contains(user) {
            return Ok(Some(ChannelStatus::Delivered { at: now }));
        }
        Ok(None)
    }

    fn limits(&self, message: &OutgoingMessage) -> Vec<RateKey> {
        let member = format!(
            "dingtalk.notice:{}:{}",
            self.agent_id,
            member_key(&message.to)
        );
        let content = format!("{member}:{}", http::fingerprint(&message.body));
        vec![
            RateKey::new(member, [Window::per_day(Self::PER_MEMBER_DAY)]),
            RateKey::new(content, [Window::per_day(1)]),
        ]
    }

    /// Yes: send results list who read, who has not, and who was dropped.
    fn reports_receipts(&self) -> bool {
        true
    }

    fn batch_size(&self) -> usize {
        Self::BATCH
    }

    async fn send_batch(&self, messages: &[OutgoingMessage]) -> Vec<Result<Accepted, SendError>> {
        let mut out: Vec<Option<Result<Accepted, SendError>>> = vec![None; messages.len()];
        // Calls by text, in the order the texts first appear; a member
        // twice in one call would be one delivery, so the repeat goes in
        // a call of its own.
        let mut calls: Vec<(&str, Vec<usize>)> = Vec::new();
        for (i, m) in messages.iter().enumerate() {
            if let Err(e) = check(m) {
                if let Some(slot) = out.get_mut(i) {
                    *slot = Some(Err(e));
                }
                continue;
            }
            let open = calls.iter_mut().find(|(body, members)| {
                *body == m.body.as_str()
                    && members.len() < Self::BATCH
                    && !members
                        .iter()
                        .any(|&j| messages.get(j).is_some_and(|o| o.to == m.to))
            });
            match open {
                Some((_, members)) => members.push(i),
                None => calls.push((m.body.as_str(), vec![i])),
            }
        }
        for (body, members) in calls {
            let users: Vec<&str> = members
                .iter()
                .filter_map(|&j| messages.get(j).map(|m| m.to.as_str()))
                .collect();
            let result = self.send_call(&users, body).await;
            for j in members {
                if let Some(slot) = out.get_mut(j) {
                    *slot = Some(result.clone());
                }
            }
        }
        out.into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(SendError::Permanent {
                        channel: CHANNEL,
                        reason: "not sent".into(),
                    })
                })
            })
            .collect()
    }
}
