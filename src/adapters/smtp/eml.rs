//! 邮件文件夹 (an outbox folder): each message as an `.eml` file, for
//! running without a mail server (development, demonstrations, a folder
//! another system picks up).

use super::{build_message, config, key_token};
use crate::notify::{Accepted, Channel, Notifier, OutgoingMessage, SendError};
use async_trait::async_trait;
use lettre::message::Mailbox;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// 邮件文件夹通知 (e-mail into a folder): writes each message, exactly as
/// [`SmtpNotifier`](super::SmtpNotifier) would send it (RFC 5322, the Bcc
/// header left out), as `<token>.eml`, the token derived from the
/// idempotency key. A repeat of a message overwrites its file, so the
/// folder holds each message once ([`Notifier::deduplicates`] is `true`).
/// Any mail program opens the files.
///
/// A file is written under a temporary name and renamed into place, so a
/// reader never sees half a message.
///
/// ```
/// use dangjian::adapters::EmlFolderNotifier;
/// use dangjian::notify::{Channel, Notifier, OutgoingMessage};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = tempfile::tempdir().unwrap();
/// let outbox = EmlFolderNotifier::new(dir.path(), r#""党委办公室" <dangwei@example.com>"#).unwrap();
/// let m = OutgoingMessage::new("dues_in_arrears/member#7/2024-06-01", Channel::Email,
///     "liming@example.com", "李明", "请及时交纳党费。").subject("党费交纳提醒");
/// outbox.send(&m).await.unwrap();
/// outbox.send(&m).await.unwrap(); // the same key: the same file
/// let path = outbox.path_of(&m.idempotency_key);
/// assert!(std::fs::read_to_string(&path).unwrap().contains("X-Dangjian-Key: dues_in_arrears"));
/// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
/// # });
/// ```
#[derive(Debug)]
pub struct EmlFolderNotifier {
    dir: PathBuf,
    sender: Mailbox,
    writes: AtomicU64,
}

impl EmlFolderNotifier {
    /// The notifier writing into `dir` (created on the first send) with
    /// `sender` as `From` (`"党委办公室" <dangwei@example.com>` or an
    /// address).
    ///
    /// # Errors
    /// [`SmtpError::Sender`](super::SmtpError::Sender) for a sender that
    /// is not a mailbox.
    pub fn new(dir: impl Into<PathBuf>, sender: &str) -> Result<Self, super::SmtpError> {
        Ok(Self {
            dir: dir.into(),
            sender: config::parse_sender(sender)?,
            writes: AtomicU64::new(0),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file the message with this idempotency key is written to.
    pub fn path_of(&self, idempotency_key: &str) -> PathBuf {
        self.dir.join(format!("{}.eml", key_token(idempotency_key)))
    }

    fn io_error(&self, e: &io::Error) -> SendError {
        let reason = format!("{}: {e}", self.dir.display());
        match e.kind() {
            io::ErrorKind::PermissionDenied => SendError::Permanent {
                channel: Channel::Email,
                reason,
            },
            _ => SendError::Retryable {
                channel: Channel::Email,
                reason,
                retry_after: None,
            },
        }
    }
}

#[async_trait]
impl Notifier for EmlFolderNotifier {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    /// `true`: a repeat overwrites the file of the first.
    fn deduplicates(&self) -> bool {
        true
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<Accepted, SendError> {
        let (email, message_id) = build_message(&self.sender, message)?;
        let path = self.path_of(&message.idempotency_key);
        let n = self.writes.fetch_add(1, Ordering::Relaxed);
        let temporary = self.dir.join(format!(
            ".{}.{}.{n}.tmp",
            key_token(&message.idempotency_key),
            std::process::id()
        ));
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| self.io_error(&e))?;
        if let Err(e) = tokio::fs::write(&temporary, email.formatted()).await {
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(self.io_error(&e));
        }
        if let Err(e) = tokio::fs::rename(&temporary, &path).await {
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(self.io_error(&e));
        }
        Ok(Accepted {
            channel_id: Some(message_id),
        })
    }
}
