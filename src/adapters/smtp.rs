//! 电子邮件 (e-mail delivery, feature `smtp`): [`SmtpNotifier`] sends over
//! SMTP with lettre (rustls, a connection pool), [`EmlFolderNotifier`]
//! writes `.eml` files into a folder for running without a server
//! (`docs/RULES.md` NOTE-2, NOTE-5).
//!
//! Both build the same message: `From` the configured sender (a Chinese
//! display name is encoded per RFC 2047), `To` the recipient with its
//! name, `Bcc` from [`OutgoingMessage::bcc`] (in the envelope only), the
//! subject, a UTF-8 plain-text body, and two headers derived from the
//! idempotency key so a receiver or a test finds a message by an ASCII
//! token: `Message-ID: <token@sender-domain>` and `X-Dangjian-Key: key`.
//!
//! SMTP cannot deduplicate ([`Notifier::deduplicates`] is `false`): a
//! refused connection or a 4xx reply is [`SendError::Retryable`], a 5xx
//! reply (a wrong password's 535 included) or a bad address is
//! [`SendError::Permanent`], and a connection that breaks off once the
//! conversation has begun is [`SendError::Unknown`], never retried.

mod config;
mod eml;
mod fault;
#[cfg(test)]
mod tests;

pub use config::{SmtpConfig, SmtpError, SmtpSecurity};
pub use eml::EmlFolderNotifier;

use crate::notify::{Accepted, Channel, Notifier, OutgoingMessage, SendError};
use async_trait::async_trait;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::Tls;
use lettre::transport::smtp::{AsyncSmtpTransport, PoolConfig};
use lettre::{Address, AsyncTransport, Tokio1Executor};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// 邮件通知 (the SMTP adapter): sends each [`OutgoingMessage`] on
/// [`Channel::Email`] through a pool of connections to one server.
///
/// Creating it connects to nothing; [`SmtpNotifier::check`] does, for
/// validating the configuration at start-up. It must be created inside a
/// Tokio runtime with I/O and time enabled (`#[tokio::main]` enables
/// both), which runs the pool's housekeeping.
///
/// A send or check still unanswered after twice the configured timeout
/// is abandoned (lettre bounds only the connect): the send is
/// [`SendError::Unknown`], and the pool is replaced, since the abandoned
/// connection is out of step with its server.
///
/// ```no_run
/// use dangjian::adapters::{SmtpConfig, SmtpNotifier};
/// use dangjian::notify::{Channel, Notifier, OutgoingMessage};
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let config = SmtpConfig::from_url(
///     "smtps://dangwei%40example.com:password@smtp.qiye.aliyun.com:465",
///     r#""党委办公室" <dangwei@example.com>"#,
/// )?;
/// let mail = SmtpNotifier::new(config)?;
/// mail.check().await?; // a wrong password is SmtpError::Authentication
/// let m = OutgoingMessage::new("dues_in_arrears/member#7/2024-06-01", Channel::Email,
///     "liming@example.com", "李明", "李明同志：您自2024年4月起尚欠党费90.00元，请及时交纳。")
///     .subject("党费交纳提醒");
/// mail.send(&m).await?;
/// mail.close().await;
/// # Ok(()) }
/// ```
pub struct SmtpNotifier {
    config: SmtpConfig,
    server: String,
    pool: Mutex<Pool>,
}

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// The current pool and its generation (counting replacements).
struct Pool {
    generation: u64,
    transport: Option<Transport>,
}

impl fmt::Debug for SmtpNotifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpNotifier")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn transport(config: &SmtpConfig) -> Result<Transport, SmtpError> {
    let mut builder = Transport::builder_dangerous(&config.host)
        .port(config.port)
        .timeout(Some(config.timeout))
        .pool_config(PoolConfig::new().max_size(config.pool_size));
    let tls = || config::tls_parameters(&config.tls_name, config.root_pem.as_deref());
    builder = match config.security {
        SmtpSecurity::Plain => builder.tls(Tls::None),
        SmtpSecurity::StartTls => builder.tls(Tls::Required(tls()?)),
        SmtpSecurity::Tls => builder.tls(Tls::Wrapper(tls()?)),
    };
    if let Some((user, password)) = &config.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

impl SmtpNotifier {
    /// The header that carries the idempotency key (both notifiers).
    pub const KEY_HEADER: &'static str = "X-Dangjian-Key";

    /// The notifier for `config`.
    ///
    /// # Errors
    /// [`SmtpError::Runtime`] outside a Tokio runtime;
    /// [`SmtpError::Certificate`] when the TLS settings cannot be built.
    pub fn new(config: SmtpConfig) -> Result<Self, SmtpError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(SmtpError::Runtime);
        }
        let transport = transport(&config)?;
        Ok(Self {
            server: config.server(),
            config,
            pool: Mutex::new(Pool {
                generation: 0,
                transport: Some(transport),
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn current(&self) -> (u64, Option<Transport>) {
        let pool = self.lock();
        (pool.generation, pool.transport.clone())
    }

    /// How long a send or check may take before it is abandoned.
    fn deadline(&self) -> Duration {
        self.config.timeout.saturating_mul(2)
    }

    /// Replaces the pool of `generation` after a send or check on it was
    /// abandoned: the connection it used returns to that pool out of step
    /// with the server. The old pool is shut down (QUIT to each idle
    /// connection), within the deadline.
    fn replace(&self, generation: u64) {
        let old = {
            let mut pool = self.lock();
            if pool.generation != generation {
                return; // replaced already
            }
            let Ok(fresh) = transport(&self.config) else {
                return; // built once from the same settings; cannot fail now
            };
            pool.generation += 1;
            pool.transport.replace(fresh)
        };
        if let Some(old) = old {
            let deadline = self.deadline();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(deadline, old.shutdown()).await;
            });
        }
    }

    fn closed(&self) -> SmtpError {
        SmtpError::Protocol {
            server: self.server.clone(),
            reason: "the notifier is closed".to_owned(),
        }
    }

    /// Connects, says EHLO, sets up TLS and logs in (when the URL has
    /// credentials), and checks the server answers: for validating the
    /// configuration when the integrating system starts.
    ///
    /// # Errors
    /// [`SmtpError::Authentication`] for a refused user name or password,
    /// [`SmtpError::Tls`] for an untrusted certificate,
    /// [`SmtpError::Connect`] for a server that cannot be reached,
    /// [`SmtpError::Rejected`] or [`SmtpError::Protocol`] otherwise (no
    /// answer within twice the timeout included).
    pub async fn check(&self) -> Result<(), SmtpError> {
        let (generation, Some(transport)) = self.current() else {
            return Err(self.closed());
        };
        let protocol = |reason: String| SmtpError::Protocol {
            server: self.server.clone(),
            reason,
        };
        match tokio::time::timeout(self.deadline(), transport.test_connection()).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(protocol("the server did not answer NOOP".to_owned())),
            Ok(Err(e)) => Err(fault::check_error(
                fault::fault_of(&e),
                &self.server,
                &e.to_string(),
            )),
            Err(_) => {
                self.replace(generation);
                Err(protocol(format!("no answer within {:?}", self.deadline())))
            }
        }
    }

    /// Closes the pooled connections (each with QUIT); later sends fail
    /// as retryable.
    pub async fn close(&self) {
        let (_, transport) = self.current();
        if let Some(transport) = transport {
            let _ = tokio::time::timeout(self.deadline(), transport.shutdown()).await;
        }
    }
}

impl Drop for SmtpNotifier {
    /// lettre's pool spawns its own shutdown onto the runtime when
    /// dropped; outside a runtime that would panic, so the pool is left
    /// to the end of the process instead.
    fn drop(&mut self) {
        if tokio::runtime::Handle::try_current().is_err() {
            let pool = self.pool.get_mut().unwrap_or_else(PoisonError::into_inner);
            std::mem::forget(pool.transport.take());
        }
    }
}

#[async_trait]
impl Notifier for SmtpNotifier {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    /// `false`: an SMTP server delivers a message sent twice twice.
    fn deduplicates(&self) -> bool {
        false
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<Accepted, SendError> {
        let (email, message_id) = build_message(&self.config.sender, message)?;
        let (generation, Some(transport)) = self.current() else {
            return Err(fault::send_error(
                fault::Fault::Shutdown,
                &self.server,
                "closed",
            ));
        };
        match tokio::time::timeout(self.deadline(), transport.send(email)).await {
            Ok(Ok(_)) => Ok(Accepted {
                channel_id: Some(message_id),
            }),
            Ok(Err(e)) => Err(fault::send_error(
                fault::fault_of(&e),
                &self.server,
                &e.to_string(),
            )),
            Err(_) => {
                self.replace(generation);
                Err(fault::send_error(
                    fault::Fault::Broken,
                    &self.server,
                    &format!("no answer within {:?}", self.deadline()),
                ))
            }
        }
    }
}

/// The ASCII token for an idempotency key: its letters, digits, `-` and
/// `_` (others become `-`, at most 64), a dot, and 16 hex digits of its
/// SHA-256, so two keys that sanitise alike stay apart. Used as the
/// `Message-ID`'s left part and as the `.eml` file name.
pub(crate) fn key_token(key: &str) -> String {
    let mut token: String = key
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if token.is_empty() {
        token.push_str("key");
    }
    token.push('.');
    for byte in Sha256::digest(key.as_bytes()).iter().take(8) {
        token.push_str(&format!("{byte:02x}"));
    }
    token
}

fn permanent(reason: String) -> SendError {
    SendError::Permanent {
        channel: Channel::Email,
        reason,
    }
}

fn address(text: &str, role: &str) -> Result<Address, SendError> {
    text.trim().parse().map_err(|_| {
        permanent(format!(
            "the {role} address `{text}` is not an e-mail address"
        ))
    })
}

/// The message for `m` from `sender`, and its `Message-ID`.
///
/// # Errors
/// [`SendError::Permanent`] for a message on another channel, an invalid
/// address, or a recipient name with a hidden character.
pub(crate) fn build_message(
    sender: &Mailbox,
    m: &OutgoingMessage,
) -> Result<(Message, String), SendError> {
    if m.channel != Channel::Email {
        return Err(permanent(format!("not an e-mail message ({})", m.channel)));
    }
    if crate::text::has_hidden(&m.to_name) {
        return Err(permanent(
            "the recipient's name holds a hidden character".to_owned(),
        ));
    }
    let name = Some(m.to_name.trim().to_owned()).filter(|n| !n.is_empty());
    let message_id = format!(
        "<{}@{}>",
        key_token(&m.idempotency_key),
        sender.email.domain()
    );
    let key_is_plain = m
        .idempotency_key
        .chars()
        .all(|c| c.is_ascii_graphic() || c == ' ');
    let key_value = if key_is_plain && !m.idempotency_key.is_empty() {
        m.idempotency_key.clone()
    } else {
        key_token(&m.idempotency_key)
    };
    let key_header = HeaderName::new_from_ascii(SmtpNotifier::KEY_HEADER.to_owned())
        .map_err(|_| permanent("the key header name is invalid".to_owned()))?;
    let mut builder = Message::builder()
        .from(sender.clone())
        .to(Mailbox::new(name, address(&m.to, "recipient")?))
        .message_id(Some(message_id.clone()))
        .raw_header(HeaderValue::new(key_header, key_value))
        .header(ContentType::TEXT_PLAIN);
    for bcc in &m.bcc {
        builder = builder.bcc(Mailbox::new(None, address(bcc, "Bcc")?));
    }
    if let Some(subject) = &m.subject {
        builder = builder.subject(subject.clone());
    }
    let email = builder
        .body(m.body.clone())
        .map_err(|e| permanent(format!("the message cannot be built: {e}")))?;
    Ok((email, message_id))
}
