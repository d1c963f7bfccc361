use super::fault::{Fault, check_error, send_error};
use super::*;
use crate::notify::{Channel, OutgoingMessage, SendError};

const SENDER: &str = r#""党委办公室" <dangwei@example.com>"#;

fn parse(url: &str) -> Result<SmtpConfig, SmtpError> {
    SmtpConfig::from_url(url, SENDER)
}

#[test]
fn schemes_ports_and_credentials() {
    let c = parse("smtp://127.0.0.1:2525").unwrap();
    assert_eq!(
        (c.host(), c.port(), c.security()),
        ("127.0.0.1", 2525, SmtpSecurity::Plain)
    );
    assert_eq!(c.user(), None);
    assert_eq!(c.tls_name(), "127.0.0.1");
    assert_eq!(parse("smtp://relay.corp").unwrap().port(), 25);

    let c = parse("smtp+starttls://u:p@mail.example.com").unwrap();
    assert_eq!((c.port(), c.security()), (587, SmtpSecurity::StartTls));
    assert_eq!(c.user(), Some("u"));

    let c =
        parse("smtps://dangwei%40example.com:s3cret%3Ap%40ss@127.0.0.1:4650?tls_name=localhost")
            .unwrap();
    assert_eq!((c.port(), c.security()), (4650, SmtpSecurity::Tls));
    assert_eq!(c.user(), Some("dangwei@example.com"));
    assert_eq!(
        c.credentials.as_ref().map(|(_, p)| p.as_str()),
        Some("s3cret:p@ss")
    );
    assert_eq!(c.tls_name(), "localhost");
    assert_eq!(parse("smtps://h").unwrap().port(), 465);

    // Credentials in clear are fine on loopback only.
    assert!(parse("smtp://u:p@localhost:2525").is_ok());
    assert!(parse("smtp://u:p@[::1]:2525").is_ok());
    assert_eq!(parse("smtp://[::1]:2525").unwrap().server(), "[::1]:2525");

    let c = parse("smtps://h?timeout=5&pool_size=2").unwrap();
    assert_eq!(
        (c.timeout, c.pool_size),
        (std::time::Duration::from_secs(5), 2)
    );
    let c = parse("smtps://h").unwrap();
    assert_eq!(
        (c.timeout, c.pool_size),
        (SmtpConfig::DEFAULT_TIMEOUT, SmtpConfig::DEFAULT_POOL_SIZE)
    );
    assert_eq!(c.pool_size(0).pool_size, 1);
}

#[test]
fn bad_urls_say_what_is_wrong_and_never_the_password() {
    let cases = [
        ("not a url", "not a URL"),
        ("http://u:hunter2@h", "unknown scheme `http:`"),
        ("smtp://u:hunter2@smtp.example.com", "travel in clear"),
        ("smtp://u:hunter2@10.0.0.1:25", "travel in clear"),
        ("smtps://u@h", "without a password"),
        ("smtps://u:@h", "without a password"),
        ("smtps://:hunter2@h", "without a user name"),
        ("smtps://u:hunter2@h/inbox", "no path"),
        ("smtps://u:hunter2@h#x", "no fragment"),
        ("smtps://u:hunter2@h:0", "port 0"),
        ("smtps://u:hunter2@h:99999", "not a URL"),
        ("smtp://u:hunter2@127.0.0.1?tls_name=x", "`tls_name` needs"),
        ("smtps://u:hunter2@h?tls_name=", "`tls_name` is empty"),
        ("smtps://u:hunter2@h?tls=required", "unknown option `tls`"),
        ("smtps://u:hunter2@h?timeout=0", "`timeout` must be"),
        ("smtps://u:hunter2@h?timeout=601", "`timeout` must be"),
        ("smtps://u:hunter2@h?pool_size=x", "`pool_size` must be"),
        ("smtps://u:hunter2@h?timeout=1&timeout=2", "given twice"),
        ("smtps://u:%FF%FE@h", "password is not UTF-8"),
    ];
    for (url, expected) in cases {
        let e = parse(url).unwrap_err();
        assert!(matches!(e, SmtpError::Url { .. }), "{url}: {e:?}");
        let text = format!("{e} {e:?}");
        assert!(text.contains(expected), "{url}: {text}");
        assert!(!text.contains("hunter2"), "{url}: {text}");
    }
}

#[test]
fn debug_hides_the_password() {
    let c = parse("smtps://dangwei:hunter2@smtp.example.com").unwrap();
    let debug = format!("{c:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(
        debug.contains("***") && debug.contains("dangwei"),
        "{debug}"
    );
    let n = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async { format!("{:?}", SmtpNotifier::new(c).unwrap()) });
    assert!(!n.contains("hunter2"), "{n}");
}

#[test]
fn senders() {
    let m = config::parse_sender(SENDER).unwrap();
    assert_eq!(m.name.as_deref(), Some("党委办公室"));
    assert_eq!(m.email.to_string(), "dangwei@example.com");
    let m = config::parse_sender("党委办公室 <dangwei@example.com>").unwrap();
    assert_eq!(m.name.as_deref(), Some("党委办公室"));
    let m = config::parse_sender(" dangwei@example.com ").unwrap();
    assert_eq!(m.name, None);
    for bad in [
        "",
        "党委办公室",
        "dangwei@example.com extra",
        "<dangwei@example.com> extra",
        "<dangwei@example.com",
        "党委\u{200B}办公室 <dangwei@example.com>",
        "a\r\nBcc: x@example.com <dangwei@example.com>",
        "<not an address>",
    ] {
        let e = config::parse_sender(bad).unwrap_err();
        assert!(matches!(e, SmtpError::Sender { .. }), "{bad:?}: {e:?}");
    }
    assert!(matches!(
        SmtpConfig::from_url("smtp://127.0.0.1", "nobody"),
        Err(SmtpError::Sender { .. })
    ));
}

#[test]
fn root_certificates_are_checked() {
    let c = parse("smtps://h").unwrap();
    let e = c
        .clone()
        .root_certificate(b"not a pem".to_vec())
        .unwrap_err();
    assert!(matches!(e, SmtpError::Certificate { .. }), "{e:?}");
    let junk = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec();
    let e = c.root_certificate(junk).unwrap_err();
    assert!(matches!(e, SmtpError::Certificate { .. }), "{e:?}");
}

#[test]
fn outside_a_runtime_is_an_error_not_a_panic() {
    let c = parse("smtp://127.0.0.1:2525").unwrap();
    assert_eq!(SmtpNotifier::new(c).unwrap_err(), SmtpError::Runtime);
}

#[test]
fn faults_map_to_what_may_follow() {
    let s = "127.0.0.1:25";
    let kind = |f| match send_error(f, s, "detail") {
        SendError::Retryable { retry_after, .. } => {
            assert_eq!(retry_after, None);
            "retryable"
        }
        SendError::Permanent { .. } => "permanent",
        SendError::Unknown { .. } => "unknown",
    };
    assert_eq!(kind(Fault::Connect), "retryable");
    assert_eq!(kind(Fault::Shutdown), "retryable");
    assert_eq!(kind(Fault::Reply(421)), "retryable");
    assert_eq!(kind(Fault::Reply(451)), "retryable");
    assert_eq!(kind(Fault::Reply(454)), "retryable");
    assert_eq!(kind(Fault::Reply(550)), "permanent");
    assert_eq!(kind(Fault::Reply(554)), "permanent");
    assert_eq!(kind(Fault::Reply(535)), "permanent");
    assert_eq!(kind(Fault::Tls), "permanent");
    assert_eq!(kind(Fault::Client), "permanent");
    // A break after the conversation began may follow an accepted DATA.
    assert_eq!(kind(Fault::Broken), "unknown");
    assert_eq!(kind(Fault::Reply(250)), "unknown");

    let SendError::Permanent { channel, reason } = send_error(Fault::Reply(535), s, "5.7.8 bad")
    else {
        panic!()
    };
    assert_eq!(channel, Channel::Email);
    assert!(
        reason.contains("authentication failed") && reason.contains(s),
        "{reason}"
    );

    assert!(matches!(
        check_error(Fault::Reply(535), s, "x"),
        SmtpError::Authentication { .. }
    ));
    assert!(matches!(
        check_error(Fault::Reply(530), s, "x"),
        SmtpError::Authentication { .. }
    ));
    assert!(matches!(
        check_error(Fault::Reply(554), s, "x"),
        SmtpError::Rejected { code: 554, .. }
    ));
    assert!(matches!(
        check_error(Fault::Connect, s, "x"),
        SmtpError::Connect { .. }
    ));
    assert!(matches!(
        check_error(Fault::Tls, s, "x"),
        SmtpError::Tls { .. }
    ));
    assert!(matches!(
        check_error(Fault::Broken, s, "x"),
        SmtpError::Protocol { .. }
    ));
}

#[test]
fn key_tokens_are_ascii_stable_and_distinct() {
    let t = key_token("dues_in_arrears/member#7/2024-06-01");
    assert!(t.starts_with("dues_in_arrears-member-7-2024-06-01."), "{t}");
    assert_eq!(t, key_token("dues_in_arrears/member#7/2024-06-01"));
    assert_ne!(key_token("member#7"), key_token("member-7"));
    assert!(key_token("").starts_with("key."));
    let long = key_token(&"党".repeat(500));
    assert!(long.is_ascii() && long.len() <= 64 + 1 + 16, "{long}");
}

fn message() -> OutgoingMessage {
    OutgoingMessage::new(
        "dues_in_arrears/member#7/2024-06-01",
        Channel::Email,
        "liming@example.com",
        "李明",
        "李明同志：请及时交纳党费。",
    )
    .subject("党费交纳提醒")
    .bcc("archive@example.com")
}

#[test]
fn messages_carry_the_key_and_hide_the_bcc() {
    let sender = config::parse_sender(SENDER).unwrap();
    let (email, id) = build_message(&sender, &message()).unwrap();
    assert!(
        id.starts_with("<dues_in_arrears-member-7-2024-06-01.") && id.ends_with("@example.com>")
    );
    let text = String::from_utf8(email.formatted()).unwrap();
    assert!(text.contains(&format!("Message-ID: {id}")), "{text}");
    assert!(
        text.contains("X-Dangjian-Key: dues_in_arrears/member#7/2024-06-01"),
        "{text}"
    );
    assert!(
        text.contains("Content-Type: text/plain; charset=utf-8"),
        "{text}"
    );
    assert!(!text.contains("archive@example.com"), "{text}");
    assert!(!text.contains("李明"), "names and body are encoded: {text}");
    let to: Vec<String> = email
        .envelope()
        .to()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(to, ["liming@example.com", "archive@example.com"]);
    assert_eq!(
        email.envelope().from().map(ToString::to_string).as_deref(),
        Some("dangwei@example.com")
    );
}

#[test]
fn bad_messages_are_permanent_before_connecting() {
    let sender = config::parse_sender(SENDER).unwrap();
    let mut bad_to = message();
    bad_to.to = "liming at example.com".into();
    let bad_bcc = message().bcc("nobody");
    let mut hidden = message();
    hidden.to_name = "李\u{202E}明".into();
    let mut sms = message();
    sms.channel = Channel::Sms;
    for (what, m) in [
        ("to", bad_to),
        ("bcc", bad_bcc),
        ("name", hidden),
        ("channel", sms),
    ] {
        let e = build_message(&sender, &m).unwrap_err();
        assert!(matches!(e, SendError::Permanent { .. }), "{what}: {e:?}");
    }
    // A key or a subject with line breaks never adds a header.
    let mut odd = message().subject("通知\r\nBcc: x@example.com");
    odd.idempotency_key = "k\r\nBcc: x@example.com".into();
    let (email, _) = build_message(&sender, &odd).unwrap();
    let text = String::from_utf8(email.formatted()).unwrap();
    assert!(!text.contains("Bcc: x@example.com"), "{text}");
}
