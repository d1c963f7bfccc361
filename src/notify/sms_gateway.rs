//! 短信网关 (SMS gateways): what a provider's SMS API is asked to do, and
//! the [`Notifier`] built on it. Pure: nothing here sends anything.
//!
//! A domestic SMS is never free text: it goes as a provider-approved
//! template ([`ProviderTemplate`], mapped with
//! [`TemplateSet::map_sms`](super::TemplateSet::map_sms)) and its
//! parameters, under the approved signature the gateway is configured
//! with. A provider takes many numbers in one call, in two shapes:
//!
//! - **one content** to many numbers ([`SmsRequest::Single`]): Aliyun
//!   `SendSms` takes at most 1000 numbers, Tencent `SendSms` 200;
//! - **parameters per number** ([`SmsRequest::Batch`]): Aliyun
//!   `SendBatchSms` takes at most 100; Tencent has no such call (one
//!   parameter set per call).
//!
//! A provider implements [`SmsGateway`] (the crate ships Aliyun and
//! Tencent behind the feature `sms`); [`SmsNotifier`] turns any gateway
//! into a [`Notifier`] for [`Channel::Sms`]. Its
//! [`Notifier::send_batch`] groups the messages by template and
//! parameters, sends each group of identical content as one-content calls
//! split at the provider's maximum, gathers the rest into per-number calls
//! (or, without those, one-content calls), and maps each number's answer
//! back to its own message: a number that failed fails that message only.
//!
//! Sending is **not idempotent** at either provider (Aliyun's SendSms
//! page: check the receipts before retrying after a timeout), so
//! [`Notifier::deduplicates`] is `false` and an answer lost after the
//! request went is [`SendError::Unknown`], never re-sent blindly
//! (`docs/RULES.md` NOTE-5).
//!
//! Parameters may not carry links (Tencent's template rules,
//! cloud.tencent.com/document/product/382/13301; `docs/RULES.md` NOTE-4):
//! [`param_carries_url`] is the check, applied when an SMS is rendered
//! ([`TemplateError::LinkInSms`](super::TemplateError::LinkInSms)) and
//! again before any request ([`SmsRequest::check`]).

use super::delivery::{Accepted, Notifier, OutgoingMessage, SendError};
use super::rate::{MAX_RATE_KEY, RateKey, Window};
use super::template::{Channel, ProviderTemplate};
use async_trait::async_trait;
use chrono::Duration;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The parameters of a provider template: (name, value), in the
/// template's order.
pub type SmsParams = Vec<(String, String)>;

/// The messages [`SmsNotifier`] takes in one [`Notifier::send_batch`] by
/// default.
pub const DEFAULT_SMS_BATCH: usize = 1_000;

/// One number of a per-number-parameters call.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SmsRecipient {
    /// The number, in E.164 (`+8613800138000`; see [`mobile_e164`]).
    pub number: String,
    /// Its parameters.
    pub params: SmsParams,
}

impl SmsRecipient {
    /// A number and its parameters.
    pub fn new(number: impl Into<String>, params: SmsParams) -> Self {
        Self {
            number: number.into(),
            params,
        }
    }
}

/// 一次调用: one call to a provider, for one approved template under the
/// gateway's signature. Numbers are in E.164 ([`mobile_e164`]); the
/// gateway writes them as its API wants them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SmsRequest {
    /// The same parameters to every number (Aliyun and Tencent `SendSms`).
    Single {
        /// The provider's template code.
        template: String,
        /// The parameters, the same for every number.
        params: SmsParams,
        /// The numbers.
        numbers: Vec<String>,
    },
    /// Parameters per number (Aliyun `SendBatchSms`).
    Batch {
        /// The provider's template code.
        template: String,
        /// The numbers with their parameters.
        recipients: Vec<SmsRecipient>,
    },
}

impl SmsRequest {
    /// The template code.
    pub fn template(&self) -> &str {
        match self {
            Self::Single { template, .. } | Self::Batch { template, .. } => template,
        }
    }

    /// How many numbers it sends to.
    pub fn len(&self) -> usize {
        match self {
            Self::Single { numbers, .. } => numbers.len(),
            Self::Batch { recipients, .. } => recipients.len(),
        }
    }

    /// Whether it names no number.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Its numbers, in order: the order [`SmsGateway::send`] answers in.
    pub fn numbers(&self) -> Vec<&str> {
        match self {
            Self::Single { numbers, .. } => numbers.iter().map(String::as_str).collect(),
            Self::Batch { recipients, .. } => {
                recipients.iter().map(|r| r.number.as_str()).collect()
            }
        }
    }

    /// Every parameter set it carries (one for a single-content call).
    pub fn param_sets(&self) -> Vec<&SmsParams> {
        match self {
            Self::Single { params, .. } => vec![params],
            Self::Batch { recipients, .. } => recipients.iter().map(|r| &r.params).collect(),
        }
    }

    /// 发送前检查: what every gateway checks before it sends anything: a
    /// template code, at least one number and at most `max_single` (a
    /// one-content call) or `max_batch` (a per-number call; 0: the
    /// provider has none), every number in E.164, and no parameter
    /// carrying a link ([`param_carries_url`]).
    ///
    /// ```
    /// use dangjian::notify::{SendError, SmsRequest};
    /// let ok = SmsRequest::Single {
    ///     template: "SMS_0001".into(),
    ///     params: vec![("name".into(), "张三".into())],
    ///     numbers: vec!["+8613800138000".into()],
    /// };
    /// assert!(ok.check(1000, 100).is_ok());
    /// let link = SmsRequest::Single {
    ///     template: "SMS_0001".into(),
    ///     params: vec![("url".into(), "详见 dj.example.cn/x".into())],
    ///     numbers: vec!["+8613800138000".into()],
    /// };
    /// assert!(matches!(link.check(1000, 100), Err(SendError::Permanent { .. })));
    /// ```
    ///
    /// # Errors
    /// [`SendError::Permanent`] saying what is wrong; nothing was sent.
    pub fn check(&self, max_single: usize, max_batch: usize) -> Result<(), SendError> {
        let refuse = |reason: String| {
            Err(SendError::Permanent {
                channel: Channel::Sms,
                reason,
            })
        };
        if self.template().trim().is_empty() {
            return refuse("no provider template code".into());
        }
        let (max, shape) = match self {
            Self::Single { .. } => (max_single, "one-content"),
            Self::Batch { .. } => (max_batch, "per-number"),
        };
        if max == 0 {
            return refuse(format!("the provider has no {shape} call"));
        }
        if self.is_empty() {
            return refuse("no number to send to".into());
        }
        if self.len() > max {
            return refuse(format!(
                "{} numbers in one {shape} call; the provider takes at most {max}",
                self.len()
            ));
        }
        if let Some(n) = self
            .numbers()
            .into_iter()
            .find(|n| mobile_e164(n).as_deref() != Some(*n))
        {
            return refuse(format!("`{n}` is not a mobile number in E.164"));
        }
        for params in self.param_sets() {
            if let Some((name, _)) = params.iter().find(|(_, v)| param_carries_url(v)) {
                return refuse(format!(
                    "the parameter `{name}` carries a link, which an SMS may not"
                ));
            }
        }
        Ok(())
    }
}

/// What the provider answered for one number of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NumberResult {
    /// Accepted for delivery.
    Accepted {
        /// The provider's id: Tencent's `SerialNo`, Aliyun's `BizId`
        /// (shared by the numbers of the call), for the receipts.
        id: Option<String>,
    },
    /// Refused for now (flow control): nothing went to this number; it
    /// may be tried again.
    Retryable {
        /// The provider's code.
        code: String,
        /// The provider's message.
        reason: String,
        /// How long the provider's limit lasts, if known.
        retry_after: Option<Duration>,
    },
    /// Refused for good (a bad number, a daily quota).
    Permanent {
        /// The provider's code.
        code: String,
        /// The provider's message.
        reason: String,
    },
    /// The call went but the answer says nothing of this number: it may
    /// have been sent.
    Unknown {
        /// What was missing.
        reason: String,
    },
}

impl NumberResult {
    /// The [`Notifier`] answer for the message this number belongs to.
    pub fn into_send_result(self, provider: &str) -> Result<Accepted, SendError> {
        let channel = Channel::Sms;
        match self {
            Self::Accepted { id } => Ok(Accepted::new(id)),
            Self::Retryable {
                code,
                reason,
                retry_after,
            } => Err(SendError::Retryable {
                channel,
                reason: format!("{provider} {code}: {reason}"),
                retry_after,
            }),
            Self::Permanent { code, reason } => Err(SendError::Permanent {
                channel,
                reason: format!("{provider} {code}: {reason}"),
            }),
            Self::Unknown { reason } => Err(SendError::Unknown {
                channel,
                reason: format!("{provider}: {reason}"),
            }),
        }
    }
}

/// 频率限制: the per-number limits a provider applies, which the
/// dispatcher keeps to ([`Notifier::limits`]): the windows, and whether
/// the provider counts per template (key `sms.<provider>:<template>:
/// <number>`) or per number across templates (`sms.<provider>:<number>`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FlowControl {
    /// The windows (none: no limit).
    pub windows: Vec<Window>,
    /// Whether the count is per template and number.
    pub per_template: bool,
}

impl FlowControl {
    /// `windows`, per template and number or per number.
    pub fn new(windows: impl IntoIterator<Item = Window>, per_template: bool) -> Self {
        Self {
            windows: windows.into_iter().collect(),
            per_template,
        }
    }

    /// No limit.
    pub fn none() -> Self {
        Self::new([], false)
    }

    /// Aliyun's default for notifications: **50 a day** per signature,
    /// template and number (help.aliyun.com/document_detail/108293.html;
    /// developer.aliyun.com/ask/474934).
    pub fn aliyun_notification() -> Self {
        Self::new([Window::per_day(50)], true)
    }

    /// Aliyun's default for verification codes: **1 a minute, 5 an hour,
    /// 10 a day** per signature and number, whatever the template (same
    /// pages).
    pub fn aliyun_verification() -> Self {
        Self::new(
            [
                Window::per_minute(1),
                Window::per_hour(5),
                Window::per_day(10),
            ],
            false,
        )
    }

    /// Tencent's per-number limits, one per code it answers
    /// (`LimitExceeded.PhoneNumberThirtySecondLimit`, `…OneHourLimit`,
    /// `…DailyLimit`; SendSms 2021-01-11, cloud.tencent.cn/document/product/
    /// 409/55981) at the console's default frequency: **1 in 30 seconds,
    /// 5 an hour, 10 a day** per number (the values are the console's
    /// defaults, not confirmed against the API page; set your own with
    /// [`FlowControl::new`] when the console says otherwise).
    pub fn tencent() -> Self {
        Self::new(
            [Window::new(1, 30), Window::per_hour(5), Window::per_day(10)],
            false,
        )
    }
}

/// 短信网关: one provider's SMS API. The crate's implementations are
/// `adapters::AliyunSms` and `adapters::TencentSms` (feature `sms`).
///
/// A gateway sends what it is given, after [`SmsRequest::check`]; the
/// grouping, splitting and mapping to messages are [`SmsNotifier`]'s.
#[async_trait]
pub trait SmsGateway: Send + Sync {
    /// Its name in rate keys and reasons: short printable ASCII
    /// (`aliyun`, `tencent`).
    fn name(&self) -> &str;

    /// The most numbers of one [`SmsRequest::Single`] (Aliyun 1000,
    /// Tencent 200).
    fn max_single(&self) -> usize;

    /// The most numbers of one [`SmsRequest::Batch`] (Aliyun 100); 0 when
    /// the provider has no per-number-parameters call (Tencent).
    fn max_batch(&self) -> usize;

    /// The provider's default per-number limits (default: none).
    fn flow_control(&self) -> FlowControl {
        FlowControl::none()
    }

    /// Sends one call. `Ok`: one result per number, in the order of
    /// [`SmsRequest::numbers`]. `Err`: the whole call failed, for every
    /// number alike (a bad signature, a server error, a timeout after
    /// sending is [`SendError::Unknown`]).
    ///
    /// # Errors
    /// A [`SendError`] for the whole call.
    async fn send(&self, request: &SmsRequest) -> Result<Vec<NumberResult>, SendError>;
}

#[async_trait]
impl<T: SmsGateway + ?Sized> SmsGateway for Box<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn max_single(&self) -> usize {
        (**self).max_single()
    }
    fn max_batch(&self) -> usize {
        (**self).max_batch()
    }
    fn flow_control(&self) -> FlowControl {
        (**self).flow_control()
    }
    async fn send(&self, request: &SmsRequest) -> Result<Vec<NumberResult>, SendError> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: SmsGateway + ?Sized> SmsGateway for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn max_single(&self) -> usize {
        (**self).max_single()
    }
    fn max_batch(&self) -> usize {
        (**self).max_batch()
    }
    fn flow_control(&self) -> FlowControl {
        (**self).flow_control()
    }
    async fn send(&self, request: &SmsRequest) -> Result<Vec<NumberResult>, SendError> {
        (**self).send(request).await
    }
}

/// 手机号码规范化: `number` in E.164 (`+8613800138000`), or `None` when
/// it is not a mobile number. Spaces, `-` and brackets are dropped; a
/// domestic number may be written with 11 digits, `86`, `+86` or `0086`;
/// a foreign one needs `+` or `00` and its country code. A mainland number
/// is 11 digits beginning with 1.
///
/// ```
/// use dangjian::notify::mobile_e164;
/// assert_eq!(mobile_e164("138 0013 8000").as_deref(), Some("+8613800138000"));
/// assert_eq!(mobile_e164("+86-138-0013-8000").as_deref(), Some("+8613800138000"));
/// assert_eq!(mobile_e164("0085291234567").as_deref(), Some("+85291234567"));
/// assert_eq!(mobile_e164("010-12345678"), None); // a landline
/// assert_eq!(mobile_e164("+86 23800138000"), None);
/// ```
pub fn mobile_e164(number: &str) -> Option<String> {
    let mut digits = String::with_capacity(16);
    let mut plus = false;
    for c in number.trim().chars() {
        match c {
            '+' if digits.is_empty() && !plus => plus = true,
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' => {}
            _ => return None,
        }
    }
    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if digits.len() == 11 && digits.starts_with('1') {
        format!("86{digits}")
    } else if digits.len() == 13 && digits.starts_with("861") {
        digits
    } else {
        return None;
    };
    if !(8..=15).contains(&international.len()) || international.starts_with('0') {
        return None;
    }
    if let Some(domestic) = international.strip_prefix("86") {
        let mut d = domestic.bytes();
        let mobile = domestic.len() == 11
            && d.next() == Some(b'1')
            && d.next().is_some_and(|b| (b'3'..=b'9').contains(&b));
        if !mobile {
            return None;
        }
    }
    Some(format!("+{international}"))
}

/// Top-level domains a bare domain is recognised by without a path
/// (`a.cn`, `dj.gov.cn`, `t.cn`): the generic ones, China's, and those
/// common in Chinese links. Those that are also common words or pinyin
/// (`.wang`, `.ren`, `.xin`, `.fun`) are left out, so a name such as
/// `Tom.Wang` is not taken for a link; with a path (`x.wang/a`) any
/// alphabetic TLD counts.
const KNOWN_TLDS: &[&str] = &[
    "com", "cn", "net", "org", "gov", "edu", "mil", "int", "info", "biz", "io", "co", "me", "cc",
    "tv", "top", "xyz", "vip", "club", "site", "online", "shop", "store", "app", "dev", "ltd",
    "mobi", "asia", "tech", "icu", "cloud", "hk", "mo", "tw", "uk", "us", "jp", "kr", "de", "ru",
    "fr", "sg", "ai",
];

/// 参数含链接: whether an SMS parameter carries a link, which the
/// providers refuse in a variable (Tencent's template rules,
/// cloud.tencent.com/document/product/382/13301): a scheme (`http://`,
/// `https://`, any `scheme://`), `www.`, or a bare domain (`example.com/x`,
/// `a.cn`, `dj.gov.cn`, `1.2.3.4/x`). A decimal (`12.50`), a date
/// (`2024.06.03`) or an abbreviation (`No.5`, `e.g.`) is not a link.
/// Full-width forms (`ｗｗｗ．`, `：／／`) count as their ASCII letters.
///
/// ```
/// use dangjian::notify::param_carries_url;
/// assert!(param_carries_url("详见https://dj.example.org/n/1"));
/// assert!(param_carries_url("登录 www.12371.cn 查看"));
/// assert!(param_carries_url("example.com/x"));
/// assert!(param_carries_url("a.cn"));
/// assert!(param_carries_url("ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ"));
/// assert!(!param_carries_url("12.50元"));
/// assert!(!param_carries_url("2024.06.03"));
/// assert!(!param_carries_url("张三同志"));
/// ```
pub fn param_carries_url(value: &str) -> bool {
    // Lower case, with full-width ASCII (U+FF01…U+FF5E: `ｗ`, `．`, `／`)
    // folded to ASCII.
    let folded: String = value
        .chars()
        .map(|c| match u32::from(c) {
            0xFF01..=0xFF5E => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    if folded.contains("www.") {
        return true;
    }
    if has_scheme(&folded) {
        return true;
    }
    let bytes: Vec<char> = folded.chars().collect();
    let in_host = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    let mut start = 0;
    while start < bytes.len() {
        if !bytes.get(start).copied().is_some_and(in_host) {
            start += 1;
            continue;
        }
        let mut end = start;
        while bytes.get(end).copied().is_some_and(in_host) {
            end += 1;
        }
        let run: String = bytes.get(start..end).unwrap_or_default().iter().collect();
        let next = bytes.get(end).copied();
        if host_is_link(&run, matches!(next, Some('/' | ':' | '?' | '#'))) {
            return true;
        }
        start = end;
    }
    false
}

/// `://` after a letter or digit: any scheme, also one spelt with
/// look-alike letters (`httpſ://`, with a long s).
fn has_scheme(s: &str) -> bool {
    s.match_indices("://").any(|(at, _)| {
        s.get(..at)
            .and_then(|before| before.chars().next_back())
            .is_some_and(char::is_alphanumeric)
    })
}

/// Whether a run of `[a-z0-9.-]` is a host: two or more labels, the last
/// a known TLD, or any alphabetic TLD (or a dotted quad) followed by a
/// path or port.
fn host_is_link(run: &str, path_follows: bool) -> bool {
    let run = run.trim_matches(|c| c == '.' || c == '-');
    let labels: Vec<&str> = run.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return false;
    }
    let label_ok = |l: &&str| !l.starts_with('-') && !l.ends_with('-') && l.len() <= 63;
    if !labels.iter().all(label_ok) {
        return false;
    }
    let Some(tld) = labels.last() else {
        return false;
    };
    if tld.bytes().all(|b| b.is_ascii_alphabetic()) && (2..=63).contains(&tld.len()) {
        return path_follows || KNOWN_TLDS.contains(tld);
    }
    let quad = labels.len() == 4
        && labels
            .iter()
            .all(|l| l.len() <= 3 && l.parse::<u8>().is_ok());
    quad && path_follows
}

/// 短信通知 (the SMS notifier): any [`SmsGateway`] as a [`Notifier`] on
/// [`Channel::Sms`].
///
/// ```
/// use async_trait::async_trait;
/// use dangjian::notify::{
///     Channel, NumberResult, Notifier, OutgoingMessage, ProviderTemplate, SendError,
///     SmsGateway, SmsNotifier, SmsRequest,
/// };
///
/// /// A gateway that accepts everything (a test double).
/// struct Accepting;
/// #[async_trait]
/// impl SmsGateway for Accepting {
///     fn name(&self) -> &str { "test" }
///     fn max_single(&self) -> usize { 2 }
///     fn max_batch(&self) -> usize { 0 }
///     async fn send(&self, r: &SmsRequest) -> Result<Vec<NumberResult>, SendError> {
///         r.check(self.max_single(), self.max_batch())?;
///         Ok(r.numbers().iter().map(|n| NumberResult::Accepted { id: Some(n.to_string()) }).collect())
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let sms = SmsNotifier::new(Accepting);
/// let template = ProviderTemplate { code: "SMS_1".into(), params: vec![("name".into(), "张三".into())] };
/// let m = |k: &str, to: &str| OutgoingMessage::new(k, Channel::Sms, to, "张三", "张三同志：…")
///     .provider_template(template.clone());
/// let out = sms.send_batch(&[m("a", "13800138000"), m("b", "13900139000"), m("c", "x")]).await;
/// assert_eq!(out[0].as_ref().unwrap().channel_id.as_deref(), Some("+8613800138000"));
/// assert!(out[1].is_ok());
/// assert!(matches!(out[2], Err(SendError::Permanent { .. }))); // not a number: never sent
/// # });
/// ```
pub struct SmsNotifier<G> {
    gateway: G,
    flow: FlowControl,
    batch_size: usize,
}

impl<G: SmsGateway> SmsNotifier<G> {
    /// The notifier over `gateway`, with the gateway's default flow
    /// control and batches of [`DEFAULT_SMS_BATCH`].
    pub fn new(gateway: G) -> Self {
        let flow = gateway.flow_control();
        Self {
            gateway,
            flow,
            batch_size: DEFAULT_SMS_BATCH,
        }
    }

    /// With other per-number limits (e.g.
    /// [`FlowControl::aliyun_verification`], or the console's own).
    #[must_use]
    pub fn with_flow_control(mut self, flow: FlowControl) -> Self {
        self.flow = flow;
        self
    }

    /// With another [`Notifier::batch_size`] (at least 1).
    #[must_use]
    pub fn with_batch_size(mut self, messages: usize) -> Self {
        self.batch_size = messages.max(1);
        self
    }

    /// The gateway.
    pub fn gateway(&self) -> &G {
        &self.gateway
    }

    /// The calls `messages` would be sent as, and the messages refused
    /// before any call (by index). Pure: for planning and tests.
    pub fn plan(&self, messages: &[OutgoingMessage]) -> SmsPlan {
        plan(
            messages,
            self.gateway.max_single().max(1),
            self.gateway.max_batch(),
        )
    }
}

/// 发送计划: the calls a list of messages goes as ([`SmsNotifier::plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SmsPlan {
    /// Each call with the indices of its numbers' messages, in the order
    /// of [`SmsRequest::numbers`].
    pub calls: Vec<(SmsRequest, Vec<usize>)>,
    /// The messages refused before sending, with why.
    pub refused: Vec<(usize, SendError)>,
}

/// A message ready for a call.
struct Ready<'a> {
    index: usize,
    number: String,
    template: &'a ProviderTemplate,
}

/// Checks one message: an SMS with a provider template, a mobile number,
/// no link in its parameters.
fn ready(index: usize, m: &OutgoingMessage) -> Result<Ready<'_>, SendError> {
    let refuse = |reason: String| SendError::Permanent {
        channel: Channel::Sms,
        reason,
    };
    if m.channel != Channel::Sms {
        return Err(refuse(format!("a message on {} given to SMS", m.channel)));
    }
    let Some(template) = &m.provider_template else {
        return Err(refuse(
            "no provider template: a domestic SMS is sent as an approved template \
             (TemplateSet::map_sms), never as free text"
                .into(),
        ));
    };
    if template.code.trim().is_empty() {
        return Err(refuse("no provider template code".into()));
    }
    if let Some(name) = template.link_param() {
        return Err(refuse(format!(
            "the parameter `{name}` carries a link, which an SMS may not"
        )));
    }
    let Some(number) = mobile_e164(&m.to) else {
        return Err(refuse(format!("`{}` is not a mobile number", m.to)));
    };
    Ok(Ready {
        index,
        number,
        template,
    })
}

/// Splits entries so that no number appears twice in one part: the k-th
/// occurrence of each number goes into part k.
fn rounds<T>(entries: Vec<(String, T)>) -> Vec<Vec<(String, T)>> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out: Vec<Vec<(String, T)>> = Vec::new();
    for (number, item) in entries {
        let k = seen.entry(number.clone()).or_insert(0);
        let round = *k;
        *k += 1;
        while out.len() <= round {
            out.push(Vec::new());
        }
        if let Some(part) = out.get_mut(round) {
            part.push((number, item));
        }
    }
    out
}

/// One-content calls for `entries` (same template and parameters), split
/// at `max` and so that a number appears once per call.
fn single_calls(
    template: &str,
    params: &SmsParams,
    entries: Vec<(String, usize)>,
    max: usize,
    out: &mut Vec<(SmsRequest, Vec<usize>)>,
) {
    for round in rounds(entries) {
        for chunk in round.chunks(max) {
            out.push((
                SmsRequest::Single {
                    template: template.to_owned(),
                    params: params.clone(),
                    numbers: chunk.iter().map(|(n, _)| n.clone()).collect(),
                },
                chunk.iter().map(|(_, i)| *i).collect(),
            ));
        }
    }
}

/// The grouping (see the module's documentation).
fn plan(messages: &[OutgoingMessage], max_single: usize, max_batch: usize) -> SmsPlan {
    let mut refused = Vec::new();
    // (template, domestic) → parameters → (number, index), in order.
    type ByParams<'a> = BTreeMap<&'a SmsParams, Vec<(String, usize)>>;
    let mut groups: BTreeMap<(&str, bool), ByParams<'_>> = BTreeMap::new();
    for (i, m) in messages.iter().enumerate() {
        match ready(i, m) {
            Ok(r) => {
                // A provider takes domestic and foreign numbers in
                // separate calls (Tencent: all one or the other).
                let domestic = r.number.starts_with("+86");
                groups
                    .entry((r.template.code.as_str(), domestic))
                    .or_default()
                    .entry(&r.template.params)
                    .or_default()
                    .push((r.number, r.index));
            }
            Err(e) => refused.push((i, e)),
        }
    }
    let mut calls = Vec::new();
    for ((template, _), by_params) in groups {
        // What is left over from the one-content groups: numbers with
        // parameters of their own, or the tail of a small group.
        let mut pool: Vec<(String, (usize, &SmsParams))> = Vec::new();
        for (params, entries) in by_params {
            for round in rounds(entries) {
                for chunk in round.chunks(max_single) {
                    // A one-content call is worth it for a chunk at least
                    // as large as a whole per-number call.
                    if max_batch == 0 || chunk.len() >= max_batch || chunk.len() == max_single {
                        single_calls(template, params, chunk.to_vec(), max_single, &mut calls);
                    } else {
                        pool.extend(chunk.iter().map(|(n, i)| (n.clone(), (*i, params))));
                    }
                }
            }
        }
        let distinct: BTreeSet<&SmsParams> = pool.iter().map(|(_, (_, p))| *p).collect();
        if distinct.len() <= 1 {
            // One content after all: one-content calls.
            if let Some(params) = distinct.first() {
                let entries = pool.into_iter().map(|(n, (i, _))| (n, i)).collect();
                single_calls(template, params, entries, max_single, &mut calls);
            }
            continue;
        }
        for round in rounds(pool) {
            for chunk in round.chunks(max_batch.max(1)) {
                calls.push((
                    SmsRequest::Batch {
                        template: template.to_owned(),
                        recipients: chunk
                            .iter()
                            .map(|(n, (_, p))| SmsRecipient::new(n.clone(), (*p).clone()))
                            .collect(),
                    },
                    chunk.iter().map(|(_, (i, _))| *i).collect(),
                ));
            }
        }
    }
    SmsPlan { calls, refused }
}

#[async_trait]
impl<G: SmsGateway> Notifier for SmsNotifier<G> {
    fn channel(&self) -> Channel {
        Channel::Sms
    }

    /// No: neither provider deduplicates a send.
    fn deduplicates(&self) -> bool {
        false
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<Accepted, SendError> {
        self.send_batch(std::slice::from_ref(message))
            .await
            .pop()
            .unwrap_or_else(|| {
                Err(SendError::Unknown {
                    channel: Channel::Sms,
                    reason: "no result".into(),
                })
            })
    }

    /// `sms.<provider>:<template>:<number>` when the provider counts per
    /// template, else `sms.<provider>:<number>` (the number in E.164),
    /// with the windows of the [`FlowControl`]; none for a message that
    /// will be refused anyway.
    fn limits(&self, message: &OutgoingMessage) -> Vec<RateKey> {
        if self.flow.windows.is_empty() {
            return Vec::new();
        }
        let Ok(r) = ready(0, message) else {
            return Vec::new();
        };
        let provider = super::rate::key_part(self.gateway.name());
        let name = if self.flow.per_template {
            format!(
                "sms.{provider}:{}:{}",
                super::rate::key_part(&r.template.code),
                r.number
            )
        } else {
            format!("sms.{provider}:{}", r.number)
        };
        let name = if name.len() > MAX_RATE_KEY {
            format!("sms.{}", super::rate::key_part(&name))
        } else {
            name
        };
        vec![RateKey::new(name, self.flow.windows.iter().copied())]
    }

    fn batch_size(&self) -> usize {
        self.batch_size
    }

    async fn send_batch(&self, messages: &[OutgoingMessage]) -> Vec<Result<Accepted, SendError>> {
        let plan = self.plan(messages);
        let mut out: Vec<Option<Result<Accepted, SendError>>> = vec![None; messages.len()];
        for (i, e) in plan.refused {
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(Err(e));
            }
        }
        let provider = self.gateway.name().to_owned();
        for (request, indices) in plan.calls {
            match self.gateway.send(&request).await {
                Ok(results) => {
                    let mut results = results.into_iter();
                    for i in indices {
                        let r = results.next().unwrap_or_else(|| NumberResult::Unknown {
                            reason: "the provider's answer has no result for this number".into(),
                        });
                        if let Some(slot) = out.get_mut(i) {
                            *slot = Some(r.into_send_result(&provider));
                        }
                    }
                }
                Err(e) => {
                    for i in indices {
                        if let Some(slot) = out.get_mut(i) {
                            *slot = Some(Err(e.clone()));
                        }
                    }
                }
            }
        }
        out.into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(SendError::Unknown {
                        channel: Channel::Sms,
                        reason: "not planned".into(),
                    })
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
