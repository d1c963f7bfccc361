//! What the HTTP channel adapters share (features `wecom`, `dingtalk`,
//! `feishu`, `sms`): one reqwest client over rustls (ring, the webpki
//! roots), HMAC-SHA256 and SHA-256 as the providers' signatures use them,
//! the error an adapter's construction answers, and how a failed HTTP
//! exchange maps to a [`SendError`].
//!
//! Every provider answers errors as HTTP 200 with a code in the body
//! (`docs/ADAPTERS.md`), so the adapters read the body first; the mapping
//! here only covers what happens below it: no connection, a timeout, a
//! status the provider uses for throttling (429) or its own trouble (5xx).

use crate::notify::{Channel, SendError};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// 渠道配置错误: a channel adapter that cannot be built as configured.
/// Each is found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChannelConfigError {
    /// A webhook key, app id, secret or access key that is empty, has
    /// characters a provider never issues, or (DingTalk) lacks its `SEC`
    /// prefix. The value itself is never repeated.
    #[error("{channel}: the {what} is not usable: {why}")]
    BadCredential {
        /// The channel.
        channel: Channel,
        /// Which credential (`webhook secret`, `corpsecret`, …).
        what: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A base URL that does not parse, or is not `https` (plain `http` is
    /// allowed to a loopback address only, for tests).
    #[error("{channel}: the base URL {url} is not usable: {why}")]
    BadUrl {
        /// The channel.
        channel: Channel,
        /// The URL given.
        url: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// Any other setting out of range (an agent id, a region, a size).
    #[error("{channel}: {0}", channel = .1)]
    Invalid(String, Channel),
    /// The HTTP client could not be built.
    #[error("{channel}: the HTTP client could not be built: {reason}")]
    Client {
        /// The channel.
        channel: Channel,
        /// Why.
        reason: String,
    },
}

/// The HTTP client every channel adapter uses: rustls with ring and the
/// webpki roots, HTTP/1.1 and HTTP/2, a whole-request `timeout`, no
/// redirects (a provider never redirects an API call; following one would
/// send a signed request elsewhere), no proxy from the environment.
///
/// # Errors
/// [`ChannelConfigError::Client`] when the TLS configuration fails.
pub(crate) fn client(
    channel: Channel,
    timeout: Duration,
) -> Result<reqwest::Client, ChannelConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ChannelConfigError::Client {
            channel,
            reason: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(|e| ChannelConfigError::Client {
            channel,
            reason: e.to_string(),
        })
}

/// Checks a base URL: `https`, or `http` to a loopback address (a test's
/// local fake). Returned without a trailing slash.
///
/// # Errors
/// [`ChannelConfigError::BadUrl`].
pub(crate) fn base_url(channel: Channel, url: &str) -> Result<String, ChannelConfigError> {
    let bad = |why| ChannelConfigError::BadUrl {
        channel,
        url: url.to_owned(),
        why,
    };
    let parsed = url::Url::parse(url).map_err(|_| bad("it does not parse"))?;
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => return Err(bad("it has no host")),
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(bad("plain http is allowed to a loopback address only")),
        _ => return Err(bad("the scheme must be https")),
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("it must have no query or fragment"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// HMAC-SHA256 of `message` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length: this cannot fail.
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Standard Base64 with padding.
pub(crate) fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A name for a secret that reveals nothing of it: the first 16 hex
/// digits of its SHA-256, for rate keys and logs.
pub(crate) fn fingerprint(secret: &str) -> String {
    hex(&sha256(secret.as_bytes())[..8])
}

/// What a failed exchange means for the dispatcher. A request that may
/// have reached the provider (a timeout after it was sent, a connection
/// dropped mid-answer) is [`SendError::Unknown`] unless the channel
/// deduplicates (`dedupes`), when sending it again is safe.
pub(crate) fn transport_error(channel: Channel, e: reqwest::Error, dedupes: bool) -> SendError {
    // The URL may carry a webhook key or a token: never repeat it.
    let connect = e.is_connect() || e.is_builder();
    let e = e.without_url();
    if connect {
        // Never reached the provider.
        return SendError::Retryable {
            channel,
            reason: format!("no connection: {}", e),
            retry_after: None,
        };
    }
    if dedupes {
        SendError::Retryable {
            channel,
            reason: format!("no answer: {}", e),
            retry_after: None,
        }
    } else {
        SendError::Unknown {
            channel,
            reason: format!("no answer after sending: {}", e),
        }
    }
}

/// What an answer without a readable provider code means, by its HTTP
/// status: 429 and 503 are [`SendError::Retryable`] (with the delay of the
/// first of `delay_headers` present); another 5xx, or a 2xx whose body
/// cannot be read, may have been acted on, so it is
/// [`SendError::Unknown`] unless the channel deduplicates (`dedupes`);
/// any other status is [`SendError::Permanent`].
pub(crate) fn status_error(
    channel: Channel,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    delay_headers: &[&str],
    dedupes: bool,
) -> SendError {
    let code = status.as_u16();
    if code == 429 || code == 503 {
        return SendError::Retryable {
            channel,
            reason: format!("HTTP {code}"),
            retry_after: retry_after(headers, delay_headers),
        };
    }
    if status.is_server_error() || status.is_success() {
        let reason = if status.is_success() {
            format!("HTTP {code} with an answer that could not be read")
        } else {
            format!("HTTP {code}")
        };
        return if dedupes {
            SendError::Retryable {
                channel,
                reason,
                retry_after: None,
            }
        } else {
            SendError::Unknown { channel, reason }
        };
    }
    SendError::Permanent {
        channel,
        reason: format!("HTTP {code}"),
    }
}

/// `text` cut to at most `max` bytes at a character boundary, for
/// repeating a provider's message in an error.
pub(crate) fn clip(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_owned()
}

/// The `Retry-After` (or a provider's reset header) in seconds, if any.
pub(crate) fn retry_after(
    headers: &reqwest::header::HeaderMap,
    names: &[&str],
) -> Option<chrono::Duration> {
    names.iter().find_map(|n| {
        headers
            .get(*n)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|s| (0..=86_400).contains(s))
            .map(chrono::Duration::seconds)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        // RFC 4231, test case 2: key "Jefe".
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(base64(b"hi"), "aGk=");
        assert_eq!(fingerprint("secret").len(), 16);
    }

    #[test]
    fn base_urls() {
        let c = Channel::WeCom;
        assert_eq!(
            base_url(c, "https://qyapi.weixin.qq.com/").as_deref(),
            Ok("https://qyapi.weixin.qq.com")
        );
        assert!(base_url(c, "http://127.0.0.1:8080").is_ok());
        assert!(base_url(c, "http://[::1]:8080").is_ok());
        assert!(base_url(c, "http://qyapi.weixin.qq.com").is_err());
        assert!(base_url(c, "ftp://127.0.0.1").is_err());
        assert!(base_url(c, "https://x.example/?key=1").is_err());
        assert!(base_url(c, "not a url").is_err());
    }

    #[test]
    fn the_client_builds() {
        assert!(client(Channel::Feishu, Duration::from_secs(5)).is_ok());
    }
}
