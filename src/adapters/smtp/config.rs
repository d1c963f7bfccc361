//! 邮件服务器配置: the SMTP URL, the sender and the TLS trust, parsed and
//! checked before anything connects.

use lettre::message::Mailbox;
use lettre::transport::smtp::client::{Certificate, TlsParameters};
use percent_encoding::percent_decode_str;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

/// 配置错误与连接检查结果 (what is wrong with an SMTP configuration):
/// from [`SmtpConfig::from_url`] and its setters, from
/// [`SmtpNotifier::new`](super::SmtpNotifier::new), and from
/// [`SmtpNotifier::check`](super::SmtpNotifier::check).
///
/// No message ever contains the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmtpError {
    /// The URL is malformed: scheme, host, port, user, query option.
    #[error("SMTP URL: {reason}")]
    Url {
        /// What is wrong.
        reason: String,
    },
    /// The sender mailbox is not a valid address.
    #[error("SMTP sender `{sender}`: {reason}")]
    Sender {
        /// The sender as given.
        sender: String,
        /// What is wrong.
        reason: String,
    },
    /// The extra root certificate is not a PEM certificate.
    #[error("SMTP root certificate: {reason}")]
    Certificate {
        /// What is wrong.
        reason: String,
    },
    /// No Tokio runtime is running: the connection pool needs one.
    #[error("SMTP: no Tokio runtime is running (create the notifier inside one)")]
    Runtime,
    /// The server cannot be reached: refused, unreachable, no such host,
    /// or no answer within the timeout.
    #[error("SMTP server {server} cannot be reached: {reason}")]
    Connect {
        /// `host:port`.
        server: String,
        /// What happened.
        reason: String,
    },
    /// The TLS handshake failed: the server's certificate is not trusted
    /// or does not name `tls_name`, or the server does not speak TLS.
    #[error("SMTP server {server}: TLS failed: {reason}")]
    Tls {
        /// `host:port`.
        server: String,
        /// What happened.
        reason: String,
    },
    /// The server refused the user name or password (reply 535, or 530
    /// or 534).
    #[error("SMTP server {server}: authentication failed: {reason}")]
    Authentication {
        /// `host:port`.
        server: String,
        /// What the server said.
        reason: String,
    },
    /// The server refused with another reply code.
    #[error("SMTP server {server} refused ({code}): {reason}")]
    Rejected {
        /// `host:port`.
        server: String,
        /// The SMTP reply code.
        code: u16,
        /// What the server said.
        reason: String,
    },
    /// The conversation failed otherwise: the connection broke off, the
    /// server's answer was garbled, or it lacks what the client needs
    /// (an authentication mechanism, STARTTLS).
    #[error("SMTP server {server}: {reason}")]
    Protocol {
        /// `host:port`.
        server: String,
        /// What happened.
        reason: String,
    },
}

/// 连接方式 (how the connection is secured), from the URL's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SmtpSecurity {
    /// `smtp://` (default port 25): no TLS. For a sink or relay on
    /// loopback, or a relay inside the company network that needs no
    /// credentials; refused with credentials for any other host, since
    /// the password would travel in clear.
    Plain,
    /// `smtp+starttls://` (default port 587): STARTTLS, required; a server
    /// that does not offer it is refused.
    StartTls,
    /// `smtps://` (default port 465): implicit TLS from the first byte, as
    /// Aliyun and Tencent Exmail document for clients (port 465 "SSL").
    Tls,
}

impl SmtpSecurity {
    fn default_port(self) -> u16 {
        match self {
            Self::Plain => 25,
            Self::StartTls => 587,
            Self::Tls => 465,
        }
    }
}

/// 邮件服务器配置 (an SMTP server and the sender), from a URL:
///
/// | URL | connection |
/// |---|---|
/// | `smtp://127.0.0.1:2525` | plain, for a sink on loopback |
/// | `smtp+starttls://user:pass@smtp.example.com:587` | STARTTLS required |
/// | `smtps://user:pass@smtp.qiye.aliyun.com:465` | implicit TLS |
///
/// The user and password are percent-decoded (write `@` as `%40`, `:`
/// as `%3A`). Query options: `tls_name` (the name the certificate must
/// carry, when it differs from the host, e.g. `localhost` for
/// `127.0.0.1`), `timeout` (seconds, 1 to 600; see [`SmtpConfig::timeout`]) and `pool_size` (1 to
/// 100). `Debug` never shows the password.
///
/// ```
/// use dangjian::adapters::{SmtpConfig, SmtpError, SmtpSecurity};
/// let c = SmtpConfig::from_url(
///     "smtps://dangwei%40example.com:p%40ss@smtp.example.com?timeout=10",
///     r#""党委办公室" <dangwei@example.com>"#,
/// )?;
/// assert_eq!((c.host(), c.port(), c.security()), ("smtp.example.com", 465, SmtpSecurity::Tls));
/// assert_eq!(c.user(), Some("dangwei@example.com"));
/// assert!(!format!("{c:?}").contains("p@ss"));
///
/// // Credentials in clear to another host are refused, without the password.
/// let e = SmtpConfig::from_url("smtp://u:hunter2@smtp.example.com", "dangwei@example.com")
///     .unwrap_err();
/// assert!(matches!(e, SmtpError::Url { .. }));
/// assert!(!e.to_string().contains("hunter2"));
/// # Ok::<(), SmtpError>(())
/// ```
#[derive(Clone)]
pub struct SmtpConfig {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) security: SmtpSecurity,
    pub(super) credentials: Option<(String, String)>,
    pub(super) tls_name: String,
    pub(super) sender: Mailbox,
    pub(super) root_pem: Option<Vec<u8>>,
    pub(super) pool_size: u32,
    pub(super) timeout: Duration,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .field("password", &self.credentials.as_ref().map(|_| "***"))
            .field("tls_name", &self.tls_name)
            .field("sender", &self.sender.to_string())
            .field("root_certificate", &self.root_pem.is_some())
            .field("pool_size", &self.pool_size)
            .field("timeout", &self.timeout)
            .finish()
    }
}

fn url_error(reason: impl Into<String>) -> SmtpError {
    SmtpError::Url {
        reason: reason.into(),
    }
}

fn decode(part: &str, what: &str) -> Result<String, SmtpError> {
    percent_decode_str(part)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| url_error(format!("the {what} is not UTF-8 once percent-decoded")))
}

fn bounded(key: &str, value: &str, max: u64) -> Result<u64, SmtpError> {
    match value.parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(url_error(format!(
            "`{key}` must be a whole number from 1 to {max}, not `{value}`"
        ))),
    }
}

/// Whether `host` is this machine: `localhost` or a loopback address.
pub(super) fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl SmtpConfig {
    /// The default timeout for connecting; a send or check is abandoned
    /// after twice the timeout.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default number of pooled connections.
    pub const DEFAULT_POOL_SIZE: u32 = 4;

    /// Parses the server `url` and the `sender` mailbox (`"党委办公室"
    /// <dangwei@example.com>`, or a bare address).
    ///
    /// # Errors
    /// [`SmtpError::Url`] for an unknown scheme, a missing host, a path, a
    /// user without a password (or the reverse), credentials over plain
    /// SMTP to a host other than loopback, `tls_name` with `smtp://`, or an
    /// unknown, repeated or out-of-range query option;
    /// [`SmtpError::Sender`] for a sender that is not a mailbox.
    pub fn from_url(url: &str, sender: &str) -> Result<Self, SmtpError> {
        let parsed = url::Url::parse(url).map_err(|e| url_error(format!("not a URL ({e})")))?;
        let security = match parsed.scheme() {
            "smtp" => SmtpSecurity::Plain,
            "smtp+starttls" => SmtpSecurity::StartTls,
            "smtps" => SmtpSecurity::Tls,
            other => {
                return Err(url_error(format!(
                    "unknown scheme `{other}:` (known: smtp, smtp+starttls, smtps)"
                )));
            }
        };
        let host = match parsed.host_str() {
            Some(h) if !h.is_empty() => h.trim_start_matches('[').trim_end_matches(']'),
            _ => return Err(url_error("no host")),
        };
        if host.contains('%') {
            return Err(url_error("the host may not be percent-encoded"));
        }
        if !matches!(parsed.path(), "" | "/") {
            return Err(url_error("an SMTP URL has no path"));
        }
        if parsed.port() == Some(0) {
            return Err(url_error("port 0 is not a server's port"));
        }
        if parsed.fragment().is_some() {
            return Err(url_error("an SMTP URL has no fragment"));
        }
        let user = decode(parsed.username(), "user name")?;
        let password = parsed
            .password()
            .map(|p| decode(p, "password"))
            .transpose()?;
        let credentials = match (user.is_empty(), password) {
            (true, None) => None,
            (false, Some(p)) if !p.is_empty() => Some((user, p)),
            (false, _) => return Err(url_error("a user name without a password")),
            (true, Some(_)) => return Err(url_error("a password without a user name")),
        };
        if security == SmtpSecurity::Plain && credentials.is_some() && !is_loopback(host) {
            return Err(url_error(format!(
                "credentials over plain smtp:// to {host} would travel in clear: \
                 use smtps:// or smtp+starttls://"
            )));
        }
        let mut config = Self {
            host: host.to_owned(),
            port: parsed.port().unwrap_or(security.default_port()),
            security,
            credentials,
            tls_name: host.to_owned(),
            sender: parse_sender(sender)?,
            root_pem: None,
            pool_size: Self::DEFAULT_POOL_SIZE,
            timeout: Self::DEFAULT_TIMEOUT,
        };
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in parsed.query_pairs() {
            if seen.iter().any(|k| *k == key) {
                return Err(url_error(format!("`{key}` is given twice")));
            }
            seen.push(key.clone().into_owned());
            match key.as_ref() {
                "tls_name" if security == SmtpSecurity::Plain => {
                    return Err(url_error("`tls_name` needs smtps:// or smtp+starttls://"));
                }
                "tls_name" if value.is_empty() => return Err(url_error("`tls_name` is empty")),
                "tls_name" => config.tls_name = value.into_owned(),
                "timeout" => config.timeout = Duration::from_secs(bounded(&key, &value, 600)?),
                "pool_size" => {
                    config.pool_size = u32::try_from(bounded(&key, &value, 100)?).unwrap_or(1);
                }
                other => {
                    return Err(url_error(format!(
                        "unknown option `{other}` (known: tls_name, timeout, pool_size)"
                    )));
                }
            }
        }
        Ok(config)
    }

    /// Also trusts this root certificate (PEM), on top of the public
    /// roots: a company CA, or a test server's self-signed certificate
    /// (which must be `CA:FALSE` and name the host or `tls_name`).
    ///
    /// # Errors
    /// [`SmtpError::Certificate`] when `pem` holds no valid certificate.
    pub fn root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Result<Self, SmtpError> {
        let pem = pem.into();
        tls_parameters(&self.tls_name, Some(&pem))?;
        self.root_pem = Some(pem);
        Ok(self)
    }

    /// At most `size` pooled connections (at least 1; default
    /// [`Self::DEFAULT_POOL_SIZE`]).
    pub fn pool_size(mut self, size: u32) -> Self {
        self.pool_size = size.max(1);
        self
    }

    /// The timeout for connecting (default [`Self::DEFAULT_TIMEOUT`]); a
    /// send or check still unanswered after twice this is abandoned.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The server's host name or address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How the connection is secured.
    pub fn security(&self) -> SmtpSecurity {
        self.security
    }

    /// The user name, if the URL has credentials.
    pub fn user(&self) -> Option<&str> {
        self.credentials.as_ref().map(|(u, _)| u.as_str())
    }

    /// The name the server's certificate must carry.
    pub fn tls_name(&self) -> &str {
        &self.tls_name
    }

    /// `host:port`, for messages.
    pub(super) fn server(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Parses a sender mailbox: `"名称" <user@example.com>`, `名称
/// <user@example.com>` or a bare address; nothing may follow the `>`, and
/// the name may hold no control or invisible character
/// (`docs/RULES.md` DUES-24).
pub(super) fn parse_sender(sender: &str) -> Result<Mailbox, SmtpError> {
    let refuse = |reason: &str| SmtpError::Sender {
        sender: sender.to_owned(),
        reason: reason.to_owned(),
    };
    let text = sender.trim();
    let (name, address) = match text.rfind('<') {
        None => (None, text),
        Some(open) => {
            let Some(inner) = text.get(open + 1..).and_then(|r| r.strip_suffix('>')) else {
                return Err(refuse("text after the address, or no closing `>`"));
            };
            let name = text.get(..open).unwrap_or_default().trim();
            let name = name
                .strip_prefix('"')
                .and_then(|n| n.strip_suffix('"'))
                .unwrap_or(name);
            (Some(name).filter(|n| !n.is_empty()), inner.trim())
        }
    };
    if name.is_some_and(|n| crate::text::has_hidden(n) || n.contains(['"', '<', '>'])) {
        return Err(refuse(
            "the name holds a quote, a bracket or a hidden character",
        ));
    }
    let address: lettre::Address = address
        .parse()
        .map_err(|_| refuse("not an e-mail address (write `\"名称\" <user@example.com>`)"))?;
    Ok(Mailbox::new(name.map(str::to_owned), address))
}

/// The TLS parameters for `tls_name`, trusting the public roots and
/// `root_pem`.
pub(super) fn tls_parameters(
    tls_name: &str,
    root_pem: Option<&[u8]>,
) -> Result<TlsParameters, SmtpError> {
    let certificate_error = |reason: String| SmtpError::Certificate { reason };
    let mut builder = TlsParameters::builder(tls_name.to_owned());
    if let Some(pem) = root_pem {
        if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
            return Err(certificate_error("no PEM certificate found".to_owned()));
        }
        let cert = Certificate::from_pem(pem).map_err(|e| certificate_error(e.to_string()))?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build_rustls()
        .map_err(|e| certificate_error(e.to_string()))
}
