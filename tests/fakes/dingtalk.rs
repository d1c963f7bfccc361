//! A local fake of DingTalk's custom-robot and work-notice APIs: a real
//! HTTP server on 127.0.0.1 (wiremock) that answers as DingTalk does, on
//! the test's clock. Stands alone (an example includes it with
//! `#[path]`).
//!
//! What it checks, from DingTalk's pages (the custom-robot access page,
//! the `gettoken`, `asyncsend_v2` and `getsendresult` server API pages)
//! and the issues that quote its answers:
//!
//! - `POST /robot/send?access_token&timestamp&sign`: an unknown token is
//!   300001 `token is not exist`; a stopped robot 400102; a signature that
//!   does not verify (HMAC-SHA256 keyed with the secret over `ts + "\n" +
//!   secret`, Base64, URL-decoded from the query) or a timestamp more than
//!   an hour from the fake's clock 310000 `sign not match`; a text without
//!   any of the robot's keywords 310000 `keywords not in content`; the
//!   21st message within 60 seconds 130101 `send too fast, exceed 20
//!   times per minute` (and, with [`Setup::robot_lock`], every message of
//!   the lock after it, the older 10-minute throttle).
//! - `GET /gettoken?appkey&appsecret`: the same token until it expires on
//!   the test's clock (`expires_in` the time left), then a new one; a
//!   wrong key or secret 40089 (the code is the fake's guess).
//! - `POST /topapi/message/corpconversation/asyncsend_v2?access_token`: a
//!   token never issued or revoked 40014, one past its expiry 42001; a
//!   wrong agent, an empty list, more than 100 user ids or a text over
//!   2048 bytes [`PARAM_ERROR`] (the fake's own code). Otherwise it always
//!   answers success with a `task_id` and decides per member, as DingTalk
//!   does after accepting: an unknown member is listed invalid; a member
//!   already sent 500 notices today (China time), or sent the same content
//!   today, is DROPPED, listed in `forbidden_user_id_list` and
//!   `forbidden_list` (code 143105 or 143106) of the send result and
//!   recorded in [`Fake::drops`]; the rest are delivered, unread until the
//!   test calls [`Fake::read`].
//! - `POST /topapi/message/corpconversation/getsendresult?access_token`:
//!   the task's read, unread, invalid and forbidden lists.
//!
//! [`Fake::answer_next`] makes the next answers of one API a chosen code,
//! an HTTP status, or a normal answer after a delay (for timeouts).
#![allow(dead_code)]

use base64::Engine;
use chrono::{DateTime, Duration as Span, NaiveDate, Utc};
use dangjian::clock::{Clock, FixedClock};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The default robot's access token.
pub const ROBOT_TOKEN: &str = "f00dfeed0123456789abcdef0123456789abcdef0123456789abcdef01234567";
/// The default robot's signing secret.
pub const ROBOT_SECRET: &str = "SECtest0123456789";
/// The default app's key.
pub const APP_KEY: &str = "dingfakeappkey0001";
/// The default app's secret.
pub const APP_SECRET: &str = "fake-app-secret-0001";
/// The default app's agent id.
pub const AGENT_ID: i64 = 3_000_001;
/// What the fake answers to a malformed work-notice request (its own
/// code; DingTalk's parameter errors are not in the facts).
pub const PARAM_ERROR: i64 = 400_002;
/// Work notices a member receives per day.
pub const PER_MEMBER_DAY: u32 = 500;

/// A robot the fake knows.
#[derive(Debug, Clone)]
pub struct RobotSetup {
    /// Its access token.
    pub token: String,
    /// Its signing secret.
    pub secret: String,
    /// The keywords its group requires (none: no keyword check).
    pub keywords: Vec<String>,
}

/// What the fake knows.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The robots.
    pub robots: Vec<RobotSetup>,
    /// After the 21st message in a minute, refuse every message for this
    /// long (the older official text's 10 minutes); `None`: only the
    /// sliding minute.
    pub robot_lock: Option<Span>,
    /// The app's key.
    pub app_key: String,
    /// The app's secret.
    pub app_secret: String,
    /// The app's agent id.
    pub agent_id: i64,
    /// A token's lifetime (7200 s).
    pub token_lifetime: Span,
    /// User ids that are not members of the organisation.
    pub unknown_users: Vec<String>,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            robots: vec![RobotSetup {
                token: ROBOT_TOKEN.into(),
                secret: ROBOT_SECRET.into(),
                keywords: Vec::new(),
            }],
            robot_lock: None,
            app_key: APP_KEY.into(),
            app_secret: APP_SECRET.into(),
            agent_id: AGENT_ID,
            token_lifetime: Span::seconds(7_200),
            unknown_users: Vec::new(),
        }
    }
}

impl Setup {
    /// The default, with the default robot requiring `keywords`.
    pub fn with_keywords(keywords: &[&str]) -> Self {
        let mut s = Self::default();
        for r in &mut s.robots {
            r.keywords = keywords.iter().map(|k| (*k).to_owned()).collect();
        }
        s
    }
}

/// One of the fake's APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    /// `POST /robot/send`.
    RobotSend,
    /// `GET /gettoken`.
    GetToken,
    /// `POST /topapi/message/corpconversation/asyncsend_v2`.
    AsyncSend,
    /// `POST /topapi/message/corpconversation/getsendresult`.
    GetSendResult,
}

/// A scripted answer.
#[derive(Debug, Clone)]
pub enum Answer {
    /// HTTP 200 with this errcode (and DingTalk's errmsg for it); the
    /// request is not processed.
    Code(i64),
    /// This HTTP status with an empty body; not processed.
    Status(u16),
    /// Processed as usual, answered after this delay (a client timeout
    /// after the fake acted on the request).
    Slow(Duration),
}

/// A message a robot posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotMessage {
    /// The robot's token.
    pub token: String,
    /// `text` or `markdown`.
    pub msgtype: String,
    /// The markdown title, if any.
    pub title: Option<String>,
    /// The text.
    pub content: String,
    /// `at.atUserIds`.
    pub at_user_ids: Vec<String>,
}

/// A work notice delivered to one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The task.
    pub task_id: i64,
    /// The member.
    pub userid: String,
    /// The text.
    pub content: String,
}

/// A work notice the fake accepted and then dropped (DingTalk's silent
/// flow control).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drop {
    /// The task.
    pub task_id: i64,
    /// The member.
    pub userid: String,
    /// 143105 (over 500 today) or 143106 (the same content today).
    pub code: i64,
}

/// A request the fake refused with an error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The API.
    pub api: Api,
    /// The errcode.
    pub code: i64,
    /// The errmsg.
    pub errmsg: String,
}

/// One accepted `asyncsend_v2` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Its task.
    pub task_id: i64,
    /// The user ids of `userid_list`, in order.
    pub userids: Vec<String>,
    /// `msg.msgtype`.
    pub msgtype: String,
    /// The text.
    pub content: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Delivered,
    Invalid,
    Forbidden(i64),
}

#[derive(Debug)]
struct Task {
    users: Vec<(String, Fate)>,
}

#[derive(Debug)]
struct Issued {
    value: String,
    expires_at: DateTime<Utc>,
    revoked: bool,
}

struct State {
    clock: Arc<FixedClock>,
    setup: Setup,
    script: HashMap<Api, VecDeque<Answer>>,
    requests: HashMap<Api, usize>,
    last_query: HashMap<Api, String>,
    robot_sent: HashMap<String, VecDeque<DateTime<Utc>>>,
    robot_locked_until: HashMap<String, DateTime<Utc>>,
    stopped: HashSet<String>,
    robot_messages: Vec<RobotMessage>,
    tokens: Vec<Issued>,
    tasks: BTreeMap<i64, Task>,
    next_task: i64,
    per_day: HashMap<(String, NaiveDate), u32>,
    contents: HashSet<(String, NaiveDate, String)>,
    reads: HashSet<(i64, String)>,
    calls: Vec<Call>,
    deliveries: Vec<Delivery>,
    drops: Vec<Drop>,
    rejections: Vec<Rejection>,
}

/// The running fake.
pub struct Fake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

/// Starts the fake with `setup`, on `clock`.
pub async fn start(clock: Arc<FixedClock>, setup: Setup) -> Fake {
    let state = Arc::new(Mutex::new(State {
        clock,
        setup,
        script: HashMap::new(),
        requests: HashMap::new(),
        last_query: HashMap::new(),
        robot_sent: HashMap::new(),
        robot_locked_until: HashMap::new(),
        stopped: HashSet::new(),
        robot_messages: Vec::new(),
        tokens: Vec::new(),
        tasks: BTreeMap::new(),
        next_task: 700_000_001,
        per_day: HashMap::new(),
        contents: HashSet::new(),
        reads: HashSet::new(),
        calls: Vec::new(),
        deliveries: Vec::new(),
        drops: Vec::new(),
        rejections: Vec::new(),
    }));
    let server = MockServer::start().await;
    let routes = [
        ("POST", "/robot/send", Api::RobotSend),
        ("GET", "/gettoken", Api::GetToken),
        (
            "POST",
            "/topapi/message/corpconversation/asyncsend_v2",
            Api::AsyncSend,
        ),
        (
            "POST",
            "/topapi/message/corpconversation/getsendresult",
            Api::GetSendResult,
        ),
    ];
    for (verb, route, api) in routes {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(Handler {
                api,
                state: Arc::clone(&state),
            })
            .mount(&server)
            .await;
    }
    Fake { server, state }
}

impl Fake {
    /// The base URL to give the adapters.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Answers the next `n` requests to `api` with `answer`.
    pub fn answer_next(&self, api: Api, answer: Answer, n: usize) {
        let mut s = self.lock();
        let q = s.script.entry(api).or_default();
        for _ in 0..n {
            q.push_back(answer.clone());
        }
    }

    /// Requests `api` received (every one, refused or not).
    pub fn requests(&self, api: Api) -> usize {
        self.lock().requests.get(&api).copied().unwrap_or(0)
    }

    /// The raw (still URL-encoded) query of the last request to `api`.
    pub fn last_query(&self, api: Api) -> Option<String> {
        self.lock().last_query.get(&api).cloned()
    }

    /// Requests received, all APIs together.
    pub fn total_requests(&self) -> usize {
        self.lock().requests.values().sum()
    }

    /// Tokens issued so far (a repeat of a live token is not counted).
    pub fn tokens_issued(&self) -> usize {
        self.lock().tokens.len()
    }

    /// Revokes every token issued (DingTalk answers 40014 to them).
    pub fn revoke_tokens(&self) {
        for t in &mut self.lock().tokens {
            t.revoked = true;
        }
    }

    /// Expires every token now, earlier than announced (42001).
    pub fn expire_tokens(&self) {
        let mut s = self.lock();
        let now = s.clock.now();
        for t in &mut s.tokens {
            t.expires_at = t.expires_at.min(now);
        }
    }

    /// Stops the robot with `token` (400102).
    pub fn stop_robot(&self, token: &str) {
        self.lock().stopped.insert(token.to_owned());
    }

    /// Marks task `task_id`'s notice read by `userid`; `false` when it was
    /// not delivered to them.
    pub fn read(&self, userid: &str, task_id: &str) -> bool {
        let Ok(task) = task_id.parse::<i64>() else {
            return false;
        };
        let mut s = self.lock();
        let delivered = s.tasks.get(&task).is_some_and(|t| {
            t.users
                .iter()
                .any(|(u, f)| u == userid && *f == Fate::Delivered)
        });
        if delivered {
            s.reads.insert((task, userid.to_owned()));
        }
        delivered
    }

    /// The messages robots posted, in order.
    pub fn robot_messages(&self) -> Vec<RobotMessage> {
        self.lock().robot_messages.clone()
    }

    /// The accepted `asyncsend_v2` calls, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// Work notices delivered, in order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.lock().deliveries.clone()
    }

    /// Work notices accepted and then dropped, in order.
    pub fn drops(&self) -> Vec<Drop> {
        self.lock().drops.clone()
    }

    /// Requests refused with an error code, in order.
    pub fn rejections(&self) -> Vec<Rejection> {
        self.lock().rejections.clone()
    }
}

/// DingTalk's errmsg for a code (as quoted in its issues; the rest
/// generic).
fn errmsg(code: i64) -> &'static str {
    match code {
        0 => "ok",
        -1 => "系统繁忙",
        310000 => "sign not match",
        130101 => "send too fast, exceed 20 times per minute",
        300001 => "token is not exist",
        300005 => "token is not exist",
        400101 => "access_token不存在",
        400102 => "机器人已停用",
        410100 => "发送速度太快而限流",
        40014 => "不合法的access_token",
        42001 => "access_token超时",
        40089 => "不合法的appkey或appsecret",
        143103 => "超过每分钟发送次数限制",
        143104 => "超过每分钟发送次数限制",
        143105 => "超过每人每天发送上限",
        143106 => "相同内容发送次数超过上限",
        _ => "error",
    }
}

fn sign(ts: &str, secret: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{ts}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

struct Handler {
    api: Api,
    state: Arc<Mutex<State>>,
}

impl Respond for Handler {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        *s.requests.entry(self.api).or_default() += 1;
        let raw = request.url.query().unwrap_or_default().to_owned();
        s.last_query.insert(self.api, raw);
        let mut delay = None;
        match s.script.get_mut(&self.api).and_then(VecDeque::pop_front) {
            Some(Answer::Code(code)) => return s.refuse(self.api, code, errmsg(code)),
            Some(Answer::Status(status)) => return ResponseTemplate::new(status),
            Some(Answer::Slow(d)) => delay = Some(d),
            None => {}
        }
        let answer = match self.api {
            Api::RobotSend => s.robot_send(request),
            Api::GetToken => s.get_token(request),
            Api::AsyncSend => s.async_send(request),
            Api::GetSendResult => s.get_send_result(request),
        };
        match delay {
            Some(d) => answer.set_delay(d),
            None => answer,
        }
    }
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

impl State {
    fn refuse(&mut self, api: Api, code: i64, msg: &str) -> ResponseTemplate {
        self.rejections.push(Rejection {
            api,
            code,
            errmsg: msg.to_owned(),
        });
        ok(json!({ "errcode": code, "errmsg": msg }))
    }

    fn robot_send(&mut self, request: &Request) -> ResponseTemplate {
        let api = Api::RobotSend;
        let now = self.clock.now();
        let token = query(request, "access_token").unwrap_or_default();
        let Some(robot) = self.setup.robots.iter().find(|r| r.token == token).cloned() else {
            return self.refuse(api, 300001, "token is not exist");
        };
        if self.stopped.contains(&token) {
            return self.refuse(api, 400102, errmsg(400102));
        }
        // 加签: the timestamp within an hour, the signature over it.
        let ts = query(request, "timestamp").unwrap_or_default();
        let given = query(request, "sign").unwrap_or_default();
        let fresh = ts
            .parse::<i64>()
            .is_ok_and(|t| (now.timestamp_millis() - t).abs() <= 3_600_000);
        if !fresh || given != sign(&ts, &robot.secret) {
            return self.refuse(api, 310000, "sign not match");
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return ResponseTemplate::new(400);
        };
        let msgtype = body["msgtype"].as_str().unwrap_or_default().to_owned();
        let (title, content) = match msgtype.as_str() {
            "text" => (None, body["text"]["content"].as_str()),
            "markdown" => (
                body["markdown"]["title"].as_str().map(str::to_owned),
                body["markdown"]["text"].as_str(),
            ),
            _ => (None, None),
        };
        let Some(content) = content.map(str::to_owned) else {
            return ResponseTemplate::new(400);
        };
        if !robot.keywords.is_empty() {
            let has = |k: &String| {
                content.contains(k.as_str())
                    || title.as_deref().is_some_and(|t| t.contains(k.as_str()))
            };
            if !robot.keywords.iter().any(has) {
                return self.refuse(api, 310000, "keywords not in content");
            }
        }
        // 20 a minute per robot, sliding; optionally a lock after.
        if self
            .robot_locked_until
            .get(&token)
            .is_some_and(|until| now < *until)
        {
            return self.refuse(api, 130101, errmsg(130101));
        }
        let sent = self.robot_sent.entry(token.clone()).or_default();
        while sent.front().is_some_and(|t| *t <= now - Span::seconds(60)) {
            sent.pop_front();
        }
        if sent.len() >= 20 {
            if let Some(lock) = self.setup.robot_lock {
                self.robot_locked_until.insert(token.clone(), now + lock);
            }
            return self.refuse(api, 130101, errmsg(130101));
        }
        sent.push_back(now);
        let at_user_ids = body["at"]["atUserIds"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        self.robot_messages.push(RobotMessage {
            token,
            msgtype,
            title,
            content,
            at_user_ids,
        });
        ok(json!({ "errcode": 0, "errmsg": "ok" }))
    }

    fn get_token(&mut self, request: &Request) -> ResponseTemplate {
        let now = self.clock.now();
        let key = query(request, "appkey").unwrap_or_default();
        let secret = query(request, "appsecret").unwrap_or_default();
        if key != self.setup.app_key || secret != self.setup.app_secret {
            return self.refuse(Api::GetToken, 40089, errmsg(40089));
        }
        // The same token inside its window.
        if let Some(t) = self
            .tokens
            .iter()
            .find(|t| !t.revoked && now < t.expires_at)
        {
            let left = (t.expires_at - now).num_seconds();
            return ok(json!({
                "errcode": 0, "errmsg": "ok", "access_token": t.value, "expires_in": left,
            }));
        }
        let value = format!("fake-token-{:04}", self.tokens.len() + 1);
        self.tokens.push(Issued {
            value: value.clone(),
            expires_at: now + self.setup.token_lifetime,
            revoked: false,
        });
        ok(json!({
            "errcode": 0, "errmsg": "ok", "access_token": value,
            "expires_in": self.setup.token_lifetime.num_seconds(),
        }))
    }

    /// `Some(answer)` when the request's token is not usable.
    fn check_token(&mut self, api: Api, request: &Request) -> Option<ResponseTemplate> {
        let now = self.clock.now();
        let token = query(request, "access_token").unwrap_or_default();
        match self.tokens.iter().find(|t| t.value == token) {
            None => Some(self.refuse(api, 40014, errmsg(40014))),
            Some(t) if t.revoked => Some(self.refuse(api, 40014, errmsg(40014))),
            Some(t) if now >= t.expires_at => Some(self.refuse(api, 42001, errmsg(42001))),
            Some(_) => None,
        }
    }

    fn async_send(&mut self, request: &Request) -> ResponseTemplate {
        let api = Api::AsyncSend;
        if let Some(refused) = self.check_token(api, request) {
            return refused;
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return self.refuse(api, PARAM_ERROR, "body is not JSON");
        };
        if body["agent_id"].as_i64() != Some(self.setup.agent_id) {
            return self.refuse(api, PARAM_ERROR, "invalid agent_id");
        }
        let users: Vec<String> = body["userid_list"]
            .as_str()
            .unwrap_or_default()
            .split(',')
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .collect();
        if users.is_empty() || users.len() > 100 {
            return self.refuse(api, PARAM_ERROR, "userid_list must list 1 to 100 users");
        }
        let msgtype = body["msg"]["msgtype"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let content = match msgtype.as_str() {
            "text" => body["msg"]["text"]["content"].as_str(),
            "markdown" => body["msg"]["markdown"]["text"].as_str(),
            _ => None,
        };
        let Some(content) = content.map(str::to_owned) else {
            return self.refuse(api, PARAM_ERROR, "invalid msg");
        };
        if content.len() > 2048 {
            return self.refuse(api, PARAM_ERROR, "msg too long");
        }
        let task_id = self.next_task;
        self.next_task += 1;
        let today = self.clock.today();
        let mut fates = Vec::new();
        let mut seen = HashSet::new();
        for user in &users {
            if !seen.insert(user.clone()) {
                continue;
            }
            let fate = if self.setup.unknown_users.contains(user) {
                Fate::Invalid
            } else if self
                .contents
                .contains(&(user.clone(), today, content.clone()))
            {
                Fate::Forbidden(143106)
            } else if self
                .per_day
                .get(&(user.clone(), today))
                .is_some_and(|n| *n >= PER_MEMBER_DAY)
            {
                Fate::Forbidden(143105)
            } else {
                Fate::Delivered
            };
            match fate {
                Fate::Delivered => {
                    *self.per_day.entry((user.clone(), today)).or_default() += 1;
                    self.contents.insert((user.clone(), today, content.clone()));
                    self.deliveries.push(Delivery {
                        task_id,
                        userid: user.clone(),
                        content: content.clone(),
                    });
                }
                Fate::Forbidden(code) => self.drops.push(Drop {
                    task_id,
                    userid: user.clone(),
                    code,
                }),
                Fate::Invalid => {}
            }
            fates.push((user.clone(), fate));
        }
        self.tasks.insert(task_id, Task { users: fates });
        self.calls.push(Call {
            task_id,
            userids: users,
            msgtype,
            content,
        });
        // Success, whatever became of each member.
        ok(json!({
            "errcode": 0, "errmsg": "ok", "task_id": task_id,
            "request_id": format!("fake-req-{task_id}"),
        }))
    }

    fn get_send_result(&mut self, request: &Request) -> ResponseTemplate {
        let api = Api::GetSendResult;
        if let Some(refused) = self.check_token(api, request) {
            return refused;
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return self.refuse(api, PARAM_ERROR, "body is not JSON");
        };
        if body["agent_id"].as_i64() != Some(self.setup.agent_id) {
            return self.refuse(api, PARAM_ERROR, "invalid agent_id");
        }
        let task_id = body["task_id"]
            .as_i64()
            .or_else(|| body["task_id"].as_str().and_then(|s| s.parse().ok()));
        let Some(task) = task_id.and_then(|t| self.tasks.get(&t).map(|task| (t, task))) else {
            return self.refuse(api, PARAM_ERROR, "task not found");
        };
        let (id, task) = task;
        let today = self.clock.today();
        let (mut read, mut unread, mut invalid, mut forbidden, mut list) =
            (vec![], vec![], vec![], vec![], vec![]);
        for (user, fate) in &task.users {
            match fate {
                Fate::Delivered if self.reads.contains(&(id, user.clone())) => read.push(user),
                Fate::Delivered => unread.push(user),
                Fate::Invalid => invalid.push(user),
                Fate::Forbidden(code) => {
                    forbidden.push(user);
                    let count = self
                        .per_day
                        .get(&(user.clone(), today))
                        .copied()
                        .unwrap_or(0);
                    list.push(json!({ "code": code.to_string(), "count": count, "userid": user }));
                }
            }
        }
        ok(json!({
            "errcode": 0, "errmsg": "ok",
            "send_result": {
                "read_user_id_list": read,
                "unread_user_id_list": unread,
                "invalid_user_id_list": invalid,
                "forbidden_user_id_list": forbidden,
                "failed_user_id_list": [],
                "invalid_dept_id_list": [],
                "forbidden_list": list,
            },
            "request_id": format!("fake-req-result-{id}"),
        }))
    }
}
