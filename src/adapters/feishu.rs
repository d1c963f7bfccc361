//! 飞书 (Feishu / Lark, feature `feishu`): [`FeishuBot`] posts into a
//! group chat through a custom bot's signed webhook, [`FeishuApp`] sends
//! app messages to users.
//!
//! Sources: the Feishu open platform documentation at open.feishu.cn
//! (custom bots: `document/client-docs/bot-v3/add-custom-bot`; the tenant
//! token: `server-docs/authentication-management/access-token/tenant_access_token_internal`;
//! sending a message: `server-docs/im-v1/message/create`, with its error
//! table; frequency control: `server-docs/api-call-guide/frequency-control`).
//! Lark (`open.larksuite.com`) serves the same API.
//!
//! Feishu answers `{"code": …, "msg": …}`; most errors come with HTTP 200
//! or 400, so the adapters read the code first and fall back on the HTTP
//! status only when the body has none.

mod app;
mod bot;
#[cfg(test)]
mod tests;

pub use app::{FeishuApp, FeishuAppConfig, FeishuReceiveIdType};
pub use bot::{FeishuBot, FeishuBotConfig};

use super::http;
use crate::notify::{Channel, SendError};
use serde::Deserialize;

const CHANNEL: Channel = Channel::Feishu;

/// The production API host.
const DEFAULT_BASE_URL: &str = "https://open.feishu.cn";

/// The longest provider message repeated in an error, in bytes.
const MAX_MSG: usize = 200;

/// The rate-limit reset header of Feishu's gateway, in seconds
/// (frequency-control page).
const RESET_HEADER: &str = "x-ogw-ratelimit-reset";

/// Every field of a Feishu answer the adapters read. Custom bots answered
/// `StatusCode` / `StatusMessage` before `code` / `msg`, and some still
/// send both.
/// A string field that may be missing or `null` reads as empty.
#[derive(Debug, Default, Deserialize)]
struct Reply {
    code: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    msg: String,
    #[serde(rename = "StatusCode")]
    status_code: Option<i64>,
    #[serde(rename = "StatusMessage", default, deserialize_with = "lenient")]
    status_message: String,
    #[serde(default, deserialize_with = "lenient")]
    tenant_access_token: String,
    #[serde(default)]
    expire: i64,
    #[serde(default)]
    data: Option<ReplyData>,
}

#[derive(Debug, Default, Deserialize)]
struct ReplyData {
    #[serde(default, deserialize_with = "lenient")]
    message_id: String,
}

/// A string, or empty for `null`.
fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Option::<String>::deserialize(d).map(Option::unwrap_or_default)
}

impl Reply {
    fn code(&self) -> Option<i64> {
        self.code.or(self.status_code)
    }

    /// `code msg`, clipped.
    fn said(&self, code: i64) -> String {
        let msg = if self.msg.is_empty() {
            &self.status_message
        } else {
            &self.msg
        };
        format!("code {code}: {}", http::clip(msg, MAX_MSG))
    }
}

/// An answer: the HTTP status, its headers, and the code with the rest.
struct Answer {
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    code: i64,
    reply: Reply,
}

impl Answer {
    /// The delay Feishu asked for: its gateway's reset header or
    /// `Retry-After`, else `fallback` seconds.
    fn delay(&self, fallback: i64) -> Option<chrono::Duration> {
        http::retry_after(&self.headers, &[RESET_HEADER, "retry-after"])
            .or(Some(chrono::Duration::seconds(fallback)))
    }
}

/// Sends `request` and reads Feishu's answer, or the error the HTTP
/// exchange itself means.
async fn exchange(request: reqwest::RequestBuilder, dedupes: bool) -> Result<Answer, SendError> {
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
    let delay = [RESET_HEADER, "retry-after"];
    match serde_json::from_slice::<Reply>(&body) {
        Ok(reply) => match reply.code() {
            Some(code) => Ok(Answer {
                status,
                headers,
                code,
                reply,
            }),
            None => Err(http::status_error(
                CHANNEL, status, &headers, &delay, dedupes,
            )),
        },
        Err(_) => Err(http::status_error(
            CHANNEL, status, &headers, &delay, dedupes,
        )),
    }
}

/// Base64(HMAC-SHA256) with the key `timestamp + "\n" + secret` over an
/// empty message: a custom bot's `sign` (add-custom-bot, "signature
/// verification"; the order of key and message is the reverse of
/// DingTalk's).
fn bot_sign(timestamp: i64, secret: &str) -> String {
    let key = format!("{timestamp}\n{secret}");
    http::base64(&http::hmac_sha256(key.as_bytes(), b""))
}

/// `<at user_id="…">name</at>`: a mention in a text message (add-custom-bot
/// and message content pages); `all` mentions everyone. The name is shown
/// only until Feishu replaces it with the user's own, so characters that
/// would end the tag are left out.
fn mention(user_id: &str, name: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| !matches!(c, '<' | '>' | '"' | '&'))
        .collect();
    format!("<at user_id=\"{user_id}\">{name}</at>")
}

fn permanent(reason: impl Into<String>) -> SendError {
    SendError::Permanent {
        channel: CHANNEL,
        reason: reason.into(),
    }
}

fn retryable(reason: impl Into<String>, retry_after: Option<chrono::Duration>) -> SendError {
    SendError::Retryable {
        channel: CHANNEL,
        reason: reason.into(),
        retry_after,
    }
}
