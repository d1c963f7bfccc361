//! 短信 (SMS, feature `sms`): the [`SmsGateway`] of two providers, for
//! [`SmsNotifier`](crate::notify::SmsNotifier):
//!
//! - [`AliyunSms`]: Aliyun dysmsapi 2017-05-25, `SendSms` (one content,
//!   at most 1000 numbers) and `SendBatchSms` (parameters per number, at
//!   most 100), signed with ACS3-HMAC-SHA256 ([`acs3_signature`]);
//! - [`TencentSms`]: Tencent Cloud SMS `SendSms` 2021-01-11 (one content,
//!   at most 200 numbers, a status per number), signed with
//!   TC3-HMAC-SHA256 ([`tc3_signature`]).
//!
//! Both refuse before sending what the provider would refuse
//! ([`SmsRequest::check`]): too many numbers, a number not in E.164, a
//! parameter carrying a link. Neither provider deduplicates a send, so a
//! request that may have reached the provider and went unanswered (a
//! timeout, a connection broken mid-answer, a 5xx without the provider's
//! own error) is [`SendError::Unknown`], never retried blindly.
//!
//! ```no_run
//! use dangjian::adapters::{AliyunSms, AliyunSmsConfig};
//! use dangjian::notify::{Notifier, SmsNotifier};
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let aliyun = AliyunSms::new(AliyunSmsConfig::new("LTAI5tExampleKeyId", "example-secret-0123", "某某党委"))?;
//! let sms = SmsNotifier::new(aliyun); // a Notifier for Channel::Sms
//! assert!(!sms.deduplicates());
//! # Ok(()) }
//! ```

mod aliyun;
mod tencent;

pub use aliyun::{AliyunSms, AliyunSmsConfig, acs3_signature};
pub use tencent::{TencentSms, TencentSmsConfig, tc3_signature};

use super::http::ChannelConfigError;
use crate::notify::{Channel, SendError, SmsGateway, SmsRequest};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// A request as a provider's signature sees it: the method, the path, the
/// query parameters, the headers signed, and the body.
#[derive(Debug, Clone, Copy)]
pub struct SigningRequest<'a> {
    /// `POST`, `GET`.
    pub method: &'a str,
    /// The path (`/` for the RPC-style APIs).
    pub path: &'a str,
    /// The query parameters, unencoded.
    pub query: &'a [(&'a str, &'a str)],
    /// The headers to sign (names in any case), e.g. `host`,
    /// `content-type`, `x-acs-*`.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub payload: &'a [u8],
}

/// A computed signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestSignature {
    /// The signed header names: lower case, sorted, `;`-joined.
    pub signed_headers: String,
    /// The signature in lower-case hex.
    pub signature: String,
    /// The value of the `Authorization` header.
    pub authorization: String,
}

/// RFC 3986 unreserved characters stay; everything else is `%XX` in
/// upper case (space → `%20`, `*` → `%2A`, `~` kept), as both providers'
/// canonical requests want.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// RFC 3986 percent-encoding.
fn encode(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// `k=v&…`, each side encoded, in the order given.
fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Checks a credential: `min..=max` characters, all ASCII letters and
/// digits (`alnum`) or all printable ASCII.
fn credential(
    channel: Channel,
    what: &'static str,
    value: &str,
    alnum: bool,
) -> Result<(), ChannelConfigError> {
    let bad = |why| ChannelConfigError::BadCredential { channel, what, why };
    if value.is_empty() {
        return Err(bad("it is empty"));
    }
    if !(8..=128).contains(&value.len()) {
        return Err(bad("it is not 8 to 128 characters long"));
    }
    let ok = if alnum {
        value.bytes().all(|b| b.is_ascii_alphanumeric())
    } else {
        value.bytes().all(|b| b.is_ascii_graphic())
    };
    if !ok {
        return Err(bad(if alnum {
            "it has characters other than ASCII letters and digits"
        } else {
            "it has spaces or characters other than printable ASCII"
        }));
    }
    Ok(())
}

/// The approved signature as the APIs want it: registered without the
/// 【】 an SMS shows it in (intl.cloud.tencent.com/zh/document/product/
/// 382/13299), so surrounding brackets are dropped.
fn sign_name(channel: Channel, given: &str) -> Result<String, ChannelConfigError> {
    let name = given
        .trim()
        .trim_start_matches('【')
        .trim_end_matches('】')
        .trim();
    if name.is_empty() || name.chars().count() > 32 || name.chars().any(char::is_control) {
        return Err(ChannelConfigError::Invalid(
            format!("the SMS signature `{given}` is not usable: 1 to 32 characters, without 【】"),
            channel,
        ));
    }
    Ok(name.to_owned())
}

/// `host[:port]` of a checked base URL, as the `Host` header carries it,
/// and the path of a request to the root of it.
fn host_and_path(channel: Channel, base: &str) -> Result<(String, String), ChannelConfigError> {
    let bad = |why| ChannelConfigError::BadUrl {
        channel,
        url: base.to_owned(),
        why,
    };
    let url = url::Url::parse(&format!("{base}/")).map_err(|_| bad("it does not parse"))?;
    let host = url.host_str().ok_or_else(|| bad("it has no host"))?;
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    Ok((host, url.path().to_owned()))
}

/// What an HTTP answer without the provider's own error means: 429 and
/// 503 were refused (nothing sent), other 5xx may have gone (unknown), a
/// 2xx that cannot be read went and says nothing (unknown), any other
/// status was refused for good.
fn unreadable_answer(
    provider: &str,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
) -> SendError {
    let channel = Channel::Sms;
    let reason = format!("{provider}: HTTP {status} without a readable answer");
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || status == reqwest::StatusCode::SERVICE_UNAVAILABLE
    {
        SendError::Retryable {
            channel,
            reason,
            retry_after: super::http::retry_after(headers, &["retry-after"]),
        }
    } else if status.is_server_error() || status.is_success() {
        SendError::Unknown { channel, reason }
    } else {
        SendError::Permanent { channel, reason }
    }
}

/// The nonce a caller's source gave, checked: it goes into a header.
fn checked_nonce(nonce: String) -> Result<String, SendError> {
    let ok = (1..=128).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(nonce)
    } else {
        Err(SendError::Permanent {
            channel: Channel::Sms,
            reason: "the nonce source gave a value that cannot be a header (use letters, digits, - and _)".into(),
        })
    }
}

/// A random nonce: 128 bits in hex.
fn random_nonce() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// The whole-call check every gateway here runs first.
fn check<G: SmsGateway>(gateway: &G, request: &SmsRequest) -> Result<(), SendError> {
    request.check(gateway.max_single(), gateway.max_batch())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_rfc_3986() {
        assert_eq!(encode("a b*~-_.+/中"), "a%20b%2A~-_.%2B%2F%E4%B8%AD");
        assert_eq!(encode_pairs([("B", "2"), ("A", "x y")]), "B=2&A=x%20y");
    }

    #[test]
    fn signatures_and_credentials_are_checked() {
        let c = Channel::Sms;
        assert_eq!(sign_name(c, "【某某党委】").unwrap(), "某某党委");
        assert_eq!(sign_name(c, "党建").unwrap(), "党建");
        assert!(sign_name(c, "【】").is_err());
        assert!(sign_name(c, "").is_err());
        assert!(credential(c, "id", "LTAI5tExample", true).is_ok());
        assert!(credential(c, "id", "LTAI 5tExample", true).is_err());
        assert!(credential(c, "id", "short", true).is_err());
        assert!(credential(c, "secret", "a+b/c=d!e", false).is_ok());
        assert!(credential(c, "secret", "has space here", false).is_err());
        assert!(checked_nonce("abc-1".into()).is_ok());
        assert!(checked_nonce("a\nb".into()).is_err());
        assert_eq!(random_nonce().len(), 32);
        assert_ne!(random_nonce(), random_nonce());
        assert_eq!(
            host_and_path(c, "http://127.0.0.1:8080").unwrap(),
            ("127.0.0.1:8080".to_owned(), "/".to_owned())
        );
        assert_eq!(
            host_and_path(c, "https://dysmsapi.aliyuncs.com").unwrap(),
            ("dysmsapi.aliyuncs.com".to_owned(), "/".to_owned())
        );
    }
}
