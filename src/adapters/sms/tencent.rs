//! 腾讯云短信 (Tencent Cloud SMS): `SendSms` 2021-01-11, signed with
//! TC3-HMAC-SHA256.
//!
//! Facts from Tencent's pages: the API and its error codes
//! (cloud.tencent.cn/document/product/409/55981; intl
//! cloud.tencent.com/document/product/382/40536), the signature (the
//! API 3.0 "signature v3" page, read in full).

use super::{
    RequestSignature, SigningRequest, check, credential, encode_pairs, host_and_path, sign_name,
    unreadable_answer,
};
use crate::adapters::http::{self, ChannelConfigError, hex, hmac_sha256, sha256};
use crate::clock::{Clock, SystemClock};
use crate::notify::{
    Channel, FlowControl, NumberResult, SendError, SmsGateway, SmsRequest, mobile_e164,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The signature's algorithm name.
const TC3: &str = "TC3-HMAC-SHA256";

/// TC3-HMAC-SHA256 (Tencent Cloud API 3.0): the canonical request is
/// `METHOD\npath\nquery\n` + each signed header as `name:value\n` (names
/// and values lower case and trimmed, sorted by name) + `\n` + the signed
/// header names `;`-joined + `\n` + the hex SHA-256 of the body (the query
/// RFC 3986-encoded in the order given; empty for a POST). With `date`
/// the UTC date of `timestamp` and the scope `date/service/tc3_request`,
/// the string to sign is `TC3-HMAC-SHA256\ntimestamp\nscope\n` +
/// hex(SHA-256(canonical request)); the key is HMAC(HMAC(HMAC("TC3" +
/// secret key, date), service), "tc3_request"); the signature is
/// hex(HMAC(key, string to sign)). Any action of any service signs this
/// way.
///
/// The example of Tencent's signature page (CVM `DescribeInstances`):
///
/// ```
/// use dangjian::adapters::{SigningRequest, tc3_signature};
/// let body = r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
/// let headers = [
///     ("Content-Type", "application/json; charset=utf-8"),
///     ("Host", "cvm.tencentcloudapi.com"),
/// ];
/// let request = SigningRequest { method: "POST", path: "/", query: &[], headers: &headers, payload: body.as_bytes() };
/// let s = tc3_signature("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "cvm", 1551113065, &request);
/// assert_eq!(s.signature, "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
/// assert_eq!(
///     s.authorization,
///     format!("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={}", s.signature),
/// );
/// ```
pub fn tc3_signature(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    timestamp: i64,
    request: &SigningRequest<'_>,
) -> RequestSignature {
    let date = chrono::DateTime::from_timestamp(timestamp, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let query = encode_pairs(request.query.iter().copied());
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
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
    let scope = format!("{date}/{service}/tc3_request");
    let to_sign = format!(
        "{TC3}\n{timestamp}\n{scope}\n{}",
        hex(&sha256(canonical.as_bytes()))
    );
    let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac_sha256(&k_date, service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"tc3_request");
    let signature = hex(&hmac_sha256(&k_signing, to_sign.as_bytes()));
    let authorization = format!(
        "{TC3} Credential={secret_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    );
    RequestSignature {
        signed_headers,
        signature,
        authorization,
    }
}

/// 腾讯云短信配置: the API key pair, the SMS application, the approved
/// signature, the region, and where and how to call.
#[derive(Clone)]
pub struct TencentSmsConfig {
    secret_id: String,
    secret_key: String,
    sdk_app_id: String,
    sign_name: String,
    region: String,
    base_url: String,
    timeout: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for TencentSmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentSmsConfig")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("sign_name", &self.sign_name)
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl TencentSmsConfig {
    /// The SecretId and SecretKey, the `SmsSdkAppId` (`1400…`), the
    /// approved signature name (with or without its 【】) and the region
    /// (required by the API: `ap-guangzhou`, `ap-beijing`, `ap-nanjing`).
    /// Official endpoint, 10-second timeout, the system clock.
    pub fn new(
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
        sdk_app_id: impl Into<String>,
        sign_name: impl Into<String>,
        region: impl Into<String>,
    ) -> Self {
        Self {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            sdk_app_id: sdk_app_id.into(),
            sign_name: sign_name.into(),
            region: region.into(),
            base_url: TencentSms::DEFAULT_URL.to_owned(),
            timeout: Duration::from_secs(10),
            clock: Arc::new(SystemClock),
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

    /// The clock the `X-TC-Timestamp` is read from (Tencent refuses one
    /// more than 5 minutes off, `AuthFailure.SignatureExpire`).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// 腾讯云短信 (Tencent Cloud SMS): an [`SmsGateway`] over `SendSms`
/// 2021-01-11.
///
/// One call takes one content to at most [`TencentSms::MAX_NUMBERS`]
/// numbers in E.164 (domestic 11-digit numbers become `+86…`), all
/// domestic or all foreign; Tencent has no per-number parameters, so
/// [`SmsGateway::max_batch`] is 0. The template's parameters go as
/// `TemplateParamSet`, in their order.
///
/// Tencent answers a status per number (`SendStatusSet`), so one call
/// can partly fail; a `Response.Error` fails the whole call, every number
/// alike:
///
/// | code | where | result |
/// |---|---|---|
/// | `Ok` | number | accepted, with its `SerialNo` |
/// | `LimitExceeded.PhoneNumberThirtySecondLimit` | number | `Retryable` after 30 s |
/// | `LimitExceeded.PhoneNumberOneHourLimit` | number | `Retryable` after an hour |
/// | `LimitExceeded.DeliveryFrequencyLimit`, `RequestLimitExceeded*`, `InternalError*` | either | `Retryable` |
/// | `LimitExceeded.PhoneNumberDailyLimit`, `…SameContentDailyLimit`, `InvalidParameterValue.IncorrectPhoneNumber` | number | `Permanent` for that number |
/// | `AuthFailure.*`, `FailedOperation.*`, `LimitExceeded.PhoneNumberCountLimit`, any other | either | `Permanent` |
pub struct TencentSms {
    secret_id: String,
    secret_key: String,
    sdk_app_id: String,
    sign_name: String,
    region: String,
    url: String,
    host: String,
    path: String,
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for TencentSms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentSms")
            .field("secret_id", &self.secret_id)
            .field("sdk_app_id", &self.sdk_app_id)
            .field("region", &self.region)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl TencentSms {
    /// The official endpoint.
    pub const DEFAULT_URL: &'static str = "https://sms.tencentcloudapi.com";
    /// The API version.
    pub const VERSION: &'static str = "2021-01-11";
    /// The service name in the signature's scope.
    pub const SERVICE: &'static str = "sms";
    /// The most numbers of one `SendSms`.
    pub const MAX_NUMBERS: usize = 200;

    /// The gateway. Nothing is sent.
    ///
    /// ```
    /// use dangjian::adapters::{ChannelConfigError, TencentSms, TencentSmsConfig};
    /// let no_region = TencentSms::new(TencentSmsConfig::new(
    ///     "AKIDexample0123456789", "secret-key-0123", "1400000001", "党建", "",
    /// ));
    /// assert!(matches!(no_region, Err(ChannelConfigError::Invalid(..))));
    /// let bad_key = TencentSms::new(TencentSmsConfig::new(
    ///     "AKIDexample0123456789", "", "1400000001", "党建", "ap-guangzhou",
    /// ));
    /// assert!(matches!(bad_key, Err(ChannelConfigError::BadCredential { .. })));
    /// ```
    ///
    /// # Errors
    /// [`ChannelConfigError::BadCredential`] for a SecretId that is not
    /// 8 to 128 ASCII letters and digits or a SecretKey that is not 8 to
    /// 128 printable ASCII characters; [`ChannelConfigError::Invalid`]
    /// for an `SmsSdkAppId` that is not digits, a missing or malformed
    /// region or an empty signature; [`ChannelConfigError::BadUrl`];
    /// [`ChannelConfigError::Client`].
    pub fn new(config: TencentSmsConfig) -> Result<Self, ChannelConfigError> {
        let channel = Channel::Sms;
        credential(channel, "SecretId", &config.secret_id, true)?;
        credential(channel, "SecretKey", &config.secret_key, false)?;
        let app = &config.sdk_app_id;
        if app.is_empty() || app.len() > 20 || !app.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ChannelConfigError::Invalid(
                "the SmsSdkAppId must be digits (1400…)".into(),
                channel,
            ));
        }
        let region = config.region.trim();
        let region_ok = !region.is_empty()
            && region.len() <= 32
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !region_ok {
            return Err(ChannelConfigError::Invalid(
                "Tencent SMS needs a region (ap-guangzhou, ap-beijing, ap-nanjing)".into(),
                channel,
            ));
        }
        let sign_name = sign_name(channel, &config.sign_name)?;
        let url = http::base_url(channel, &config.base_url)?;
        let (host, path) = host_and_path(channel, &url)?;
        let client = http::client(channel, config.timeout)?;
        Ok(Self {
            secret_id: config.secret_id,
            secret_key: config.secret_key,
            sdk_app_id: config.sdk_app_id,
            sign_name,
            region: region.to_owned(),
            url: format!("{url}/"),
            host,
            path,
            client,
            clock: config.clock,
        })
    }
}

/// The body of `SendSms`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Body<'a> {
    phone_number_set: Vec<&'a str>,
    sms_sdk_app_id: &'a str,
    sign_name: &'a str,
    template_id: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    template_param_set: Vec<&'a str>,
}

/// `{"Response": …}`.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "Response")]
    response: Option<Response>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Response {
    error: Option<ApiError>,
    send_status_set: Option<Vec<Status>>,
    request_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ApiError {
    code: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Status {
    serial_no: Option<String>,
    phone_number: Option<String>,
    code: Option<String>,
    #[serde(default)]
    message: String,
}

/// What a code means (see [`TencentSms`]).
fn classify(code: &str, message: &str, serial: Option<String>) -> NumberResult {
    let retry = |after: Option<chrono::Duration>| NumberResult::Retryable {
        code: code.to_owned(),
        reason: message.to_owned(),
        retry_after: after,
    };
    match code {
        "Ok" => NumberResult::Accepted { id: serial },
        "LimitExceeded.PhoneNumberThirtySecondLimit" => retry(Some(chrono::Duration::seconds(30))),
        "LimitExceeded.PhoneNumberOneHourLimit" => retry(Some(chrono::Duration::hours(1))),
        "LimitExceeded.DeliveryFrequencyLimit" => retry(None),
        c if c.starts_with("InternalError") || c.starts_with("RequestLimitExceeded") => retry(None),
        _ => NumberResult::Permanent {
            code: code.to_owned(),
            reason: message.to_owned(),
        },
    }
}

#[async_trait]
impl SmsGateway for TencentSms {
    fn name(&self) -> &str {
        "tencent"
    }

    fn max_single(&self) -> usize {
        Self::MAX_NUMBERS
    }

    /// None: one parameter set per call.
    fn max_batch(&self) -> usize {
        0
    }

    /// [`FlowControl::tencent`].
    fn flow_control(&self) -> FlowControl {
        FlowControl::tencent()
    }

    async fn send(&self, request: &SmsRequest) -> Result<Vec<NumberResult>, SendError> {
        check(self, request)?;
        let SmsRequest::Single {
            template,
            params,
            numbers,
        } = request
        else {
            return Err(SendError::Permanent {
                channel: Channel::Sms,
                reason: "Tencent takes one parameter set per call".into(),
            });
        };
        if !template.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SendError::Permanent {
                channel: Channel::Sms,
                reason: format!("`{template}` is not a Tencent template id (digits)"),
            });
        }
        let body = Body {
            phone_number_set: numbers.iter().map(String::as_str).collect(),
            sms_sdk_app_id: &self.sdk_app_id,
            sign_name: &self.sign_name,
            template_id: template,
            template_param_set: params.iter().map(|(_, v)| v.as_str()).collect(),
        };
        let body = serde_json::to_vec(&body).map_err(|e| SendError::Permanent {
            channel: Channel::Sms,
            reason: format!("the request cannot be written: {e}"),
        })?;
        let timestamp = self.clock.now().timestamp();
        let content_type = "application/json; charset=utf-8";
        let signature = tc3_signature(
            &self.secret_id,
            &self.secret_key,
            Self::SERVICE,
            timestamp,
            &SigningRequest {
                method: "POST",
                path: &self.path,
                query: &[],
                headers: &[("content-type", content_type), ("host", &self.host)],
                payload: &body,
            },
        );
        let answer = self
            .client
            .post(&self.url)
            .header("content-type", content_type)
            .header("x-tc-action", "SendSms")
            .header("x-tc-version", Self::VERSION)
            .header("x-tc-timestamp", timestamp.to_string())
            .header("x-tc-region", &self.region)
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
        let Some(response) = serde_json::from_str::<Envelope>(&text)
            .ok()
            .and_then(|e| e.response)
        else {
            return Err(unreadable_answer("tencent", status, &answer_headers));
        };
        if let Some(e) = response.error {
            let message = match &response.request_id {
                Some(id) => format!("{} (RequestId {id})", e.message),
                None => e.message,
            };
            return Err(match classify(&e.code, &message, None) {
                NumberResult::Accepted { .. } => SendError::Unknown {
                    channel: Channel::Sms,
                    reason: format!("tencent answered an error coded {}", e.code),
                },
                other => {
                    other
                        .into_send_result("tencent")
                        .err()
                        .unwrap_or_else(|| SendError::Unknown {
                            channel: Channel::Sms,
                            reason: "unclassified".into(),
                        })
                }
            });
        }
        let Some(statuses) = response.send_status_set else {
            return Err(unreadable_answer("tencent", status, &answer_headers));
        };
        // Each status to the number it names (Tencent answers them in
        // E.164; a repeated number takes its statuses in order).
        let mut slots: BTreeMap<String, VecDeque<usize>> = BTreeMap::new();
        for (i, n) in numbers.iter().enumerate() {
            slots.entry(n.clone()).or_default().push_back(i);
        }
        let mut out: Vec<Option<NumberResult>> = vec![None; numbers.len()];
        for s in statuses {
            let Some(number) = s.phone_number.as_deref().and_then(mobile_e164) else {
                continue;
            };
            let Some(i) = slots.get_mut(&number).and_then(VecDeque::pop_front) else {
                continue;
            };
            let code = s.code.unwrap_or_default();
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(classify(&code, &s.message, s.serial_no));
            }
        }
        Ok(out
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| NumberResult::Unknown {
                    reason: "the answer has no status for this number".into(),
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_v3_document_vector() {
        let body = r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        let s = tc3_signature(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            "cvm",
            1_551_113_065,
            &SigningRequest {
                method: "POST",
                path: "/",
                query: &[],
                headers: &[
                    ("host", "cvm.tencentcloudapi.com"),
                    ("content-type", "application/json; charset=utf-8"),
                ],
                payload: body.as_bytes(),
            },
        );
        assert_eq!(
            s.signature,
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        assert_eq!(s.signed_headers, "content-type;host");
        assert!(
            s.authorization.starts_with(
                "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
            )
        );
        // Out-of-range timestamps do not panic.
        let _ = tc3_signature(
            "id",
            "key",
            "sms",
            i64::MAX,
            &SigningRequest {
                method: "POST",
                path: "/",
                query: &[("a", "b c")],
                headers: &[],
                payload: b"",
            },
        );
    }

    #[test]
    fn codes() {
        let ok = classify("Ok", "send success", Some("2640:1".into()));
        assert_eq!(
            ok,
            NumberResult::Accepted {
                id: Some("2640:1".into())
            }
        );
        let after = |code: &str| match classify(code, "", None) {
            NumberResult::Retryable { retry_after, .. } => Some(retry_after),
            _ => None,
        };
        assert_eq!(
            after("LimitExceeded.PhoneNumberThirtySecondLimit"),
            Some(Some(chrono::Duration::seconds(30)))
        );
        assert_eq!(
            after("LimitExceeded.PhoneNumberOneHourLimit"),
            Some(Some(chrono::Duration::hours(1)))
        );
        assert_eq!(after("LimitExceeded.DeliveryFrequencyLimit"), Some(None));
        assert_eq!(after("InternalError"), Some(None));
        assert_eq!(after("InternalError.Timeout"), Some(None));
        for permanent in [
            "LimitExceeded.PhoneNumberDailyLimit",
            "LimitExceeded.PhoneNumberSameContentDailyLimit",
            "InvalidParameterValue.IncorrectPhoneNumber",
            "AuthFailure.SignatureFailure",
            "AuthFailure.SignatureExpire",
            "FailedOperation.TemplateIncorrectOrUnapproved",
            "LimitExceeded.PhoneNumberCountLimit",
            "Something.New",
        ] {
            assert!(
                matches!(
                    classify(permanent, "", None),
                    NumberResult::Permanent { .. }
                ),
                "{permanent}"
            );
        }
    }
}
