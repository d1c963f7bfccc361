//! 故障分类 (what went wrong, and what may follow): a lettre error reduced
//! to a [`Fault`], and the pure maps from a fault to the dispatcher's
//! [`SendError`] and to the start-up check's [`SmtpError`]
//! (`docs/RULES.md` NOTE-5).
//!
//! SMTP cannot deduplicate: a message the server accepted and a message
//! it never saw look the same to a client whose connection broke after
//! the `DATA` command. Only failures known to come before anything was
//! handed over are retryable; a reply code is taken at its word; any other
//! break is an unknown outcome, never re-sent blindly.

use super::config::SmtpError;
use crate::notify::{Channel, SendError};
use std::error::Error as StdError;
use std::io;

/// What went wrong with one SMTP conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    /// The server answered with this negative reply code (4xx or 5xx).
    Reply(u16),
    /// Connecting failed before any command: refused, unreachable, no such
    /// host, a connect timeout, a handshake cut short.
    Connect,
    /// The TLS handshake was refused: an untrusted certificate, a wrong
    /// name, or no TLS on the other side.
    Tls,
    /// The client refused before sending the message: no common
    /// authentication mechanism, no STARTTLS, no SMTPUTF8.
    Client,
    /// The conversation broke off (an I/O error, a read timeout, a garbled
    /// or missing reply): the message may have been accepted.
    Broken,
    /// The transport was shut down.
    Shutdown,
}

/// The innermost I/O error kind in `e`'s source chain, if any.
fn io_kind(e: &(dyn StdError + 'static)) -> Option<io::ErrorKind> {
    let mut kind = None;
    let mut next: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            kind = Some(io.kind());
        }
        next = err.source();
    }
    kind
}

/// Reduces a lettre SMTP error to a [`Fault`].
///
/// lettre tells a failed connection (its kind `Connection`, which covers
/// resolving, connecting and the TLS handshake) from a broken
/// conversation (`Network`) only in its message; anything not recognised
/// as a connection failure is [`Fault::Broken`], the safe side.
pub(super) fn fault_of(e: &lettre::transport::smtp::Error) -> Fault {
    if let Some(code) = e.status() {
        return Fault::Reply(u16::from(code));
    }
    if e.is_transport_shutdown() {
        return Fault::Shutdown;
    }
    if e.is_client() {
        return Fault::Client;
    }
    if e.is_tls() {
        return Fault::Tls;
    }
    if e.is_response() {
        return Fault::Broken;
    }
    if e.to_string().starts_with("Connection error") {
        // rustls reports a refused handshake as invalid data.
        return match e.source().and_then(io_kind) {
            Some(io::ErrorKind::InvalidData) => Fault::Tls,
            _ => Fault::Connect,
        };
    }
    Fault::Broken
}

/// Whether `code` says the credentials were refused: 535 (invalid), 534
/// (mechanism too weak), 530 (authentication required).
fn is_authentication(code: u16) -> bool {
    matches!(code, 530 | 534 | 535)
}

/// What the dispatcher may do after `fault`, with `detail` (lettre's
/// message: it never holds the password) and the `server`.
pub(super) fn send_error(fault: Fault, server: &str, detail: &str) -> SendError {
    let channel = Channel::Email;
    let retry = |what: &str| SendError::Retryable {
        channel,
        reason: format!("{server}: {what}: {detail}"),
        retry_after: None,
    };
    let permanent = |what: &str| SendError::Permanent {
        channel,
        reason: format!("{server}: {what}: {detail}"),
    };
    match fault {
        Fault::Reply(code) if is_authentication(code) => permanent("authentication failed"),
        Fault::Reply(400..=499) => retry("the server refused for now"),
        Fault::Reply(500..=599) => permanent("the server refused the message"),
        Fault::Reply(_) | Fault::Broken => SendError::Unknown {
            channel,
            reason: format!(
                "{server}: the connection broke off, the message may have been accepted: {detail}"
            ),
        },
        Fault::Connect => retry("cannot connect"),
        Fault::Shutdown => retry("the transport is shut down"),
        Fault::Tls => permanent("TLS failed (is the certificate trusted and the tls_name right?)"),
        Fault::Client => permanent("cannot send on this server"),
    }
}

/// The start-up check's error for `fault`.
pub(super) fn check_error(fault: Fault, server: &str, detail: &str) -> SmtpError {
    let server = server.to_owned();
    let reason = detail.to_owned();
    match fault {
        Fault::Reply(code) if is_authentication(code) => {
            SmtpError::Authentication { server, reason }
        }
        Fault::Reply(code) => SmtpError::Rejected {
            server,
            code,
            reason,
        },
        Fault::Connect => SmtpError::Connect { server, reason },
        Fault::Tls => SmtpError::Tls { server, reason },
        Fault::Client | Fault::Broken | Fault::Shutdown => SmtpError::Protocol { server, reason },
    }
}
