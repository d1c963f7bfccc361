//! 阿里云短信 (Aliyun dysmsapi 2017-05-25): `SendSms` and `SendBatchSms`
//! over the V3 request structure, signed with ACS3-HMAC-SHA256.
//!
//! Facts from Aliyun's pages: the APIs
//! (help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2017-05-25-sendsms
//! and …-sendbatchsms), the signature
//! (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature),
//! the default flow control (help.aliyun.com/document_detail/108293.html),
//! the codes (the SDKs' error maps).

use super::{
    RequestSignature, SigningRequest, check, checked_nonce, credential, encode_pairs,
    host_and_path, random_nonce, sign_name, unreadable_answer,
};
use crate::adapters::http::{self, ChannelConfigError, hex, hmac_sha256, sha256};
use crate::clock::{Clock, SystemClock};
use crate::notify::{Channel, FlowControl, NumberResult, SendError, SmsGateway, SmsRequest};
use async_trait::async_trait;
use serde::Deserialize;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The signature's algorithm name.
const ACS3: &str = "ACS3-HMAC-SHA256";

/// ACS3-HMAC-SHA256 (Aliyun's V3 signature): the canonical request is
/// `METHOD\npath\nquery\n` + each signed header as `name:value\n` (names
/// lower case, sorted; values trimmed) + `\n` + the signed header names
/// `;`-joined + `\n` + the hex SHA-256 of the body; the query is sorted
/// by name and RFC 3986-encoded. The string to sign is
/// `ACS3-HMAC-SHA256\n` + hex(SHA-256(canonical request)); the signature
/// is hex(HMAC-SHA256(secret, string to sign)). Any action of any
/// product signs this way; the `x-acs-content-sha256` header must carry
/// the same body hash.
///
/// The example of Aliyun's signature page (ECS `RunInstances`):
///
/// ```
/// use dangjian::adapters::{SigningRequest, acs3_signature};
/// let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// let headers = [
///     ("host", "ecs.cn-shanghai.aliyuncs.com"),
///     ("x-acs-action", "RunInstances"),
///     ("x-acs-version", "2014-05-26"),
///     ("x-acs-date", "2023-10-26T10:22:32Z"),
///     ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
///     ("x-acs-content-sha256", empty),
/// ];
/// let query = [
///     ("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"),
///     ("RegionId", "cn-shanghai"),
/// ];
/// let request = SigningRequest { method: "POST", path: "/", query: &query, headers: &headers, payload: b"" };
/// let s = acs3_signature("YourAccessKeyId", "YourAccessKeySecret", &request);
/// assert_eq!(s.signature, "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
/// assert!(s.authorization.starts_with("ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"));
/// ```
pub fn acs3_signature(
    access_key_id: &str,
    access_key_secret: &str,
    request: &SigningRequest<'_>,
) -> RequestSignature {
    let mut query: Vec<(&str, &str)> = request.query.to_vec();
    query.sort_unstable();
    let query = encode_pairs(query);
    let mut headers: Vec<(String, &str)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim()))
        .collect();
    headers.sort_unstable();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical = format!(
        "{}\n{}\n{query}\n{canonical_headers}\n{signed_headers}\n{}",
        request.method,
        request.path,
        hex(&sha256(request.payload)),
    );
    let to_sign = format!("{ACS3}\n{}", hex(&sha256(canonical.as_bytes())));
    let signature = hex(&hmac_sha256(
        access_key_secret.as_bytes(),
        to_sign.as_bytes(),
    ));
    let authorization = format!(
        "{ACS3} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"
    );
    RequestSignature {
        signed_headers,
        signature,
        authorization,
    }
}

/// 阿里云短信配置: the AccessKey pair, the approved signature, and where
/// and how to call.
#[derive(Clone)]
pub struct AliyunSmsConfig {
    access_key_id: String,
    access_key_secret: String,
    sign_name: String,
    base_url: String,
    timeout: Duration,
    clock: Arc<dyn Clock>,
    nonce: Arc<dyn Fn() -> String + Send + Sync>,
}

impl fmt::Debug for AliyunSmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AliyunSmsConfig")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field("sign_name", &self.sign_name)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl AliyunSmsConfig {
    /// The AccessKey ID and secret (a RAM user's, allowed `dysms:SendSms`
    /// and `dysms:SendBatchSms`) and the approved signature name (with or
    /// without its 【】). Official endpoint, 10-second timeout, the system
    /// clock, random nonces.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        sign_name: impl Into<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            sign_name: sign_name.into(),
            base_url: AliyunSms::DEFAULT_URL.to_owned(),
            timeout: Duration::from_secs(10),
            clock: Arc::new(SystemClock),
            nonce: Arc::new(random_nonce),
        }
    }

    /// Another endpoint (`https`, or `http` to loopback for a test).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The whole-request timeout.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The clock the `x-acs-date` is read from.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Where `x-acs-signature-nonce` values come from (random by
    /// default; a test passes a counter). Each request needs a new one:
    /// Aliyun refuses a nonce used within 15 minutes.
    #[must_use]
    pub fn nonce(mut self, source: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.nonce = Arc::new(source);
        self
    }
}

/// 阿里云短信 (Aliyun SMS): an [`SmsGateway`] over dysmsapi 2017-05-25.
///
/// A one-content call is `SendSms` (`PhoneNumbers` comma-separated, at
/// most [`AliyunSms::MAX_SEND_SMS`]); a per-number call is `SendBatchSms`
/// (`PhoneNumberJson`, `SignNameJson`, `TemplateParamJson`, at most
/// [`AliyunSms::MAX_SEND_BATCH_SMS`]). The parameters go in the form
/// body; mainland numbers go as their 11 digits, others as country code
/// and number without the `+`.
///
/// Aliyun answers one `Code` for the whole call: `OK` accepts every
/// number (with the call's `BizId`); any other code is the same
/// [`SendError`] for every number of the call, nothing having been sent:
///
/// | code | error |
/// |---|---|
/// | `isv.BUSINESS_LIMIT_CONTROL` (minute or hour flow control) | `Retryable`, after 60 s (an hour when the message names the hour) |
/// | `isv.BUSINESS_LIMIT_CONTROL` naming the day (天级), `isv.DAY_LIMIT_CONTROL` | `Permanent` (a daily quota) |
/// | `Throttling*`, `ServiceUnavailable`, `InternalError`, `isv.SYSTEM_ERROR` | `Retryable` |
/// | `isv.MOBILE_NUMBER_ILLEGAL`, `isv.MOBILE_COUNT_OVER_LIMIT`, `isv.SMS_SIGNATURE_ILLEGAL`, `isv.SMS_TEMPLATE_ILLEGAL`, `isv.AMOUNT_NOT_ENOUGH`, `SignatureDoesNotMatch`, `InvalidAccessKeyId.*`, any other | `Permanent` |
///
/// Whether Aliyun refuses a whole multi-number call when one number is
/// over its flow control is not stated on its pages; the adapter assumes
/// it does (nothing sent, every number retryable). The dispatcher keeps
/// to the limits first ([`FlowControl::aliyun_notification`], the
/// default), so the code is rare.
pub struct AliyunSms {
    access_key_id: String,
    access_key_secret: String,
    sign_name: String,
    url: String,
    host: String,
    path: String,
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
    nonce: Arc<dyn Fn() -> String + Send + Sync>,
}

impl fmt::Debug for AliyunSms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AliyunSms")
            .field("access_key_id", &self.access_key_id)
            .field("sign_name", &self.sign_name)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl AliyunSms {
    /// The official endpoint.
    pub const DEFAULT_URL: &'static str = "https://dysmsapi.aliyuncs.com";
    /// The API version.
    pub const VERSION: &'static str = "2017-05-25";
    /// The most numbers of one `SendSms`.
    pub const MAX_SEND_SMS: usize = 1_000;
    /// The most numbers of one `SendBatchSms`.
    pub const MAX_SEND_BATCH_SMS: usize = 100;
    /// How long a minute's flow control lasts.
    pub const FLOW_CONTROL_RETRY: chrono::Duration = chrono::Duration::seconds(60);

    /// The gateway. Nothing is sent.
    ///
    /// ```
    /// use dangjian::adapters::{AliyunSms, AliyunSmsConfig, ChannelConfigError};
    /// let bad = AliyunSms::new(AliyunSmsConfig::new("LTAI5tExampleKeyId", "with space", "党建"));
    /// assert!(matches!(bad, Err(ChannelConfigError::BadCredential { .. })));
    /// let http = AliyunSms::new(
    ///     AliyunSmsConfig::new("LTAI5tExampleKeyId", "secret-0123", "党建").base_url("http://dysmsapi.aliyuncs.com"),
    /// );
    /// assert!(matches!(http, Err(ChannelConfigError::BadUrl { .. })));
    /// ```
    ///
    /// # Errors
    /// [`ChannelConfigError::BadCredential`] for an AccessKey ID that is
    /// not 8 to 128 ASCII letters and digits or a secret that is not 8 to
    /// 128 printable ASCII characters; [`ChannelConfigError::Invalid`]
    /// for an empty signature; [`ChannelConfigError::BadUrl`];
    /// [`ChannelConfigError::Client`].
    pub fn new(config: AliyunSmsConfig) -> Result<Self, ChannelConfigError> {
        let channel = Channel::Sms;
        credential(channel, "AccessKey ID", &config.access_key_id, true)?;
        credential(
            channel,
            "AccessKey secret",
            &config.access_key_secret,
            false,
        )?;
        let sign_name = sign_name(channel, &config.sign_name)?;
        let url = http::base_url(channel, &config.base_url)?;
        let (host, path) = host_and_path(channel, &url)?;
        let client = http::client(channel, config.timeout)?;
        Ok(Self {
            access_key_id: config.access_key_id,
            access_key_secret: config.access_key_secret,
            sign_name,
            url: format!("{url}/"),
            host,
            path,
            client,
            clock: config.clock,
            nonce: config.nonce,
        })
    }

    /// The action and the form parameters of `request`.
    fn form(&self, request: &SmsRequest) -> Result<(&'static str, Form), SendError> {
        let json = |v: &serde_json::Value| {
            serde_json::to_string(v).map_err(|e| SendError::Permanent {
                channel: Channel::Sms,
                reason: format!("the parameters cannot be written: {e}"),
            })
        };
        let object = |params: &[(String, String)]| {
            serde_json::Value::Object(
                params
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect(),
            )
        };
        match request {
            SmsRequest::Single {
                template,
                params,
                numbers,
            } => {
                let mut form = vec![
                    (
                        "PhoneNumbers",
                        numbers
                            .iter()
                            .map(|n| aliyun_number(n))
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                    ("SignName", self.sign_name.clone()),
                    ("TemplateCode", template.clone()),
                ];
                if !params.is_empty() {
                    form.push(("TemplateParam", json(&object(params))?));
                }
                Ok(("SendSms", form))
            }
            SmsRequest::Batch {
                template,
                recipients,
            } => {
                let numbers: Vec<serde_json::Value> = recipients
                    .iter()
                    .map(|r| serde_json::Value::String(aliyun_number(&r.number)))
                    .collect();
                let signs: Vec<serde_json::Value> = recipients
                    .iter()
                    .map(|_| serde_json::Value::String(self.sign_name.clone()))
                    .collect();
                let params: Vec<serde_json::Value> =
                    recipients.iter().map(|r| object(&r.params)).collect();
                Ok((
                    "SendBatchSms",
                    vec![
                        ("PhoneNumberJson", json(&serde_json::Value::Array(numbers))?),
                        ("SignNameJson", json(&serde_json::Value::Array(signs))?),
                        ("TemplateCode", template.clone()),
                        (
                            "TemplateParamJson",
                            json(&serde_json::Value::Array(params))?,
                        ),
                    ],
                ))
            }
        }
    }
}

/// Form parameters: (name, value).
type Form = Vec<(&'static str, String)>;

/// A number as Aliyun's `PhoneNumbers` takes it: mainland numbers as 11
/// digits, others as the country code and number (`85291234567`).
fn aliyun_number(e164: &str) -> String {
    let digits = e164.trim_start_matches('+');
    digits.strip_prefix("86").unwrap_or(digits).to_owned()
}

/// Aliyun's answer (`Code`, `Message`, `BizId`, `RequestId`); error
/// answers of the gateway have the same fields.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    code: Option<String>,
    message: Option<String>,
    biz_id: Option<String>,
    request_id: Option<String>,
}

/// The error of a `Code` other than `OK` (see [`AliyunSms`]).
fn code_error(code: &str, message: &str) -> SendError {
    let channel = Channel::Sms;
    let reason = format!("aliyun {code}: {message}");
    match code {
        "isv.BUSINESS_LIMIT_CONTROL" => {
            // The message names the window: 触发分钟级流控 / 小时级 / 天级.
            if message.contains("天级") {
                SendError::Permanent { channel, reason }
            } else if message.contains("小时级") {
                SendError::Retryable {
                    channel,
                    reason,
                    retry_after: Some(chrono::Duration::hours(1)),
                }
            } else {
                SendError::Retryable {
                    channel,
                    reason,
                    retry_after: Some(AliyunSms::FLOW_CONTROL_RETRY),
                }
            }
        }
        "ServiceUnavailable" | "InternalError" | "isv.SYSTEM_ERROR" => SendError::Retryable {
            channel,
            reason,
            retry_after: None,
        },
        c if c.starts_with("Throttling") => SendError::Retryable {
            channel,
            reason,
            retry_after: None,
        },
        _ => SendError::Permanent { channel, reason },
    }
}

#[async_trait]
impl SmsGateway for AliyunSms {
    fn name(&self) -> &str {
        "aliyun"
    }

    fn max_single(&self) -> usize {
        Self::MAX_SEND_SMS
    }

    fn max_batch(&self) -> usize {
        Self::MAX_SEND_BATCH_SMS
    }

    /// [`FlowControl::aliyun_notification`]: 50 a day per template and
    /// number.
    fn flow_control(&self) -> FlowControl {
        FlowControl::aliyun_notification()
    }

    async fn send(&self, request: &SmsRequest) -> Result<Vec<NumberResult>, SendError> {
        check(self, request)?;
        let (action, form) = self.form(request)?;
        let body = encode_pairs(form.iter().map(|(k, v)| (*k, v.as_str())));
        let hash = hex(&sha256(body.as_bytes()));
        let date = self.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let nonce = checked_nonce((self.nonce)())?;
        let headers = [
            ("host", self.host.as_str()),
            ("x-acs-action", action),
            ("x-acs-version", Self::VERSION),
            ("x-acs-date", date.as_str()),
            ("x-acs-signature-nonce", nonce.as_str()),
            ("x-acs-content-sha256", hash.as_str()),
            ("content-type", "application/x-www-form-urlencoded"),
        ];
        let signature = acs3_signature(
            &self.access_key_id,
            &self.access_key_secret,
            &SigningRequest {
                method: "POST",
                path: &self.path,
                query: &[],
                headers: &headers,
                payload: body.as_bytes(),
            },
        );
        let mut call = self.client.post(&self.url);
        for (name, value) in headers.iter().filter(|(n, _)| *n != "host") {
            call = call.header(*name, *value);
        }
        let answer = call
            .header("authorization", signature.authorization)
            .body(body)
            .send()
            .await
            .map_err(|e| http::transport_error(Channel::Sms, e, false))?;
        let status = answer.status();
        let answer_headers = answer.headers().clone();
        let text = answer
            .text()
            .await
            .map_err(|e| http::transport_error(Channel::Sms, e, false))?;
        let parsed: Option<Answer> = serde_json::from_str(&text).ok();
        let Some((code, answer)) = parsed.and_then(|a| a.code.clone().map(|c| (c, a))) else {
            return Err(unreadable_answer("aliyun", status, &answer_headers));
        };
        if code == "OK" {
            return Ok(vec![
                NumberResult::Accepted { id: answer.biz_id };
                request.len()
            ]);
        }
        let message = match &answer.request_id {
            Some(id) => format!(
                "{} (RequestId {id})",
                answer.message.as_deref().unwrap_or("")
            ),
            None => answer.message.unwrap_or_default(),
        };
        Err(code_error(&code, &message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_v3_document_vector() {
        let empty = hex(&sha256(b""));
        let headers = [
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-content-sha256", empty.as_str()),
        ];
        // The query in another order: the signature sorts it.
        let query = [
            ("RegionId", "cn-shanghai"),
            (
                "ImageId",
                "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
            ),
        ];
        let s = acs3_signature(
            "YourAccessKeyId",
            "YourAccessKeySecret",
            &SigningRequest {
                method: "POST",
                path: "/",
                query: &query,
                headers: &headers,
                payload: b"",
            },
        );
        assert_eq!(
            s.signature,
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
        assert_eq!(
            s.signed_headers,
            "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
        );
        assert_eq!(
            s.authorization,
            format!(
                "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders={},Signature={}",
                s.signed_headers, s.signature
            )
        );
    }

    #[test]
    fn codes() {
        let retry = |e: &SendError| match e {
            SendError::Retryable { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let minute = code_error("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1");
        assert_eq!(retry(&minute), Some(Some(chrono::Duration::seconds(60))));
        let hour = code_error("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5");
        assert_eq!(retry(&hour), Some(Some(chrono::Duration::hours(1))));
        for permanent in [
            ("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10"),
            ("isv.DAY_LIMIT_CONTROL", ""),
            ("isv.MOBILE_NUMBER_ILLEGAL", ""),
            ("isv.SMS_SIGNATURE_ILLEGAL", ""),
            ("isv.SMS_TEMPLATE_ILLEGAL", ""),
            ("isv.AMOUNT_NOT_ENOUGH", ""),
            ("SignatureDoesNotMatch", ""),
            ("InvalidAccessKeyId.NotFound", ""),
            ("isv.SOMETHING_NEW", ""),
        ] {
            assert!(
                matches!(
                    code_error(permanent.0, permanent.1),
                    SendError::Permanent { .. }
                ),
                "{permanent:?}"
            );
        }
        for retryable in ["Throttling.User", "isv.SYSTEM_ERROR", "ServiceUnavailable"] {
            assert_eq!(retry(&code_error(retryable, "")), Some(None), "{retryable}");
        }
        assert_eq!(aliyun_number("+8613800138000"), "13800138000");
        assert_eq!(aliyun_number("+85291234567"), "85291234567");
    }
}
