//! A local fake of the Feishu open platform (飞书): custom bots
//! (`/open-apis/bot/v2/hook/TOKEN`, add-custom-bot), the tenant token
//! (`/open-apis/auth/v3/tenant_access_token/internal`) and app messages
//! (`/open-apis/im/v1/messages`, message/create), answering with
//! Feishu's codes.
//!
//! On the test's clock it checks a bot's signature and that its
//! timestamp is within an hour (else 19021), answers 9499 for a body that
//! is not JSON or is over 20 KB and 11232 past 5 a second or 100 a
//! minute per bot; for the app it issues tokens that last 2 hours (a new
//! one when less than 30 minutes are left, the old staying valid) and
//! answers 99991663 for a stale one, 230001 unless `content` is a JSON
//! string, HTTP 400 / 230020 past 5 a second per receiver, HTTP 429 /
//! 99991400 with `x-ogw-ratelimit-reset` past 50 a second or 1000 a
//! minute per app (or when told to), and delivers a `uuid` repeated
//! within an hour once.
//!
//! Stands alone (an example includes it with `#[path]`).
#![allow(dead_code)]

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use dangjian::clock::{Clock, FixedClock};
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A bot the fake knows from the start.
pub const BOT_TOKEN: &str = "2a7c8f4e-1b3d-4e5f-9a8b-7c6d5e4f3a2b";
/// That bot's signing secret.
pub const BOT_SECRET: &str = "mJJ9cVJ1hQnSf8Xl5zeKsc";
/// The app the fake knows.
pub const APP_ID: &str = "cli_a1b2c3d4e5f60718";
/// Its secret.
pub const APP_SECRET: &str = "Z2K4d8Lq0Vw3n6Rj9Tb5Xe1Hy7Cu4Mp0";
/// How long a tenant token lasts, in seconds.
pub const TOKEN_SECONDS: i64 = 7200;
/// With less than this left, a token request issues a new token.
pub const RENEW_SECONDS: i64 = 1800;
/// The largest bot request body.
pub const BOT_MAX_BYTES: usize = 20 * 1024;
/// The largest text-message request body.
pub const APP_MAX_BYTES: usize = 150 * 1024;

/// A bot message the fake accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotPost {
    /// The bot's token.
    pub token: String,
    /// `content.text`.
    pub text: String,
    /// The signed timestamp.
    pub timestamp: i64,
}

/// An app message delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `receive_id_type` from the query.
    pub receive_id_type: String,
    /// `receive_id`.
    pub receive_id: String,
    /// The text inside `content`.
    pub text: String,
    /// `uuid`, if any.
    pub uuid: Option<String>,
    /// The token it was sent under.
    pub token: String,
    /// The `message_id` answered.
    pub message_id: String,
}

/// A request answered with an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The path.
    pub path: String,
    /// The HTTP status.
    pub status: u16,
    /// The code.
    pub code: i64,
}

struct Forced {
    status: u16,
    code: i64,
    reset: Option<i64>,
}

struct State {
    clock: Arc<FixedClock>,
    bots: HashMap<String, String>,
    bot_times: HashMap<String, Vec<DateTime<Utc>>>,
    bot_posts: Vec<BotPost>,
    /// Every token issued, with its expiry.
    tokens: HashMap<String, DateTime<Utc>>,
    current: Option<String>,
    revoked: HashSet<String>,
    issued: u64,
    token_calls: usize,
    message_calls: usize,
    requests: usize,
    app_times: Vec<DateTime<Utc>>,
    receiver_times: HashMap<String, Vec<DateTime<Utc>>>,
    out_of_scope: HashSet<String>,
    uuids: HashMap<String, (DateTime<Utc>, String)>,
    deduplicated: usize,
    deliveries: Vec<Delivery>,
    next_id: u64,
    rejections: Vec<Rejection>,
    forced_message: VecDeque<Forced>,
    forced_bot: VecDeque<i64>,
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
        bots: HashMap::from([(BOT_TOKEN.to_owned(), BOT_SECRET.to_owned())]),
        bot_times: HashMap::new(),
        bot_posts: Vec::new(),
        tokens: HashMap::new(),
        current: None,
        revoked: HashSet::new(),
        issued: 0,
        token_calls: 0,
        message_calls: 0,
        requests: 0,
        app_times: Vec::new(),
        receiver_times: HashMap::new(),
        out_of_scope: HashSet::new(),
        uuids: HashMap::new(),
        deduplicated: 0,
        deliveries: Vec::new(),
        next_id: 0,
        rejections: Vec::new(),
        forced_message: VecDeque::new(),
        forced_bot: VecDeque::new(),
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

/// A custom bot's signature as the fake checks it: Base64 of
/// HMAC-SHA256 keyed with `timestamp + "\n" + secret` over nothing.
pub fn expected_sign(timestamp: i64, secret: &str) -> String {
    let key = format!("{timestamp}\n{secret}");
    let mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.as_bytes())
        .expect("any key length");
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
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

    /// Tenant-token requests.
    pub fn token_calls(&self) -> usize {
        self.state().token_calls
    }

    /// Message requests, answered with success or not.
    pub fn message_calls(&self) -> usize {
        self.state().message_calls
    }

    /// Every token issued so far, oldest first.
    pub fn tokens_issued(&self) -> u64 {
        self.state().issued
    }

    /// Another bot, with its signing secret.
    pub fn add_bot(&self, token: &str, secret: &str) {
        self.state()
            .bots
            .insert(token.to_owned(), secret.to_owned());
    }

    /// Every token issued so far answers 99991663 from now on.
    pub fn revoke(&self) {
        let mut s = self.state();
        let all: Vec<String> = s.tokens.keys().cloned().collect();
        s.revoked.extend(all);
        s.current = None;
    }

    /// Users the app may not message: 230013.
    pub fn out_of_scope<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        let mut s = self.state();
        s.out_of_scope.extend(ids.into_iter().map(str::to_owned));
    }

    /// The next `n` app messages are answered HTTP `status` with `code`.
    pub fn fail_next(&self, n: usize, status: u16, code: i64) {
        let mut s = self.state();
        for _ in 0..n {
            s.forced_message.push_back(Forced {
                status,
                code,
                reset: None,
            });
        }
    }

    /// The next `n` app messages are refused by the gateway: HTTP 429,
    /// 99991400, `x-ogw-ratelimit-reset: reset`.
    pub fn gateway_limit_next(&self, n: usize, reset: i64) {
        let mut s = self.state();
        for _ in 0..n {
            s.forced_message.push_back(Forced {
                status: 429,
                code: 99991400,
                reset: Some(reset),
            });
        }
    }

    /// The next `n` bot messages are answered `code`.
    pub fn fail_bot_next(&self, n: usize, code: i64) {
        self.state().forced_bot.extend(std::iter::repeat_n(code, n));
    }

    /// The next `n` token requests are answered `code`.
    pub fn fail_token_next(&self, n: usize, code: i64) {
        self.state()
            .forced_token
            .extend(std::iter::repeat_n(code, n));
    }

    /// The next `n` answers of any kind come after `delay` (real time).
    pub fn delay_next(&self, n: usize, delay: std::time::Duration) {
        self.state().delays.extend(std::iter::repeat_n(delay, n));
    }

    /// The bot messages accepted.
    pub fn bot_posts(&self) -> Vec<BotPost> {
        self.state().bot_posts.clone()
    }

    /// The app messages delivered.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state().deliveries.clone()
    }

    /// App messages answered as sent but not delivered again, their
    /// `uuid` having been seen within the hour.
    pub fn deduplicated(&self) -> usize {
        self.state().deduplicated
    }

    /// The requests answered with an error, in order.
    pub fn rejections(&self) -> Vec<Rejection> {
        self.state().rejections.clone()
    }
}

struct Responder(Arc<Mutex<State>>);

/// An answer: status, body, and an optional reset header.
struct Answer {
    status: u16,
    body: Value,
    reset: Option<i64>,
}

fn ok(body: Value) -> Answer {
    Answer {
        status: 200,
        body,
        reset: None,
    }
}

fn refuse(status: u16, code: i64, msg: &str) -> Answer {
    Answer {
        status,
        body: json!({ "code": code, "msg": msg }),
        reset: None,
    }
}

fn within(times: &[DateTime<Utc>], now: DateTime<Utc>, millis: i64) -> usize {
    let from = now - Duration::milliseconds(millis);
    times.iter().filter(|t| **t > from && **t <= now).count()
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        s.requests += 1;
        let delay = s.delays.pop_front();
        let path = request.url.path().to_owned();
        let answer = if let Some(token) = path.strip_prefix("/open-apis/bot/v2/hook/") {
            s.bot(token, request)
        } else if path == "/open-apis/auth/v3/tenant_access_token/internal" {
            s.tenant_token(request)
        } else if path == "/open-apis/im/v1/messages" {
            s.message(request)
        } else {
            return ResponseTemplate::new(404).set_body_string("404 page not found");
        };
        let code = answer.body.get("code").and_then(Value::as_i64).unwrap_or(0);
        if code != 0 || answer.status != 200 {
            s.rejections.push(Rejection {
                path,
                status: answer.status,
                code,
            });
        }
        let mut t = ResponseTemplate::new(answer.status).set_body_json(answer.body);
        if let Some(reset) = answer.reset {
            t = t
                .insert_header("x-ogw-ratelimit-limit", "50")
                .insert_header("x-ogw-ratelimit-reset", reset.to_string().as_str());
        }
        match delay {
            Some(d) => t.set_delay(d),
            None => t,
        }
    }
}

impl State {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn bot(&mut self, token: &str, request: &Request) -> Answer {
        if let Some(code) = self.forced_bot.pop_front() {
            return refuse(200, code, "forced by the test");
        }
        if request.body.len() > BOT_MAX_BYTES {
            return refuse(400, 9499, "Bad Request");
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return refuse(400, 9499, "Bad Request");
        };
        let Some(secret) = self.bots.get(token).cloned() else {
            return refuse(
                200,
                19001,
                "param invalid: incoming webhook access token invalid",
            );
        };
        // The timestamp as a string (the documented form) or a number.
        let timestamp = match body.get("timestamp") {
            Some(Value::String(s)) => s.parse::<i64>().ok(),
            Some(Value::Number(n)) => n.as_i64(),
            _ => None,
        };
        let sign = body.get("sign").and_then(Value::as_str);
        let now = self.now().timestamp();
        let valid = match (timestamp, sign) {
            (Some(ts), Some(sign)) => {
                (now - ts).abs() <= 3600 && sign == expected_sign(ts, &secret)
            }
            _ => false,
        };
        let Some(timestamp) = timestamp.filter(|_| valid) else {
            return refuse(
                200,
                19021,
                "sign match fail or timestamp is not within one hour from current time",
            );
        };
        if body.get("msg_type").and_then(Value::as_str) != Some("text") {
            return refuse(400, 9499, "Bad Request");
        }
        let Some(text) = body
            .get("content")
            .and_then(|c| c.get("text"))
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return refuse(400, 9499, "Bad Request");
        };
        let now = self.now();
        let times = self.bot_times.entry(token.to_owned()).or_default();
        if within(times, now, 1000) >= 5 || within(times, now, 60_000) >= 100 {
            return refuse(
                200,
                11232,
                "frequency limited psm[lark.oapi.app_platform_runtime]",
            );
        }
        times.push(now);
        self.bot_posts.push(BotPost {
            token: token.to_owned(),
            text,
            timestamp,
        });
        ok(json!({
            "StatusCode": 0, "StatusMessage": "success",
            "code": 0, "data": {}, "msg": "success",
        }))
    }

    fn tenant_token(&mut self, request: &Request) -> Answer {
        self.token_calls += 1;
        if let Some(code) = self.forced_token.pop_front() {
            return refuse(200, code, "forced by the test");
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return refuse(400, 9499, "Bad Request");
        };
        if body.get("app_id").and_then(Value::as_str) != Some(APP_ID) {
            return refuse(200, 10003, "invalid param");
        }
        if body.get("app_secret").and_then(Value::as_str) != Some(APP_SECRET) {
            return refuse(200, 10014, "app secret invalid");
        }
        let now = self.now();
        if let Some(t) = self.current.clone() {
            if let Some(&until) = self.tokens.get(&t) {
                let left = (until - now).num_seconds();
                if left >= RENEW_SECONDS {
                    return ok(json!({
                        "code": 0, "msg": "ok", "tenant_access_token": t, "expire": left,
                    }));
                }
            }
        }
        // A new token; the old one stays valid until it expires.
        self.issued += 1;
        let token = format!("t-fake{:04}{}", self.issued, now.timestamp());
        self.tokens
            .insert(token.clone(), now + Duration::seconds(TOKEN_SECONDS));
        self.current = Some(token.clone());
        ok(json!({
            "code": 0, "msg": "ok", "tenant_access_token": token, "expire": TOKEN_SECONDS,
        }))
    }

    fn message(&mut self, request: &Request) -> Answer {
        self.message_calls += 1;
        if let Some(f) = self.forced_message.pop_front() {
            let mut a = refuse(f.status, f.code, "forced by the test");
            a.reset = f.reset;
            return a;
        }
        let now = self.now();
        let token = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_owned();
        let fresh = self.tokens.get(&token).is_some_and(|until| now < *until);
        if !fresh || self.revoked.contains(&token) {
            return refuse(
                400,
                99991663,
                "Invalid access token for authorization. Please make a request with token attached.",
            );
        }
        // The app's limits at the gateway: 50 a second, 1000 a minute.
        if within(&self.app_times, now, 1000) >= 50 || within(&self.app_times, now, 60_000) >= 1000
        {
            let mut a = refuse(429, 99991400, "request trigger frequency limit");
            a.reset = Some(1);
            return a;
        }
        self.app_times.push(now);
        let receive_id_type = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "receive_id_type")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if !["open_id", "user_id", "union_id", "email", "chat_id"]
            .contains(&receive_id_type.as_str())
        {
            return refuse(400, 230001, "invalid receive_id_type");
        }
        if request.body.len() > APP_MAX_BYTES {
            return refuse(400, 230025, "message content too long");
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return refuse(400, 230001, "invalid request body");
        };
        let Some(receive_id) = body.get("receive_id").and_then(Value::as_str) else {
            return refuse(400, 230001, "receive_id is required");
        };
        let receive_id = receive_id.to_owned();
        if body.get("msg_type").and_then(Value::as_str) != Some("text") {
            return refuse(400, 230001, "invalid msg_type");
        }
        // `content` is a JSON object written as a string.
        let Some(content) = body.get("content").and_then(Value::as_str) else {
            return refuse(400, 230001, "content must be a string");
        };
        let Some(text) = serde_json::from_str::<Value>(content)
            .ok()
            .and_then(|c| c.get("text").and_then(Value::as_str).map(str::to_owned))
        else {
            return refuse(400, 230001, "invalid message content");
        };
        let uuid = match body.get("uuid") {
            None | Some(Value::Null) => None,
            Some(Value::String(u)) if u.len() <= 50 => Some(u.clone()),
            Some(_) => return refuse(400, 230001, "invalid uuid"),
        };
        if self.out_of_scope.contains(&receive_id) {
            return refuse(400, 230013, "Bot has NO availability to this user.");
        }
        // The same uuid within an hour: answered, not delivered again.
        if let Some(u) = &uuid {
            if let Some((at, id)) = self.uuids.get(u) {
                if now - *at < Duration::hours(1) {
                    self.deduplicated += 1;
                    return ok(
                        json!({ "code": 0, "msg": "success", "data": { "message_id": id } }),
                    );
                }
            }
        }
        let times = self.receiver_times.entry(receive_id.clone()).or_default();
        if within(times, now, 1000) >= 5 {
            return refuse(400, 230020, "This operation triggers the frequency limit.");
        }
        times.push(now);
        self.next_id += 1;
        let message_id = format!("om_fake{:06}", self.next_id);
        if let Some(u) = &uuid {
            self.uuids.insert(u.clone(), (now, message_id.clone()));
        }
        self.deliveries.push(Delivery {
            receive_id_type,
            receive_id,
            text,
            uuid,
            token,
            message_id: message_id.clone(),
        });
        ok(json!({
            "code": 0, "msg": "success",
            "data": { "message_id": message_id, "msg_type": "text" },
        }))
    }
}
