//! 钉钉 (DingTalk, feature `dingtalk`): [`DingTalkRobot`], a group's
//! custom robot (自定义机器人, signed with 加签), and
//! [`DingTalkWorkNotice`], an internal app's work notifications
//! (工作通知, `corpconversation/asyncsend_v2`) with their send results.
//!
//! Where the facts come from:
//! - the robot: DingTalk's "custom robot access" page
//!   (open.dingtalk.com/document/orgapp/custom-robot-access) and the
//!   DingtalkChatbot SDK (zhuifengshen/DingtalkChatbot,
//!   `dingtalkchatbot/chatbot.py`) for the signature, the bodies and the
//!   20 a minute; the error texts of 310000 from x-cold/dingtalk-robot#7
//!   and qd-today/qd#510, 300001 from Long0x0/ZJU-nCov-Hitcarder-Sample#9;
//!   the older 10-minute throttle from the official text mirrored at
//!   help.h3yun.com/contents/1212/2357.html;
//! - work notices: the server API pages for `gettoken`
//!   (obtain-orgapp-token), `asyncsend_v2`
//!   (open-doc.dingtalk.com/microapp/serverapi2/pgoxpy, TOP apiId 37692)
//!   and `getsendresult` (TOP apiId 37024); the 14310x codes from the
//!   error table mirrored at zidingyi.apifox.cn/api-37157310.
//!
//! Both answer errors as HTTP 200 with an `errcode` in the body. Neither
//! API takes an idempotency key ([`Notifier::deduplicates`] is `false`),
//! so a request that may have reached DingTalk without an answer is
//! [`SendError::Unknown`], never sent again blindly.
//!
//! Neither adapter throttles itself: [`Notifier::limits`] names the
//! limits each message counts against and the dispatcher holds a message
//! back while one is full. That matters most for work notices, which
//! DingTalk accepts with success and then silently drops past a member's
//! limits (500 a day, the same content once a day); a send result
//! ([`Notifier::status`]) makes such a drop visible afterwards.
//!
//! [`Notifier::deduplicates`]: crate::notify::Notifier::deduplicates
//! [`Notifier::limits`]: crate::notify::Notifier::limits
//! [`Notifier::status`]: crate::notify::Notifier::status

mod notice;
mod robot;
#[cfg(test)]
mod tests;

pub use notice::{DingTalkWorkNotice, DingTalkWorkNoticeBuilder};
pub use robot::{DingTalkRobot, DingTalkRobotBuilder};

use super::http;
use crate::notify::{Channel, SendError};
use serde_json::Value;
use std::time::Duration;

/// DingTalk's API host, for both adapters.
pub(crate) const DEFAULT_BASE: &str = "https://oapi.dingtalk.com";

/// The default whole-request timeout.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest text either API takes, in bytes (work notices: the
/// `asyncsend_v2` page, `msg` ≤ 2048 bytes; the robot is held to the same).
pub(crate) const MAX_BODY: usize = 2_048;

/// The channel.
const CHANNEL: Channel = Channel::DingTalk;

/// The longest answer read from DingTalk; a longer one is not an answer
/// of these APIs.
const MAX_ANSWER: usize = 1 << 20;

/// How much of DingTalk's `errmsg` a reason repeats.
const MAX_ERRMSG: usize = 200;

/// What one exchange gave: the JSON answer of an HTTP 200, or the error
/// that ends the attempt.
pub(crate) async fn exchange(
    request: reqwest::RequestBuilder,
    what: &str,
    dedupes: bool,
) -> Result<Value, SendError> {
    let response = request
        .send()
        .await
        .map_err(|e| http::transport_error(CHANNEL, e, dedupes))?;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| http::transport_error(CHANNEL, e, dedupes))?;
    if !status.is_success() {
        return Err(status_error(status.as_u16(), &headers, what, dedupes));
    }
    if bytes.len() > MAX_ANSWER {
        return Err(no_answer(
            what,
            "an answer too long to be DingTalk's",
            dedupes,
        ));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(v) if v.is_object() => Ok(v),
        _ => Err(no_answer(what, "an answer that is not JSON", dedupes)),
    }
}

/// An HTTP status other than 2xx. DingTalk answers its own errors as 200;
/// these come from its gateway.
fn status_error(
    status: u16,
    headers: &reqwest::header::HeaderMap,
    what: &str,
    dedupes: bool,
) -> SendError {
    let reason = format!("{what}: HTTP {status}");
    match status {
        // Throttled at the gateway: not taken.
        429 => SendError::Retryable {
            channel: CHANNEL,
            reason,
            retry_after: http::retry_after(headers, &["retry-after"]),
        },
        // Bad gateway, unavailable: the API never ran.
        502 | 503 => SendError::Retryable {
            channel: CHANNEL,
            reason,
            retry_after: http::retry_after(headers, &["retry-after"]),
        },
        // A server error or a gateway timeout: the API may have run.
        500..=599 => no_answer(what, &format!("HTTP {status}"), dedupes),
        _ => SendError::Permanent {
            channel: CHANNEL,
            reason,
        },
    }
}

/// An exchange whose outcome is not known: retryable when the request is
/// safe to repeat (a token, a send result), unknown for a send.
fn no_answer(what: &str, why: &str, dedupes: bool) -> SendError {
    let reason = format!("{what}: {why}");
    if dedupes {
        SendError::Retryable {
            channel: CHANNEL,
            reason,
            retry_after: None,
        }
    } else {
        SendError::Unknown {
            channel: CHANNEL,
            reason,
        }
    }
}

/// The `errcode` of an answer (`None` when it has none).
pub(crate) fn errcode(answer: &Value) -> Option<i64> {
    match answer.get("errcode") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `what: errcode N (errmsg)`, the errmsg cut short and stripped of
/// control characters.
pub(crate) fn reason(what: &str, code: i64, answer: &Value) -> String {
    let msg: String = answer
        .get("errmsg")
        .and_then(Value::as_str)
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_ERRMSG)
        .collect();
    if msg.is_empty() {
        format!("{what}: errcode {code}")
    } else {
        format!("{what}: errcode {code} ({msg})")
    }
}

/// A text over [`MAX_BODY`], refused before sending.
pub(crate) fn too_long(len: usize) -> SendError {
    SendError::Permanent {
        channel: CHANNEL,
        reason: format!("the text is {len} bytes; DingTalk takes at most {MAX_BODY}"),
    }
}
