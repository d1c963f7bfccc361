//! E-mail delivery against real SMTP servers: the aiosmtpd sinks that
//! `scripts/test.sh` starts (`scripts/smtp.sh`: `SMTP_URL`, plain;
//! `SMTP_AUTH_URL`, implicit TLS with AUTH; their Maildirs and the test
//! certificate `SMTP_TLS_CA`), plus scripted servers on `127.0.0.1:0` for
//! the failures a sink cannot stage (a connection that breaks off after
//! `DATA`, a reply that never comes, a 4xx).
//!
//! Without `SMTP_URL` the sink tests say on stderr that they skipped;
//! under `CI=true` they fail instead. Messages are found in the Maildir by
//! their ASCII `X-Dangjian-Key` header and decoded with mailparse: the
//! Chinese subject, names and body arrive encoded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dangjian::adapters::{EmlFolderNotifier, SmtpConfig, SmtpError, SmtpNotifier};
use dangjian::notify::{Channel, Notifier, OutgoingMessage, SendError};
use mailparse::{MailHeaderMap, MailParseError, ParsedMail};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SENDER: &str = r#""党委办公室" <dangwei@example.com>"#;
const SUBJECT: &str = "党费交纳提醒";
const BODY: &str = "李明同志：您自2024年4月起尚欠党费90.00元，请及时交纳。\n——研发第一党支部";

/// The variable's value; `None` (after saying so on stderr, past the test
/// harness's capture) when it is unset outside CI; a failure under CI.
fn env(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Some(v),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "{name} is not set under CI=true: run `bash scripts/test.sh`, which starts the SMTP sinks"
            )
        }
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "skipped: {name} is not set; run `bash scripts/test.sh --test smtp`, which starts the SMTP sinks"
            );
            None
        }
    }
}

/// A key no earlier run used.
fn unique_key(what: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test/{what}/{}-{nanos}", std::process::id())
}

fn reminder(key: &str) -> OutgoingMessage {
    OutgoingMessage::new(key, Channel::Email, "liming@example.com", "李明", BODY)
        .subject(SUBJECT)
        .bcc("archive@example.com")
}

fn header(mail: &ParsedMail<'_>, name: &str) -> String {
    mail.headers
        .get_first_value(name)
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// The display name and address of a one-mailbox header.
fn mailbox(mail: &ParsedMail<'_>, name: &str) -> (String, String) {
    let h = mail
        .headers
        .get_first_header(name)
        .unwrap_or_else(|| panic!("no {name} header"));
    let list = mailparse::addrparse_header(h).unwrap();
    let single = list.extract_single_info().unwrap();
    (single.display_name.unwrap_or_default(), single.addr)
}

/// The raw message in `maildir/new` whose key header is `key`, waiting a
/// little (the sink writes before it answers, so normally no wait).
fn find_in_maildir(maildir: &Path, key: &str) -> Vec<u8> {
    for _ in 0..50 {
        for entry in std::fs::read_dir(maildir.join("new"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let raw = std::fs::read(entry.path()).unwrap();
            let parsed: Result<ParsedMail<'_>, MailParseError> = mailparse::parse_mail(&raw);
            if parsed.is_ok_and(|m| {
                m.headers
                    .get_first_value(SmtpNotifier::KEY_HEADER)
                    .as_deref()
                    == Some(key)
            }) {
                return raw;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "no message with {} {key} in {}",
        SmtpNotifier::KEY_HEADER,
        maildir.display()
    )
}

fn check_reminder(raw: &[u8], key: &str, message_id: Option<&str>) {
    let mail = mailparse::parse_mail(raw).unwrap();
    assert_eq!(header(&mail, "Subject"), SUBJECT);
    assert_eq!(
        mailbox(&mail, "From"),
        ("党委办公室".to_owned(), "dangwei@example.com".to_owned())
    );
    assert_eq!(
        mailbox(&mail, "To"),
        ("李明".to_owned(), "liming@example.com".to_owned())
    );
    assert_eq!(header(&mail, SmtpNotifier::KEY_HEADER), key);
    if let Some(id) = message_id {
        assert_eq!(header(&mail, "Message-ID"), id);
    }
    assert!(
        mail.headers.get_first_value("Bcc").is_none(),
        "the Bcc header is left out"
    );
    assert_eq!(mail.ctype.mimetype, "text/plain");
    // Text travels with CRLF line ends (RFC 5322).
    assert_eq!(
        mail.get_body().unwrap().replace("\r\n", "\n").trim_end(),
        BODY
    );
    assert!(
        !String::from_utf8_lossy(raw).contains("李明"),
        "Chinese arrives encoded"
    );
}

#[tokio::test]
async fn a_chinese_reminder_arrives_with_its_envelope_headers_and_body() {
    let Some(url) = env("SMTP_URL") else { return };
    let Some(maildir) = env("SMTP_MAILDIR") else {
        return;
    };
    let mail = SmtpNotifier::new(SmtpConfig::from_url(&url, SENDER).unwrap()).unwrap();
    assert_eq!(
        (mail.channel(), mail.deduplicates()),
        (Channel::Email, false)
    );
    mail.check().await.unwrap();
    let key = unique_key("reminder");
    let accepted = mail.send(&reminder(&key)).await.unwrap();

    let raw = find_in_maildir(Path::new(&maildir), &key);
    check_reminder(&raw, &key, accepted.channel_id.as_deref());
    let parsed = mailparse::parse_mail(&raw).unwrap();
    assert_eq!(header(&parsed, "X-MailFrom"), "dangwei@example.com");
    let rcpt = header(&parsed, "X-RcptTo");
    assert!(
        rcpt.contains("liming@example.com") && rcpt.contains("archive@example.com"),
        "{rcpt}"
    );
    mail.close().await;
}

/// `SMTP_AUTH_URL` with its password replaced.
fn with_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (userinfo, host) = rest.rsplit_once('@').unwrap();
    let (user, _) = userinfo.split_once(':').unwrap();
    format!("{scheme}://{user}:{password}@{host}")
}

fn trusted(url: &str) -> Option<SmtpConfig> {
    let ca = std::fs::read(env("SMTP_TLS_CA")?).unwrap();
    Some(
        SmtpConfig::from_url(url, SENDER)
            .unwrap()
            .root_certificate(ca)
            .unwrap(),
    )
}

#[tokio::test]
async fn tls_with_the_test_certificate_and_the_right_password_delivers() {
    let Some(url) = env("SMTP_AUTH_URL") else {
        return;
    };
    let Some(maildir) = env("SMTP_AUTH_MAILDIR") else {
        return;
    };
    let Some(config) = trusted(&url) else { return };
    let mail = SmtpNotifier::new(config).unwrap();
    mail.check().await.unwrap();
    let key = unique_key("tls");
    let accepted = mail.send(&reminder(&key)).await.unwrap();
    check_reminder(
        &find_in_maildir(Path::new(&maildir), &key),
        &key,
        accepted.channel_id.as_deref(),
    );
    mail.close().await;
}

#[tokio::test]
async fn a_wrong_password_is_refused_as_authentication_and_permanent() {
    let Some(url) = env("SMTP_AUTH_URL") else {
        return;
    };
    let Some(config) = trusted(&with_password(&url, "wrong-Pa55word")) else {
        return;
    };
    let mail = SmtpNotifier::new(config).unwrap();
    let e = mail.check().await.unwrap_err();
    assert!(matches!(e, SmtpError::Authentication { .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("wrong-Pa55word"), "{e:?}");

    let e = mail
        .send(&reminder(&unique_key("wrong-password")))
        .await
        .unwrap_err();
    let SendError::Permanent { reason, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(reason.contains("authentication failed"), "{reason}");
    assert!(!reason.contains("wrong-Pa55word"), "{reason}");
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_certificate_is_refused_promptly() {
    let Some(url) = env("SMTP_AUTH_URL") else {
        return;
    };
    let config = SmtpConfig::from_url(&url, SENDER)
        .unwrap()
        .timeout(Duration::from_secs(10));
    let mail = SmtpNotifier::new(config).unwrap();
    let e = tokio::time::timeout(Duration::from_secs(20), mail.check())
        .await
        .expect("no hang")
        .unwrap_err();
    assert!(matches!(e, SmtpError::Tls { .. }), "{e:?}");
    let e = tokio::time::timeout(
        Duration::from_secs(20),
        mail.send(&reminder(&unique_key("untrusted"))),
    )
    .await
    .expect("no hang")
    .unwrap_err();
    assert!(matches!(e, SendError::Permanent { .. }), "{e:?}");
}

#[tokio::test]
async fn an_unreachable_port_is_retryable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = format!("smtp://127.0.0.1:{port}");
    let mail = SmtpNotifier::new(SmtpConfig::from_url(&url, SENDER).unwrap()).unwrap();
    let e = mail
        .send(&reminder(&unique_key("refused")))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            SendError::Retryable {
                retry_after: None,
                ..
            }
        ),
        "{e:?}"
    );
    let e = mail.check().await.unwrap_err();
    assert!(matches!(e, SmtpError::Connect { .. }), "{e:?}");
}

/// How a scripted server misbehaves.
#[derive(Clone, Copy)]
enum Script {
    /// Reads the whole message, then closes without a reply.
    DropAfterData,
    /// Reads the whole message and never replies.
    HangAfterData,
    /// Answers RCPT with 451.
    BusyAtRcpt,
}

/// A one-connection SMTP server on 127.0.0.1:0 following `script`, on a
/// thread of its own.
fn scripted(script: Script) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (socket, _) = listener.accept().unwrap();
        let mut write = socket.try_clone().unwrap();
        write
            .write_all(b"220 localhost ESMTP scripted\r\n")
            .unwrap();
        let mut in_data = false;
        for line in std::io::BufReader::new(socket).lines() {
            let Ok(line) = line else { return };
            let reply: &[u8] = if in_data {
                if line != "." {
                    continue;
                }
                match script {
                    Script::DropAfterData => return,
                    Script::HangAfterData => {
                        std::thread::sleep(Duration::from_secs(30));
                        return;
                    }
                    Script::BusyAtRcpt => b"250 ok\r\n",
                }
            } else {
                match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                    "EHLO" => b"250-localhost\r\n250 8BITMIME\r\n",
                    "RCPT" if matches!(script, Script::BusyAtRcpt) => {
                        b"451 4.3.0 try again later\r\n"
                    }
                    "DATA" => {
                        in_data = true;
                        b"354 go ahead\r\n"
                    }
                    "QUIT" => b"221 bye\r\n",
                    _ => b"250 ok\r\n",
                }
            };
            if write.write_all(reply).is_err() {
                return;
            }
        }
    });
    port
}

async fn send_scripted(script: Script) -> SendError {
    let port = scripted(script);
    let config =
        SmtpConfig::from_url(&format!("smtp://127.0.0.1:{port}?timeout=1"), SENDER).unwrap();
    let mail = SmtpNotifier::new(config).unwrap();
    let m = reminder("k/1");
    let sent = tokio::time::timeout(Duration::from_secs(10), mail.send(&m)).await;
    sent.expect("no hang").unwrap_err()
}

#[tokio::test]
async fn a_connection_dropped_after_data_is_an_unknown_outcome() {
    let e = send_scripted(Script::DropAfterData).await;
    assert!(matches!(e, SendError::Unknown { .. }), "{e:?}");
}

#[tokio::test]
async fn no_reply_after_data_is_an_unknown_outcome() {
    let e = send_scripted(Script::HangAfterData).await;
    assert!(matches!(e, SendError::Unknown { .. }), "{e:?}");
}

#[tokio::test]
async fn a_4xx_reply_is_retryable() {
    let e = send_scripted(Script::BusyAtRcpt).await;
    let SendError::Retryable { reason, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(reason.contains("451"), "{reason}");
}

#[tokio::test]
async fn an_invalid_address_is_permanent_before_connecting() {
    // Nothing listens on port 1: a connection attempt would be retryable.
    let mail =
        SmtpNotifier::new(SmtpConfig::from_url("smtp://127.0.0.1:1", SENDER).unwrap()).unwrap();
    let mut m = reminder("k/2");
    m.to = "liming at example.com".into();
    let e = mail.send(&m).await.unwrap_err();
    assert!(matches!(e, SendError::Permanent { .. }), "{e:?}");
}

#[tokio::test]
async fn the_eml_folder_holds_one_parseable_file_per_key() {
    let dir = tempfile::tempdir().unwrap();
    let outbox: PathBuf = dir.path().join("outbox");
    let folder = EmlFolderNotifier::new(&outbox, SENDER).unwrap();
    assert!(folder.deduplicates());
    let key = "dues_in_arrears/member#7/2024-06-01";
    let first = folder.send(&reminder(key)).await.unwrap();
    let again = folder.send(&reminder(key)).await.unwrap();
    assert_eq!(first, again);
    folder
        .send(&reminder("dues_in_arrears/member#8/2024-06-01"))
        .await
        .unwrap();

    let mut files: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(
        files
            .iter()
            .all(|f| f.extension().is_some_and(|e| e == "eml"))
    );
    let path = folder.path_of(key);
    assert!(files.contains(&path));
    check_reminder(
        &std::fs::read(&path).unwrap(),
        key,
        first.channel_id.as_deref(),
    );
}
