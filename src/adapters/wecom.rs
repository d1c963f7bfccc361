//! 企业微信 (WeCom, feature `wecom`): [`WeComRobot`] posts into a group
//! chat through a group robot's webhook, [`WeComApp`] sends app messages
//! to members one by one or up to 1000 per call.
//!
//! Sources: the WeCom server API documentation at
//! developer.work.weixin.qq.com, cited by page as `document/path/N`
//! (91770 group robots, 91039 access tokens, 90236 app messages,
//! 90312 and 90236 limits, 90313 error codes, 90195 user ids), and the
//! error-code table of the Go SDK xen0n/go-workwx (`errcodes/mod.go`),
//! which is generated from 90313.
//!
//! WeCom answers errors as HTTP 200 with `errcode` and `errmsg` in the
//! body; both adapters read the body first and fall back on the HTTP
//! status only when it has no code.

mod app;
mod robot;
#[cfg(test)]
mod tests;

pub use app::{WeComApp, WeComAppConfig};
pub use robot::{WeComRobot, WeComRobotConfig};

use super::http;
use crate::notify::{Channel, SendError};
use serde::Deserialize;

const CHANNEL: Channel = Channel::WeCom;

/// The production API host (document/path/91770, 91039).
const DEFAULT_BASE_URL: &str = "https://qyapi.weixin.qq.com";

/// The longest provider message repeated in an error, in bytes.
const MAX_ERRMSG: usize = 200;

/// 消息格式: how the text of a message is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum WeComFormat {
    /// `msgtype: text`, plain text (the default).
    #[default]
    Text,
    /// `msgtype: markdown`, WeCom's subset of Markdown
    /// (`<font color="info|comment|warning">` included).
    Markdown,
}

impl WeComFormat {
    fn msgtype(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Markdown => "markdown",
        }
    }
}

/// Whether `id` is a WeCom member id: 1 to 64 bytes of letters, digits
/// and `_-@.`, beginning with a letter or digit (document/path/90195,
/// `userid`). Member ids are case-insensitive; WeCom answers them in
/// lower case.
fn user_id_ok(id: &str) -> bool {
    let mut bytes = id.bytes();
    let Some(first) = bytes.next() else {
        return false;
    };
    id.len() <= 64
        && first.is_ascii_alphanumeric()
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'@' | b'.'))
}

/// A member id as a rate key names it: lower case when it is a valid id
/// (WeCom ids are case-insensitive), else a fingerprint, so the name is
/// always printable ASCII (the send itself then fails before a request).
fn user_key(id: &str) -> String {
    if user_id_ok(id) {
        id.to_ascii_lowercase()
    } else {
        format!("~{}", http::fingerprint(id))
    }
}

/// Every field of a WeCom answer the adapters read (document/path/91039,
/// 90236, 91770).
/// A string field that may be missing or `null` reads as empty.
#[derive(Debug, Default, Deserialize)]
struct Reply {
    errcode: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    errmsg: String,
    #[serde(default, deserialize_with = "lenient")]
    access_token: String,
    #[serde(default)]
    expires_in: i64,
    #[serde(default, deserialize_with = "lenient")]
    invaliduser: String,
    #[serde(default, deserialize_with = "lenient")]
    unlicenseduser: String,
    #[serde(default, deserialize_with = "lenient")]
    msgid: String,
}

/// A string, or empty for `null`.
fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Option::<String>::deserialize(d).map(Option::unwrap_or_default)
}

impl Reply {
    /// `code errmsg`, clipped.
    fn said(&self, code: i64) -> String {
        format!("errcode {code}: {}", http::clip(&self.errmsg, MAX_ERRMSG))
    }
}

/// Sends `request` and reads WeCom's answer: its `errcode` and the rest,
/// or the error the HTTP exchange itself means.
async fn exchange(
    request: reqwest::RequestBuilder,
    dedupes: bool,
) -> Result<(i64, Reply), SendError> {
    let response = request
        .send()
        .await
        .map_err(|e| http::transport_error(CHANNEL, e, dedupes))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| http::transport_error(CHANNEL, e, dedupes))?;
    match serde_json::from_slice::<Reply>(&body) {
        Ok(reply) => match reply.errcode {
            Some(code) => Ok((code, reply)),
            None => Err(http::status_error(
                CHANNEL,
                status,
                &headers,
                &["retry-after"],
                dedupes,
            )),
        },
        Err(_) => Err(http::status_error(
            CHANNEL,
            status,
            &headers,
            &["retry-after"],
            dedupes,
        )),
    }
}

/// 45009 `api freq out of limit`: the block lasts about one window of a
/// minute (document/path/90313).
fn frequency_limited(reason: String) -> SendError {
    SendError::Retryable {
        channel: CHANNEL,
        reason,
        retry_after: Some(chrono::Duration::seconds(60)),
    }
}

fn permanent(reason: impl Into<String>) -> SendError {
    SendError::Permanent {
        channel: CHANNEL,
        reason: reason.into(),
    }
}

fn retryable(reason: impl Into<String>) -> SendError {
    SendError::Retryable {
        channel: CHANNEL,
        reason: reason.into(),
        retry_after: None,
    }
}
