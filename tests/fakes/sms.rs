//! A local fake of both SMS providers on one HTTP server (wiremock on
//! 127.0.0.1): Aliyun dysmsapi 2017-05-25 (`SendSms`, `SendBatchSms`;
//! requests carry `x-acs-action`) and Tencent Cloud SMS `SendSms`
//! 2021-01-11 (requests carry `X-TC-Action`).
//!
//! It answers like the providers:
//!
//! - it recomputes both signatures from the request it got (its own
//!   implementation of ACS3-HMAC-SHA256 and TC3-HMAC-SHA256, checked
//!   against the providers' published vectors) and refuses a mismatch
//!   (Aliyun `SignatureDoesNotMatch`, HTTP 400; Tencent
//!   `AuthFailure.SignatureFailure`), an unknown key, a timestamp too far
//!   from the test clock (15 minutes; 5 minutes, `AuthFailure.
//!   SignatureExpire`) and a reused Aliyun nonce;
//! - it caps recipients: `SendSms` 1000 and `SendBatchSms` 100
//!   (`isv.MOBILE_COUNT_OVER_LIMIT`), Tencent 200
//!   (`LimitExceeded.PhoneNumberCountLimit`);
//! - it applies per-number flow control on the test clock: Aliyun a
//!   number's sends per minute under the signature (default 1:
//!   `isv.BUSINESS_LIMIT_CONTROL`, refusing the whole call) and per day
//!   per template (default 50: `isv.DAY_LIMIT_CONTROL`); Tencent 1 in 30
//!   seconds, 5 an hour, 10 a day per number, answered per number
//!   (`LimitExceeded.PhoneNumberThirtySecondLimit`, `…OneHourLimit`,
//!   `…DailyLimit`), the other numbers of the call going through;
//! - chosen Tencent numbers fail with a chosen code, per number;
//! - it never deduplicates: a send repeated is delivered (and counted)
//!   twice;
//! - it records every accepted number with its template and parameters,
//!   and every call with its answer.
//!
//! It stands alone (an example may include it with `#[path]`).
#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use dangjian::clock::{Clock, FixedClock};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The Aliyun AccessKey ID the fake knows.
pub const ALIYUN_KEY_ID: &str = "LTAI5tFakeKeyId0001";
/// Its secret.
pub const ALIYUN_SECRET: &str = "fake-aliyun-secret-0123456789";
/// The Tencent SecretId the fake knows.
pub const TENCENT_SECRET_ID: &str = "AKIDfake0123456789abcdefghijklmnop";
/// Its SecretKey.
pub const TENCENT_SECRET_KEY: &str = "fake-tencent-key-0123456789abcd";
/// The Tencent SmsSdkAppId.
pub const TENCENT_APP_ID: &str = "1400000001";
/// The approved signature at both.
pub const SIGN_NAME: &str = "党建测试";

/// Which provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// Aliyun.
    Aliyun,
    /// Tencent.
    Tencent,
}

/// One number accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Which provider.
    pub provider: Provider,
    /// `SendSms` or `SendBatchSms`.
    pub action: String,
    /// The number as the request wrote it (Aliyun: 11 digits; Tencent:
    /// E.164).
    pub number: String,
    /// The template code.
    pub template: String,
    /// The parameters: Aliyun by name (sorted); Tencent `("1", v1)`, …
    pub params: Vec<(String, String)>,
    /// The signature.
    pub sign: String,
    /// The BizId (Aliyun, per call) or SerialNo (Tencent).
    pub id: String,
    /// When (test clock).
    pub at: DateTime<Utc>,
}

/// One request and the fake's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Which provider (`None`: neither header).
    pub provider: Option<Provider>,
    /// The action header.
    pub action: String,
    /// The numbers the request named.
    pub numbers: usize,
    /// The whole-call code (`OK` / `Ok` when it went through).
    pub code: String,
    /// Tencent: each number's code.
    pub per_number: Vec<(String, String)>,
}

struct State {
    clock: Arc<FixedClock>,
    calls: Vec<Call>,
    accepted: Vec<Delivery>,
    /// Positions in `accepted` per (provider, number), in time order.
    by_number: HashMap<(Provider, String), Vec<usize>>,
    seq: u64,
    aliyun_per_minute: usize,
    aliyun_per_day: usize,
    aliyun_nonces: HashMap<String, DateTime<Utc>>,
    tencent_limits: [(i64, usize); 3],
    tencent_fail: HashMap<String, String>,
    signs: BTreeSet<String>,
    rejected_templates: BTreeSet<String>,
    /// Messages the account can still pay for (`None`: unlimited).
    balance: Option<usize>,
    fail_next: Option<(Provider, String)>,
    delay_next: Option<std::time::Duration>,
}

/// The fake (see the module's documentation).
pub struct SmsFake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

impl SmsFake {
    /// Starts the server, on `clock`.
    pub async fn start(clock: Arc<FixedClock>) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State {
            clock,
            calls: Vec::new(),
            accepted: Vec::new(),
            by_number: HashMap::new(),
            seq: 0,
            aliyun_per_minute: 1,
            aliyun_per_day: 50,
            aliyun_nonces: HashMap::new(),
            tencent_limits: [(30, 1), (3_600, 5), (86_400, 10)],
            tencent_fail: HashMap::new(),
            signs: [SIGN_NAME.to_owned()].into_iter().collect(),
            rejected_templates: BTreeSet::new(),
            balance: None,
            fail_next: None,
            delay_next: None,
        }));
        Mock::given(wiremock::matchers::any())
            .respond_with(Responder {
                state: Arc::clone(&state),
            })
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// The base URL (`http://127.0.0.1:port`).
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// Every request, in order.
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.state).calls.clone()
    }

    /// Every number accepted, in order.
    pub fn accepted(&self) -> Vec<Delivery> {
        lock(&self.state).accepted.clone()
    }

    /// The deliveries to `number` (as the request wrote it).
    pub fn accepted_for(&self, number: &str) -> Vec<Delivery> {
        self.accepted()
            .into_iter()
            .filter(|d| d.number == number)
            .collect()
    }

    /// Aliyun: a number's sends a minute under the signature (default 1).
    pub fn aliyun_per_minute(&self, max: usize) {
        lock(&self.state).aliyun_per_minute = max;
    }

    /// Aliyun: a number's sends a day of one template (default 50).
    pub fn aliyun_per_day(&self, max: usize) {
        lock(&self.state).aliyun_per_day = max;
    }

    /// Tencent: a number's sends in 30 s, an hour, a day (default 1, 5, 10).
    pub fn tencent_limits(&self, thirty_seconds: usize, hour: usize, day: usize) {
        lock(&self.state).tencent_limits = [(30, thirty_seconds), (3_600, hour), (86_400, day)];
    }

    /// Tencent: `number` (E.164) fails with `code` on every send.
    pub fn tencent_fail(&self, number: &str, code: &str) {
        lock(&self.state)
            .tencent_fail
            .insert(number.to_owned(), code.to_owned());
    }

    /// Both: `code` refuses this template.
    pub fn reject_template(&self, code: &str) {
        lock(&self.state).rejected_templates.insert(code.to_owned());
    }

    /// Both: the account pays for `messages` more.
    pub fn balance(&self, messages: usize) {
        lock(&self.state).balance = Some(messages);
    }

    /// The next request to `provider` fails as a whole with `code`.
    pub fn fail_next(&self, provider: Provider, code: &str) {
        lock(&self.state).fail_next = Some((provider, code.to_owned()));
    }

    /// The next request is processed (and its numbers sent) but answered
    /// after `delay`: a client that gives up first never learns.
    pub fn delay_next(&self, delay: std::time::Duration) {
        lock(&self.state).delay_next = Some(delay);
    }
}

// ---------------------------------------------------------------------
// Signatures, implemented here independently of the crate.

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// RFC 3986 percent-encoding (unreserved kept, upper-case hex).
pub fn rfc3986(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// ACS3-HMAC-SHA256 over a canonical request built from parts: the
/// query decoded (sorted and encoded here), the signed headers as
/// (lower-case name, value), the body hash.
pub fn aliyun_signature(
    secret: &str,
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    payload_hash: &str,
) -> String {
    let mut q: Vec<_> = query.to_vec();
    q.sort();
    let q: Vec<String> = q
        .iter()
        .map(|(k, v)| format!("{}={}", rfc3986(k), rfc3986(v)))
        .collect();
    let mut h: Vec<_> = headers.to_vec();
    h.sort();
    let canonical_headers: String = h
        .iter()
        .map(|(k, v)| format!("{k}:{}\n", v.trim()))
        .collect();
    let signed: Vec<&str> = h.iter().map(|(k, _)| k.as_str()).collect();
    let cr = format!(
        "{method}\n{path}\n{}\n{canonical_headers}\n{}\n{payload_hash}",
        q.join("&"),
        signed.join(";")
    );
    let sts = format!("ACS3-HMAC-SHA256\n{}", sha256_hex(cr.as_bytes()));
    hex(&hmac(secret.as_bytes(), sts.as_bytes()))
}

/// TC3-HMAC-SHA256 from parts: the signed headers as (lower-case name,
/// value; lower-cased here), the body.
#[allow(clippy::too_many_arguments)] // the parts of the canonical request
pub fn tencent_signature(
    secret_key: &str,
    service: &str,
    timestamp: i64,
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    payload: &[u8],
) -> String {
    let date = DateTime::from_timestamp(timestamp, 0)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let mut h: Vec<_> = headers
        .iter()
        .map(|(k, v)| (k.to_lowercase(), v.trim().to_lowercase()))
        .collect();
    h.sort();
    let canonical_headers: String = h.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed: Vec<&str> = h.iter().map(|(k, _)| k.as_str()).collect();
    let cr = format!(
        "{method}\n{path}\n{query}\n{canonical_headers}\n{}\n{}",
        signed.join(";"),
        sha256_hex(payload)
    );
    let sts = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{}",
        sha256_hex(cr.as_bytes())
    );
    let k = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k = hmac(&k, service.as_bytes());
    let k = hmac(&k, b"tc3_request");
    hex(&hmac(&k, sts.as_bytes()))
}

/// The headers of a correctly signed Aliyun request to the fake (for a
/// test that bypasses the adapter): everything but `host`, which the
/// client sends itself.
pub fn aliyun_headers(
    host: &str,
    action: &str,
    date: &str,
    nonce: &str,
    body: &str,
) -> Vec<(String, String)> {
    let hash = sha256_hex(body.as_bytes());
    let signed = vec![
        ("host".to_owned(), host.to_owned()),
        ("x-acs-action".to_owned(), action.to_owned()),
        ("x-acs-version".to_owned(), "2017-05-25".to_owned()),
        ("x-acs-date".to_owned(), date.to_owned()),
        ("x-acs-signature-nonce".to_owned(), nonce.to_owned()),
        ("x-acs-content-sha256".to_owned(), hash.clone()),
    ];
    let sig = aliyun_signature(ALIYUN_SECRET, "POST", "/", &[], &signed, &hash);
    let names: Vec<&str> = signed.iter().map(|(k, _)| k.as_str()).collect();
    let mut out: Vec<(String, String)> = signed.iter().skip(1).cloned().collect();
    out.push((
        "authorization".to_owned(),
        format!(
            "ACS3-HMAC-SHA256 Credential={ALIYUN_KEY_ID},SignedHeaders={},Signature={sig}",
            names.join(";")
        ),
    ));
    out.push((
        "content-type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    ));
    out
}

/// The headers of a correctly signed Tencent request to the fake (for a
/// test that bypasses the adapter).
pub fn tencent_headers(host: &str, timestamp: i64, body: &[u8]) -> Vec<(String, String)> {
    let ct = "application/json; charset=utf-8";
    let signed = vec![
        ("content-type".to_owned(), ct.to_owned()),
        ("host".to_owned(), host.to_owned()),
    ];
    let sig = tencent_signature(
        TENCENT_SECRET_KEY,
        "sms",
        timestamp,
        "POST",
        "/",
        "",
        &signed,
        body,
    );
    let date = DateTime::from_timestamp(timestamp, 0)
        .unwrap()
        .format("%Y-%m-%d");
    vec![
        ("content-type".to_owned(), ct.to_owned()),
        ("x-tc-action".to_owned(), "SendSms".to_owned()),
        ("x-tc-version".to_owned(), "2021-01-11".to_owned()),
        ("x-tc-timestamp".to_owned(), timestamp.to_string()),
        ("x-tc-region".to_owned(), "ap-guangzhou".to_owned()),
        (
            "authorization".to_owned(),
            format!(
                "TC3-HMAC-SHA256 Credential={TENCENT_SECRET_ID}/{date}/sms/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
            ),
        ),
    ]
}

// ---------------------------------------------------------------------
// The server.

/// (number, sign, params) of one recipient of an Aliyun call.
type Recipient = (String, String, Vec<(String, String)>);

struct Responder {
    state: Arc<Mutex<State>>,
}

fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

/// `key=value` fields of an Authorization header after its algorithm.
fn auth_fields(value: &str) -> BTreeMap<String, String> {
    value
        .split(',')
        .filter_map(|part| part.trim().split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn aliyun_answer(status: u16, code: &str, message: &str, biz: Option<&str>) -> ResponseTemplate {
    let mut body = serde_json::json!({
        "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990",
        "Code": code,
        "Message": message,
    });
    if let Some(b) = biz {
        body["BizId"] = serde_json::Value::String(b.to_owned());
    }
    ResponseTemplate::new(status).set_body_json(body)
}

fn tencent_error(code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "Response": {
            "Error": { "Code": code, "Message": message },
            "RequestId": "a0aabda6-cf91-4f3e-a054-8b9ba6ba2cfa",
        }
    }))
}

/// A mainland number as Aliyun takes it (11 digits from 1), or a foreign
/// one (country code and number).
fn aliyun_number_ok(n: &str) -> bool {
    let digits = n.bytes().all(|b| b.is_ascii_digit());
    digits && ((n.len() == 11 && n.starts_with('1')) || (8..=15).contains(&n.len()))
}

fn e164_ok(n: &str) -> bool {
    match n.strip_prefix('+') {
        Some(rest) if rest.bytes().all(|b| b.is_ascii_digit()) => match rest.strip_prefix("86") {
            Some(cn) => cn.len() == 11 && cn.starts_with('1'),
            None => (8..=15).contains(&rest.len()),
        },
        _ => false,
    }
}

impl State {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn sent_since(&self, provider: Provider, number: &str, since: DateTime<Utc>) -> Vec<&Delivery> {
        self.by_number
            .get(&(provider, number.to_owned()))
            .into_iter()
            .flatten()
            .filter_map(|i| self.accepted.get(*i))
            .filter(|d| d.at > since)
            .collect()
    }

    /// Records an accepted number.
    fn accept(&mut self, d: Delivery) {
        self.by_number
            .entry((d.provider, d.number.clone()))
            .or_default()
            .push(self.accepted.len());
        self.accepted.push(d);
    }

    fn call(&mut self, provider: Option<Provider>, action: &str, numbers: usize, code: &str) {
        self.calls.push(Call {
            provider,
            action: action.to_owned(),
            numbers,
            code: code.to_owned(),
            per_number: Vec::new(),
        });
    }

    fn aliyun(&mut self, r: &Request) -> ResponseTemplate {
        let action = header(r, "x-acs-action").unwrap_or("").to_owned();
        let refuse = |s: &mut State, status: u16, code: &str, message: &str| {
            s.call(Some(Provider::Aliyun), &action, 0, code);
            aliyun_answer(status, code, message, None)
        };
        // The signature.
        let Some(auth) =
            header(r, "authorization").and_then(|a| a.strip_prefix("ACS3-HMAC-SHA256 "))
        else {
            return refuse(
                self,
                400,
                "IncompleteSignature",
                "no ACS3-HMAC-SHA256 Authorization",
            );
        };
        let fields = auth_fields(auth);
        if fields.get("Credential").map(String::as_str) != Some(ALIYUN_KEY_ID) {
            return refuse(
                self,
                404,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            );
        }
        let signed: Vec<String> = fields
            .get("SignedHeaders")
            .map(|s| s.split(';').map(str::to_owned).collect())
            .unwrap_or_default();
        for required in [
            "host",
            "x-acs-action",
            "x-acs-version",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
        ] {
            if !signed.iter().any(|s| s == required) {
                return refuse(
                    self,
                    400,
                    "IncompleteSignature",
                    &format!("{required} is not signed"),
                );
            }
        }
        let body_hash = sha256_hex(&r.body);
        if header(r, "x-acs-content-sha256") != Some(body_hash.as_str()) {
            return refuse(
                self,
                400,
                "SignatureDoesNotMatch",
                "x-acs-content-sha256 is not the body's hash",
            );
        }
        let mut headers = Vec::new();
        for name in &signed {
            let Some(v) = header(r, name) else {
                return refuse(
                    self,
                    400,
                    "IncompleteSignature",
                    &format!("{name} is signed but missing"),
                );
            };
            headers.push((name.clone(), v.to_owned()));
        }
        let query: Vec<(String, String)> = r
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let expected = aliyun_signature(
            ALIYUN_SECRET,
            r.method.as_str(),
            r.url.path(),
            &query,
            &headers,
            &body_hash,
        );
        if fields.get("Signature") != Some(&expected) {
            return refuse(
                self,
                400,
                "SignatureDoesNotMatch",
                "Specified signature does not match our calculation.",
            );
        }
        let now = self.now();
        let date = header(r, "x-acs-date")
            .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
            .map(|d| d.with_timezone(&Utc));
        if date.is_none_or(|d| (now - d).num_seconds().abs() > 15 * 60) {
            return refuse(
                self,
                400,
                "InvalidTimeStamp.Expired",
                "the x-acs-date is out of range",
            );
        }
        let nonce = header(r, "x-acs-signature-nonce").unwrap_or("").to_owned();
        self.aliyun_nonces
            .retain(|_, at| now - *at <= Duration::minutes(15));
        if self.aliyun_nonces.contains_key(&nonce) {
            return refuse(
                self,
                400,
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            );
        }
        self.aliyun_nonces.insert(nonce, now);
        if header(r, "x-acs-version") != Some("2017-05-25") {
            return refuse(
                self,
                400,
                "InvalidVersion",
                "Specified parameter Version is not valid.",
            );
        }
        // The parameters.
        let form: HashMap<String, String> = url::form_urlencoded::parse(&r.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let param_object = |s: &str| -> Option<Vec<(String, String)>> {
            let v: serde_json::Value = serde_json::from_str(s).ok()?;
            let mut out: Vec<(String, String)> = v
                .as_object()?
                .iter()
                .map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect::<Option<_>>()?;
            out.sort();
            Some(out)
        };
        let template = form.get("TemplateCode").cloned().unwrap_or_default();
        let recipients: Vec<Recipient> = match action.as_str() {
            "SendSms" => {
                let numbers: Vec<String> = form
                    .get("PhoneNumbers")
                    .map(|s| s.split(',').map(str::to_owned).collect())
                    .unwrap_or_default();
                if numbers.len() > 1_000 {
                    let n = numbers.len();
                    self.call(
                        Some(Provider::Aliyun),
                        &action,
                        n,
                        "isv.MOBILE_COUNT_OVER_LIMIT",
                    );
                    return aliyun_answer(
                        200,
                        "isv.MOBILE_COUNT_OVER_LIMIT",
                        "手机号码数量超过限制",
                        None,
                    );
                }
                let params = match form.get("TemplateParam") {
                    None => Vec::new(),
                    Some(p) => match param_object(p) {
                        Some(p) => p,
                        None => {
                            return refuse(self, 200, "isv.INVALID_JSON_PARAM", "JSON参数不合法");
                        }
                    },
                };
                let sign = form.get("SignName").cloned().unwrap_or_default();
                numbers
                    .into_iter()
                    .map(|n| (n, sign.clone(), params.clone()))
                    .collect()
            }
            "SendBatchSms" => {
                let list = |name: &str| -> Option<Vec<serde_json::Value>> {
                    serde_json::from_str::<serde_json::Value>(form.get(name)?)
                        .ok()?
                        .as_array()
                        .cloned()
                };
                let (Some(numbers), Some(signs), Some(params)) = (
                    list("PhoneNumberJson"),
                    list("SignNameJson"),
                    list("TemplateParamJson"),
                ) else {
                    return refuse(self, 200, "isv.INVALID_JSON_PARAM", "JSON参数不合法");
                };
                if numbers.len() > 100 {
                    let n = numbers.len();
                    self.call(
                        Some(Provider::Aliyun),
                        &action,
                        n,
                        "isv.MOBILE_COUNT_OVER_LIMIT",
                    );
                    return aliyun_answer(
                        200,
                        "isv.MOBILE_COUNT_OVER_LIMIT",
                        "手机号码数量超过限制",
                        None,
                    );
                }
                if signs.len() != numbers.len() || params.len() != numbers.len() {
                    return refuse(self, 200, "isv.INVALID_PARAMETERS", "参数个数不一致");
                }
                let mut out = Vec::new();
                for ((n, s), p) in numbers.iter().zip(&signs).zip(&params) {
                    let (Some(n), Some(s), Some(p)) =
                        (n.as_str(), s.as_str(), param_object(&p.to_string()))
                    else {
                        return refuse(self, 200, "isv.INVALID_JSON_PARAM", "JSON参数不合法");
                    };
                    out.push((n.to_owned(), s.to_owned(), p));
                }
                out
            }
            _ => {
                return refuse(
                    self,
                    404,
                    "InvalidAction.NotFound",
                    "Specified api is not found",
                );
            }
        };
        let count = recipients.len();
        let whole = |s: &mut State, code: &str, message: &str| {
            s.call(Some(Provider::Aliyun), &action, count, code);
            aliyun_answer(200, code, message, None)
        };
        if let Some((Provider::Aliyun, code)) = self.fail_next.clone() {
            self.fail_next = None;
            return whole(self, &code, "injected");
        }
        if recipients.iter().any(|(_, s, _)| !self.signs.contains(s)) {
            return whole(self, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名");
        }
        if !template.starts_with("SMS_") || self.rejected_templates.contains(&template) {
            return whole(self, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板");
        }
        if recipients.is_empty() || recipients.iter().any(|(n, _, _)| !aliyun_number_ok(n)) {
            return whole(self, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号");
        }
        if self.balance.is_some_and(|b| b < count) {
            return whole(self, "isv.AMOUNT_NOT_ENOUGH", "账户余额不足");
        }
        // Flow control: any number over refuses the whole call.
        let minute_ago = now - Duration::seconds(60);
        let day_ago = now - Duration::days(1);
        let mut this_call: Vec<&str> = Vec::new();
        for (n, sign, _) in &recipients {
            let earlier = self.sent_since(Provider::Aliyun, n, minute_ago);
            let in_minute = earlier.iter().filter(|d| &d.sign == sign).count()
                + this_call.iter().filter(|m| *m == n).count();
            if in_minute >= self.aliyun_per_minute {
                let permits = self.aliyun_per_minute;
                return whole(
                    self,
                    "isv.BUSINESS_LIMIT_CONTROL",
                    &format!("触发分钟级流控Permits:{permits}"),
                );
            }
            let in_day = self
                .sent_since(Provider::Aliyun, n, day_ago)
                .iter()
                .filter(|d| &d.sign == sign && d.template == template)
                .count();
            if in_day >= self.aliyun_per_day {
                return whole(self, "isv.DAY_LIMIT_CONTROL", "触发日发送限额");
            }
            this_call.push(n);
        }
        self.seq += 1;
        let biz = format!("{}^0", 900_619_746_936_498_440u64 + self.seq);
        for (n, sign, params) in recipients {
            self.accept(Delivery {
                provider: Provider::Aliyun,
                action: action.clone(),
                number: n,
                template: template.clone(),
                params,
                sign,
                id: biz.clone(),
                at: now,
            });
        }
        if let Some(b) = self.balance.as_mut() {
            *b -= count;
        }
        self.call(Some(Provider::Aliyun), &action, count, "OK");
        aliyun_answer(200, "OK", "OK", Some(&biz))
    }

    fn tencent(&mut self, r: &Request) -> ResponseTemplate {
        let action = header(r, "x-tc-action").unwrap_or("").to_owned();
        let refuse = |s: &mut State, code: &str, message: &str| {
            s.call(Some(Provider::Tencent), &action, 0, code);
            tencent_error(code, message)
        };
        let Some(auth) =
            header(r, "authorization").and_then(|a| a.strip_prefix("TC3-HMAC-SHA256 "))
        else {
            return refuse(
                self,
                "AuthFailure.InvalidAuthorization",
                "no TC3-HMAC-SHA256 Authorization",
            );
        };
        let fields = auth_fields(auth);
        let credential: Vec<&str> = fields
            .get("Credential")
            .map(|c| c.split('/').collect())
            .unwrap_or_default();
        let [id, date, service, "tc3_request"] = credential.as_slice() else {
            return refuse(self, "AuthFailure.InvalidAuthorization", "bad Credential");
        };
        if *id != TENCENT_SECRET_ID {
            return refuse(
                self,
                "AuthFailure.SecretIdNotFound",
                "the SecretId is not found",
            );
        }
        let Some(ts) = header(r, "x-tc-timestamp").and_then(|t| t.parse::<i64>().ok()) else {
            return refuse(self, "MissingParameter", "X-TC-Timestamp");
        };
        let now = self.now();
        if (now.timestamp() - ts).abs() > 300 {
            return refuse(self, "AuthFailure.SignatureExpire", "signature expired");
        }
        let ts_date = DateTime::from_timestamp(ts, 0)
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        if *date != ts_date || *service != "sms" {
            return refuse(self, "AuthFailure.SignatureFailure", "bad credential scope");
        }
        let signed: Vec<String> = fields
            .get("SignedHeaders")
            .map(|s| s.split(';').map(str::to_owned).collect())
            .unwrap_or_default();
        if !signed.iter().any(|s| s == "content-type") || !signed.iter().any(|s| s == "host") {
            return refuse(
                self,
                "AuthFailure.SignatureFailure",
                "content-type and host must be signed",
            );
        }
        let mut headers = Vec::new();
        for name in &signed {
            let Some(v) = header(r, name) else {
                return refuse(
                    self,
                    "AuthFailure.SignatureFailure",
                    "a signed header is missing",
                );
            };
            headers.push((name.clone(), v.to_owned()));
        }
        let expected = tencent_signature(
            TENCENT_SECRET_KEY,
            "sms",
            ts,
            r.method.as_str(),
            r.url.path(),
            r.url.query().unwrap_or(""),
            &headers,
            &r.body,
        );
        if fields.get("Signature") != Some(&expected) {
            return refuse(
                self,
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated.",
            );
        }
        if header(r, "x-tc-version") != Some("2021-01-11") {
            return refuse(self, "NoSuchVersion", "the version is not known");
        }
        if header(r, "x-tc-region").is_none_or(str::is_empty) {
            return refuse(self, "MissingParameter", "X-TC-Region is required");
        }
        if action != "SendSms" {
            return refuse(self, "InvalidAction", "the action is not known");
        }
        let Ok(body) = serde_json::from_slice::<serde_json::Value>(&r.body) else {
            return refuse(
                self,
                "FailedOperation.JsonParseFail",
                "the body is not JSON",
            );
        };
        let strings = |name: &str| -> Vec<String> {
            body[name]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let numbers = strings("PhoneNumberSet");
        let params = strings("TemplateParamSet");
        let count = numbers.len();
        let whole = |s: &mut State, code: &str, message: &str| {
            s.call(Some(Provider::Tencent), &action, count, code);
            tencent_error(code, message)
        };
        if body["SmsSdkAppId"].as_str() != Some(TENCENT_APP_ID) {
            return whole(
                self,
                "InvalidParameterValue.SdkAppIdNotExist",
                "SdkAppId not found",
            );
        }
        if let Some((Provider::Tencent, code)) = self.fail_next.clone() {
            self.fail_next = None;
            return whole(self, &code, "injected");
        }
        if count > 200 {
            return whole(
                self,
                "LimitExceeded.PhoneNumberCountLimit",
                "more than 200 numbers",
            );
        }
        if count == 0 {
            return whole(self, "MissingParameter", "PhoneNumberSet");
        }
        let domestic = numbers.iter().filter(|n| n.starts_with("+86")).count();
        if domestic != 0 && domestic != count {
            return whole(
                self,
                "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
                "domestic and international numbers in one call",
            );
        }
        let sign = body["SignName"].as_str().unwrap_or("").to_owned();
        if !self.signs.contains(&sign) {
            return whole(
                self,
                "FailedOperation.SignatureIncorrectOrUnapproved",
                "签名未审批或格式错误",
            );
        }
        let template = body["TemplateId"].as_str().unwrap_or("").to_owned();
        let template_ok = !template.is_empty()
            && template.bytes().all(|b| b.is_ascii_digit())
            && !self.rejected_templates.contains(&template);
        if !template_ok {
            return whole(
                self,
                "FailedOperation.TemplateIncorrectOrUnapproved",
                "模板未审批或内容不匹配",
            );
        }
        if self.balance.is_some_and(|b| b < count) {
            return whole(
                self,
                "FailedOperation.InsufficientBalanceInSmsPackage",
                "套餐包余量不足",
            );
        }
        let params: Vec<(String, String)> = params
            .into_iter()
            .enumerate()
            .map(|(i, v)| ((i + 1).to_string(), v))
            .collect();
        let mut statuses = Vec::new();
        let mut per_number = Vec::new();
        for n in numbers {
            let code = if !e164_ok(&n) {
                "InvalidParameterValue.IncorrectPhoneNumber".to_owned()
            } else if let Some(code) = self.tencent_fail.get(&n) {
                code.clone()
            } else {
                let names = [
                    "LimitExceeded.PhoneNumberThirtySecondLimit",
                    "LimitExceeded.PhoneNumberOneHourLimit",
                    "LimitExceeded.PhoneNumberDailyLimit",
                ];
                let over = self
                    .tencent_limits
                    .iter()
                    .zip(names)
                    .find(|((secs, max), _)| {
                        self.sent_since(Provider::Tencent, &n, now - Duration::seconds(*secs))
                            .len()
                            >= *max
                    });
                over.map_or_else(|| "Ok".to_owned(), |(_, name)| name.to_owned())
            };
            let mut status = serde_json::json!({
                "SerialNo": "",
                "PhoneNumber": n,
                "Fee": 0,
                "SessionContext": "",
                "Code": code,
                "Message": if code == "Ok" { "send success" } else { "refused" },
                "IsoCode": if n.starts_with("+86") { "CN" } else { "" },
            });
            if code == "Ok" {
                self.seq += 1;
                let serial = format!("2640:{}", 336_917_021_000 + self.seq);
                status["SerialNo"] = serde_json::Value::String(serial.clone());
                status["Fee"] = serde_json::json!(1);
                self.accept(Delivery {
                    provider: Provider::Tencent,
                    action: action.clone(),
                    number: n.clone(),
                    template: template.clone(),
                    params: params.clone(),
                    sign: sign.clone(),
                    id: serial,
                    at: now,
                });
                if let Some(b) = self.balance.as_mut() {
                    *b -= 1;
                }
            }
            per_number.push((n, code));
            statuses.push(status);
        }
        self.calls.push(Call {
            provider: Some(Provider::Tencent),
            action,
            numbers: count,
            code: "Ok".to_owned(),
            per_number,
        });
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "Response": {
                "SendStatusSet": statuses,
                "RequestId": "a0aabda6-cf91-4f3e-a054-8b9ba6ba2cfa",
            }
        }))
    }
}

impl Respond for Responder {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        let mut state = lock(&self.state);
        let answer = if r.headers.contains_key("x-acs-action") {
            state.aliyun(r)
        } else if r.headers.contains_key("x-tc-action") {
            state.tencent(r)
        } else {
            state.call(None, "", 0, "NotFound");
            ResponseTemplate::new(404)
        };
        match state.delay_next.take() {
            Some(d) => answer.set_delay(d),
            None => answer,
        }
    }
}
