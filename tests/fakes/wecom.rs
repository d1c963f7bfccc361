//! A local fake of the WeCom server API (企业微信): group robots
//! (`/cgi-bin/webhook/send`, document/path/91770), access tokens
//! (`/cgi-bin/gettoken`, 91039) and app messages (`/cgi-bin/message/send`,
//! 90236), answering like WeCom with HTTP 200 and an `errcode`
//! (the codes of 90313).
//!
//! On the test's clock it keeps a token stable until it expires (then
//! 42001), answers 40014 for a revoked or unknown token, 93000 for a robot
//! key it does not know, 45009 for the 21st robot message within 60
//! seconds per key, 45002 for content over the size limits, lists the
//! members it does not know as `invaliduser` / `unlicenseduser` (81013
//! when none is valid), honours the duplicate check, and, past 30
//! messages a minute or 1000 an hour to one member, records a drop while
//! still answering `errcode 0`, as WeCom does.
//!
//! Stands alone (an example includes it with `#[path]`).
#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use dangjian::clock::{Clock, FixedClock};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The corp id the fake knows.
pub const CORP_ID: &str = "ww1234567890abcdef";
/// The app secret the fake knows.
pub const CORP_SECRET: &str = "p0mV6D5a9Yx1K4mT0h2r8sQe3w7ZuJ6b9N1c5X8vL2k";
/// The agent id the fake knows.
pub const AGENT_ID: u32 = 1_000_002;
/// A robot key the fake knows from the start.
pub const ROBOT_KEY: &str = "693a91f6-7e1c-4bc4-97a0-0ec2e1fa5aaa";
/// How long a token lasts (document/path/91039).
pub const TOKEN_SECONDS: i64 = 7200;
/// Robot messages per key in any 60 seconds.
pub const ROBOT_PER_MINUTE: usize = 20;
/// App messages a member receives in any 60 seconds / 3600 seconds.
pub const MEMBER_PER_MINUTE: usize = 30;
/// See [`MEMBER_PER_MINUTE`].
pub const MEMBER_PER_HOUR: usize = 1000;

/// A robot message the fake accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotPost {
    /// The robot's key.
    pub key: String,
    /// `text` or `markdown`.
    pub msgtype: String,
    /// The content.
    pub content: String,
    /// `mentioned_list` (text only).
    pub mentioned: Vec<String>,
}

/// An app message delivered to one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The member (lower case).
    pub user: String,
    /// `text` or `markdown`.
    pub msgtype: String,
    /// The content.
    pub content: String,
    /// The call's `msgid`.
    pub msgid: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// An app message WeCom would have dropped silently (answering success).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drop {
    /// The member (lower case).
    pub user: String,
    /// The content.
    pub content: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Which limit: `30 a minute` or `1000 an hour`.
    pub limit: &'static str,
}

/// A request the fake answered with an error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The path.
    pub path: String,
    /// The `errcode`.
    pub errcode: i64,
}

struct State {
    clock: Arc<FixedClock>,
    robot_keys: HashSet<String>,
    robot_times: HashMap<String, Vec<DateTime<Utc>>>,
    robot_posts: Vec<RobotPost>,
    /// Every token issued, with its expiry.
    tokens: HashMap<String, DateTime<Utc>>,
    current: Option<String>,
    revoked: HashSet<String>,
    issued: u64,
    gettoken_calls: usize,
    message_calls: usize,
    requests: usize,
    invalid: HashSet<String>,
    unlicensed: HashSet<String>,
    member_times: HashMap<String, Vec<DateTime<Utc>>>,
    deliveries: Vec<Delivery>,
    drops: Vec<Drop>,
    /// Duplicate check: (recipients, msgtype, content) → (when, msgid).
    recent: HashMap<String, (DateTime<Utc>, String)>,
    duplicates: usize,
    rejections: Vec<Rejection>,
    next_msgid: u64,
    forced_send: VecDeque<i64>,
    forced_token: VecDeque<i64>,
    delays: VecDeque<std::time::Duration>,
}

/// The running fake.
pub struct Fake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

/// Starts the fake on 127.0.0.1, on `clock`.
pub async fn start(clock: Arc<FixedClock>) -> Fake {
    let state = Arc::new(Mutex::new(State {
        clock,
        robot_keys: HashSet::from([ROBOT_KEY.to_owned()]),
        robot_times: HashMap::new(),
        robot_posts: Vec::new(),
        tokens: HashMap::new(),
        current: None,
        revoked: HashSet::new(),
        issued: 0,
        gettoken_calls: 0,
        message_calls: 0,
        requests: 0,
        invalid: HashSet::new(),
        unlicensed: HashSet::new(),
        member_times: HashMap::new(),
        deliveries: Vec::new(),
        drops: Vec::new(),
        recent: HashMap::new(),
        duplicates: 0,
        rejections: Vec::new(),
        next_msgid: 0,
        forced_send: VecDeque::new(),
        forced_token: VecDeque::new(),
        delays: VecDeque::new(),
    }));
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Responder(state.clone()))
        .mount(&server)
        .await;
    Fake { server, state }
}

impl Fake {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The base URL to configure the adapters with.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Requests of any kind the fake received.
    pub fn requests(&self) -> usize {
        self.state().requests
    }

    /// `gettoken` calls.
    pub fn gettoken_calls(&self) -> usize {
        self.state().gettoken_calls
    }

    /// `message/send` calls, answered with success or not.
    pub fn message_calls(&self) -> usize {
        self.state().message_calls
    }

    /// The token a `gettoken` would answer now, if one is current.
    pub fn current_token(&self) -> Option<String> {
        self.state().current.clone()
    }

    /// Revokes the current token: it answers 40014 from now on, and the
    /// next `gettoken` issues another.
    pub fn revoke(&self) {
        let mut s = self.state();
        if let Some(t) = s.current.take() {
            s.revoked.insert(t);
        }
    }

    /// Another robot key the fake knows.
    pub fn add_robot(&self, key: &str) {
        self.state().robot_keys.insert(key.to_owned());
    }

    /// Members WeCom does not know: listed in `invaliduser`.
    pub fn mark_invalid<'a>(&self, users: impl IntoIterator<Item = &'a str>) {
        let mut s = self.state();
        s.invalid
            .extend(users.into_iter().map(str::to_ascii_lowercase));
    }

    /// Members without a licence: listed in `unlicenseduser`.
    pub fn mark_unlicensed<'a>(&self, users: impl IntoIterator<Item = &'a str>) {
        let mut s = self.state();
        s.unlicensed
            .extend(users.into_iter().map(str::to_ascii_lowercase));
    }

    /// The next `n` robot or app messages are answered `errcode` (with
    /// nothing delivered), whatever they are.
    pub fn fail_next(&self, n: usize, errcode: i64) {
        self.state()
            .forced_send
            .extend(std::iter::repeat_n(errcode, n));
    }

    /// The next `n` `gettoken` calls are answered `errcode`.
    pub fn fail_gettoken_next(&self, n: usize, errcode: i64) {
        self.state()
            .forced_token
            .extend(std::iter::repeat_n(errcode, n));
    }

    /// The next `n` answers of any kind come after `delay` (real time).
    pub fn delay_next(&self, n: usize, delay: std::time::Duration) {
        self.state().delays.extend(std::iter::repeat_n(delay, n));
    }

    /// The robot messages accepted.
    pub fn robot_posts(&self) -> Vec<RobotPost> {
        self.state().robot_posts.clone()
    }

    /// The app messages delivered, one per member.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state().deliveries.clone()
    }

    /// How many app messages `user` received.
    pub fn delivered_to(&self, user: &str) -> usize {
        let user = user.to_ascii_lowercase();
        self.state()
            .deliveries
            .iter()
            .filter(|d| d.user == user)
            .count()
    }

    /// The app messages dropped silently over a member's limits.
    pub fn drops(&self) -> Vec<Drop> {
        self.state().drops.clone()
    }

    /// Calls the duplicate check answered without delivering.
    pub fn duplicates(&self) -> usize {
        self.state().duplicates
    }

    /// The requests answered with an error code, in order.
    pub fn rejections(&self) -> Vec<Rejection> {
        self.state().rejections.clone()
    }
}

struct Responder(Arc<Mutex<State>>);

fn reply(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn error(code: i64, msg: &str) -> Value {
    json!({ "errcode": code, "errmsg": msg })
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Sends in `times` within `seconds` before `now`.
fn within(times: &[DateTime<Utc>], now: DateTime<Utc>, seconds: i64) -> usize {
    let from = now - Duration::seconds(seconds);
    times.iter().filter(|t| **t > from && **t <= now).count()
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        s.requests += 1;
        let delay = s.delays.pop_front();
        let path = request.url.path().to_owned();
        let body = match path.as_str() {
            "/cgi-bin/gettoken" => s.gettoken(request),
            "/cgi-bin/message/send" => s.message(request),
            "/cgi-bin/webhook/send" => s.robot(request),
            _ => {
                return ResponseTemplate::new(404).set_body_string("not found");
            }
        };
        if let Some(code) = body.get("errcode").and_then(Value::as_i64) {
            if code != 0 {
                s.rejections.push(Rejection {
                    path,
                    errcode: code,
                });
            }
        }
        let answer = reply(body);
        match delay {
            Some(d) => answer.set_delay(d),
            None => answer,
        }
    }
}

impl State {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn gettoken(&mut self, request: &Request) -> Value {
        self.gettoken_calls += 1;
        if let Some(code) = self.forced_token.pop_front() {
            return error(code, "forced by the test");
        }
        if query(request, "corpid").as_deref() != Some(CORP_ID) {
            return error(40013, "invalid corpid");
        }
        if query(request, "corpsecret").as_deref() != Some(CORP_SECRET) {
            return error(40001, "invalid credential");
        }
        let now = self.now();
        // The same token while it lasts (document/path/91039).
        if let Some(t) = self.current.clone() {
            if let Some(&until) = self.tokens.get(&t) {
                if now < until {
                    return json!({
                        "errcode": 0, "errmsg": "ok", "access_token": t,
                        "expires_in": (until - now).num_seconds(),
                    });
                }
            }
        }
        self.issued += 1;
        let token = format!("fake-wecom-token-{}-{}", self.issued, now.timestamp());
        self.tokens
            .insert(token.clone(), now + Duration::seconds(TOKEN_SECONDS));
        self.current = Some(token.clone());
        json!({ "errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": TOKEN_SECONDS })
    }

    fn message(&mut self, request: &Request) -> Value {
        self.message_calls += 1;
        let Some(token) = query(request, "access_token").filter(|t| !t.is_empty()) else {
            return error(41001, "access_token missing");
        };
        if let Some(code) = self.forced_send.pop_front() {
            return error(code, "forced by the test");
        }
        let now = self.now();
        if self.revoked.contains(&token) {
            return error(40014, "invalid access_token");
        }
        match self.tokens.get(&token) {
            None => return error(40014, "invalid access_token"),
            Some(&until) if now >= until => return error(42001, "access_token expired"),
            Some(_) => {}
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return error(40035, "invalid parameter: the body is not JSON");
        };
        if body.get("agentid").and_then(Value::as_u64) != Some(u64::from(AGENT_ID)) {
            return error(40056, "invalid agentid");
        }
        let msgtype = body
            .get("msgtype")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if msgtype != "text" && msgtype != "markdown" {
            return error(40008, "invalid message type");
        }
        let Some(content) = body
            .get(&msgtype)
            .and_then(|m| m.get("content"))
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return error(44004, "empty content");
        };
        if content.is_empty() {
            return error(44004, "empty content");
        }
        if content.len() > 2048 {
            return error(45002, "content size out of limit");
        }
        let touser: Vec<String> = body
            .get("touser")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .split('|')
            .filter(|u| !u.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        if touser.len() > 1000 {
            return error(40031, "invalid user list: more than 1000");
        }
        // The duplicate check (document/path/90236): the same message to
        // the same recipients within the interval is sent once.
        let check = body.get("enable_duplicate_check").and_then(Value::as_i64) == Some(1);
        let interval = body
            .get("duplicate_check_interval")
            .and_then(Value::as_i64)
            .unwrap_or(1800)
            .clamp(0, 4 * 3600);
        let mut sorted = touser.clone();
        sorted.sort();
        let fingerprint = format!("{}\u{0}{msgtype}\u{0}{content}", sorted.join("|"));
        if check {
            if let Some((at, msgid)) = self.recent.get(&fingerprint) {
                if now - *at < Duration::seconds(interval) {
                    self.duplicates += 1;
                    return json!({ "errcode": 0, "errmsg": "ok", "msgid": msgid });
                }
            }
        }
        let mut invalid = Vec::new();
        let mut unlicensed = Vec::new();
        let mut valid = Vec::new();
        for u in &touser {
            if self.invalid.contains(u) {
                invalid.push(u.clone());
            } else if self.unlicensed.contains(u) {
                unlicensed.push(u.clone());
            } else {
                valid.push(u.clone());
            }
        }
        if valid.is_empty() {
            return json!({
                "errcode": 81013, "errmsg": "user & party & tag all invalid",
                "invaliduser": invalid.join("|"), "unlicenseduser": unlicensed.join("|"),
            });
        }
        self.next_msgid += 1;
        let msgid = format!("fake-msgid-{}", self.next_msgid);
        for u in valid {
            let times = self.member_times.entry(u.clone()).or_default();
            let limit = if within(times, now, 60) >= MEMBER_PER_MINUTE {
                Some("30 a minute")
            } else if within(times, now, 3600) >= MEMBER_PER_HOUR {
                Some("1000 an hour")
            } else {
                None
            };
            match limit {
                Some(limit) => self.drops.push(Drop {
                    user: u,
                    content: content.clone(),
                    at: now,
                    limit,
                }),
                None => {
                    times.push(now);
                    self.deliveries.push(Delivery {
                        user: u,
                        msgtype: msgtype.clone(),
                        content: content.clone(),
                        msgid: msgid.clone(),
                        at: now,
                    });
                }
            }
        }
        if check {
            self.recent.insert(fingerprint, (now, msgid.clone()));
        }
        json!({
            "errcode": 0, "errmsg": "ok",
            "invaliduser": invalid.join("|"), "unlicenseduser": unlicensed.join("|"),
            "msgid": msgid,
        })
    }

    fn robot(&mut self, request: &Request) -> Value {
        if let Some(code) = self.forced_send.pop_front() {
            return error(code, "forced by the test");
        }
        let key = query(request, "key").unwrap_or_default();
        if !self.robot_keys.contains(&key) {
            return error(
                93000,
                "invalid webhook url, hint: [1717392000000000000], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=93000",
            );
        }
        let now = self.now();
        let times = self.robot_times.entry(key.clone()).or_default();
        if within(times, now, 60) >= ROBOT_PER_MINUTE {
            return error(45009, "api freq out of limit");
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return error(40035, "invalid parameter: the body is not JSON");
        };
        let msgtype = body
            .get("msgtype")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let max = match msgtype.as_str() {
            "text" => 2048,
            "markdown" => 4096,
            _ => return error(40008, "invalid message type"),
        };
        let part = body.get(&msgtype);
        let Some(content) = part
            .and_then(|m| m.get("content"))
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return error(44004, "empty content");
        };
        if content.len() > max {
            return error(45002, "content size out of limit");
        }
        let mentioned = part
            .and_then(|m| m.get("mentioned_list"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        times.push(now);
        self.robot_posts.push(RobotPost {
            key,
            msgtype,
            content,
            mentioned,
        });
        json!({ "errcode": 0, "errmsg": "ok" })
    }
}
